"""Telegram messages to candidates, queued in the outbox (the workspace's bot sends them).

The `random_id` Telegram dedupes a message by is fixed here, when the outbox row is written
(derived from its idempotency key), so every attempt at sending it carries the same one: a
bot that dies after Telegram took the message but before the row was marked sends it again
after its restart, and Telegram drops the repeat (RANDOM_ID_DUPLICATE) instead of showing
the candidate the message twice.

Each message also carries its `timing` and the candidate's time zone, which decide when it may
go out (pipelines/telegram/outreach.py): a reply at once, anything else by daylight there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import psycopg

from db import outbox
from db.errors import InvalidValue
from db.messages import random_id_for
from db.outbox import OutboxItem
from pipelines.telegram.outreach import TIMINGS, Timing

KIND = "telegram.message"


@dataclass(frozen=True)
class Recipient:
    """Who gets it: a chat (a Telegram user id, with the access hash the bot saw it with), a
    @username, or a phone number (imported as a contact named `name` to write to it)."""

    chat_id: int | None = None
    access_hash: int | None = None
    username: str | None = None
    phone: str | None = None
    name: str | None = None

    def payload(self) -> dict[str, object]:
        if self.chat_id is None and not self.username and not self.phone:
            raise InvalidValue("a Telegram message needs a chat id, a @username or a phone")
        return {"chat_id": self.chat_id, "access_hash": self.access_hash,
                "username": (self.username or "").lstrip("@") or None,
                "phone": self.phone, "name": self.name}  # fmt: skip


def queue_message(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    to: Recipient,
    text: str,
    key: str,
    candidate_id: int | None = None,
    not_before: datetime | None = None,
    timing: Timing = "reply",
    zone: str | None = None,
) -> tuple[OutboxItem, bool]:
    """Queue `text` for `to` once per `key` (not sent before `not_before`, if given);
    (item, created) as `db.outbox.enqueue` says. `timing` and `zone` (the candidate's IANA
    zone; None: the workspace's) say when it may go out."""
    if timing not in TIMINGS:
        raise InvalidValue(f"unknown message timing '{timing}'")
    if not text.strip():
        raise InvalidValue("a Telegram message cannot be empty")
    if len(text) > 4096:
        raise InvalidValue("a Telegram message is at most 4,096 characters")
    return outbox.enqueue(
        conn, workspace_id=workspace_id, kind=KIND, idempotency_key=key,
        payload={**to.payload(), "text": text, "candidate_id": candidate_id,
                 "random_id": random_id_for(workspace_id, key), "timing": timing,
                 "zone": zone},
        available_at=not_before,
    )  # fmt: skip
