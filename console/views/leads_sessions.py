"""The boards' sessions, on the Connections tab of the lead-gen settings: responses to Djinni
and LinkedIn leads are sent (and Djinni's replies read) through the cookies of a browser signed
in to the board. Shown per board: whether a session is saved and works (never its cookies);
owners paste fresh cookies or forget the session.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import add_texts, t
from console.markdown import plain
from console.state import client
from console.views.leads_common import when
from console.widgets import call_then_rerun

BOARDS = {"djinni": "Djinni", "linkedin": "LinkedIn"}

add_texts(
    {
        "ldj_title": {"en": "{board} session", "ru": "Сессия {board}"},
        "ldj_help_djinni": {
            "en": "Responses to Djinni leads are sent, and the clients' replies read, as you in "
            "your own Djinni account; without a session they wait.",
            "ru": "Отклики на лиды с Djinni отправляются, а ответы клиентов читаются от вашего "
            "аккаунта Djinni; без сессии они ждут.",
        },
        "ldj_help_linkedin": {
            "en": "Responses to LinkedIn leads go as a message from your LinkedIn account to "
            "the person who posted the job; without a session they go by e-mail when the "
            "contact's address is known.",
            "ru": "Отклики на лиды с LinkedIn уходят сообщением от вашего аккаунта LinkedIn "
            "тому, кто разместил вакансию; без сессии — письмом, если известен e-mail "
            "контакта.",
        },
        "ldj_st_disconnected": {
            "en": "No {board} session saved.",
            "ru": "Сессия {board} не сохранена.",
        },
        "ldj_st_connected": {
            "en": "{board} session saved {when} ({site}).",
            "ru": "Сессия {board} сохранена {when} ({site}).",
        },
        "ldj_st_reconnect_needed": {
            "en": "{board} asks to log in again: paste fresh cookies. {why}",
            "ru": "{board} просит войти заново: вставьте свежие cookies. {why}",
        },
        "ldj_st_error": {
            "en": "The last use of the session failed (it is tried again): {why}",
            "ru": "Последнее обращение с этой сессией не удалось (будет повтор): {why}",
        },
        "ldj_cookies": {"en": "Cookies (JSON)", "ru": "Cookies (JSON)"},
        "ldj_cookies_help": {
            "en": "Sign in at {board} in your browser, export the site's cookies as JSON (a "
            "cookie-export extension does it, or a Playwright storage state) and paste them "
            "here. They are stored encrypted and never shown again.",
            "ru": "Войдите в {board} в своём браузере, выгрузите cookies сайта в JSON (это "
            "делает расширение для экспорта cookies, подойдёт и storage state Playwright) и "
            "вставьте сюда. Они хранятся зашифрованными и больше не показываются.",
        },
        "ldj_save": {"en": "Save the {board} session", "ru": "Сохранить сессию {board}"},
        "ldj_saved": {"en": "{board} session saved.", "ru": "Сессия {board} сохранена."},
        "ldj_sure": {
            "en": "Yes, forget the {board} session ({board} responses wait)",
            "ru": "Да, забыть сессию {board} (отклики на {board} будут ждать)",
        },
        "ldj_forget": {"en": "Forget the {board} session", "ru": "Забыть сессию {board}"},
        "ldj_forgotten": {"en": "{board} session forgotten.", "ru": "Сессия {board} забыта."},
        "ldj_invalid_djinni": {
            "en": "These are not Djinni cookies of a signed-in browser: export them again "
            "from djinni.co while signed in.",
            "ru": "Это не cookies Djinni из браузера с выполненным входом: выгрузите их заново "
            "с djinni.co, войдя в аккаунт.",
        },
        "ldj_invalid_linkedin": {
            "en": "These are not LinkedIn cookies of a signed-in browser (the li_at cookie is "
            "missing or expired): export them again from linkedin.com while signed in.",
            "ru": "Это не cookies LinkedIn из браузера с выполненным входом (нет живой cookie "
            "li_at): выгрузите их заново с linkedin.com, войдя в аккаунт.",
        },
        "ldj_owner_only": {
            "en": "Only the workspace's owners connect {board}.",
            "ru": "{board} подключают только владельцы пространства.",
        },
    }
)


def session_section(board: str, workspace_id: str, *, owner: bool, notice_key: str) -> None:
    """The board's session state, and the owners' pasting and forgetting."""
    name = BOARDS[board]
    st.subheader(t("ldj_title").format(board=name))
    st.caption(t(f"ldj_help_{board}"))
    try:
        found = client().board_session(workspace_id, board)
    except ApiFailure as e:
        show_error(e)
        return
    _state(found, name)
    if not owner:
        st.caption(t("ldj_owner_only").format(board=name))
        return
    with st.form(f"ldj_{board}_cookies_form", clear_on_submit=True):
        cookies = st.text_area(t("ldj_cookies"), key=f"ldj_{board}_cookies", height=120,
                               help=t("ldj_cookies_help").format(board=name))  # fmt: skip
        submitted = st.form_submit_button(t("ldj_save").format(board=name))
    if submitted and cookies.strip():
        try:
            client().save_board_session(workspace_id, board, cookies.strip())
        except ApiFailure as e:
            if e.code == f"{board}_cookies_invalid":
                st.error(t(f"ldj_invalid_{board}"))
            else:
                show_error(e)
        else:
            st.session_state[notice_key] = t("ldj_saved").format(board=name)
            st.rerun()
    if found["status"] != "disconnected":
        sure = st.checkbox(t("ldj_sure").format(board=name), key=f"ldj_{board}_sure")
        if st.button(t("ldj_forget").format(board=name), key=f"ldj_{board}_forget",
                     disabled=not sure):  # fmt: skip
            call_then_rerun(lambda: client().forget_board_session(workspace_id, board),
                            notice_key, t("ldj_forgotten").format(board=name))  # fmt: skip


def _state(found: dict[str, Any], name: str) -> None:
    status, why = found["status"], plain(found.get("last_error") or "")
    if status == "connected":
        saved = when(found.get("cookies_saved_at"))
        st.success(t("ldj_st_connected").format(board=name, site=found["site_url"], when=saved))
    elif status in ("reconnect_needed", "error"):
        st.error(t(f"ldj_st_{status}").format(board=name, why=why))
    else:
        st.info(t("ldj_st_disconnected").format(board=name))
