"""HeadHunter by browser, a section of the Integrations page for workspaces without HH's paid
API access: the session's state (and why it stopped: a login HH ended), what it watches and
the pages it used today, the owner's pasting of the cookies exported from their browser
signed in to HH, a read now (recruiters), the last read, and forgetting the session (owners).

The section renders inside the page's expander, so it opens no expander of its own.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import add_texts, t
from console.markdown import plain
from console.state import client
from console.widgets import call_then_rerun

add_texts(
    {
        "igb_title": {
            "en": "HeadHunter by browser (no paid API access)",
            "ru": "HeadHunter через браузер (без платного доступа к API)",
        },
        "igb_help": {
            "en": "Responses are read from HH's pages as you see them, through your own HH "
            "login, at a person's pace and within a daily number of pages.",
            "ru": "Отклики читаются со страниц HH так, как их видите вы, через ваш вход в HH, в "
            "темпе человека и в пределах дневного числа страниц.",
        },
        "igb_st_disconnected": {"en": "No HH session saved.", "ru": "Сессия HH не сохранена."},
        "igb_st_connected": {
            "en": "HH session saved {when}.",
            "ru": "Сессия HH сохранена {when}.",
        },
        "igb_st_reconnect_needed": {
            "en": "HH asks to log in again: {why}",
            "ru": "HH просит войти заново: {why}",
        },
        "igb_st_error": {
            "en": "The last read failed (it is tried again): {why}",
            "ru": "Последнее чтение не удалось (будет повтор): {why}",
        },
        "igb_watching": {
            "en": "HH vacancies read: {ids}",
            "ru": "Читаются вакансии HH: {ids}",
        },
        "igb_watching_imported": {
            "en": " (the active ones imported through the HH API)",
            "ru": " (активные, загруженные через API HH)",
        },
        "igb_none": {"en": "none yet", "ru": "пока нет"},
        "igb_pages": {
            "en": "HH pages opened today: {used} of {budget}",
            "ru": "Страниц HH открыто сегодня: {used} из {budget}",
        },
        "igb_last": {
            "en": "Last read {when}: {new} new, {unchanged} already here, {failed} failed",
            "ru": "Последнее чтение {when}: новых {new}, уже было {unchanged}, ошибок {failed}",
        },
        "igb_cookies": {"en": "Cookies (JSON)", "ru": "Cookies (JSON)"},
        "igb_cookies_help": {
            "en": "Sign in at HH as the company's manager in your browser, export the site's "
            "cookies as JSON (a cookie-export extension does it) and paste them here. They are "
            "stored encrypted and never shown again.",
            "ru": "Войдите в HH как менеджер компании в своём браузере, выгрузите cookies сайта "
            "в JSON (это делает расширение для экспорта cookies) и вставьте сюда. Они хранятся "
            "зашифрованными и больше не показываются.",
        },
        "igb_save": {"en": "Save the HH session", "ru": "Сохранить сессию HH"},
        "igb_saved": {"en": "HH session saved.", "ru": "Сессия HH сохранена."},
        "igb_sync": {"en": "Read responses now", "ru": "Прочитать отклики сейчас"},
        "igb_synced": {
            "en": "Reading started: it goes at a person's pace; refresh to see the run.",
            "ru": "Чтение запущено: оно идёт в темпе человека; обновите, чтобы увидеть итог.",
        },
        "igb_sure": {
            "en": "Yes, forget the HH session (reading stops)",
            "ru": "Да, забыть сессию HH (чтение остановится)",
        },
        "igb_forget": {"en": "Forget the HH session", "ru": "Забыть сессию HH"},
    }
)
NOTICE = "igb_notice"


def hh_browser_section(workspace_id: str, role: str) -> None:
    """The workspace's HH browser session, with what `role` may do about it."""
    st.caption(t("igb_help"))
    if notice := st.session_state.pop(NOTICE, None):
        st.success(notice)
    try:
        found = client().hh_browser(workspace_id)
    except ApiFailure as e:
        show_error(e)
        return
    _state(found)
    if role in ("owner", "recruiter") and found["status"] in ("connected", "error"):
        if st.button(t("igb_sync"), key="igb_sync"):
            _act(lambda: client().hh_browser_sync(workspace_id), t("igb_synced"))
    if role == "owner":
        with st.form("igb_cookies_form", clear_on_submit=True):
            cookies = st.text_area(t("igb_cookies"), key="igb_cookies", height=120,
                                   help=t("igb_cookies_help"))  # fmt: skip
            if st.form_submit_button(t("igb_save")) and cookies.strip():
                _act(lambda: client().hh_browser_cookies(workspace_id, cookies.strip()),
                     t("igb_saved"))  # fmt: skip
        if found["status"] != "disconnected":
            sure = st.checkbox(t("igb_sure"), key="igb_sure")
            if st.button(t("igb_forget"), key="igb_forget", disabled=not sure):
                _act(lambda: client().hh_browser_forget(workspace_id))


def _state(found: dict[str, Any]) -> None:
    status, why = found["status"], plain(found["last_error"] or "")
    if status == "connected":
        when = str(found["cookies_saved_at"] or "")[:16].replace("T", " ")
        st.success(t("igb_st_connected").format(when=when))
    elif status in ("reconnect_needed", "error"):
        st.error(t(f"igb_st_{status}").format(why=why))
    else:
        st.info(t("igb_st_disconnected"))
    if status == "disconnected":
        return
    ids = ", ".join(found["vacancy_ids"]) or t("igb_none")
    imported = t("igb_watching_imported") if found["watching_imported"] else ""
    st.caption(t("igb_watching").format(ids=plain(ids)) + imported)
    st.caption(t("igb_pages").format(used=found["pages_today"], budget=found["daily_pages"]))
    last = next((r for r in found["runs"] if r["via"] == "browser"), None)
    if last is not None:
        counts = last["counts"]
        line = t("igb_last").format(
            when=str(last["started_at"])[:16].replace("T", " "), new=counts.get("new", 0),
            unchanged=counts.get("unchanged", 0), failed=counts.get("failed", 0),
        )  # fmt: skip
        st.caption(line + (f" — {plain(last['error'])}" if last["error"] else ""))


def _act(call: Any, notice: str | None = None) -> None:
    call_then_rerun(call, NOTICE, notice)
