"""Conversations page: the workspace's Telegram chats — who each candidate is, where their
interview stands, how many of their messages are new — one chat's history, and a reply sent
as the company's account (through the outbox and the workspace's bot).

Recruiters and owners reply; viewers read.
"""

from __future__ import annotations

import uuid
from typing import Any

import pandas as pd
import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import add_texts, t
from console.markdown import plain, word
from console.state import client
from console.workspace_picker import pick_workspace

add_texts(
    {
        "conversations": {"en": "Conversations", "ru": "Переписка"},
        "cv_help": {
            "en": "Chats with candidates in the company's Telegram account.",
            "ru": "Чаты с кандидатами в Telegram-аккаунте компании.",
        },
        "cv_none": {
            "en": "No chats yet: they appear when candidates write or open an invitation's "
            "Telegram link.",
            "ru": "Чатов пока нет: они появятся, когда кандидаты напишут или откроют ссылку "
            "на Telegram из приглашения.",
        },
        "cv_who": {"en": "Candidate", "ru": "Кандидат"},
        "cv_interview": {"en": "Interview", "ru": "Интервью"},
        "cv_last": {"en": "Last message", "ru": "Последнее сообщение"},
        "cv_when": {"en": "When", "ru": "Когда"},
        "cv_unread": {"en": "New", "ru": "Новые"},
        "cv_open": {"en": "Chat", "ru": "Чат"},
        "cv_you": {"en": "Company", "ru": "Компания"},
        "cv_them": {"en": "Candidate", "ru": "Кандидат"},
        "cv_reply": {"en": "Reply", "ru": "Ответ"},
        "cv_send": {"en": "Send", "ru": "Отправить"},
        "cv_queued": {
            "en": "Queued: the bot sends it within seconds.",
            "ru": "В очереди: бот отправит через несколько секунд.",
        },
        "cv_welcome": {"en": "Welcome a vacancy's applicants", "ru": "Написать откликнувшимся"},
        "cv_welcome_help": {
            "en": "A personal message from the company's account to each applicant (in their "
            "chat, else by Telegram username, else by phone number), with the link that starts "
            "their interview in the chat. Once per applicant; at night where the candidate "
            "lives messages wait for the morning, and first messages to strangers keep to the "
            "daily limit.",
            "ru": "Личное сообщение от аккаунта компании каждому откликнувшемуся (в его чат, "
            "иначе по имени в Telegram, иначе по номеру телефона) со ссылкой, которая "
            "начинает интервью в чате. Один раз на отклик; ночью по времени кандидата "
            "сообщения ждут утра, а первые сообщения незнакомым — в пределах дневного лимита.",
        },
        "cv_vacancy": {"en": "Vacancy", "ru": "Вакансия"},
        "cv_welcome_send": {"en": "Send welcomes", "ru": "Отправить приветствия"},
        "cv_welcomed": {
            "en": "Queued: {queued} (by phone: {phone}); welcomed before: {already}; no "
            "Telegram contact: {none}.",
            "ru": "В очереди: {queued} (по телефону: {phone}); уже получали: {already}; без "
            "контакта в Telegram: {none}.",
        },
        "cv_after_night": {
            "en": " Some wait for the morning where the candidate lives (the last at {when} UTC).",
            "ru": " Часть ждёт утра по времени кандидата (последние в {when} UTC).",
        },
        "cv_progress": {
            "en": "Welcomes for this vacancy: {total} · sent {sent} · waiting {pending} · "
            "failed {failed}",
            "ru": "Приветствия по вакансии: {total} · отправлено {sent} · ждут {pending} · "
            "не отправлено {failed}",
        },
        "cv_next": {"en": "Next one due at {when} UTC.", "ru": "Следующее — в {when} UTC."},
        "cv_failed_why": {"en": "Why some failed:", "ru": "Почему не отправлены:"},
        "cv_refresh": {"en": "Refresh", "ru": "Обновить"},
        "cv_voice": {"en": "Voice note, {seconds} s", "ru": "Голосовое, {seconds} с"},
        "iv_status_active": {"en": "in progress", "ru": "идёт"},
        "iv_status_completed": {"en": "completed", "ru": "завершено"},
        "iv_status_failed": {"en": "ended", "ru": "прервано"},
        "iv_status_created": {"en": "invited", "ru": "приглашён"},
    }
)
NOTICE = "cv_notice"


def conversations_page() -> None:
    st.title(t("conversations"))
    st.caption(t("cv_help"))
    if notice := st.session_state.pop(NOTICE, None):
        st.success(notice)
    chosen = pick_workspace("conversations_workspace")
    if chosen is None:
        return
    workspace_id, role = chosen
    if role in ("owner", "recruiter"):
        _welcome(workspace_id)
    try:
        chats = client().telegram_chats(workspace_id)
    except ApiFailure as e:
        show_error(e)
        return
    if not chats:
        st.info(t("cv_none"))
        return
    names = {c["chat_id"]: _name(c) for c in chats}
    frame = pd.DataFrame(
        {
            t("cv_who"): [names[c["chat_id"]] for c in chats],
            t("cv_interview"): [
                word("iv_status_", c["interview_status"]) if c["interview_status"] else "—"
                for c in chats
            ],  # fmt: skip
            t("cv_last"): [(c["last_text"] or "")[:80] for c in chats],
            t("cv_when"): [str(c["last_at"] or "")[:16].replace("T", " ") for c in chats],
            t("cv_unread"): [c["unread"] for c in chats],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")
    chat_id = st.selectbox(
        t("cv_open"), list(names),
        format_func=lambda c: names[c] + (f" ({n})" if (n := _unread(chats, c)) else ""),
        key="cv_chat",
    )  # fmt: skip
    _chat(workspace_id, chat_id, editor=role in ("owner", "recruiter"))


def _welcome(workspace_id: str) -> None:
    with st.expander(t("cv_welcome")):
        st.caption(t("cv_welcome_help"))
        try:
            vacancies = client().vacancies(workspace_id, status="active")
        except ApiFailure as e:
            show_error(e)
            return
        if not vacancies:
            return
        titles = {v["id"]: v["title"] for v in vacancies}
        vacancy_id = st.selectbox(t("cv_vacancy"), list(titles), format_func=titles.__getitem__,
                                  key="cv_welcome_vacancy")  # fmt: skip
        _welcome_progress(workspace_id, vacancy_id)
        if not st.button(t("cv_welcome_send"), key="cv_welcome_send"):
            return
        try:
            result = client().telegram_welcome(workspace_id, vacancy_id)
        except ApiFailure as e:
            show_error(e)
            return
        text = t("cv_welcomed").format(
            queued=result["queued"], phone=result["by_phone"], already=result["already"],
            none=result["no_telegram"],
        )  # fmt: skip
        if result["not_before"]:
            text += t("cv_after_night").format(
                when=str(result["not_before"])[:16].replace("T", " ")
            )
        st.session_state[NOTICE] = text
        st.rerun()


def _welcome_progress(workspace_id: str, vacancy_id: int) -> None:
    """Where the vacancy's welcomes are (the outbox's statuses), refreshed on demand."""
    try:
        progress = client().telegram_welcome_progress(workspace_id, vacancy_id)
    except ApiFailure as e:
        show_error(e)
        return
    if not progress["total"]:
        return
    left, right = st.columns([5, 1])
    left.progress(
        progress["sent"] / progress["total"],
        text=t("cv_progress").format(**{k: progress[k] for k in
                                        ("total", "sent", "pending", "failed")}),
    )  # fmt: skip
    right.button(t("cv_refresh"), key="cv_welcome_refresh")
    if progress["next_at"]:
        st.caption(t("cv_next").format(when=str(progress["next_at"])[:16].replace("T", " ")))
    if progress["errors"]:
        st.caption(t("cv_failed_why"))
        for error in progress["errors"]:
            st.caption(f"- {plain(error)}")


def _voice(workspace_id: str, chat_id: int, message: dict[str, Any]) -> None:
    """The recording, playable, above its transcript."""
    seconds = (message.get("media") or {}).get("voice_s")
    if seconds:
        st.caption(t("cv_voice").format(seconds=round(seconds)))
    try:
        st.audio(client().telegram_audio(workspace_id, chat_id, message["id"]),
                 format="audio/ogg")  # fmt: skip
    except ApiFailure as e:
        show_error(e)


def _name(chat: dict[str, Any]) -> str:
    if chat["candidate_name"]:
        return str(chat["candidate_name"])
    return f"@{chat['username']}" if chat["username"] else f"#{chat['chat_id']}"


def _unread(chats: list[dict[str, Any]], chat_id: int) -> int:
    return next(c["unread"] for c in chats if c["chat_id"] == chat_id)


def _chat(workspace_id: str, chat_id: int, *, editor: bool) -> None:
    try:
        history = client().telegram_history(workspace_id, chat_id)
    except ApiFailure as e:
        show_error(e)
        return
    with st.container(height=420, border=True):
        for message in history:
            mine = message["direction"] == "outbound"
            with st.chat_message("assistant" if mine else "user"):
                when = str(message["sent_at"])[:16].replace("T", " ")
                st.caption(f"{t('cv_you') if mine else t('cv_them')} · {when}")
                if message.get("has_audio"):
                    _voice(workspace_id, chat_id, message)
                st.markdown(plain(message["text"]) if message["text"] else "—")
    if not editor:
        return
    with st.form("cv_reply_form", clear_on_submit=True):
        text = st.text_area(t("cv_reply"), key="cv_reply_text", height=80, max_chars=4096)
        if st.form_submit_button(t("cv_send")) and text.strip():
            try:
                client().telegram_reply(workspace_id, chat_id, text.strip(), uuid.uuid4().hex)
            except ApiFailure as e:
                show_error(e)
                return
            st.session_state[NOTICE] = t("cv_queued")
            st.rerun()
