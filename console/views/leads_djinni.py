"""The Djinni session, on the Connections tab of the lead-gen settings: responses to Djinni
leads are sent, and the clients' replies read, through the cookies of a browser signed in to
Djinni. Shown: whether a session is saved and works (never its cookies); owners paste fresh
cookies or forget the session.
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

add_texts(
    {
        "ldj_title": {"en": "Djinni session", "ru": "Сессия Djinni"},
        "ldj_help": {
            "en": "Responses to Djinni leads are sent, and the clients' replies read, as you in "
            "your own Djinni account; without a session they wait.",
            "ru": "Отклики на лиды с Djinni отправляются, а ответы клиентов читаются от вашего "
            "аккаунта Djinni; без сессии они ждут.",
        },
        "ldj_st_disconnected": {
            "en": "No Djinni session saved.",
            "ru": "Сессия Djinni не сохранена.",
        },
        "ldj_st_connected": {
            "en": "Djinni session saved {when} ({site}).",
            "ru": "Сессия Djinni сохранена {when} ({site}).",
        },
        "ldj_st_reconnect_needed": {
            "en": "Djinni asks to log in again: paste fresh cookies. {why}",
            "ru": "Djinni просит войти заново: вставьте свежие cookies. {why}",
        },
        "ldj_st_error": {
            "en": "The last use of the session failed (it is tried again): {why}",
            "ru": "Последнее обращение с этой сессией не удалось (будет повтор): {why}",
        },
        "ldj_cookies": {"en": "Cookies (JSON)", "ru": "Cookies (JSON)"},
        "ldj_cookies_help": {
            "en": "Sign in at Djinni in your browser, export the site's cookies as JSON (a "
            "cookie-export extension does it, or a Playwright storage state) and paste them "
            "here. They are stored encrypted and never shown again.",
            "ru": "Войдите в Djinni в своём браузере, выгрузите cookies сайта в JSON (это "
            "делает расширение для экспорта cookies, подойдёт и storage state Playwright) и "
            "вставьте сюда. Они хранятся зашифрованными и больше не показываются.",
        },
        "ldj_save": {"en": "Save the Djinni session", "ru": "Сохранить сессию Djinni"},
        "ldj_saved": {"en": "Djinni session saved.", "ru": "Сессия Djinni сохранена."},
        "ldj_sure": {
            "en": "Yes, forget the Djinni session (Djinni responses wait)",
            "ru": "Да, забыть сессию Djinni (отклики на Djinni будут ждать)",
        },
        "ldj_forget": {"en": "Forget the Djinni session", "ru": "Забыть сессию Djinni"},
        "ldj_forgotten": {"en": "Djinni session forgotten.", "ru": "Сессия Djinni забыта."},
        "ldj_invalid": {
            "en": "These are not Djinni cookies of a signed-in browser: export them again "
            "from djinni.co while signed in.",
            "ru": "Это не cookies Djinni из браузера с выполненным входом: выгрузите их заново "
            "с djinni.co, войдя в аккаунт.",
        },
        "ldj_owner_only": {
            "en": "Only the workspace's owners connect Djinni.",
            "ru": "Djinni подключают только владельцы пространства.",
        },
    }
)


def djinni_section(workspace_id: str, *, owner: bool, notice_key: str) -> None:
    """The session's state, and the owners' pasting and forgetting."""
    st.subheader(t("ldj_title"))
    st.caption(t("ldj_help"))
    try:
        found = client().djinni_session(workspace_id)
    except ApiFailure as e:
        show_error(e)
        return
    _state(found)
    if not owner:
        st.caption(t("ldj_owner_only"))
        return
    with st.form("ldj_cookies_form", clear_on_submit=True):
        cookies = st.text_area(t("ldj_cookies"), key="ldj_cookies", height=120,
                               help=t("ldj_cookies_help"))  # fmt: skip
        submitted = st.form_submit_button(t("ldj_save"))
    if submitted and cookies.strip():
        try:
            client().save_djinni_session(workspace_id, cookies.strip())
        except ApiFailure as e:
            if e.code == "djinni_cookies_invalid":
                st.error(t("ldj_invalid"))
            else:
                show_error(e)
        else:
            st.session_state[notice_key] = t("ldj_saved")
            st.rerun()
    if found["status"] != "disconnected":
        sure = st.checkbox(t("ldj_sure"), key="ldj_sure")
        if st.button(t("ldj_forget"), key="ldj_forget", disabled=not sure):
            call_then_rerun(lambda: client().forget_djinni_session(workspace_id), notice_key,
                            t("ldj_forgotten"))  # fmt: skip


def _state(found: dict[str, Any]) -> None:
    status, why = found["status"], plain(found.get("last_error") or "")
    if status == "connected":
        st.success(t("ldj_st_connected").format(when=when(found.get("cookies_saved_at")),
                                                site=found["site_url"]))  # fmt: skip
    elif status in ("reconnect_needed", "error"):
        st.error(t(f"ldj_st_{status}").format(why=why))
    else:
        st.info(t("ldj_st_disconnected"))
