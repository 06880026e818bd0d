"""Inbound webhooks: who may POST events to the product, and every event they sent.

A hook is registered per workspace with its source kind ('generic' for integrators, 'hh' for
HeadHunter's notifications, made when HH is connected), a public id (the last part of its URL,
/api/v1/hooks/<public id>) and a signing secret, stored sealed. An arriving event is stored raw
before anything acts on it (`store_event`); its (hook, event id) is unique, so a repeat is seen
as one and acted on never again.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from db.errors import InvalidValue, NotFound

SOURCES = ("generic", "hh")  # source kinds with a handler (pipelines/hooks)
EVENT_STATUSES = ("received", "processed", "stored", "failed")
_COLUMNS = "id, workspace_id, source, public_id, description, enabled, created_by, created_at"
_EVENT_COLUMNS = (
    "id, workspace_id, hook_id, event_id, octet_length(body) as size, headers, status, error, "
    "received_at, processed_at"
)


@dataclass(frozen=True)
class InboundHook:
    """A registered sender (its secret is not part of it)."""

    id: int
    workspace_id: UUID
    source: str
    public_id: str
    description: str
    enabled: bool
    created_by: int | None
    created_at: datetime


@dataclass(frozen=True)
class HookTarget:
    """What an unauthenticated POST's public id resolves to (inbound_hook_lookup)."""

    workspace_id: UUID
    hook_id: int
    source: str
    secret_sealed: bytes
    enabled: bool


@dataclass(frozen=True)
class InboundEvent:
    """One stored event (its raw body is read separately: `event_body`)."""

    id: int
    workspace_id: UUID
    hook_id: int
    event_id: str
    size: int
    headers: dict[str, Any]
    status: str
    error: str | None
    received_at: datetime
    processed_at: datetime | None


def secret_purpose(hook_id: int) -> str:
    """The sealing purpose of a hook's signing secret."""
    return f"inbound:{hook_id}"


def create_hook(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    source: str,
    seal: Any,
    description: str = "",
    created_by: int | None = None,
) -> InboundHook:
    """Register a sender; `seal(hook_id) -> bytes` seals its new secret."""
    if source not in SOURCES:
        raise InvalidValue(f"unknown webhook source '{source}'; use one of {', '.join(SOURCES)}")
    public_id = f"{source}-{secrets.token_urlsafe(18)}"
    with conn.transaction(), conn.cursor(row_factory=class_row(InboundHook)) as cur:
        cur.execute(
            f"""
            insert into inbound_hooks (workspace_id, source, public_id, description,
                                       secret_sealed, created_by)
            values (%s, %s, %s, %s, '\\x00', %s)
            returning {_COLUMNS}
            """,
            (workspace_id, source, public_id, description.strip()[:200], created_by),
        )
        row = cur.fetchone()
        assert row is not None
        conn.execute(
            "update inbound_hooks set secret_sealed = %s where id = %s", (seal(row.id), row.id)
        )
    return row


def list_hooks(conn: psycopg.Connection) -> list[InboundHook]:
    """The current workspace's hooks, oldest first."""
    with conn.cursor(row_factory=class_row(InboundHook)) as cur:
        cur.execute(f"select {_COLUMNS} from inbound_hooks order by id")
        return cur.fetchall()


def set_enabled(conn: psycopg.Connection, *, hook_id: int, enabled: bool) -> InboundHook:
    """Pause or resume a hook (a paused hook answers 404, as if it did not exist)."""
    with conn.cursor(row_factory=class_row(InboundHook)) as cur:
        cur.execute(
            f"update inbound_hooks set enabled = %s where id = %s returning {_COLUMNS}",
            (enabled, hook_id),
        )
        row = cur.fetchone()
    if row is None:
        raise NotFound(f"inbound webhook {hook_id} not found")
    return row


def delete_hook(conn: psycopg.Connection, *, hook_id: int) -> None:
    """Remove a hook and the events it brought."""
    if not conn.execute("delete from inbound_hooks where id = %s", (hook_id,)).rowcount:
        raise NotFound(f"inbound webhook {hook_id} not found")


def lookup(conn: psycopg.Connection, *, public_id: str) -> HookTarget | None:
    """The hook a public id names, from any context (the POST has no workspace yet)."""
    with conn.cursor(row_factory=class_row(HookTarget)) as cur:
        cur.execute("select * from inbound_hook_lookup(%s)", (public_id,))
        row = cur.fetchone()
    return row


def store_event(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    hook_id: int,
    event_id: str,
    body: bytes,
    headers: dict[str, str],
) -> InboundEvent | None:
    """Keep the raw event; None when this hook already delivered this event id."""
    if not 1 <= len(event_id) <= 200:
        raise InvalidValue("an event id must be 1-200 characters")
    with conn.cursor(row_factory=class_row(InboundEvent)) as cur:
        cur.execute(
            f"""
            insert into inbound_events (workspace_id, hook_id, event_id, body, headers)
            values (%s, %s, %s, %s, %s)
            on conflict (hook_id, event_id) do nothing
            returning {_EVENT_COLUMNS}
            """,
            (workspace_id, hook_id, event_id, body, Jsonb(headers)),
        )
        return cur.fetchone()


def finish_event(
    conn: psycopg.Connection, *, event_row_id: int, status: str, error: str | None = None
) -> None:
    """Record what acting on the event came to."""
    if status not in EVENT_STATUSES[1:]:
        raise InvalidValue(f"an event ends {', '.join(EVENT_STATUSES[1:])}, not '{status}'")
    conn.execute(
        "update inbound_events set status = %s, error = %s, processed_at = now() where id = %s",
        (status, (error or None) and error[:1000], event_row_id),
    )


def list_events(
    conn: psycopg.Connection, *, hook_id: int | None = None, limit: int = 50
) -> list[InboundEvent]:
    """Recent events of the current workspace (of one hook if given), newest first."""
    with conn.cursor(row_factory=class_row(InboundEvent)) as cur:
        cur.execute(
            f"""
            select {_EVENT_COLUMNS} from inbound_events
            where %(hook)s::bigint is null or hook_id = %(hook)s
            order by received_at desc, id desc limit %(limit)s
            """,
            {"hook": hook_id, "limit": limit},
        )
        return cur.fetchall()


def event_body(conn: psycopg.Connection, *, event_row_id: int) -> bytes:
    """The raw body of a stored event."""
    row = conn.execute("select body from inbound_events where id = %s", (event_row_id,)).fetchone()
    if row is None:
        raise NotFound(f"inbound event {event_row_id} not found")
    return bytes(row[0])
