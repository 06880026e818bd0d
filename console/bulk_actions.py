"""Bulk actions on the selected applications of a vacancy, one API call per application with a
progress bar: re-screen, invite to a voice interview, move to a stage, reject.

Each application succeeds or fails alone (a failure names the candidate and the reason); the
links of an invitation round are shown once and offered as a CSV, since the API shows a link
only in the answer that creates it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from console.api_client import ApiClient, ApiFailure
from console.errors import error_text
from console.i18n import add_texts, t
from console.state import client

add_texts(
    {
        "bulk_title": {"en": "Selected: {n}", "ru": "Выбрано: {n}"},
        "bulk_action": {"en": "Action", "ru": "Действие"},
        "bulk_rescreen": {"en": "Re-screen", "ru": "Повторный скрининг"},
        "bulk_invite": {
            "en": "Invite to a voice interview",
            "ru": "Пригласить на голосовое интервью",
        },
        "bulk_stage": {"en": "Move to a stage", "ru": "Перевести на этап"},
        "bulk_reject": {"en": "Reject", "ru": "Отказать"},
        "bulk_to_stage": {"en": "Stage", "ru": "Этап"},
        "bulk_run": {"en": "Apply to selected", "ru": "Применить к выбранным"},
        "bulk_none": {
            "en": "Tick candidates in the table first.",
            "ru": "Сначала отметьте кандидатов в таблице.",
        },
        "bulk_progress": {"en": "{done} of {total}", "ru": "{done} из {total}"},
        "bulk_result": {
            "en": "{ok} done, {failed} failed.",
            "ru": "Выполнено: {ok}, с ошибкой: {failed}.",
        },
        "bulk_failed_for": {"en": "{name}: {reason}", "ru": "{name}: {reason}"},
        "bulk_links": {"en": "Interview links", "ru": "Ссылки на интервью"},
        "bulk_links_once": {
            "en": "Send each candidate their link. The links are shown only now: download them.",
            "ru": "Отправьте каждому кандидату его ссылку. Ссылки показываются только сейчас — "
            "скачайте их.",
        },
        "bulk_download": {"en": "Download links (CSV)", "ru": "Скачать ссылки (CSV)"},
        "link": {"en": "Link", "ru": "Ссылка"},
        "link_expires": {"en": "Valid until", "ru": "Действует до"},
    }
)
ACTIONS = ("rescreen", "invite", "stage", "reject")
STAGES = ("new", "screened", "interview_scheduled", "interviewed", "offer", "hired", "rejected")
OUTCOME = "bulk_outcome"  # session key: the last run's results, shown until the next one


def bulk_panel(
    workspace_id: str, selected: list[dict[str, Any]], on_done: Callable[[], None]
) -> None:
    """The action picker for `selected` rows (ranking rows), and the last run's outcome;
    `on_done` runs after a run (caches and ticks to drop) before the page is drawn again."""
    st.markdown(f"**{t('bulk_title').format(n=len(selected))}**")
    labels = {a: t(f"bulk_{a}") for a in ACTIONS}
    left, middle, right = st.columns([2, 2, 1], vertical_alignment="bottom")
    action = left.selectbox(
        t("bulk_action"), list(labels), format_func=labels.__getitem__, key="bulk_action"
    )
    stage = None
    if action == "stage":
        stages = {s: t(f"stage_{s}") for s in STAGES}
        stage = middle.selectbox(
            t("bulk_to_stage"), list(stages), format_func=stages.__getitem__, key="bulk_stage"
        )
    if right.button(t("bulk_run"), key="bulk_run", type="primary"):
        if not selected:
            st.warning(t("bulk_none"))
        else:
            st.session_state[OUTCOME] = run(workspace_id, action, selected, stage)
            on_done()
            st.rerun()  # the table above shows the new stages and interviews
    _outcome(st.session_state.get(OUTCOME))


def _step(action: str, stage: str | None) -> Callable[[ApiClient, str, dict[str, Any]], Any]:
    if action == "rescreen":
        return lambda api, ws, row: api.screen_application(ws, row["application_id"])
    if action == "invite":
        return lambda api, ws, row: api.invite_to_interview(ws, row["application_id"])
    target = "rejected" if action == "reject" else stage or "new"
    return lambda api, ws, row: api.set_stage(ws, row["application_id"], target)


def run(
    workspace_id: str, action: str, rows: list[dict[str, Any]], stage: str | None = None
) -> dict[str, Any]:
    """Apply the action to each row in turn with a progress bar; what happened to each."""
    api, step = client(), _step(action, stage)
    bar = st.progress(0.0, text=t("bulk_progress").format(done=0, total=len(rows)))
    done: list[dict[str, Any]] = []
    failed: list[str] = []
    for i, row in enumerate(rows, start=1):
        try:
            answer = step(api, workspace_id, row)
            done.append({"row": row, "answer": answer})
        except ApiFailure as e:
            failed.append(t("bulk_failed_for").format(name=row["full_name"], reason=error_text(e)))
        bar.progress(i / len(rows), text=t("bulk_progress").format(done=i, total=len(rows)))
    links = [
        {
            "candidate": d["row"]["full_name"],
            "email": d["row"].get("email") or "",
            "link": d["answer"]["link"],
            "telegram_link": d["answer"].get("telegram_link") or "",
            "expires_at": d["answer"]["expires_at"],
        }
        for d in done
        if action == "invite"
    ]
    return {"ok": len(done), "failed": failed, "links": links}


def links_csv(links: list[dict[str, Any]]) -> bytes:
    """The invitation links as a CSV a mail merge can take (UTF-8 with a BOM for Excel)."""
    buffer = io.StringIO()
    pd.DataFrame(links, columns=["candidate", "email", "link", "expires_at"]).to_csv(
        buffer, index=False
    )
    return buffer.getvalue().encode("utf-8-sig")


def _outcome(outcome: dict[str, Any] | None) -> None:
    if not outcome:
        return
    message = t("bulk_result").format(ok=outcome["ok"], failed=len(outcome["failed"]))
    (st.warning if outcome["failed"] else st.success)(message)
    for line in outcome["failed"]:
        st.markdown(f"- {line}")
    if outcome["links"]:
        st.markdown(f"**{t('bulk_links')}**")
        st.caption(t("bulk_links_once"))
        frame = pd.DataFrame(outcome["links"])
        st.dataframe(
            frame.rename(
                columns={"candidate": t("candidate"), "email": t("email"), "link": t("link"),
                         "expires_at": t("link_expires")}
            ),
            hide_index=True,
            width="stretch",
        )  # fmt: skip
        st.download_button(
            t("bulk_download"), links_csv(outcome["links"]), file_name="interview-links.csv",
            mime="text/csv", key="bulk_download",
        )  # fmt: skip
