"""Conversations in the workspace's Telegram account: the chats with their candidate,
interview, last message and unread count; a chat's history (reading it marks it read); and a
recruiter's reply, which leaves through the outbox and the workspace's bot like every message.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response
from pydantic import BaseModel, Field

from db import audit, messages, telegram_chats
from db.errors import NotFound
from db.pool import transaction
from pipelines.telegram.outbound import Recipient, queue_message
from serve_apps.deps import WORKSPACE_ERRORS, CurrentWorkspace, Pool
from serve_apps.errors import BODY_ERRORS, error_doc

router = APIRouter(prefix="/telegram/chats", tags=["telegram"], responses=WORKSPACE_ERRORS)
_NO_CHAT = {404: error_doc("no such chat in this workspace (`not_found`)")}


class ChatOut(BaseModel):
    chat_id: int
    username: str | None
    candidate_id: int | None
    candidate_name: str | None
    interview_id: int | None
    interview_status: str | None
    last_text: str | None
    last_direction: str | None
    last_at: datetime | None
    unread: int


class MessageOut(BaseModel):
    id: int
    direction: str
    text: str = Field(description="the text, or a voice note's transcript")
    media: dict[str, Any] | None
    sent_at: datetime
    has_audio: bool = Field(
        default=False, description="a voice note's recording: GET …/messages/{id}/audio"
    )


class ReplyIn(BaseModel):
    text: str = Field(min_length=1, max_length=4096)


class ReplyOut(BaseModel):
    outbox_id: int
    status: str = Field(description="pending: the bot sends it within seconds")


@router.get("", response_model=list[ChatOut])
def list_chats(
    access: CurrentWorkspace, pool: Pool, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[ChatOut]:
    """The workspace's Telegram chats, most recent first, with unread counts."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        rows = telegram_chats.list_chats(conn, limit=limit)
    return [ChatOut.model_validate(r, from_attributes=True) for r in rows]


@router.get("/{chat_id}/messages", response_model=list[MessageOut], responses=_NO_CHAT)
def history(
    chat_id: int,
    access: CurrentWorkspace,
    pool: Pool,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[MessageOut]:
    """The chat's latest messages, oldest first; reading them marks the chat read."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        if telegram_chats.get(conn, chat_id=chat_id) is None:
            raise NotFound(f"chat {chat_id} not found")
        rows = messages.list_for_chat(conn, chat_id=str(chat_id), limit=limit)
        recorded = messages.with_audio(conn, message_ids=[m.id for m in rows])
        telegram_chats.mark_read_by_recruiter(conn, chat_id=chat_id)
    return [
        MessageOut(**MessageOut.model_validate(m, from_attributes=True).model_dump(
            exclude={"has_audio"}), has_audio=m.id in recorded)
        for m in rows
    ]  # fmt: skip


@router.get(
    "/{chat_id}/messages/{message_id}/audio",
    response_class=Response,
    responses={
        200: {"content": {"audio/ogg": {"schema": {"type": "string", "format": "binary"}}}},
        404: error_doc("no such chat, message or recording (`not_found`)"),
    },
)  # fmt: skip
def audio(chat_id: int, message_id: int, access: CurrentWorkspace, pool: Pool) -> Response:
    """A voice note's recording, to play next to its transcript."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        recording = messages.get_audio(conn, message_id=message_id, chat_id=str(chat_id))
    if recording is None:
        raise NotFound(f"message {message_id} of chat {chat_id} has no recording")
    return Response(
        recording.data, media_type=recording.mime_type, headers={"Cache-Control": "no-store"}
    )


@router.post(
    "/{chat_id}/messages",
    status_code=202,
    response_model=ReplyOut,
    responses={**BODY_ERRORS, **_NO_CHAT, 403: error_doc("needs the recruiter role")},
)
def reply(
    chat_id: int,
    body: ReplyIn,
    access: CurrentWorkspace,
    pool: Pool,
    idempotency_key: Annotated[str | None, Header(max_length=100)] = None,
) -> ReplyOut:
    """Write to the chat as the workspace's account (recruiters); sent by the bot through the
    outbox. With `Idempotency-Key`, a retried request queues the message once."""
    access.require("recruiter")
    key = f"reply:{chat_id}:{idempotency_key or uuid.uuid4().hex}"
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        chat = telegram_chats.get(conn, chat_id=chat_id)
        if chat is None:
            raise NotFound(f"chat {chat_id} not found")
        item, created = queue_message(
            conn, workspace_id=access.workspace_id, key=key, text=body.text,
            to=Recipient(chat.chat_id, chat.access_hash, chat.username),
            candidate_id=chat.candidate_id,
        )  # fmt: skip
        if created:
            audit.record(
                conn, workspace_id=access.workspace_id, action="telegram.reply",
                actor_user_id=access.principal.user_id,
                actor_api_key_id=access.principal.api_key_id, target_type="telegram_chat",
                target_id=chat_id, details={"outbox_id": item.id},
            )  # fmt: skip
        telegram_chats.mark_read_by_recruiter(conn, chat_id=chat_id)
    return ReplyOut(outbox_id=item.id, status=item.status)
