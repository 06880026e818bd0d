"""Telegram chats of the workspace's account: which candidate, application and interview each
is about (set when the candidate opens the invitation's deep link)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import psycopg
from psycopg.rows import class_row

_COLUMNS = (
    "workspace_id, chat_id, access_hash, username, candidate_id, application_id, interview_id, "
    "last_inbound_at, nudged_at, updated_at"
)


@dataclass(frozen=True)
class Chat:
    workspace_id: UUID
    chat_id: int
    access_hash: int | None
    username: str | None
    candidate_id: int | None
    application_id: int | None
    interview_id: int | None
    last_inbound_at: datetime | None
    nudged_at: datetime | None
    updated_at: datetime


def seen(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    chat_id: int,
    access_hash: int | None,
    username: str | None,
) -> Chat:
    """Note a message from the chat (creating its row on the first one)."""
    with conn.cursor(row_factory=class_row(Chat)) as cur:
        cur.execute(
            f"""
            insert into telegram_chats (workspace_id, chat_id, access_hash, username,
                                        last_inbound_at)
            values (%s, %s, %s, %s, now())
            on conflict (workspace_id, chat_id) do update set
                access_hash = coalesce(excluded.access_hash, telegram_chats.access_hash),
                username = coalesce(excluded.username, telegram_chats.username),
                last_inbound_at = now(), nudged_at = null, updated_at = now()
            returning {_COLUMNS}
            """,
            (workspace_id, chat_id, access_hash, username),
        )
        row = cur.fetchone()
    assert row is not None
    return row


def get(conn: psycopg.Connection, *, chat_id: int) -> Chat | None:
    with conn.cursor(row_factory=class_row(Chat)) as cur:
        cur.execute(f"select {_COLUMNS} from telegram_chats where chat_id = %s", (chat_id,))
        return cur.fetchone()


def tie(
    conn: psycopg.Connection,
    *,
    chat_id: int,
    candidate_id: int,
    application_id: int,
    interview_id: int | None,
) -> None:
    """The chat is the candidate's, about this application (and interview)."""
    conn.execute(
        """
        update telegram_chats set candidate_id = %s, application_id = %s, interview_id = %s,
            updated_at = now()
        where chat_id = %s
        """,
        (candidate_id, application_id, interview_id, chat_id),
    )


def for_interview(conn: psycopg.Connection, *, interview_id: int) -> Chat | None:
    with conn.cursor(row_factory=class_row(Chat)) as cur:
        cur.execute(
            f"select {_COLUMNS} from telegram_chats where interview_id = %s", (interview_id,)
        )
        return cur.fetchone()


def for_candidate(conn: psycopg.Connection, *, candidate_id: int) -> Chat | None:
    """The candidate's chat with the account (the latest, if they wrote from two)."""
    with conn.cursor(row_factory=class_row(Chat)) as cur:
        cur.execute(
            f"select {_COLUMNS} from telegram_chats where candidate_id = %s "
            "order by updated_at desc limit 1",
            (candidate_id,),
        )
        return cur.fetchone()


def mark_nudged(conn: psycopg.Connection, *, chat_id: int) -> None:
    conn.execute(
        "update telegram_chats set nudged_at = now(), updated_at = now() where chat_id = %s",
        (chat_id,),
    )


@dataclass(frozen=True)
class ChatSummary:
    """A chat as the conversations list shows it."""

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


def list_chats(conn: psycopg.Connection, *, limit: int = 100) -> list[ChatSummary]:
    """The workspace's chats, the most recent first, with their candidate, interview, last
    message and how many of the candidate's messages came since a recruiter last read it."""
    with conn.cursor(row_factory=class_row(ChatSummary)) as cur:
        cur.execute(
            """
            select c.chat_id, c.username, c.candidate_id, cand.full_name as candidate_name,
                   c.interview_id, i.status as interview_status,
                   last.text as last_text, last.direction as last_direction,
                   last.sent_at as last_at,
                   (select count(*) from messages m
                    where m.channel = 'telegram' and m.chat_id = c.chat_id::text
                      and m.direction = 'inbound'
                      and m.sent_at > coalesce(c.recruiter_read_at, '-infinity'))::int as unread
            from telegram_chats c
            left join candidates cand on cand.id = c.candidate_id
            left join interviews i on i.id = c.interview_id
            left join lateral (
                select m.text, m.direction, m.sent_at from messages m
                where m.channel = 'telegram' and m.chat_id = c.chat_id::text
                order by m.sent_at desc, m.id desc limit 1
            ) last on true
            order by last.sent_at desc nulls last, c.chat_id
            limit %s
            """,
            (limit,),
        )
        return cur.fetchall()


def mark_read_by_recruiter(conn: psycopg.Connection, *, chat_id: int) -> None:
    conn.execute(
        "update telegram_chats set recruiter_read_at = now() where chat_id = %s", (chat_id,)
    )
