"""Inbox page: what needs the signed-in person in this workspace (a strong candidate, a report
ready or flagged, a message that failed for good), read and opened from here; and, on its
second tab, which channels each kind of notification also goes to (e-mail, Slack).

The sidebar shows the unread count next to this page's name (console/app.py).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import add_texts, t
from console.markdown import plain, word
from console.navigation import go
from console.state import client
from console.workspace_picker import pick_workspace

add_texts(
    {
        "inbox": {"en": "Inbox", "ru": "Уведомления"},
        "ib_tab_inbox": {"en": "Inbox", "ru": "Входящие"},
        "ib_tab_settings": {"en": "Notification settings", "ru": "Настройка уведомлений"},
        "ib_unread_only": {"en": "Unread only", "ru": "Только непрочитанные"},
        "ib_unread": {"en": "{n} unread", "ru": "Непрочитанных: {n}"},
        "ib_empty": {
            "en": "Nothing here: you will be told when a strong candidate is screened, a report "
            "is ready or flagged, or a message could not be sent.",
            "ru": "Пусто: здесь появится сильный кандидат после отбора, готовый или требующий "
            "внимания отчёт, неотправленное сообщение.",
        },
        "ib_read_all": {"en": "Mark all read", "ru": "Прочитать все"},
        "ib_read": {"en": "Mark read", "ru": "Прочитано"},
        "ib_open": {"en": "Open", "ru": "Открыть"},
        "ib_marked": {"en": "{n} marked read.", "ru": "Отмечено прочитанными: {n}."},
        "ib_settings_help": {
            "en": "The inbox always gets every notification. Choose where else each kind goes.",
            "ru": "Во «Входящие» приходят все уведомления. Выберите, куда ещё отправлять каждый "
            "вид.",
        },
        "ib_kind": {"en": "Notification", "ru": "Уведомление"},
        "ib_email": {"en": "E-mail", "ru": "Эл. почта"},
        "ib_slack": {"en": "Slack", "ru": "Slack"},
        "ib_telegram": {"en": "Telegram", "ru": "Telegram"},
        "ib_telegram_username": {
            "en": "Your Telegram @username (the workspace's account writes to it)",
            "ru": "Ваш @username в Telegram (на него пишет аккаунт рабочего пространства)",
        },
        "ib_telegram_needed": {
            "en": "Give your Telegram @username to receive notifications there.",
            "ru": "Укажите свой @username в Telegram, чтобы получать туда уведомления.",
        },
        "ib_telegram_unavailable": {
            "en": "Telegram notifications go out once the workspace connects its Telegram "
            "account (Telegram page).",
            "ru": "Уведомления в Telegram начнут уходить, когда рабочее пространство подключит "
            "аккаунт Telegram (страница Telegram).",
        },
        "ib_no_email": {
            "en": "This installation has no mail server (SELECTIO_SMTP_HOST, SELECTIO_SMTP_FROM): "
            "e-mails would wait in the outbox and fail.",
            "ru": "У этой установки нет почтового сервера (SELECTIO_SMTP_HOST, "
            "SELECTIO_SMTP_FROM): письма останутся в очереди и не уйдут.",
        },
        "ib_email_to": {"en": "E-mails go to {email}.", "ru": "Письма уходят на {email}."},
        "ib_message_lang": {"en": "Language of e-mails and Slack", "ru": "Язык писем и Slack"},
        "ib_slack_url": {"en": "Slack incoming-webhook URL", "ru": "URL входящего вебхука Slack"},
        "ib_slack_set": {
            "en": "A Slack webhook is set (stored encrypted). Enter a new one to replace it.",
            "ru": "Вебхук Slack задан (хранится зашифрованным). Введите новый, чтобы заменить.",
        },
        "ib_slack_clear": {"en": "Remove the Slack webhook", "ru": "Удалить вебхук Slack"},
        "ib_save": {"en": "Save", "ru": "Сохранить"},
        "ib_saved": {"en": "Saved.", "ru": "Сохранено."},
        "ib_slack_needed": {
            "en": "Slack is chosen but no webhook URL is set: enter one.",
            "ru": "Выбран Slack, но URL вебхука не задан: укажите его.",
        },
        "nk_candidate.strong": {"en": "Strong candidate screened", "ru": "Сильный кандидат"},
        "nk_report.ready": {"en": "Interview report ready", "ru": "Отчёт об интервью готов"},
        "nk_report.flagged": {"en": "Report with red flags", "ru": "Отчёт с тревожными признаками"},
        "nk_outbox.failed": {"en": "Message failed for good", "ru": "Сообщение не отправлено"},
        "nk_telegram.revoked": {"en": "Telegram session ended", "ru": "Сессия Telegram завершена"},
        "nk_hh.reconnect_needed": {
            "en": "HeadHunter must be connected again",
            "ru": "Нужно заново подключить HeadHunter",
        },
        "nk_hh.action_needed": {
            "en": "HeadHunter needs a person",
            "ru": "HeadHunter ждёт действия",
        },
        "nk_telegram.outreach_paused": {
            "en": "Telegram outreach paused",
            "ru": "Рассылка в Telegram приостановлена",
        },
        "nk_lead.strong": {"en": "Strong lead found", "ru": "Найден сильный лид"},
        "nk_lead.replied": {"en": "Reply from a lead", "ru": "Ответ от лида"},
        "nk_lead.meeting_booked": {"en": "Meeting booked", "ru": "Встреча назначена"},
        "nk_lead.meeting_canceled": {"en": "Meeting cancelled", "ru": "Встреча отменена"},
        "nk_lead.digest": {"en": "Daily leads digest", "ru": "Ежедневная сводка по лидам"},
    }
)
NOTICE = "ib_notice"


def inbox_page() -> None:
    st.title(t("inbox"))
    if notice := st.session_state.pop(NOTICE, None):
        st.success(notice)
    chosen = pick_workspace("inbox_workspace")
    if chosen is None:
        return
    workspace_id, _ = chosen
    inbox, settings = st.tabs([t("ib_tab_inbox"), t("ib_tab_settings")])
    with inbox:
        _inbox(workspace_id)
    with settings:
        _settings(workspace_id)


def _inbox(workspace_id: str) -> None:
    unread_only = st.toggle(t("ib_unread_only"), key="ib_unread_only")
    try:
        answer = client().inbox(
            workspace_id, language=st.session_state["lang"], unread_only=unread_only
        )
    except ApiFailure as e:
        show_error(e)
        return
    head, button = st.columns([3, 1], vertical_alignment="bottom")
    head.caption(t("ib_unread").format(n=answer["unread"]))
    if answer["unread"] and button.button(t("ib_read_all"), key="ib_read_all"):
        _act(lambda: client().read_all_notifications(workspace_id), "ib_marked")
    if not answer["items"]:
        st.info(t("ib_empty"))
        return
    for item in answer["items"]:
        _entry(workspace_id, item)


def _entry(workspace_id: str, item: dict[str, Any]) -> None:
    unread = item["read_at"] is None
    with st.container(border=True):
        text, actions = st.columns([5, 1])
        marker = "● " if unread else ""
        text.markdown(f"**{marker}{plain(item['title'])}**")
        when = str(item["created_at"])[:16].replace("T", " ")
        text.caption(f"{when} · {word('nk_', item['kind'])}")
        if item["body"]:
            text.markdown(plain(item["body"]))
        candidate = item["subject"].get("candidate_id")
        if candidate is not None and actions.button(t("ib_open"), key=f"ib_open_{item['id']}"):
            try:
                client().read_notification(workspace_id, item["id"])
            except ApiFailure as e:
                show_error(e)
                return
            go("candidate", candidate=int(candidate))
        if unread and actions.button(t("ib_read"), key=f"ib_read_{item['id']}"):
            _act(lambda: client().read_notification(workspace_id, item["id"]), None)


def _act(call: Any, notice_key: str | None) -> None:
    try:
        result = call()
    except ApiFailure as e:
        show_error(e)
        return
    if notice_key:
        st.session_state[NOTICE] = t(notice_key).format(n=result)
    st.rerun()


def _settings(workspace_id: str) -> None:
    try:
        current = client().notification_settings(workspace_id)
    except ApiFailure as e:
        show_error(e)
        return
    st.caption(t("ib_settings_help"))
    if not current["email_available"]:
        st.warning(t("ib_no_email"))
    st.caption(t("ib_email_to").format(email=current["email"]))
    with st.form("ib_settings"):
        chosen: dict[str, list[str]] = {}
        head = st.columns([3, 1, 1, 1])
        head[0].markdown(f"**{t('ib_kind')}**")
        head[1].markdown(f"**{t('ib_email')}**")
        head[2].markdown(f"**{t('ib_slack')}**")
        head[3].markdown(f"**{t('ib_telegram')}**")
        for kind in current["kinds"]:
            row = st.columns([3, 1, 1, 1])
            row[0].write(word("nk_", kind))
            have = current["channels"].get(kind, [])
            picks = []
            if row[1].checkbox(t("ib_email"), "email" in have, key=f"ib_email_{kind}",
                               label_visibility="collapsed"):  # fmt: skip
                picks.append("email")
            if row[2].checkbox(t("ib_slack"), "slack" in have, key=f"ib_slack_{kind}",
                               label_visibility="collapsed"):  # fmt: skip
                picks.append("slack")
            if row[3].checkbox(t("ib_telegram"), "telegram" in have, key=f"ib_tg_{kind}",
                               label_visibility="collapsed"):  # fmt: skip
                picks.append("telegram")
            chosen[kind] = picks
        language = st.radio(
            t("ib_message_lang"), ["ru", "en"], index=["ru", "en"].index(current["language"]),
            format_func={"ru": "Русский", "en": "English"}.__getitem__, horizontal=True,
            key="ib_message_lang",
        )  # fmt: skip
        if current["has_slack_webhook"]:
            st.caption(t("ib_slack_set"))
        url = st.text_input(t("ib_slack_url"), key="ib_slack_url", type="password").strip()
        clear = current["has_slack_webhook"] and st.checkbox(t("ib_slack_clear"), key="ib_clear")
        if not current.get("telegram_available"):
            st.caption(t("ib_telegram_unavailable"))
        username = st.text_input(
            t("ib_telegram_username"), value=current.get("telegram_username") or "",
            key="ib_telegram_username",
        ).strip()  # fmt: skip
        submitted = st.form_submit_button(t("ib_save"))
    if not submitted:
        return
    wants_slack = any("slack" in picks for picks in chosen.values())
    if wants_slack and not url and (clear or not current["has_slack_webhook"]):
        st.error(t("ib_slack_needed"))
        return
    wants_telegram = any("telegram" in picks for picks in chosen.values())
    if wants_telegram and not username:
        st.error(t("ib_telegram_needed"))
        return
    body: dict[str, Any] = {"channels": chosen, "language": language,
                            "telegram_username": username}  # fmt: skip
    if url:
        body["slack_webhook_url"] = url
    if clear:
        body["clear_slack_webhook"] = True
    try:
        client().save_notification_settings(workspace_id, **body)
    except ApiFailure as e:
        show_error(e)
        return
    st.session_state[NOTICE] = t("ib_saved")
    st.session_state.pop("ib_slack_url", None)  # the URL is a credential: not kept on the page
    st.rerun()
