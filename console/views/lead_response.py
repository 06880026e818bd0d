"""The response editor of a lead: the subject and text the product drafted, edited by a person,
approved and sent (through the outbox, by the board's channel or e-mail).

The buttons follow the response's status (db/lead_responses.py): a draft or a failed response
can be drafted again, saved and approved; an approved one sent (or edited, which takes it back
to draft, since a person approves what actually goes); a queued or sent one is locked. Approve
saves an unsaved edit first, so what was approved is what is on the screen.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import add_texts, t
from console.state import client
from console.views.leads_common import source_label, when

add_texts(
    {
        "lrs_title": {"en": "Response", "ru": "Отклик"},
        "lrs_none": {
            "en": "No response drafted yet.",
            "ru": "Отклик ещё не подготовлен.",
        },
        "lrs_subject": {"en": "Subject", "ru": "Тема"},
        "lrs_recipient": {"en": "Send to (e-mail)", "ru": "Кому (e-mail)"},
        "lrs_body": {"en": "Text", "ru": "Текст"},
        "lrs_draft": {"en": "Draft", "ru": "Подготовить"},
        "lrs_redraft": {"en": "Draft again", "ru": "Подготовить заново"},
        "lrs_save": {"en": "Save", "ru": "Сохранить"},
        "lrs_approve": {"en": "Approve", "ru": "Одобрить"},
        "lrs_send": {"en": "Send", "ru": "Отправить"},
        "lrs_drafted": {"en": "A new draft is ready.", "ru": "Новый черновик готов."},
        "lrs_saved": {"en": "Response saved as a draft.", "ru": "Отклик сохранён как черновик."},
        "lrs_approved": {"en": "Response approved.", "ru": "Отклик одобрен."},
        "lrs_queued": {
            "en": "Response queued: it goes out with the next delivery.",
            "ru": "Отклик в очереди: уйдёт со следующей отправкой.",
        },
        "lrs_meta": {
            "en": "{status} · via {channel} · to {recipient} · {language} · written by {engine}",
            "ru": "{status} · канал: {channel} · кому: {recipient} · {language} · автор: {engine}",
        },
        "lrs_nobody": {"en": "the board's own contact", "ru": "контакт площадки"},
        "lrs_sent_at": {"en": "Sent {when}.", "ru": "Отправлен {when}."},
        "lrs_error": {"en": "Delivery failed: {error}", "ru": "Не отправлен: {error}"},
        "lrs_locked": {
            "en": "Queued or sent: the text can no longer change.",
            "ru": "В очереди или отправлен: текст больше нельзя изменить.",
        },
        "lrs_empty_body": {"en": "The text cannot be empty.", "ru": "Текст не может быть пустым."},
        "lrs_unchanged": {"en": "Nothing changed.", "ru": "Изменений нет."},
        "lrs_send_edited": {
            "en": "The text was edited: save and approve it before sending.",
            "ru": "Текст изменён: сохраните и одобрите его перед отправкой.",
        },
        "lrs_unsaved": {
            "en": "Edited: Save keeps it as a draft, Approve saves and approves it.",
            "ru": "Есть изменения: «Сохранить» оставит черновик, «Одобрить» сохранит и одобрит.",
        },
        "lrs_st_draft": {"en": "draft", "ru": "черновик"},
        "lrs_st_approved": {"en": "approved", "ru": "одобрен"},
        "lrs_st_queued": {"en": "queued", "ru": "в очереди"},
        "lrs_st_sent": {"en": "sent", "ru": "отправлен"},
        "lrs_st_failed": {"en": "failed", "ru": "ошибка"},
        "lrs_code_response_locked": {
            "en": "The response is queued or sent already: it can no longer change.",
            "ru": "Отклик уже в очереди или отправлен: его нельзя изменить.",
        },
    }
)
NOTICE = "ld_notice"  # the lead page's notice (console/views/lead_detail.py)
SUBJECT, BODY, LOADED = "lrs_subject", "lrs_body", "lrs_loaded"
RECIPIENT = "lrs_recipient"
BY_EMAIL = ("email", "linkedin")  # channels whose recipient is an e-mail address
EDITABLE = ("draft", "approved", "failed")
STATES = ("draft", "approved", "queued", "sent", "failed")


def response_section(workspace_id: str, lead: dict[str, Any], editor: bool) -> None:
    """The response as it stands and the buttons its status allows."""
    st.subheader(t("lrs_title"))
    response = lead.get("response")
    if response is None:
        st.info(t("lrs_none"))
        if editor and st.button(t("lrs_draft"), key="lrs_draft", icon=":material/edit_note:"):
            _act(lambda: client().draft_lead_response(workspace_id, lead["id"]), "lrs_drafted")
        return
    _meta(response)
    _load(lead["id"], response)
    status = response["status"]
    writable = editor and status in EDITABLE
    recipient = response.get("recipient") or ""
    if response["channel"] in BY_EMAIL:
        recipient = st.text_input(t("lrs_recipient"), key=RECIPIENT, max_chars=320,
                                  disabled=not writable).strip()  # fmt: skip
    subject = st.text_input(t("lrs_subject"), key=SUBJECT, max_chars=300, disabled=not writable)
    body = st.text_area(t("lrs_body"), key=BODY, height=280, max_chars=20000,
                        disabled=not writable)  # fmt: skip
    if not editor:
        return
    if not writable:
        st.caption(t("lrs_locked"))
        return
    edited = (subject, body, recipient) != (
        response["subject"], response["body"], response.get("recipient") or "")  # fmt: skip
    if edited:
        st.caption(t("lrs_unsaved"))
    _buttons(workspace_id, lead["id"], status, edited, subject, body, recipient or None)


def _meta(response: dict[str, Any]) -> None:
    status = response["status"]
    st.caption(
        t("lrs_meta").format(
            status=t(f"lrs_st_{status}") if status in STATES else status,
            channel=source_label(response["channel"]),
            recipient=response.get("recipient") or t("lrs_nobody"),
            language=response["language"].upper(),
            engine=response["engine"],
        )
    )
    if response.get("sent_at"):
        st.caption(t("lrs_sent_at").format(when=when(response["sent_at"])))
    if response.get("error"):
        st.error(t("lrs_error").format(error=response["error"]))


def _load(lead_id: int, response: dict[str, Any]) -> None:
    """Put the stored text in the editor when it changed on the server (a new draft, a save,
    another person's edit) or the editor was not drawn in the last run (Streamlit then drops
    its keys); the recruiter's unsaved typing stays otherwise."""
    marker = f"{lead_id}:{response['id']}:{response['updated_at']}"
    shown = SUBJECT in st.session_state and BODY in st.session_state
    if st.session_state.get(LOADED) != marker or not shown:
        st.session_state[SUBJECT] = response["subject"]
        st.session_state[BODY] = response["body"]
        st.session_state[RECIPIENT] = response.get("recipient") or ""
        st.session_state[LOADED] = marker


def _buttons(
    workspace_id: str,
    lead_id: int,
    status: str,
    edited: bool,
    subject: str,
    body: str,
    recipient: str | None,
) -> None:
    """The buttons stay enabled while the text is typed (Streamlit only learns of typing with
    the click), so each decides on click what the text on the screen allows."""
    api = client()
    redraft, save, approve, send = st.columns(4)
    if redraft.button(t("lrs_redraft"), key="lrs_redraft", icon=":material/refresh:"):
        _act(lambda: api.draft_lead_response(workspace_id, lead_id), "lrs_drafted")
    if save.button(t("lrs_save"), key="lrs_save", icon=":material/save:"):
        if not edited:
            st.info(t("lrs_unchanged"))
        elif _filled(body):
            _act(lambda: api.edit_lead_response(workspace_id, lead_id, subject, body, recipient),
                 "lrs_saved")  # fmt: skip
    if approve.button(t("lrs_approve"), key="lrs_approve", icon=":material/check:",
                      disabled=status == "approved"):  # fmt: skip
        if _filled(body):

            def approve_as_shown() -> None:
                if edited:
                    api.edit_lead_response(workspace_id, lead_id, subject, body, recipient)
                api.approve_lead_response(workspace_id, lead_id)

            _act(approve_as_shown, "lrs_approved")
    if send.button(t("lrs_send"), key="lrs_send", icon=":material/send:", type="primary",
                   disabled=status != "approved"):  # fmt: skip
        if edited:
            st.warning(t("lrs_send_edited"))
        else:
            _act(lambda: api.send_lead_response(workspace_id, lead_id), "lrs_queued")


def _filled(body: str) -> bool:
    if body.strip():
        return True
    st.error(t("lrs_empty_body"))
    return False


def _act(call: Any, notice: str) -> None:
    """Make the call; its failure shown here in the recruiter's words, else the page again
    with the notice."""
    try:
        call()
    except ApiFailure as e:
        if f"lrs_code_{e.code}" in _CODES:
            st.error(t(f"lrs_code_{e.code}"))
        else:
            show_error(e)
        return
    st.session_state[NOTICE] = t(notice)
    st.rerun()


_CODES = {"lrs_code_response_locked"}
