"""Live interviews page: the interviews running now, refreshed every few seconds, one of them
followed as it is spoken, and (owners and recruiters) ended on the spot after a confirmation.

The board is a fragment that fetches afresh every `REFRESH_S` seconds (no cache: it is live
by definition). Ending is a button callback, so the run that follows the click already shows
the board without the ended interview.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from console.api_client import ApiFailure
from console.errors import error_text
from console.i18n import add_texts, t
from console.markdown import plain, word
from console.state import client
from console.workspace_picker import pick_workspace

add_texts(
    {
        "live_interviews": {"en": "Live interviews", "ru": "Идущие интервью"},
        "lv_refresh": {
            "en": "Interviews running now; the list refreshes every few seconds.",
            "ru": "Интервью, которые идут сейчас; список обновляется каждые несколько секунд.",
        },
        "lv_empty": {
            "en": "No interview is running now. Invite candidates from the Candidates page.",
            "ru": "Сейчас не идёт ни одно интервью. Пригласите кандидатов на странице «Кандидаты».",
        },
        "lv_candidate": {"en": "Candidate", "ru": "Кандидат"},
        "lv_vacancy": {"en": "Vacancy", "ru": "Вакансия"},
        "lv_elapsed": {"en": "Elapsed", "ru": "Идёт"},
        "lv_question": {"en": "Question", "ru": "Вопрос"},
        "lv_latency": {"en": "Last voice-to-voice", "ru": "Последняя задержка ответа"},
        "lv_connection": {"en": "Connection", "ru": "Связь"},
        "lv_connected": {"en": "connected", "ru": "на связи"},
        "lv_away": {"en": "not connected", "ru": "не на связи"},
        "lv_node": {"en": "Node", "ru": "Узел"},
        "lv_language": {"en": "Language", "ru": "Язык"},
        "lv_follow": {"en": "Follow the interview", "ru": "Следить за интервью"},
        "lv_transcript": {"en": "Transcript, as it is spoken", "ru": "Стенограмма по ходу"},
        "lv_end": {"en": "End interview", "ru": "Завершить интервью"},
        "lv_end_confirm": {
            "en": "End the interview with {name} now? The candidate is disconnected and the "
            "link stops working; what was answered is still analysed.",
            "ru": "Завершить интервью с кандидатом {name} сейчас? Кандидат будет отключён, "
            "ссылка перестанет работать; уже данные ответы всё равно будут проанализированы.",
        },
        "lv_end_yes": {"en": "Yes, end it", "ru": "Да, завершить"},
        "lv_end_no": {"en": "Cancel", "ru": "Отмена"},
        "lv_ended": {
            "en": "The interview with {name} was ended.",
            "ru": "Интервью с кандидатом {name} завершено.",
        },
        "lv_not_running": {
            "en": "This interview is no longer running: it has already ended.",
            "ru": "Это интервью уже не идёт: оно завершилось.",
        },
        "lv_lang_ru": {"en": "Russian", "ru": "русский"},
        "lv_lang_en": {"en": "English", "ru": "английский"},
    }
)
EDITORS = ("owner", "recruiter")  # roles that may end an interview
REFRESH_S = 3
PICK = "lv_pick"  # session keys: the interview followed,
CONFIRM = "lv_confirm"  # the one whose end awaits confirmation,
NOTICE = "lv_notice"  # and the outcome of the last end: (kind, text)


def live_page() -> None:
    """The workspace's running interviews."""
    st.title(t("live_interviews"))
    chosen = pick_workspace("live_workspace")
    if chosen is None:
        return
    workspace_id, role = chosen
    st.caption(t("lv_refresh"))
    _board(workspace_id, role in EDITORS)


@st.fragment(run_every=REFRESH_S)
def _board(workspace_id: str, editor: bool) -> None:
    """The table, the followed interview's transcript and the end button, fetched afresh."""
    if notice := st.session_state.pop(NOTICE, None):
        getattr(st, notice[0])(notice[1])
    try:
        rows = client().live_interviews(workspace_id)
    except ApiFailure as e:
        st.error(error_text(e))
        return
    if not rows:
        st.info(t("lv_empty"))
        return
    st.dataframe(_table(rows), hide_index=True)
    names = {
        r["interview_id"]: f"{r['candidate_name'] or '—'} · {r['vacancy_title']}" for r in rows
    }
    if st.session_state.get(PICK) not in names:
        st.session_state.pop(PICK, None)  # it ended: follow the first one still running
    interview_id = st.selectbox(
        t("lv_follow"), list(names), format_func=names.__getitem__, key=PICK
    )
    row = next(r for r in rows if r["interview_id"] == interview_id)
    if editor:
        _end_controls(workspace_id, row)
    _transcript(workspace_id, interview_id)


def _table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("lv_candidate"): [r["candidate_name"] or "—" for r in rows],
            t("lv_vacancy"): [r["vacancy_title"] for r in rows],
            t("lv_elapsed"): [_clock(r["elapsed_s"]) for r in rows],
            t("lv_question"): [_progress(r) for r in rows],
            t("lv_latency"): [_latency(r["voice_to_voice_ms"]) for r in rows],
            t("lv_connection"): [t("lv_connected" if r["connected"] else "lv_away") for r in rows],
            t("lv_language"): [word("lv_lang_", r["language"]) for r in rows],
            t("lv_node"): [(r["node"] or "—")[:12] for r in rows],
        }
    )


def _clock(seconds: float) -> str:
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _progress(row: dict[str, Any]) -> str:
    current = row["question_index"]
    return f"{current if current is not None else '—'} / {row['questions_total']}"


def _latency(ms: int | None) -> str:
    return "—" if ms is None else f"{ms} ms"


def _transcript(workspace_id: str, interview_id: int) -> None:
    st.subheader(t("lv_transcript"))
    try:
        interview = client().interview(workspace_id, interview_id)
    except ApiFailure as e:
        st.error(error_text(e))
        return
    lines = [
        f"**{word('', turn['role'])}:** {plain(turn['text'])}"
        for turn in interview["turns"]
        if turn["text"].strip()
    ]
    st.markdown("\n\n".join(lines) if lines else t("empty_transcript"))


# ---- ending: a button, a confirmation, the call in a callback --------------------------------


def _end_controls(workspace_id: str, row: dict[str, Any]) -> None:
    interview_id = row["interview_id"]
    name = row["candidate_name"] or "—"
    if st.session_state.get(CONFIRM) != interview_id:
        st.button(t("lv_end"), key="lv_end", on_click=_ask, args=(interview_id,))
        return
    st.warning(t("lv_end_confirm").format(name=name))
    yes, no = st.columns(2)
    yes.button(
        t("lv_end_yes"), key="lv_end_yes", type="primary", on_click=_end,
        args=(workspace_id, interview_id, name),
    )  # fmt: skip
    no.button(t("lv_end_no"), key="lv_end_no", on_click=_ask, args=(None,))


def _ask(interview_id: int | None) -> None:
    st.session_state[CONFIRM] = interview_id


def _end(workspace_id: str, interview_id: int, name: str) -> None:
    """End the interview; leave the outcome (or a readable error) for the next run."""
    st.session_state[CONFIRM] = None
    try:
        client().end_interview(workspace_id, interview_id)
    except ApiFailure as e:
        text = t("lv_not_running") if e.code == "interview_not_running" else error_text(e)
        st.session_state[NOTICE] = ("error", text)
        return
    st.session_state[NOTICE] = ("success", t("lv_ended").format(name=name))
