"""What a recruiter does to a lead beside answering it: move it along the funnel (lost and
archived need a reason), give it an owner, rate its quality 1–5, note something, and log a
reply that came another way (a call, a personal mailbox), which moves it to replied.

The controls start from the lead as stored each time the lead changes (its id, status, owner
or rating), so a move made elsewhere is never undone by a stale choice left on the screen.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import add_texts, t
from console.state import client
from console.views.leads_common import CLOSED, STATUSES, status_label
from console.widgets import call_then_rerun

add_texts(
    {
        "lm_move": {"en": "Move the lead", "ru": "Перевести лид"},
        "lm_to": {"en": "Status", "ru": "Статус"},
        "lm_reason": {"en": "Reason", "ru": "Причина"},
        "lm_reason_help": {
            "en": "Required for lost and archived; kept in the history.",
            "ru": "Обязательна для «Проигран» и «В архиве»; сохраняется в истории.",
        },
        "lm_move_button": {"en": "Move", "ru": "Перевести"},
        "lm_moved": {"en": "Moved to {status}.", "ru": "Переведён: {status}."},
        "lm_same": {"en": "The lead is already there.", "ru": "Лид уже в этом статусе."},
        "lm_reason_needed": {
            "en": "Say why: a lead moved to “{status}” needs a reason.",
            "ru": "Укажите причину: для статуса «{status}» она обязательна.",
        },
        "lm_bad_move": {
            "en": "A lead cannot go from “{current}” to “{target}”: it moves forward, one step "
            "back, or from lost / archived to new or qualified.",
            "ru": "Лид нельзя перевести из «{current}» в «{target}»: он движется вперёд, на "
            "один шаг назад или из проигранных / архива в новые или подходящие.",
        },
        "lm_team": {"en": "Owner and quality", "ru": "Ответственный и качество"},
        "lm_owner": {"en": "Owner", "ru": "Ответственный"},
        "lm_quality": {"en": "Quality (1–5)", "ru": "Качество (1–5)"},
        "lm_unrated": {"en": "not rated", "ru": "без оценки"},
        "lm_save": {"en": "Save", "ru": "Сохранить"},
        "lm_saved": {"en": "Saved.", "ru": "Сохранено."},
        "lm_note": {"en": "Note", "ru": "Заметка"},
        "lm_add_note": {"en": "Add the note", "ru": "Добавить заметку"},
        "lm_noted": {"en": "Note added.", "ru": "Заметка добавлена."},
        "lm_reply": {"en": "Log a reply", "ru": "Записать ответ"},
        "lm_reply_help": {
            "en": "A reply that came another way (a call, a personal mailbox): the lead moves "
            "to replied and the team is told.",
            "ru": "Ответ, пришедший другим путём (звонок, личная почта): лид перейдёт в "
            "«Ответили», команда получит уведомление.",
        },
        "lm_reply_text": {"en": "What they answered", "ru": "Что ответили"},
        "lm_log_reply": {"en": "Log the reply", "ru": "Записать ответ"},
        "lm_replied": {"en": "Reply logged.", "ru": "Ответ записан."},
        "lm_viewer": {
            "en": "Your role lets you read this lead, not change it.",
            "ru": "Ваша роль позволяет только просматривать этот лид.",
        },
    }
)
NOTICE = "ld_notice"  # the lead page's notice (console/views/lead_detail.py)
LOADED = "lm_loaded"
QUALITIES = (1, 2, 3, 4, 5)


def crm_section(
    workspace_id: str, lead: dict[str, Any], members: dict[int, str], editor: bool
) -> None:
    """Move, owner and quality, a note, a reply: each its own small form."""
    _load(lead)
    if not editor:
        st.caption(t("lm_viewer"))
    _move(workspace_id, lead, editor)
    _owner_and_quality(workspace_id, lead, members, editor)
    with st.form("lm_note_form", clear_on_submit=True):
        text = st.text_area(t("lm_note"), key="lm_note_text", max_chars=5000, disabled=not editor)
        if st.form_submit_button(t("lm_add_note"), disabled=not editor) and text.strip():
            _act(lambda: client().lead_note(workspace_id, lead["id"], text.strip()),
                 t("lm_noted"))  # fmt: skip
    with st.form("lm_reply_form", clear_on_submit=True):
        st.markdown(f"**{t('lm_reply')}**", help=t("lm_reply_help"))
        text = st.text_area(t("lm_reply_text"), key="lm_reply_text", max_chars=20000,
                            disabled=not editor)  # fmt: skip
        if st.form_submit_button(t("lm_log_reply"), disabled=not editor) and text.strip():
            _act(lambda: client().lead_reply(workspace_id, lead["id"], text.strip()),
                 t("lm_replied"))  # fmt: skip


def _load(lead: dict[str, Any]) -> None:
    """Reset the controls to the stored lead when it changed since they were drawn."""
    marker = f"{lead['id']}:{lead['status']}:{lead['owner_user_id']}:{lead['quality']}"
    if st.session_state.get(LOADED) != marker or "lm_status" not in st.session_state:
        st.session_state.update(
            lm_status=lead["status"], lm_reason="", lm_owner=lead["owner_user_id"] or 0,
            lm_quality=lead["quality"], **{LOADED: marker},
        )  # fmt: skip


def _move(workspace_id: str, lead: dict[str, Any], editor: bool) -> None:
    st.subheader(t("lm_move"))
    labels = {s: status_label(s) for s in STATUSES}
    target = st.selectbox(t("lm_to"), list(labels), format_func=labels.__getitem__,
                          key="lm_status", disabled=not editor)  # fmt: skip
    reason = st.text_input(t("lm_reason"), key="lm_reason", max_chars=500,
                           help=t("lm_reason_help"), disabled=not editor)  # fmt: skip
    if not st.button(t("lm_move_button"), key="lm_move", disabled=not editor):
        return
    current = lead["status"]
    if target == current:
        st.info(t("lm_same"))
        return
    if target in CLOSED and not reason.strip():
        st.error(t("lm_reason_needed").format(status=labels[target]))
        return
    try:
        client().update_lead(workspace_id, lead["id"], status=target,
                             reason=reason.strip() or None)  # fmt: skip
    except ApiFailure as e:
        if e.code == "invalid_transition":
            st.error(t("lm_bad_move").format(current=labels[current], target=labels[target]))
        else:
            show_error(e)
        return
    st.session_state[NOTICE] = t("lm_moved").format(status=labels[target])
    st.rerun()


def _owner_and_quality(
    workspace_id: str, lead: dict[str, Any], members: dict[int, str], editor: bool
) -> None:
    owners = {0: t("lc_nobody"), **members}
    if lead["owner_user_id"] and lead["owner_user_id"] not in owners:  # left the workspace
        owners[lead["owner_user_id"]] = f"#{lead['owner_user_id']}"
    qualities: dict[int | None, str] = {q: "★" * q for q in QUALITIES}
    if lead["quality"] is None:
        qualities = {None: t("lm_unrated"), **qualities}
    with st.form("lm_team_form"):
        st.markdown(f"**{t('lm_team')}**")
        owner = st.selectbox(t("lm_owner"), list(owners), format_func=owners.__getitem__,
                             key="lm_owner", disabled=not editor)  # fmt: skip
        quality = st.selectbox(t("lm_quality"), list(qualities),
                               format_func=qualities.__getitem__, key="lm_quality",
                               disabled=not editor)  # fmt: skip
        if not st.form_submit_button(t("lm_save"), disabled=not editor):
            return
    fields: dict[str, Any] = {}
    if owner != (lead["owner_user_id"] or 0):
        fields["owner_user_id"] = owner
    if quality is not None and quality != lead["quality"]:
        fields["quality"] = quality
    if fields:
        _act(lambda: client().update_lead(workspace_id, lead["id"], **fields), t("lm_saved"))


def _act(call: Any, notice: str) -> None:
    call_then_rerun(call, NOTICE, notice)
