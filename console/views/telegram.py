"""Telegram page: the workspace's Telegram account (the one its bot will talk to candidates
from), connected step by step — phone, the code Telegram sends, the two-step password when the
account has one — signed out, or moved to another installation with its session.

Owners connect and disconnect; other members see which account is connected.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import add_texts, t
from console.markdown import plain
from console.state import client
from console.workspace_picker import pick_workspace

add_texts(
    {
        "telegram": {"en": "Telegram", "ru": "Telegram"},
        "tg_help": {
            "en": "Connect the Telegram account candidates will talk to: a regular account "
            "(as recruiters use it), signed in here with a code like on a new phone.",
            "ru": "Подключите аккаунт Telegram, с которым будут общаться кандидаты: обычный "
            "аккаунт (как у рекрутера), вход по коду, как на новом телефоне.",
        },
        "tg_not_configured": {
            "en": "Telegram is not set up on this installation: an administrator sets "
            "TELEGRAM_API_ID and TELEGRAM_API_HASH (from my.telegram.org) and restarts.",
            "ru": "Telegram не настроен в этой установке: администратор задаёт "
            "TELEGRAM_API_ID и TELEGRAM_API_HASH (с my.telegram.org) и перезапускает.",
        },
        "tg_none": {"en": "No account is connected.", "ru": "Аккаунт не подключён."},
        "tg_connected": {"en": "Connected: {who}", "ru": "Подключён: {who}"},
        "tg_since": {"en": "since {when}", "ru": "с {when}"},
        "tg_bot_running": {"en": "The bot is running.", "ru": "Бот работает."},
        "tg_bot_stopped": {"en": "The bot is not running.", "ru": "Бот не запущен."},
        "tg_ended": {
            "en": "The last session ended ({status}). Sign in again to reconnect.",
            "ru": "Прошлая сессия завершена ({status}). Войдите снова, чтобы подключиться.",
        },
        "tg_last_error": {"en": "Last refusal: {error}", "ru": "Последний отказ: {error}"},
        "tg_phone": {
            "en": "Phone number, with the country code",
            "ru": "Номер телефона с кодом страны",
        },
        "tg_send_code": {"en": "Send the code", "ru": "Отправить код"},
        "tg_code_sent": {
            "en": "Telegram sent a code to {phone} (in the Telegram app, or by SMS).",
            "ru": "Telegram отправил код на {phone} (в приложение Telegram или по SMS).",
        },
        "tg_code": {"en": "Code", "ru": "Код"},
        "tg_sign_in": {"en": "Sign in", "ru": "Войти"},
        "tg_password_needed": {
            "en": "The account has two-step verification: enter its password (it is checked "
            "by Telegram's protocol and never stored).",
            "ru": "У аккаунта включена двухэтапная проверка: введите пароль (он проверяется "
            "протоколом Telegram и не сохраняется).",
        },
        "tg_password": {
            "en": "Two-step verification password",
            "ru": "Пароль двухэтапной проверки",
        },
        "tg_start_over": {"en": "Start over", "ru": "Начать заново"},
        "tg_sign_out": {"en": "Sign out", "ru": "Выйти"},
        "tg_sure": {
            "en": "Yes, sign this account out (the bot stops)",
            "ru": "Да, отключить этот аккаунт (бот остановится)",
        },
        "tg_signed_out": {"en": "Signed out.", "ru": "Аккаунт отключён."},
        "tg_signed_out_here": {
            "en": "Signed out here, but Telegram could not be told: end the session in Telegram "
            "(Settings → Devices).",
            "ru": "Отключено здесь, но Telegram недоступен: завершите сеанс в Telegram "
            "(Настройки → Устройства).",
        },
        "tg_move": {"en": "Move the session", "ru": "Перенос сессии"},
        "tg_export": {"en": "Export the session", "ru": "Экспортировать сессию"},
        "tg_export_warning": {
            "en": "Whoever holds this string is signed in as the account. It is shown once; "
            "the export is in the audit log.",
            "ru": "Тот, у кого эта строка, вошёл в аккаунт. Она показана один раз; экспорт "
            "записан в журнал аудита.",
        },
        "tg_import": {
            "en": "Session string from another installation",
            "ru": "Строка сессии из другой установки",
        },
        "tg_import_button": {"en": "Import", "ru": "Импортировать"},
        "tg_paused": {
            "en": "Telegram warned the account (PEER_FLOOD): first messages to new candidates "
            "wait until {until} UTC. Replies to candidates who wrote go on.",
            "ru": "Telegram предупредил аккаунт (PEER_FLOOD): первые сообщения новым кандидатам "
            "ждут до {until} UTC. Ответы написавшим кандидатам идут как обычно.",
        },
        "tg_resume": {
            "en": "Resume first messages now",
            "ru": "Возобновить первые сообщения сейчас",
        },
        "tg_resumed": {"en": "First messages resumed.", "ru": "Первые сообщения возобновлены."},
        "tg_disclose": {
            "en": "In chats, the interviewer says she is a virtual (AI) interviewer",
            "ru": "В чатах интервьюер сообщает, что она виртуальный (ИИ) интервьюер",
        },
    }
)
FLOW = "tg_flow_notice"
SECRET = "tg_exported"


def telegram_page() -> None:
    st.title(t("telegram"))
    st.caption(t("tg_help"))
    if notice := st.session_state.pop(FLOW, None):
        getattr(st, notice[0])(notice[1])
    chosen = pick_workspace("telegram_workspace")
    if chosen is None:
        return
    workspace_id, role = chosen
    try:
        account = client().telegram(workspace_id)
    except ApiFailure as e:
        show_error(e)
        return
    if not account["configured"]:
        st.warning(t("tg_not_configured"))
    _state(account)
    if account.get("outreach_paused_until"):
        _paused(workspace_id, account, owner=role == "owner")
    if role != "owner" or not account["configured"]:
        return
    status = account["status"]
    _disclosure(workspace_id, account)
    if status == "active":
        _connected_controls(workspace_id)
    elif status == "code_sent":
        _code_step(workspace_id, account)
    elif status == "password_needed":
        _password_step(workspace_id)
    else:
        _phone_step(workspace_id)
    if status != "active":
        _import(workspace_id)


def _paused(workspace_id: str, account: dict[str, Any], *, owner: bool) -> None:
    until = str(account["outreach_paused_until"])[:16].replace("T", " ")
    st.warning(t("tg_paused").format(until=until))
    if owner and st.button(t("tg_resume"), key="tg_resume"):
        _step(lambda: client().telegram_resume_outreach(workspace_id),
              ("success", t("tg_resumed")))  # fmt: skip


def _disclosure(workspace_id: str, account: dict[str, Any]) -> None:
    wanted = st.toggle(t("tg_disclose"), value=account["disclose_ai"], key="tg_disclose")
    if wanted != account["disclose_ai"]:
        _step(lambda: client().telegram_settings(workspace_id, wanted))


def _state(account: dict[str, Any]) -> None:
    status = account["status"]
    if status == "active":
        who = account["display_name"] or account["phone"]
        if account["username"]:
            who += f" (@{account['username']})"
        st.success(t("tg_connected").format(who=plain(who)))
        when = str(account["connected_at"] or "")[:16].replace("T", " ")
        st.caption(
            t("tg_since").format(when=when) + " · "
            + (t("tg_bot_running") if account["bot_running"] else t("tg_bot_stopped"))
        )  # fmt: skip
    elif status in ("revoked", "signed_out"):
        st.info(t("tg_ended").format(status=status))
    elif status is None:
        st.info(t("tg_none"))
    if account["last_error"] and status != "active":
        st.caption(t("tg_last_error").format(error=account["last_error"]))


def _step(call: Any, notice: tuple[str, str] | None = None) -> Any:
    try:
        result = call()
    except ApiFailure as e:
        show_error(e)
        return None
    if notice:
        st.session_state[FLOW] = notice
    st.rerun()
    return result  # pragma: no cover - st.rerun does not return


def _phone_step(workspace_id: str) -> None:
    with st.form("tg_phone_form"):
        phone = st.text_input(t("tg_phone"), placeholder="+7 999 123-45-67", key="tg_phone")
        if st.form_submit_button(t("tg_send_code")):
            _step(lambda: client().telegram_login(workspace_id, phone.strip()))


def _code_step(workspace_id: str, account: dict[str, Any]) -> None:
    st.info(t("tg_code_sent").format(phone=account["phone"]))
    with st.form("tg_code_form", clear_on_submit=True):
        code = st.text_input(t("tg_code"), max_chars=12, key="tg_code")
        if st.form_submit_button(t("tg_sign_in")):
            _step(lambda: client().telegram_code(workspace_id, code.strip()))
    if st.button(t("tg_start_over"), key="tg_restart"):
        _step(lambda: client().telegram_login(workspace_id, account["phone"]))


def _password_step(workspace_id: str) -> None:
    st.info(t("tg_password_needed"))
    with st.form("tg_password_form", clear_on_submit=True):
        password = st.text_input(t("tg_password"), type="password", key="tg_password")
        if st.form_submit_button(t("tg_sign_in")):
            _step(lambda: client().telegram_password(workspace_id, password))


def _connected_controls(workspace_id: str) -> None:
    if shown := st.session_state.pop(SECRET, None):
        st.warning(t("tg_export_warning"))
        st.code(shown, language=None)
    sure = st.checkbox(t("tg_sure"), key="tg_sure")
    if st.button(t("tg_sign_out"), key="tg_sign_out", disabled=not sure):
        try:
            result = client().telegram_logout(workspace_id)
        except ApiFailure as e:
            show_error(e)
            return
        text = t("tg_signed_out") if result["telegram_confirmed"] else t("tg_signed_out_here")
        st.session_state[FLOW] = ("success" if result["telegram_confirmed"] else "warning", text)
        st.rerun()
    with st.expander(t("tg_move")):
        if st.button(t("tg_export"), key="tg_export"):
            try:
                st.session_state[SECRET] = client().telegram_export(workspace_id)["session"]
            except ApiFailure as e:
                show_error(e)
                return
            st.rerun()


def _import(workspace_id: str) -> None:
    with st.expander(t("tg_move")), st.form("tg_import_form", clear_on_submit=True):
        session = st.text_area(t("tg_import"), key="tg_import", height=100)
        if st.form_submit_button(t("tg_import_button")):
            _step(lambda: client().telegram_import(workspace_id, session.strip()))
