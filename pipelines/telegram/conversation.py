"""What the workspace's account does with a message from someone: the router between an
incoming Telegram message and the chat interview (kept out of the bot actor, which only
receives and sends).

- "/start <token>" from the invitation's deep link ties the chat to the application and
  begins (or resumes) the interview;
- text, or a voice note (its transcript), in a chat with an interview under way is the
  candidate's answer;
- a document in a chat tied to an application is the candidate's resume for that vacancy,
  stored and screened like an upload;
- anything else gets one polite answer saying what to do (never twice in a row to the same
  chat for the same reason: its outbox key is the reason and the day).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from uuid import UUID

import psycopg
from psycopg_pool import ConnectionPool

from db import applications, interviews, messages, resumes, telegram_chats
from db.errors import DatabaseError
from db.pool import transaction
from db.telegram_chats import Chat
from pipelines.telegram import chat_interview
from pipelines.telegram.chat_interview import AlreadyInterviewed, ChatStep
from pipelines.telegram.deep_link import InvalidDeepLink, read_token
from pipelines.telegram.outbound import Recipient, queue_message

log = logging.getLogger(__name__)

POLITE = {
    "no_interview": (
        "Здравствуйте! Чтобы пройти интервью, откройте ссылку из приглашения. "
        "Hello! To take the interview, please open the link from your invitation."
    ),
    "bad_link": (
        "Эта ссылка недействительна или устарела: попросите у рекрутера новое приглашение. "
        "This link is not valid or has expired: please ask the recruiter for a new invitation."
    ),
    "text_only": (
        "Спасибо! Не получилось разобрать это сообщение: ответьте, пожалуйста, текстом или "
        "голосовым сообщением. Thank you! I could not make this out: please answer in text or "
        "with a voice note."
    ),
    "resume_received": (
        "Спасибо, резюме получено: мы его посмотрим. "
        "Thank you, your resume has arrived: we will look at it."
    ),
    "too_large": (
        "Файл слишком большой: пришлите, пожалуйста, резюме поменьше (PDF или DOCX). "
        "The file is too large: please send a smaller resume (PDF or DOCX)."
    ),
    "finished": (
        "Спасибо, интервью завершено: результаты переданы команде, с вами свяжутся. "
        "Thank you, the interview is complete: the results went to the hiring team."
    ),
}


@dataclass(frozen=True)
class Incoming:
    """A private message, as the bot saw it."""

    chat_id: int
    access_hash: int | None
    username: str | None
    text: str
    kind: str  # text, voice, audio, document, other
    message_id: int = 0  # Telegram's id in this chat: a redelivery repeats it
    sent_at: datetime | None = None
    file_name: str | None = None  # a document's
    file: bytes | None = None  # its content, when the bot downloaded it
    too_large: bool = False  # a document over the upload limit (not downloaded)
    voice_s: float | None = None  # a voice note's length; `text` is then its transcript
    audio: bytes | None = None  # the recording (kept for recruiters to play)
    audio_mime: str | None = None


class ResumeSink(Protocol):
    """Where a resume sent in the chat goes: the screening pipeline (serve_apps.dispatch)."""

    def submit_resume(self, workspace_id: UUID, resume_id: int, vacancy_id: int | None) -> None: ...


def receive(
    pool: ConnectionPool,
    secret: bytes,
    workspace_id: UUID,
    message: Incoming,
    resumes_to: ResumeSink | None = None,
) -> ChatStep | None:
    """Store the message once and act on it; None for a redelivery (already handled). The
    message, its recording and the chat's state are one transaction: a bot handles messages
    of many chats at once on a small pool."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        known = telegram_chats.get(conn, chat_id=message.chat_id)
        stored, created = messages.record_message(
            conn, workspace_id=workspace_id, direction="inbound", text=message.text,
            chat_id=str(message.chat_id), external_id=str(message.message_id),
            sent_at=message.sent_at, candidate_id=known.candidate_id if known else None,
            media={"kind": message.kind, "access_hash": message.access_hash,
                   "username": message.username, "voice_s": message.voice_s},
        )  # fmt: skip
        if not created:
            return None
        if message.audio:
            messages.save_audio(
                conn, workspace_id=workspace_id, message_id=stored.id,
                mime_type=message.audio_mime or "audio/ogg", data=message.audio,
                duration_s=message.voice_s,
            )  # fmt: skip
        chat, status = _seen(conn, workspace_id, message)
    return _act(pool, secret, workspace_id, message, chat, status, resumes_to)


def handle(
    pool: ConnectionPool,
    secret: bytes,
    workspace_id: UUID,
    message: Incoming,
    resumes_to: ResumeSink | None = None,
) -> ChatStep:
    """Act on a new (not redelivered) message; what was queued in reply."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        chat, status = _seen(conn, workspace_id, message)
    return _act(pool, secret, workspace_id, message, chat, status, resumes_to)


def _seen(
    conn: psycopg.Connection, workspace_id: UUID, message: Incoming
) -> tuple[Chat, str | None]:
    """The chat, noted as having written now, and the status of its interview (if any)."""
    chat = telegram_chats.seen(
        conn, workspace_id=workspace_id, chat_id=message.chat_id,
        access_hash=message.access_hash, username=message.username,
    )  # fmt: skip
    if chat.interview_id is None:
        return chat, None
    return chat, interviews.get_interview(conn, interview_id=chat.interview_id).status


def _act(
    pool: ConnectionPool,
    secret: bytes,
    workspace_id: UUID,
    message: Incoming,
    chat: Chat,
    status: str | None,
    resumes_to: ResumeSink | None,
) -> ChatStep:
    text = message.text.strip()
    if text.startswith("/start"):
        payload = text.split(maxsplit=1)[1] if " " in text else ""
        try:
            application_id = read_token(secret, workspace_id, payload)
        except InvalidDeepLink as e:
            log.info("chat %s: deep link refused (%s)", chat.chat_id, e.reason)
            return _polite(pool, workspace_id, chat, "bad_link")
        try:
            return chat_interview.start(
                pool, workspace_id=workspace_id, application_id=application_id, chat=chat
            )
        except AlreadyInterviewed:
            return _polite(pool, workspace_id, chat, "finished")
        except DatabaseError as e:  # the application is gone or was never screened
            log.info("chat %s: cannot start an interview (%s)", chat.chat_id, e.code)
            return _polite(pool, workspace_id, chat, "bad_link")
    if message.kind == "document" and chat.application_id is not None:
        return _resume(pool, workspace_id, chat, message, resumes_to)
    if status == "active":
        if message.kind not in ("text", "voice", "audio") or not text:
            return _polite(pool, workspace_id, chat, "text_only")
        return chat_interview.answer(pool, workspace_id=workspace_id, chat=chat, text=text)
    if status == "completed":
        return _polite(pool, workspace_id, chat, "finished")
    return _polite(pool, workspace_id, chat, "no_interview")


def _resume(
    pool: ConnectionPool,
    workspace_id: UUID,
    chat: Chat,
    message: Incoming,
    resumes_to: ResumeSink | None,
) -> ChatStep:
    """A document from a candidate whose chat is tied to an application: their resume for that
    vacancy, screened like an upload (a file that cannot be read fails alone, with its reason
    on the resume)."""
    if message.too_large or message.file is None:
        return _polite(pool, workspace_id, chat, "too_large")
    with transaction(pool, workspace_id=workspace_id) as conn:
        application = applications.get_application(conn, application_id=chat.application_id or 0)
        resume = resumes.create_resume(
            conn, workspace_id=workspace_id, file=message.file,
            file_name=message.file_name or "resume", candidate_id=application.candidate_id,
        )  # fmt: skip
    if resumes_to is not None:
        resumes_to.submit_resume(workspace_id, resume.id, application.vacancy_id)
    log.info("chat %s: resume %s received", chat.chat_id, resume.id)
    return _polite(pool, workspace_id, chat, "resume_received")


def _polite(pool: ConnectionPool, workspace_id: UUID, chat: Chat, reason: str) -> ChatStep:
    day = datetime.now(UTC).date().isoformat()
    with transaction(pool, workspace_id=workspace_id) as conn:
        _, created = queue_message(
            conn, workspace_id=workspace_id, key=f"polite:{chat.chat_id}:{reason}:{day}",
            to=Recipient(chat.chat_id, chat.access_hash, chat.username), text=POLITE[reason],
            candidate_id=chat.candidate_id,
        )  # fmt: skip
    return ChatStep(chat.interview_id, [POLITE[reason]] if created else [])
