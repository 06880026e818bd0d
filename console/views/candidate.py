"""Candidate page: who they are (profile), what they sent (resume text with findings
marked), how they were screened for each vacancy (stage changes here), their interviews
(transcript, live while one runs, and the report), notes and the activity timeline.

Without a candidate in the URL (`?candidate=ID`) the page finds one by name or e-mail.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd
import streamlit as st

from console import analytics
from console.api_client import ApiFailure
from console.bulk_actions import STAGES
from console.errors import show_error
from console.i18n import TEXTS, add_texts, t
from console.markdown import plain, word, words
from console.state import api_for, client
from console.views.interviews import report_view, transcript_view
from console.widgets import pick_and_act
from console.workspace_picker import pick_workspace

add_texts(
    {
        "cp_title": {"en": "Candidate", "ru": "Кандидат"},
        "cp_find": {
            "en": "Find a candidate by name or e-mail",
            "ru": "Найти кандидата по имени или почте",
        },
        "cp_found_none": {"en": "Nobody found.", "ru": "Никого не найдено."},
        "cp_pick": {"en": "Candidate", "ru": "Кандидат"},
        "cp_open": {"en": "Open candidate", "ru": "Открыть кандидата"},
        "cp_back": {"en": "← Find another candidate", "ru": "← Найти другого кандидата"},
        "cp_tab_profile": {"en": "Profile", "ru": "Профиль"},
        "cp_tab_resume": {"en": "Resume", "ru": "Резюме"},
        "cp_tab_screening": {"en": "Screening", "ru": "Скрининг"},
        "cp_tab_interviews": {"en": "Interviews", "ru": "Интервью"},
        "cp_tab_notes": {"en": "Notes & activity", "ru": "Заметки и история"},
        "cp_skills": {"en": "Skills", "ru": "Навыки"},
        "cp_jobs": {"en": "Experience", "ru": "Опыт работы"},
        "cp_total_years": {
            "en": "Total experience: {years} years",
            "ru": "Общий опыт: {years} лет",
        },
        "cp_education": {"en": "Education", "ru": "Образование"},
        "cp_languages": {"en": "Languages", "ru": "Языки"},
        "cp_company": {"en": "Company", "ru": "Компания"},
        "cp_position": {"en": "Position", "ru": "Должность"},
        "cp_from": {"en": "From", "ru": "С"},
        "cp_to": {"en": "To", "ru": "По"},
        "cp_now": {"en": "now", "ru": "наст. время"},
        "cp_no_resume": {"en": "No resume yet.", "ru": "Резюме пока нет."},
        "cp_resume_failed": {
            "en": "This file could not be read: {reason}",
            "ru": "Файл не прочитан: {reason}",
        },
        "cp_hidden": {
            "en": "Hidden text found in the file (invisible to a reader, visible to a machine):",
            "ru": "В файле найден скрытый текст (не виден человеку, виден машине):",
        },
        "cp_marked": {
            "en": "Marked in the text below: what the file hides from a human reader and what "
            "it tells an AI to do.",
            "ru": "Ниже в тексте отмечено то, что файл скрывает от человека, и то, что он "
            "велит делать ИИ.",
        },
        "cp_instructions": {
            "en": "Instructions to an AI found in the text:",
            "ru": "В тексте найдены указания для ИИ:",
        },
        "cp_truncated": {
            "en": "The text is shortened for display.",
            "ru": "Текст сокращён для показа.",
        },
        "cp_no_applications": {
            "en": "Not applied to any vacancy.",
            "ru": "Откликов на вакансии нет.",
        },
        "cp_rationale": {"en": "Why", "ru": "Почему"},
        "cp_plan": {"en": "Interview plan", "ru": "План интервью"},
        "cp_no_plan": {
            "en": "No plan yet (not screened).",
            "ru": "Плана пока нет (скрининга не было).",
        },
        "cp_set_stage": {"en": "Move to stage", "ru": "Перевести на этап"},
        "cp_invite": {
            "en": "Invite to a voice interview",
            "ru": "Пригласить на голосовое интервью",
        },
        "cp_telegram_link": {
            "en": "Or in Telegram: this link opens the chat with the company's account.",
            "ru": "Или в Telegram: эта ссылка открывает чат с аккаунтом компании.",
        },
        "cp_invited": {
            "en": "Invitation ready: send the candidate this link.",
            "ru": "Приглашение готово: отправьте кандидату эту ссылку.",
        },
        "cp_link_once": {
            "en": "Valid until {expires} UTC. It is shown only now.",
            "ru": "Действует до {expires} UTC. Показывается только сейчас.",
        },
        "cp_stage_saved": {"en": "Stage changed to “{stage}”.", "ru": "Этап изменён: «{stage}»."},
        "cp_no_interviews": {"en": "No interviews yet.", "ru": "Интервью пока не было."},
        "cp_pick_interview": {"en": "Interview", "ru": "Интервью"},
        "cp_live": {
            "en": "The interview is running: the transcript refreshes every few seconds.",
            "ru": "Интервью идёт: стенограмма обновляется каждые несколько секунд.",
        },
        "cp_notes": {"en": "Notes", "ru": "Заметки"},
        "cp_note": {"en": "New note", "ru": "Новая заметка"},
        "cp_add_note": {"en": "Add note", "ru": "Добавить заметку"},
        "cp_note_saved": {"en": "Note added.", "ru": "Заметка добавлена."},
        "cp_no_notes": {"en": "No notes yet.", "ru": "Заметок пока нет."},
        "cp_timeline": {"en": "Activity", "ru": "История"},
        "cp_when": {"en": "When", "ru": "Когда"},
        "cp_who": {"en": "Who", "ru": "Кто"},
        "cp_what": {"en": "What", "ru": "Что"},
        "cp_details": {"en": "Details", "ru": "Подробности"},
        "cp_system": {"en": "the product", "ru": "система"},
    }
)
EDITORS = ("owner", "recruiter")
PARAM = "candidate"
NOTICE = "cp_notice"
LINK = "cp_link"  # session key: the interview link just issued (shown once)


def candidate_page() -> None:
    chosen = pick_workspace("candidate_workspace")
    if chosen is None:
        st.title(t("cp_title"))
        return
    workspace_id, role = chosen
    wanted = st.query_params.get(PARAM)
    if not (wanted and wanted.isdigit()):
        st.title(t("cp_title"))
        _find(workspace_id)
        return
    if st.button(t("cp_back"), key="cp_back"):
        st.query_params.pop(PARAM, None)
        st.rerun()
    try:
        data = _load(st.session_state["token"], workspace_id, int(wanted))
    except ApiFailure as e:
        st.title(t("cp_title"))
        show_error(e)
        return
    _header(data["candidate"])
    if notice := st.session_state.pop(NOTICE, None):
        st.success(notice)
    editor = role in EDITORS
    names = (
        "cp_tab_profile",
        "cp_tab_resume",
        "cp_tab_screening",
        "cp_tab_interviews",
        "cp_tab_notes",
    )
    tabs = dict(zip(names, st.tabs([t(n) for n in names]), strict=True))
    resumes = data["resumes"]
    with tabs["cp_tab_profile"]:
        _profile(next((r["profile"] for r in resumes if r.get("profile")), None))
    with tabs["cp_tab_resume"]:
        _resume(resumes[0] if resumes else None)
    with tabs["cp_tab_screening"]:
        _screening(workspace_id, data["applications"], editor)
    with tabs["cp_tab_interviews"]:
        _interviews(workspace_id, data, editor)
    with tabs["cp_tab_notes"]:
        _notes(workspace_id, data, editor)


@st.cache_data(ttl=5, show_spinner=False)
def _load(token: str, workspace_id: str, candidate_id: int) -> dict[str, Any]:
    return api_for(token).candidate_page(workspace_id, candidate_id)


def _changed(workspace_id: str, notice: str) -> None:
    _load.clear()
    analytics.forget(workspace_id)
    st.session_state[NOTICE] = notice
    st.rerun()


def _find(workspace_id: str) -> None:
    query = st.text_input(t("cp_find"), key="cp_query", max_chars=200).strip()
    if not query:
        return
    try:
        found = client().candidates(workspace_id, query)
    except ApiFailure as e:
        show_error(e)
        return
    if not found:
        st.info(t("cp_found_none"))
        return
    names = {c["id"]: " · ".join(x for x in (c["full_name"], c.get("email")) if x) for c in found}
    candidate_id = pick_and_act(
        t("cp_pick"), names, key="cp_pick", action=t("cp_open"), action_key="cp_open"
    )
    if candidate_id is not None:
        st.query_params[PARAM] = str(candidate_id)
        st.rerun()


def _header(candidate: dict[str, Any]) -> None:
    st.title(candidate["full_name"] or "—")
    contacts = [candidate.get(k) for k in ("email", "phone", "location")]
    if candidate.get("telegram_username"):
        contacts.append(f"@{candidate['telegram_username']}")
    st.caption(" · ".join(c for c in contacts if c) or "—")


def _profile(profile: dict[str, Any] | None) -> None:
    if not profile:
        st.info(t("cp_no_resume"))
        return
    if profile.get("summary"):
        st.markdown(plain(profile["summary"]))
    st.markdown(t("cp_total_years").format(years=f"{profile.get('total_years') or 0:g}"))
    if profile.get("skills"):
        st.markdown(f"**{t('cp_skills')}**")
        st.markdown(" ".join(f"`{plain(s)}`" for s in profile["skills"]))
    jobs = profile.get("experience") or []
    if jobs:
        st.markdown(f"**{t('cp_jobs')}**")
        st.dataframe(
            pd.DataFrame(
                {
                    t("cp_position"): [j.get("title") or "—" for j in jobs],
                    t("cp_company"): [j.get("company") or "—" for j in jobs],
                    t("cp_from"): [j.get("start") or "—" for j in jobs],
                    t("cp_to"): [
                        t("cp_now") if j.get("current") else j.get("end") or "—" for j in jobs
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    education = profile.get("education") or []
    if education:
        st.markdown(f"**{t('cp_education')}**")
        for item in education:
            parts = [item.get(k) for k in ("degree", "field", "institution")]
            year = item.get("year")
            st.markdown(
                "- " + plain(", ".join(str(p) for p in parts if p) + (f" ({year})" if year else ""))
            )
    languages = profile.get("languages") or []
    if languages:
        st.markdown(
            f"**{t('cp_languages')}**: "
            + ", ".join(f"{lang['name']} {lang.get('level') or ''}".strip() for lang in languages)
        )


def marked_text(text: str, hidden: str | None, findings: list[dict[str, Any]] | None = None) -> str:
    """The resume text as HTML-escaped preformatted text with the findings marked: every line
    of hidden text that also appears in it, and every instruction to an AI (`findings`, offsets
    into `text` from the API), so a recruiter sees what the file tries to slip past them."""
    spans = [(int(f["start"]), int(f["end"])) for f in findings or []]
    for line in {ln.strip() for ln in (hidden or "").splitlines() if len(ln.strip()) >= 4}:
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(line), text)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    parts, at = [], 0
    for start, end in merged:
        parts += [html.escape(text[at:start]), f"<mark>{html.escape(text[start:end])}</mark>"]
        at = end
    parts.append(html.escape(text[at:]))
    return f"<pre style='white-space: pre-wrap'>{''.join(parts)}</pre>"


def _resume(resume: dict[str, Any] | None) -> None:
    if resume is None:
        st.info(t("cp_no_resume"))
        return
    st.caption(f"{resume['file_name']} · {t('res_' + resume['status'])}")
    if resume["status"] == "failed":
        st.error(t("cp_resume_failed").format(reason=resume.get("failure_reason") or "—"))
        return
    for flag in resume.get("flags") or []:
        st.warning(t(flag) if flag in TEXTS else str(flag))
    hidden = resume.get("hidden_text")
    if hidden:
        st.error(t("cp_hidden"))
        st.code(hidden, language=None)
    findings = resume.get("findings") or []
    if findings:
        st.error(t("cp_instructions"))
        st.markdown("\n".join(f"- {plain(f['excerpt'])}" for f in findings))
    if hidden or findings:
        st.caption(t("cp_marked"))
    if resume.get("text_truncated"):
        st.caption(t("cp_truncated"))
    with st.container(height=500):
        st.markdown(
            marked_text(resume.get("text") or "", hidden, resume.get("findings")),
            unsafe_allow_html=True,
        )


def _screening(workspace_id: str, applications: list[dict[str, Any]], editor: bool) -> None:
    if not applications:
        st.info(t("cp_no_applications"))
        return
    for app in applications:
        screening = app.get("screening") or {}
        st.subheader(app["vacancy_title"])
        score, verdict = st.columns([1, 3])
        score.metric(t("score"), "—" if app["score"] is None else app["score"])
        verdict.markdown(  # words, not metrics: "strongly recommend" must not be cut short
            f"**{t('recommendation')}**: "
            f"{t(app['recommendation']) if app['recommendation'] else '—'}  \n"
            f"**{t('stage')}**: {t('stage_' + app['stage'])}  \n"
            f"**{t('source')}**: {word('src_', app['source'])}"
        )
        if screening:
            st.markdown(f"**{t('matched')}**: " + (plain(words(screening.get("matched"))) or "—"))
            st.markdown(f"**{t('missing')}**: " + (plain(words(screening.get("missing"))) or "—"))
            if screening.get("flags"):
                st.markdown(f"**{t('flags')}**: " + plain(words(screening["flags"])))
            if screening.get("rationale"):
                st.markdown(f"**{t('cp_rationale')}**: " + plain(screening["rationale"]))
        _plan(workspace_id, app["id"])
        if editor:
            _invite(workspace_id, app)
            _stage_control(workspace_id, app)
        st.divider()


def _plan(workspace_id: str, application_id: int) -> None:
    with st.expander(t("cp_plan")):
        try:
            plan = client().interview_plan(workspace_id, application_id)
        except ApiFailure as e:
            if e.code == "no_plan":
                st.caption(t("cp_no_plan"))
            else:
                show_error(e)
            return
        st.markdown(
            "\n".join(
                f"{i}. {plain(q['text'])}" for i, q in enumerate(plan.get("questions", []), 1)
            )
        )


def _invite(workspace_id: str, app: dict[str, Any]) -> None:
    """Invite to a voice interview; the link is shown once (the API keeps only its hash)."""
    shown = st.session_state.get(LINK)
    if shown and shown["application_id"] == app["id"]:
        st.success(t("cp_invited"))
        st.code(shown["link"], language=None)  # with a copy button
        if shown.get("telegram_link"):
            st.caption(t("cp_telegram_link"))
            st.code(shown["telegram_link"], language=None)
        expires = str(shown["expires_at"])[:16].replace("T", " ")
        st.caption(t("cp_link_once").format(expires=expires))
    if app.get("screening") is None:
        return
    if st.button(t("cp_invite"), key=f"cp_invite_{app['id']}"):
        try:
            answer = client().invite_to_interview(workspace_id, app["id"])
        except ApiFailure as e:
            show_error(e)
            return
        st.session_state[LINK] = {"application_id": app["id"], **answer}
        _load.clear()
        analytics.forget(workspace_id)
        st.rerun()


def _stage_control(workspace_id: str, app: dict[str, Any]) -> None:
    stages = {s: t(f"stage_{s}") for s in STAGES}
    stage = pick_and_act(
        t("cp_set_stage"), stages, key=f"cp_stage_{app['id']}", action=t("cp_set_stage"),
        action_key=f"cp_stage_button_{app['id']}", index=STAGES.index(app["stage"]),
    )  # fmt: skip
    if stage is not None and stage != app["stage"]:
        try:
            client().set_stage(workspace_id, app["id"], stage)
        except ApiFailure as e:
            show_error(e)
            return
        _changed(workspace_id, t("cp_stage_saved").format(stage=stages[stage]))


def _interviews(workspace_id: str, data: dict[str, Any], editor: bool) -> None:
    interviews = data["interviews"]
    if not interviews:
        st.info(t("cp_no_interviews"))
        return
    titles = {a["id"]: a["vacancy_title"] for a in data["applications"]}
    labels = {i["id"]: _interview_label(i, titles) for i in interviews}
    interview_id = st.selectbox(
        t("cp_pick_interview"), list(labels), format_func=labels.__getitem__, key="cp_interview"
    )
    interview = next(i for i in interviews if i["id"] == interview_id)
    token = st.session_state["token"]
    if interview["status"] == "active":
        st.info(t("cp_live"))
        _live_transcript(workspace_id, interview_id)
        return
    row = {
        "interview_id": interview_id,
        "full_name": data["candidate"]["full_name"],
        "status": interview["status"],
    }
    report_view(token, workspace_id, row, can_edit=editor)
    transcript_view(token, workspace_id, interview_id)


def _interview_label(interview: dict[str, Any], titles: dict[int, str]) -> str:
    vacancy = titles.get(interview["application_id"], "—")
    status = t(f"iv_{interview['status']}")
    return f"{vacancy} · {status} · {str(interview['created_at'])[:16]}"


@st.fragment(run_every=3)
def _live_transcript(workspace_id: str, interview_id: int) -> None:
    """The transcript as it is spoken, fetched afresh every few seconds."""
    try:
        interview = client().interview(workspace_id, interview_id)
    except ApiFailure as e:
        show_error(e)
        return
    lines = [
        f"**{t(turn['role']) if turn['role'] in TEXTS else turn['role']}:** {plain(turn['text'])}"
        for turn in interview["turns"]
        if turn["text"].strip()
    ]
    st.markdown("\n\n".join(lines) if lines else t("empty_transcript"))
    if interview["status"] != "active":
        _load.clear()
        st.rerun(scope="app")


def _notes(workspace_id: str, data: dict[str, Any], editor: bool) -> None:
    st.subheader(t("cp_notes"))
    if editor:
        body = st.text_area(t("cp_note"), key="cp_note_body", max_chars=5000)
        if st.button(t("cp_add_note"), key="cp_add_note"):
            try:
                client().add_note(workspace_id, data["candidate"]["id"], body)
            except ApiFailure as e:
                show_error(e)
            else:
                st.session_state.pop("cp_note_body", None)
                _changed(workspace_id, t("cp_note_saved"))
    notes = data["notes"]
    if not notes:
        st.caption(t("cp_no_notes"))
    for note in notes:
        author = note.get("author_name") or note.get("author_email") or "—"
        st.markdown(f"**{plain(author)}** · {str(note['created_at'])[:16]}")
        st.markdown(plain(note["body"]))
    st.subheader(t("cp_timeline"))
    timeline = data["timeline"]
    if not timeline:
        st.caption("—")
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("cp_when"): [str(e["created_at"])[:16] for e in timeline],
                t("cp_who"): [
                    e.get("actor_name")
                    or e.get("actor_email")
                    or e.get("actor_api_key_name")
                    or t("cp_system")
                    for e in timeline
                ],
                t("cp_what"): [e["action"] for e in timeline],
                t("cp_details"): [
                    ", ".join(f"{k}: {v}" for k, v in (e.get("details") or {}).items())
                    for e in timeline
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
