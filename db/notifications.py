"""Notifications for people: an inbox row per recipient, plus e-mail / Slack through the outbox.

`notify` is called in the transaction of the change that caused it (a screening stored, a report
saved, a message failed for good), so a change that rolls back tells nobody and a change that is
retried tells each person once (`dedupe_key`). Who is told depends on the kind (`KINDS`: the
lowest role that needs it); each person chooses, per kind, which channels join the inbox
(`notification_settings`). E-mails and Slack posts are outbox items like any other message, so
they are retried, and a failed one shows on the Automation page; a failed *notification* message
is itself told in the inbox only, so a broken mail server cannot feed a loop of failures.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from db import outbox
from db.errors import InvalidValue, NotFound
from db.memberships import role_at_least
from db.messages import random_id_for
from db.notification_texts import LANGUAGES, render

# Kind → the lowest role told.
KINDS: dict[str, str] = {
    "candidate.strong": "recruiter",
    "report.ready": "recruiter",
    "report.flagged": "recruiter",
    "outbox.failed": "owner",
    "telegram.revoked": "owner",
    "telegram.outreach_paused": "recruiter",
    "hh.reconnect_needed": "owner",
    "hh.action_needed": "recruiter",
    "lead.strong": "recruiter",
    "lead.replied": "recruiter",
    "lead.meeting_booked": "recruiter",
    "lead.meeting_canceled": "recruiter",
    "lead.digest": "owner",
}
CHANNELS = ("email", "slack", "telegram")
# Outbox kinds 'email.notification', 'slack.notification', 'telegram.notification'.
NOTIFICATION_MESSAGE = "notification"
_TELEGRAM_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")
_COLUMNS = "id, workspace_id, user_id, kind, title, body, subject, created_at, read_at"


@dataclass(frozen=True)
class Notification:
    """One inbox entry of one person."""

    id: int
    workspace_id: UUID
    user_id: int
    kind: str
    title: str
    body: str
    subject: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


@dataclass(frozen=True)
class NotificationSettings:
    """A person's choices in one workspace: channels per kind, message language, Slack hook."""

    channels: dict[str, list[str]]
    language: str
    has_slack_webhook: bool
    telegram_username: str | None = None


def slack_purpose(workspace_id: UUID, user_id: int) -> str:
    """The sealing purpose of a person's Slack webhook URL (db/secret_box.py)."""
    return f"slack:{workspace_id}:{user_id}"


def notify(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    kind: str,
    dedupe_key: str,
    subject: dict[str, Any],
    inbox_only: bool = False,
) -> int:
    """Tell everyone in the workspace who needs `kind`; how many people were told (new rows).

    Each recipient gets an inbox row and, unless `inbox_only`, one outbox message per channel
    they chose for the kind. Repeating a `dedupe_key` tells nobody again.
    """
    if kind not in KINDS:
        raise InvalidValue(f"unknown notification kind '{kind}'")
    if not 1 <= len(dedupe_key) <= 150:
        raise InvalidValue("a notification dedupe key must be 1-150 characters")
    recipients = conn.execute(
        """
        select m.user_id, m.role, u.email, s.channels, coalesce(s.language, 'en'),
               s.slack_webhook_sealed, s.telegram_username
        from memberships m
        join users u on u.id = m.user_id
        left join notification_settings s
            on s.workspace_id = m.workspace_id and s.user_id = m.user_id
        where m.workspace_id = %s and u.is_active
        order by m.user_id
        """,
        (workspace_id,),
    ).fetchall()
    told = 0
    for user_id, role, email, channels, language, slack_sealed, telegram_username in recipients:
        if not role_at_least(role, KINDS[kind]):
            continue
        title, body = render(kind, subject, language)
        inserted = conn.execute(
            """
            insert into notifications (workspace_id, user_id, kind, dedupe_key, title, body,
                                       subject)
            values (%s, %s, %s, %s, %s, %s, %s)
            on conflict (workspace_id, user_id, dedupe_key) do nothing
            """,
            (workspace_id, user_id, kind, dedupe_key, title, body, Jsonb(subject)),
        ).rowcount
        if not inserted:
            continue
        told += 1
        if inbox_only:
            continue
        chosen = (channels or {}).get(kind, [])
        key = f"notify:{dedupe_key}:{user_id}"
        if "email" in chosen:
            outbox.enqueue(
                conn, workspace_id=workspace_id, kind=f"email.{NOTIFICATION_MESSAGE}",
                idempotency_key=f"{key}:email",
                payload={"to": email, "subject": title, "text": body},
            )  # fmt: skip
        if "slack" in chosen and slack_sealed is not None:
            outbox.enqueue(
                conn, workspace_id=workspace_id, kind=f"slack.{NOTIFICATION_MESSAGE}",
                idempotency_key=f"{key}:slack",
                payload={
                    "text": f"*{title}*\n{body}",
                    "webhook_url_sealed": base64.b64encode(bytes(slack_sealed)).decode(),
                    "webhook_url_purpose": slack_purpose(workspace_id, user_id),
                },
            )  # fmt: skip
        if "telegram" in chosen and telegram_username:
            # Sent by the workspace's own account (the WorkspaceBot); not a candidate's chat,
            # so not recorded in the conversations (`record`: false).
            outbox.enqueue(
                conn, workspace_id=workspace_id, kind=f"telegram.{NOTIFICATION_MESSAGE}",
                idempotency_key=f"{key}:telegram",
                payload={"username": telegram_username, "text": f"{title}\n\n{body}",
                         "random_id": random_id_for(workspace_id, f"{key}:telegram"),
                         "timing": "reply", "record": False},
            )  # fmt: skip
    return told


def list_inbox(
    conn: psycopg.Connection,
    *,
    user_id: int,
    unread_only: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> list[Notification]:
    """The person's notifications in the current workspace, newest first."""
    with conn.cursor(row_factory=class_row(Notification)) as cur:
        cur.execute(
            f"""
            select {_COLUMNS} from notifications
            where user_id = %(user)s and (not %(unread)s or read_at is null)
            order by created_at desc, id desc
            limit %(limit)s offset %(offset)s
            """,
            {"user": user_id, "unread": unread_only, "limit": limit, "offset": offset},
        )
        return cur.fetchall()


def unread_count(conn: psycopg.Connection, *, user_id: int) -> int:
    """How many of the person's notifications in the current workspace are unread."""
    row = conn.execute(
        "select count(*) from notifications where user_id = %s and read_at is null", (user_id,)
    ).fetchone()
    return int(row[0]) if row else 0


def mark_read(conn: psycopg.Connection, *, user_id: int, notification_id: int) -> Notification:
    """Mark one of the person's notifications read (again is harmless); `NotFound` if not theirs."""
    with conn.cursor(row_factory=class_row(Notification)) as cur:
        cur.execute(
            f"""
            update notifications set read_at = coalesce(read_at, now())
            where id = %s and user_id = %s
            returning {_COLUMNS}
            """,
            (notification_id, user_id),
        )
        row = cur.fetchone()
    if row is None:
        raise NotFound(f"notification {notification_id} not found")
    return row


def mark_all_read(conn: psycopg.Connection, *, user_id: int) -> int:
    """Mark all of the person's notifications in the current workspace read; how many were."""
    return conn.execute(
        "update notifications set read_at = now() where user_id = %s and read_at is null",
        (user_id,),
    ).rowcount


def get_settings(conn: psycopg.Connection, *, user_id: int) -> NotificationSettings:
    """The person's channel choices in the current workspace (inbox only when never set)."""
    row = conn.execute(
        """
        select channels, language, slack_webhook_sealed is not null, telegram_username
        from notification_settings where user_id = %s
        """,
        (user_id,),
    ).fetchone()
    if row is None:
        return NotificationSettings(channels={}, language="en", has_slack_webhook=False)
    return NotificationSettings(channels=dict(row[0]), language=row[1], has_slack_webhook=row[2],
                                telegram_username=row[3])  # fmt: skip


def save_settings(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    user_id: int,
    channels: dict[str, list[str]],
    language: str,
    slack_webhook_sealed: bytes | None = None,
    clear_slack_webhook: bool = False,
    telegram_username: str | None = None,
) -> NotificationSettings:
    """Replace the person's channel choices; the Slack URL changes only when given or cleared,
    the Telegram username only when given ("" clears it)."""
    unknown = sorted(set(channels) - set(KINDS))
    if unknown:
        raise InvalidValue(f"unknown notification kinds: {', '.join(unknown)}")
    for kind, chosen in channels.items():
        bad = sorted(set(chosen) - set(CHANNELS))
        if bad:
            raise InvalidValue(f"unknown channels for {kind}: {', '.join(bad)}")
    if language not in LANGUAGES:
        raise InvalidValue(f"language must be one of {', '.join(LANGUAGES)}")
    username = telegram_username.strip().lstrip("@") if telegram_username is not None else None
    if username and not _TELEGRAM_USERNAME.fullmatch(username):
        raise InvalidValue(f"'{username}' is not a Telegram username (5-32 letters, digits, _)")
    cleaned = {kind: sorted(set(chosen)) for kind, chosen in channels.items() if chosen}
    conn.execute(
        """
        insert into notification_settings (workspace_id, user_id, channels, language,
                                           slack_webhook_sealed, telegram_username)
        values (%(ws)s, %(user)s, %(channels)s, %(language)s, %(sealed)s, %(tg)s)
        on conflict (workspace_id, user_id) do update set
            channels = excluded.channels, language = excluded.language,
            telegram_username = case when %(tg_given)s then excluded.telegram_username
                                     else notification_settings.telegram_username end,
            slack_webhook_sealed = case
                when %(clear)s then null
                else coalesce(excluded.slack_webhook_sealed,
                              notification_settings.slack_webhook_sealed) end,
            updated_at = now()
        """,
        {
            "ws": workspace_id,
            "user": user_id,
            "channels": Jsonb(cleaned),
            "language": language,
            "sealed": None if clear_slack_webhook else slack_webhook_sealed,
            "clear": clear_slack_webhook,
            "tg": username or None,
            "tg_given": username is not None,
        },
    )
    return get_settings(conn, user_id=user_id)
