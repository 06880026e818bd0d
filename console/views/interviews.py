"""Interviews & reports page: a vacancy's interview analytics and interviews, then one
interview's report (verdict, scored criteria with evidence, flags), its PDF and transcript.

Reads are cached briefly per user; starting an analysis or rendering a PDF drops those caches.
The buttons act in callbacks, so the rerun that follows a click already shows the new report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from console.api_client import ApiClient, ApiFailure
from console.errors import error_text, show_error
from console.i18n import TEXTS, language, t
from console.markdown import plain, word
from console.state import api_for
from console.workspace_picker import pick_workspace

CRITERIA = (
    "technical_skills",
    "experience_relevance",
    "communication",
    "problem_solving",
    "cultural_fit",
)
RECOMMENDATIONS = ("strongly_recommend", "recommend", "consider", "reject", "insufficient")
FINISHED = ("completed", "failed")  # interview statuses that can be analysed
EDITORS = ("owner", "recruiter")  # roles that may start analyses and render PDFs
NOTICE = "interviews_notice"  # session key: the outcome of the last button, per interview
_QUOTES = {"en": ("“", "”"), "ru": ("«", "»")}


def _api(token: str) -> ApiClient:
    return api_for(token)


@st.cache_data(ttl=15, show_spinner=False)
def _vacancies(token: str, workspace_id: str) -> list[dict[str, Any]]:
    return _api(token).vacancies(workspace_id)


@st.cache_data(ttl=15, show_spinner=False)
def _interviews(token: str, workspace_id: str, vacancy_id: int) -> list[dict[str, Any]]:
    return _api(token).vacancy_interviews(workspace_id, vacancy_id)


@st.cache_data(ttl=15, show_spinner=False)
def _analytics(token: str, workspace_id: str, vacancy_id: int) -> dict[str, Any]:
    return _api(token).vacancy_analytics(workspace_id, vacancy_id)


@st.cache_data(ttl=15, show_spinner=False)
def _report(token: str, workspace_id: str, interview_id: int) -> dict[str, Any]:
    return _api(token).interview_report(workspace_id, interview_id)


@st.cache_data(ttl=15, show_spinner=False)
def _interview(token: str, workspace_id: str, interview_id: int) -> dict[str, Any]:
    return _api(token).interview(workspace_id, interview_id)


@st.cache_data(ttl=300, show_spinner=False, max_entries=20)
def _pdf(token: str, workspace_id: str, interview_id: int, generated_at: str | None) -> bytes:
    """The stored PDF; `generated_at` is part of the key so a new rendering is fetched anew."""
    return _api(token).report_pdf(workspace_id, interview_id)


def _forget() -> None:
    """Drop the cached reads that a new analysis or PDF makes stale."""
    for loader in (_interviews, _analytics, _report, _pdf):
        loader.clear()


def interviews_page() -> None:
    """Pick a workspace and vacancy; show its analytics, its interviews and one report."""
    st.title(t("interviews"))
    chosen = pick_workspace("interviews_workspace")
    if chosen is None:
        return
    workspace_id, role = chosen
    token = st.session_state["token"]
    try:
        vacancy_rows = _vacancies(token, workspace_id)
    except ApiFailure as e:
        show_error(e)
        return
    if not vacancy_rows:
        st.info(t("no_vacancies"))
        return
    # The selectbox reports its choice by label, so labels must be unique.
    repeated = Counter(v["title"] for v in vacancy_rows)
    titles = {
        v["id"]: v["title"] if repeated[v["title"]] == 1 else f"{v['title']} · #{v['id']}"
        for v in vacancy_rows
    }
    vacancy_id = st.selectbox(
        t("vacancy"), list(titles), format_func=titles.__getitem__, key="interviews_vacancy"
    )
    try:
        stats = _analytics(token, workspace_id, vacancy_id)
        rows = _interviews(token, workspace_id, vacancy_id)
    except ApiFailure as e:
        show_error(e)
        return
    _analytics_view(stats)
    if not rows:
        st.info(t("no_interviews"))
        return
    _interviews_table(rows)
    labels = {
        r["interview_id"]: f"{r['full_name'] or '—'} · {word('iv_', r['status'])} "
        f"· {word('ch_', r['channel'])} · #{r['interview_id']}"
        for r in rows
    }
    interview_id = st.selectbox(
        t("interview"), list(labels), format_func=labels.__getitem__, key="interviews_interview"
    )
    row = next(r for r in rows if r["interview_id"] == interview_id)
    report_view(token, workspace_id, row, can_edit=role in EDITORS)
    transcript_view(token, workspace_id, interview_id)


def _analytics_view(stats: dict[str, Any]) -> None:
    """Funnel and score figures of the vacancy, with the recommendation mix and averages."""
    done, rate, reports, average = st.columns(4)
    done.metric(
        t("interviews_done"),
        f"{stats['completed']} / {stats['started']}",
        help=t("interviews_done_help").format(invited=stats["invited"], failed=stats["failed"]),
    )
    rate_value = stats["completion_rate"]
    rate.metric(t("completion_rate"), "—" if rate_value is None else f"{rate_value:.0%}")
    reports.metric(t("reports"), stats["reports"])
    overall = stats["average_overall"]
    average.metric(t("average_overall"), "—" if overall is None else f"{overall:.0f} / 100")
    if not stats["reports"]:
        return
    mix, scores = st.columns(2)
    with mix:
        st.markdown(f"**{t('recommendation_mix')}**")
        counts = stats["recommendations"]
        _bars([t(k) for k in RECOMMENDATIONS], [counts.get(k, 0) for k in RECOMMENDATIONS])
    with scores:
        st.markdown(f"**{t('average_by_criterion')}**")
        averages = stats["average_scores"]
        _bars([t(c) for c in CRITERIA], [averages.get(c) for c in CRITERIA])


def _bars(labels: list[str], values: list[float | None]) -> None:
    """A small horizontal bar chart that keeps the given order."""
    frame = pd.DataFrame({"label": labels, "value": values})
    st.bar_chart(
        frame, x="label", y="value", x_label="", y_label="", horizontal=True, sort=False,
        height=220,
    )  # fmt: skip


def _interviews_table(rows: list[dict[str, Any]]) -> None:
    """The vacancy's interviews, best report first, words translated."""
    frame = pd.DataFrame(
        {
            t("candidate"): [r["full_name"] or "—" for r in rows],
            t("status"): [word("iv_", r["status"]) for r in rows],
            t("interview_channel"): [word("ch_", r["channel"]) for r in rows],
            t("report_status"): [word("rs_", r["report_status"] or "none") for r in rows],
            t("overall"): [r["overall"] for r in rows],
            t("recommendation"): [word("", r["recommendation"]) for r in rows],
            t("ended"): pd.to_datetime([r["ended_at"] for r in rows]).strftime("%Y-%m-%d %H:%M"),
        }
    )
    st.dataframe(frame.fillna("—"), hide_index=True, width="stretch")


# ---- one interview's report -----------------------------------------------------------------


def report_view(token: str, workspace_id: str, row: dict[str, Any], *, can_edit: bool) -> None:
    """The report, or why there is none yet, with the analysis and PDF buttons."""
    interview_id = row["interview_id"]
    st.subheader(f"{t('report')} · {row['full_name'] or '—'}")
    _notice(token, workspace_id, interview_id)
    try:
        report = _report(token, workspace_id, interview_id)
    except ApiFailure as e:
        if e.status == 404:
            finished = row["status"] in FINISHED
            st.info(t("no_report") if finished else f"{t('no_report')} {t('not_finished')}")
            if finished and can_edit:
                _analyse_button(token, workspace_id, interview_id, "analyse")
        elif e.code == "report_not_ready":
            st.info(error_text(e))
            st.button(t("refresh"), key="interviews_refresh", on_click=_forget)
        else:
            show_error(e)
        return
    _verdict(report)
    _criteria(report)
    _findings(report)
    if report["summary"]:
        st.markdown(f"**{t('summary')}**")
        st.markdown(plain(report["summary"]))
    actions = st.columns(3)
    if can_edit:
        with actions[0]:
            _analyse_button(token, workspace_id, interview_id, "analyse_again")
        with actions[1]:
            st.button(
                t("render_pdf"), key="interviews_render_pdf", on_click=_act,
                args=(token, interview_id, "pdf",
                      lambda api: api.render_report_pdf(workspace_id, interview_id)),
            )  # fmt: skip
    with actions[2]:
        _download(token, workspace_id, report)


def _verdict(report: dict[str, Any]) -> None:
    st.markdown(f"#### {t('verdict')}")
    overall, recommendation, status = st.columns(3)
    score = report["overall"]
    overall.metric(t("overall_score"), "—" if score is None else f"{score} / 100")
    recommendation.metric(
        t("recommendation"),
        word("", report["recommendation"]) if report["recommendation"] else t("no_recommendation"),
    )
    status.metric(t("report_status"), word("rs_", report["status"]))
    if report["status"] == "partial":
        assessed = sum(c["score"] is not None for c in report["criteria"])
        st.warning(t("note_partial").format(assessed=assessed, total=len(report["criteria"])))
    elif report["status"] == "insufficient":
        st.warning(t("note_insufficient"))
    for reason in report["capped_because"]:
        if f"reason_{reason}" in TEXTS:
            st.warning(t(f"reason_{reason}"))
    note = t("engine_note").format(engine=report["engine"])
    if report.get("fallback_reason"):
        note += " · " + t("fallback_note").format(reason=report["fallback_reason"])
    st.caption(note)


def _criteria(report: dict[str, Any]) -> None:
    """Each criterion's score as a bar with its weight, then its rationale and quotes."""
    st.markdown(f"#### {t('criteria')}")
    _scores_chart(report)
    opening, closing = _QUOTES.get(language(), _QUOTES["en"])
    for item in report["criteria"]:
        name = word("", item["criterion"])
        score = item["score"]
        shown = t("not_assessed") if score is None else f"{score} / 100"
        head = f"{name} — {shown} · {t('weight')} {item['weight']:.0%}"
        st.progress(0 if score is None else int(score), text=head)
        with st.expander(f"{name}: {t('evidence').lower()}"):
            if item["rationale"]:
                st.markdown(plain(item["rationale"]))
            quotes = [
                f"- {opening}{plain(q['quote'])}{closing} — {t('turn')} {q['turn']}"
                for q in item["evidence"]
            ]
            st.markdown("\n".join(quotes) if quotes else t("no_evidence"))


def _scores_chart(report: dict[str, Any]) -> None:
    """The five scores side by side, each bar's tooltip with its weight."""
    frame = pd.DataFrame(
        {
            "criterion": [word("", c["criterion"]) for c in report["criteria"]],
            "score": [c["score"] for c in report["criteria"]],
            "weight": [c["weight"] for c in report["criteria"]],
        }
    ).dropna(subset=["score"])
    if frame.empty:
        return
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("score:Q", scale=alt.Scale(domain=[0, 100]), title=t("score")),
            y=alt.Y("criterion:N", sort=None, title=None),
            tooltip=[
                alt.Tooltip("criterion:N", title=t("criteria")),
                alt.Tooltip("score:Q", title=t("score")),
                alt.Tooltip("weight:Q", format=".0%", title=t("weight")),
            ],
        )
        .properties(height=180)
    )
    st.altair_chart(chart, width="stretch")


def _findings(report: dict[str, Any]) -> None:
    """Strengths, concerns and red flags side by side."""
    flags = [
        f"**{word('flag_', f['kind'])}**"
        + (f" ({t('turn')} {f['turn']})" if f["turn"] is not None else "")
        + f": {plain(f['text'])}"
        for f in report["red_flags"]
    ]
    columns = st.columns(3)
    for column, title, items in zip(
        columns,
        ("strengths", "concerns", "red_flags"),
        ([plain(s) for s in report["strengths"]], [plain(c) for c in report["concerns"]], flags),
        strict=True,
    ):
        with column:
            st.markdown(f"**{t(title)}**")
            st.markdown("\n".join(f"- {item}" for item in items) if items else t("none_noted"))


def _download(token: str, workspace_id: str, report: dict[str, Any]) -> None:
    if not report["has_pdf"]:
        st.caption(t("no_pdf"))
        return
    interview_id = report["interview_id"]
    try:
        data = _pdf(token, workspace_id, interview_id, report.get("pdf_generated_at"))
    except ApiFailure as e:
        show_error(e)
        return
    st.download_button(
        t("download_pdf"), data, file_name=f"interview-{interview_id}-report.pdf",
        mime="application/pdf", key="interviews_download_pdf", on_click="ignore",
    )  # fmt: skip


def transcript_view(token: str, workspace_id: str, interview_id: int) -> None:
    with st.expander(t("transcript")):
        try:
            interview = _interview(token, workspace_id, interview_id)
        except ApiFailure as e:
            show_error(e)
            return
        lines = [
            f"**[{turn['seq']}] {word('', turn['role'])}:** {plain(turn['text'])}"
            for turn in interview["turns"]
            if turn["text"].strip()
        ]
        st.markdown("\n\n".join(lines) if lines else t("empty_transcript"))


# ---- buttons: they act in callbacks and leave their outcome in NOTICE ----------------------


def _analyse_button(token: str, workspace_id: str, interview_id: int, label: str) -> None:
    st.button(
        t(label), key="interviews_analyse", type="primary", on_click=_act,
        args=(token, interview_id, "job",
              lambda api: api.analyse_interview(workspace_id, interview_id)),
    )  # fmt: skip


def _act(
    token: str, interview_id: int, kind: str, call: Callable[[ApiClient], dict[str, Any]]
) -> None:
    """Make a button's API call; keep its answer (a job, a PDF) or its error in NOTICE."""
    try:
        answer = call(_api(token))
    except ApiFailure as e:
        st.session_state[NOTICE] = {"interview_id": interview_id, "error": error_text(e)}
        return
    _forget()
    st.session_state[NOTICE] = {"interview_id": interview_id, kind: answer}


def _notice(token: str, workspace_id: str, interview_id: int) -> None:
    """What the last button did for this interview: the job's state, the PDF, or the error."""
    notice = st.session_state.get(NOTICE)
    if not notice or notice["interview_id"] != interview_id:
        return
    if "error" in notice:
        st.error(notice["error"])
    elif notice.get("pdf"):
        st.success(t("pdf_rendered"))
    else:
        job = notice["job"]
        text = t("job_status").format(job=job["job_id"], status=word("job_", job["status"]))
        if job["status"] == "succeeded":
            st.success(text)
        elif job["status"] in ("failed", "cancelled"):
            st.error(f"{text}: {job.get('error') or ''}")
        else:
            st.info(text)
            st.button(
                t("refresh"), key="interviews_refresh_job", on_click=_act,
                args=(token, interview_id, "job",
                      lambda api: api.analysis_job(workspace_id, job["job_id"])),
            )  # fmt: skip
