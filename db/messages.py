"""Messages: the conversation log with candidates (Telegram first, also email and HH).

Telegram redelivers updates after a reconnect and the bot may see its own outbound messages
echoed back, so a message with an external id is recorded once per (channel, chat, direction):
`record_message` says whether the row is new, and only a new inbound message should be acted
on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from db.errors import InvalidValue, NotFound, TenantContextMissing

_COLUMNS = (
    "id, workspace_id, candidate_id, interview_id, channel, direction, chat_id, external_id, "
    "text, media, sent_at, created_at"
)


@dataclass(frozen=True)
class Message:
    """One message in or out, with the channel's own ids."""

    id: int
    workspace_id: UUID
    candidate_id: int | None
    interview_id: int | None
    channel: str
    direction: str
    chat_id: str | None
    external_id: str | None
    text: str
    media: dict[str, Any] | None
    sent_at: datetime
    created_at: datetime


def random_id_for(workspace_id: UUID, key: str) -> int:
    """A Telegram message's random_id: a signed 64-bit number fixed by its outbox key, so every
    attempt at sending it carries the same one and Telegram drops a repeat."""
    digest = hashlib.sha256(f"{workspace_id}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def record_message(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    direction: str,
    text: str = "",
    channel: str = "telegram",
    chat_id: str | None = None,
    external_id: str | None = None,
    candidate_id: int | None = None,
    interview_id: int | None = None,
    media: dict[str, Any] | None = None,
    sent_at: datetime | None = None,
) -> tuple[Message, bool]:
    """Record a message once; returns (message, created), the stored one on a redelivery."""
    if direction not in ("inbound", "outbound"):
        raise InvalidValue(f"message direction must be inbound or outbound, got '{direction}'")
    if channel not in ("telegram", "email", "hh"):
        raise InvalidValue(f"unknown message channel '{channel}'")
    if external_id is not None and chat_id is None:
        # The unique key treats a null chat as distinct from every other: no dedup without it.
        raise InvalidValue("a message with an external id needs its chat id")
    params = {
        "ws": workspace_id,
        "candidate": candidate_id,
        "interview": interview_id,
        "channel": channel,
        "direction": direction,
        "chat": None if chat_id is None else str(chat_id),
        "external": None if external_id is None else str(external_id),
        "text": text,
        "media": None if media is None else Jsonb(media),
        "sent_at": sent_at,
    }
    try:
        with conn.cursor(row_factory=class_row(Message)) as cur:
            cur.execute(
                f"""
                insert into messages (workspace_id, candidate_id, interview_id, channel,
                                      direction, chat_id, external_id, text, media, sent_at)
                select %(ws)s, %(candidate)s, %(interview)s, %(channel)s, %(direction)s,
                       %(chat)s, %(external)s, %(text)s, %(media)s,
                       coalesce(%(sent_at)s::timestamptz, now())
                where (%(candidate)s::bigint is null
                       or exists (select 1 from candidates where id = %(candidate)s))
                  and (%(interview)s::bigint is null
                       or exists (select 1 from interviews where id = %(interview)s))
                on conflict (workspace_id, channel, chat_id, direction, external_id)
                    where external_id is not null
                    do nothing
                returning {_COLUMNS}
                """,
                params,
            )
            row = cur.fetchone()
            if row is not None:
                return row, True
            cur.execute(
                f"""
                select {_COLUMNS} from messages
                where channel = %(channel)s and chat_id = %(chat)s
                  and direction = %(direction)s and external_id = %(external)s
                """,
                params,
            )
            existing = cur.fetchone()
    except psycopg.errors.InsufficientPrivilege as e:
        raise TenantContextMissing(
            "message workspace_id does not match the workspace context"
        ) from e
    if existing is None:
        raise NotFound("candidate or interview of the message not found")
    return existing, False


def list_for_candidate(
    conn: psycopg.Connection, *, candidate_id: int, limit: int = 200
) -> list[Message]:
    """The candidate's latest messages on every channel, oldest first."""
    with conn.cursor(row_factory=class_row(Message)) as cur:
        cur.execute(
            f"""
            select * from (
                select {_COLUMNS} from messages where candidate_id = %s
                order by sent_at desc, id desc limit %s
            ) latest
            order by sent_at, id
            """,
            (candidate_id, limit),
        )
        return cur.fetchall()


def list_for_chat(
    conn: psycopg.Connection, *, chat_id: str, channel: str = "telegram", limit: int = 200
) -> list[Message]:
    """A chat's latest messages, oldest first (the context a chat interview resumes from)."""
    with conn.cursor(row_factory=class_row(Message)) as cur:
        cur.execute(
            f"""
            select * from (
                select {_COLUMNS} from messages where channel = %s and chat_id = %s
                order by sent_at desc, id desc limit %s
            ) latest
            order by sent_at, id
            """,
            (channel, str(chat_id), limit),
        )
        return cur.fetchall()


@dataclass(frozen=True)
class Audio:
    """A voice note's (or audio file's) recording, kept with its message."""

    message_id: int
    mime_type: str
    duration_s: float | None
    data: bytes


def save_audio(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    message_id: int,
    mime_type: str,
    data: bytes,
    duration_s: float | None = None,
) -> None:
    """Keep the recording of a message (once: a redelivery keeps the first)."""
    conn.execute(
        """
        insert into message_audio (message_id, workspace_id, mime_type, duration_s, data)
        values (%s, %s, %s, %s, %s) on conflict (message_id) do nothing
        """,
        (message_id, workspace_id, mime_type, duration_s, data),
    )


def get_audio(
    conn: psycopg.Connection, *, message_id: int, chat_id: str | None = None
) -> Audio | None:
    """The message's recording, if it has one (and the message is in `chat_id`, if given)."""
    with conn.cursor(row_factory=class_row(Audio)) as cur:
        cur.execute(
            """
            select a.message_id, a.mime_type, a.duration_s, a.data
            from message_audio a join messages m on m.id = a.message_id
            where a.message_id = %s and (%s::text is null or m.chat_id = %s)
            """,
            (message_id, chat_id, chat_id),
        )
        return cur.fetchone()


def with_audio(conn: psycopg.Connection, *, message_ids: list[int]) -> set[int]:
    """Which of the messages have a recording."""
    rows = conn.execute(
        "select message_id from message_audio where message_id = any(%s)", (message_ids,)
    ).fetchall()
    return {r[0] for r in rows}
