"""A workspace's connections to outside services (`integrations`, one row per kind).

The row keeps the connection's state, what it knows about the other side (`settings`: the HH
employer, the last sync) and its credentials sealed (`secrets_encrypted`, opened only by the
caller with the installation's SecretBox). `lock` takes the row for update: the refresh of an
HH token, usable once, happens under it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from db.errors import NotFound

STATUSES = ("disconnected", "pending", "connected", "reconnect_needed", "action_needed", "error")
_COLUMNS = "id, workspace_id, kind, status, settings, secrets_encrypted, last_error, " \
    "last_checked_at, updated_at"  # fmt: skip


@dataclass(frozen=True)
class Integration:
    id: int
    workspace_id: UUID
    kind: str
    status: str
    settings: dict[str, Any]
    secrets_encrypted: bytes | None
    last_error: str | None
    last_checked_at: datetime | None
    updated_at: datetime


def secret_purpose(workspace_id: UUID, kind: str) -> str:
    return f"integration:{kind}:{workspace_id}"


def get(conn: psycopg.Connection, *, kind: str, lock: bool = False) -> Integration | None:
    with conn.cursor(row_factory=class_row(Integration)) as cur:
        cur.execute(
            f"select {_COLUMNS} from integrations where kind = %s"
            + (" for update" if lock else ""),
            (kind,),
        )
        return cur.fetchone()


def require(conn: psycopg.Connection, *, kind: str, lock: bool = False) -> Integration:
    row = get(conn, kind=kind, lock=lock)
    if row is None:
        raise NotFound(f"this workspace has no {kind} connection: connect it first")
    return row


def connect(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    kind: str,
    sealed: bytes,
    settings: dict[str, Any],
) -> Integration:
    """Connected (again): new credentials and what is known about the other side."""
    with conn.cursor(row_factory=class_row(Integration)) as cur:
        cur.execute(
            f"""
            insert into integrations (workspace_id, kind, status, settings, secrets_encrypted,
                                      last_checked_at)
            values (%s, %s, 'connected', %s, %s, now())
            on conflict (workspace_id, kind) do update set status = 'connected',
                settings = integrations.settings || excluded.settings,
                secrets_encrypted = excluded.secrets_encrypted, last_error = null,
                last_checked_at = now(), updated_at = now()
            returning {_COLUMNS}
            """,
            (workspace_id, kind, Jsonb(settings), sealed),
        )
        row = cur.fetchone()
    assert row is not None
    return row


def save_secrets(conn: psycopg.Connection, *, kind: str, sealed: bytes) -> None:
    _update(conn, kind, "secrets_encrypted = %(v)s, last_checked_at = now()", {"v": sealed})


def set_status(
    conn: psycopg.Connection, *, kind: str, status: str, error: str | None = None
) -> None:
    """The connection's state (and why, for anything not fine)."""
    assert status in STATUSES
    _update(conn, kind, "status = %(s)s, last_error = %(e)s", {"s": status, "e": error})


def merge_settings(conn: psycopg.Connection, *, kind: str, values: dict[str, Any]) -> None:
    _update(conn, kind, "settings = settings || %(v)s", {"v": Jsonb(values)})


def disconnect(conn: psycopg.Connection, *, kind: str) -> None:
    """Credentials dropped; what is known about the other side stays for the page."""
    _update(conn, kind, "status = 'disconnected', secrets_encrypted = null, last_error = null", {})


def _update(conn: psycopg.Connection, kind: str, sets: str, params: dict[str, Any]) -> None:
    done = conn.execute(
        f"update integrations set {sets}, updated_at = now() where kind = %(kind)s",
        {**params, "kind": kind},
    ).rowcount
    if not done:
        raise NotFound(f"this workspace has no {kind} connection: connect it first")
