"""Integrations page: HeadHunter for the workspace — connect by OAuth (owners), its state, what
HH waits for a person to do (a captcha link), the latest sync runs with their counts, a sync
now (recruiters), and disconnecting (owners).

Imported vacancies and applications keep their source (HH) on their own pages.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import add_texts, t
from console.markdown import plain, word
from console.state import client
from console.views.board_searches import board_searches_section
from console.views.integrations_browser import hh_browser_section
from console.widgets import call_then_rerun
from console.workspace_picker import pick_workspace

add_texts(
    {
        "integrations": {"en": "Integrations", "ru": "Интеграции"},
        "ig_help": {
            "en": "HeadHunter: vacancies and responses come in by themselves, are screened as "
            "they arrive, and a stage you set here goes back to HH.",
            "ru": "HeadHunter: вакансии и отклики приходят сами, проверяются сразу, а этап, "
            "выставленный здесь, уходит обратно в HH.",
        },
        "ig_not_configured": {
            "en": "HeadHunter is not set up on this installation: an administrator sets "
            "HH_CLIENT_ID and HH_CLIENT_SECRET (the app registered at dev.hh.ru) and restarts.",
            "ru": "HeadHunter не настроен в этой установке: администратор задаёт HH_CLIENT_ID и "
            "HH_CLIENT_SECRET (приложение на dev.hh.ru) и перезапускает.",
        },
        "ig_st_disconnected": {"en": "Not connected.", "ru": "Не подключён."},
        "ig_st_connected": {"en": "Connected: {who}", "ru": "Подключён: {who}"},
        "ig_st_reconnect_needed": {
            "en": "HeadHunter must be connected again: {why}",
            "ru": "Нужно заново подключить HeadHunter: {why}",
        },
        "ig_st_action_needed": {
            "en": "HeadHunter waits for a person: {why}",
            "ru": "HeadHunter ждёт действия: {why}",
        },
        "ig_st_error": {
            "en": "The last sync failed (it is tried again): {why}",
            "ru": "Последняя синхронизация не удалась (будет повтор): {why}",
        },
        "ig_open_captcha": {"en": "Open HH's captcha page", "ru": "Открыть капчу HH"},
        "ig_connect": {"en": "Connect HeadHunter", "ru": "Подключить HeadHunter"},
        "ig_go": {"en": "Allow access at HeadHunter", "ru": "Разрешить доступ в HeadHunter"},
        "ig_go_help": {
            "en": "Sign in at HH as the company's manager and allow access; then come back "
            "here and refresh.",
            "ru": "Войдите в HH как менеджер компании и разрешите доступ; затем вернитесь сюда "
            "и обновите страницу.",
        },
        "ig_sync": {"en": "Sync now", "ru": "Синхронизировать"},
        "ig_synced": {
            "en": "Sync started: runs appear below.",
            "ru": "Синхронизация запущена: запуски появятся ниже.",
        },
        "ig_refresh": {"en": "Refresh", "ru": "Обновить"},
        "ig_runs": {"en": "Latest syncs", "ru": "Последние синхронизации"},
        "ig_kind": {"en": "What", "ru": "Что"},
        "ig_state": {"en": "Result", "ru": "Итог"},
        "ig_new": {"en": "New", "ru": "Новых"},
        "ig_updated": {"en": "Updated", "ru": "Обновлено"},
        "ig_screened": {"en": "Screened", "ru": "Проверено"},
        "ig_failed": {"en": "Failed", "ru": "Ошибок"},
        "ig_when": {"en": "Started", "ru": "Начало"},
        "ig_why": {"en": "Error", "ru": "Ошибка"},
        "ig_kind_vacancies": {"en": "vacancies", "ru": "вакансии"},
        "ig_kind_responses": {"en": "responses", "ru": "отклики"},
        "ig_run_done": {"en": "done", "ru": "готово"},
        "ig_run_running": {"en": "running", "ru": "идёт"},
        "ig_run_failed": {"en": "stopped", "ru": "остановлен"},
        "ig_disconnect": {"en": "Disconnect", "ru": "Отключить"},
        "ig_welcome": {
            "en": "Invite and greet each new applicant (in Telegram when their resume gives a "
            "username, else in HH)",
            "ru": "Приглашать и приветствовать каждого нового кандидата (в Telegram, если в "
            "резюме есть имя пользователя, иначе в HH)",
        },
        "ig_sure": {
            "en": "Yes, disconnect HeadHunter (imports stop)",
            "ru": "Да, отключить HeadHunter (импорт остановится)",
        },
        "ig_token": {
            "en": "Access valid until {when} (renewed by itself)",
            "ru": "Доступ действует до {when} (продлевается сам)",
        },  # fmt: skip
    }
)
NOTICE = "ig_notice"
LINK = "ig_authorize_url"


def integrations_page() -> None:
    st.title(t("integrations"))
    st.caption(t("ig_help"))
    if notice := st.session_state.pop(NOTICE, None):
        st.success(notice)
    chosen = pick_workspace("integrations_workspace")
    if chosen is None:
        return
    workspace_id, role = chosen
    try:
        hh = client().hh(workspace_id)
    except ApiFailure as e:
        show_error(e)
        return
    if not hh["configured"]:
        st.warning(t("ig_not_configured"))
    _state(hh)
    buttons = st.columns(4)
    if role in ("owner", "recruiter") and hh["status"] not in ("disconnected", "reconnect_needed"):
        if buttons[0].button(t("ig_sync"), key="ig_sync"):
            _act(lambda: client().hh_sync(workspace_id), t("ig_synced"))
    buttons[1].button(t("ig_refresh"), key="ig_refresh")
    if role == "owner" and hh["configured"]:
        _owner_controls(workspace_id, hh)
    _runs(hh["runs"])
    with st.expander(t("igb_title")):
        hh_browser_section(workspace_id, role)
    with st.expander(t("bs_title")):
        board_searches_section(workspace_id, role)


def _state(hh: dict[str, Any]) -> None:
    status = hh["status"]
    why = plain(hh["last_error"] or "")
    if status == "connected":
        who = hh["employer_name"] or hh["employer_id"] or ""
        st.success(t("ig_st_connected").format(who=plain(f"{who} ({hh['manager_email'] or '—'})")))
        if hh["token_expires_at"]:
            st.caption(
                t("ig_token").format(when=str(hh["token_expires_at"])[:16].replace("T", " "))
            )
    elif status == "action_needed":
        st.warning(t("ig_st_action_needed").format(why=why))
        if hh["action_url"]:
            st.link_button(t("ig_open_captcha"), hh["action_url"])
    elif status in ("reconnect_needed", "error"):
        st.error(t(f"ig_st_{status}").format(why=why))
    else:
        st.info(t("ig_st_disconnected"))


def _act(call: Any, notice: str | None = None) -> None:
    call_then_rerun(call, NOTICE, notice)


def _owner_controls(workspace_id: str, hh: dict[str, Any]) -> None:
    if hh["status"] in ("disconnected", "reconnect_needed"):
        if st.button(t("ig_connect"), key="ig_connect", type="primary"):
            try:
                st.session_state[LINK] = client().hh_connect(workspace_id)["authorize_url"]
            except ApiFailure as e:
                show_error(e)
                return
        if url := st.session_state.get(LINK):
            st.link_button(t("ig_go"), url)
            st.caption(t("ig_go_help"))
        return
    st.session_state.pop(LINK, None)
    wanted = st.toggle(t("ig_welcome"), value=hh["welcome"], key="ig_welcome")
    if wanted != hh["welcome"]:
        _act(lambda: client().hh_settings(workspace_id, wanted))
    with st.expander(t("ig_disconnect")):
        sure = st.checkbox(t("ig_sure"), key="ig_sure")
        if st.button(t("ig_disconnect"), key="ig_disconnect", disabled=not sure):
            _act(lambda: client().hh_disconnect(workspace_id))


def _runs(runs: list[dict[str, Any]]) -> None:
    if not runs:
        return
    st.subheader(t("ig_runs"))
    frame = pd.DataFrame(
        {
            t("ig_when"): [str(r["started_at"])[:16].replace("T", " ") for r in runs],
            t("ig_kind"): [word("ig_kind_", r["kind"]) for r in runs],
            t("ig_state"): [word("ig_run_", r["status"]) for r in runs],
            t("ig_new"): [r["counts"].get("new", 0) for r in runs],
            t("ig_updated"): [r["counts"].get("updated", 0) for r in runs],
            t("ig_screened"): [r["counts"].get("screened", 0) for r in runs],
            t("ig_failed"): [r["counts"].get("failed", 0) for r in runs],
            t("ig_why"): [r["error"] or "" for r in runs],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")
