"""Audit log: an append-only record of who changed what in a workspace.

The application role may insert and read it but not update or delete it (see db.roles).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

_COLUMNS = (
    "id, workspace_id, actor_user_id, actor_api_key_id, action, target_type, target_id, "
    "details, created_at"
)


@dataclass(frozen=True)
class AuditEntry:
    """One recorded action."""

    id: int
    workspace_id: UUID
    actor_user_id: int | None
    actor_api_key_id: int | None
    action: str
    target_type: str | None
    target_id: str | None
    details: dict[str, Any]
    created_at: datetime


def record(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    action: str,
    actor_user_id: int | None = None,
    actor_api_key_id: int | None = None,
    target_type: str | None = None,
    target_id: str | int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry; `details` must hold no secrets."""
    with conn.cursor(row_factory=class_row(AuditEntry)) as cur:
        cur.execute(
            f"""
            insert into audit_log (workspace_id, actor_user_id, actor_api_key_id, action,
                                   target_type, target_id, details)
            values (%s, %s, %s, %s, %s, %s, %s)
            returning {_COLUMNS}
            """,
            (
                workspace_id,
                actor_user_id,
                actor_api_key_id,
                action,
                target_type,
                None if target_id is None else str(target_id),
                Jsonb(details or {}),
            ),
        )
        row = cur.fetchone()
    assert row is not None
    return row


def list_recent(conn: psycopg.Connection, *, limit: int = 100) -> list[AuditEntry]:
    """The newest entries of the current workspace."""
    with conn.cursor(row_factory=class_row(AuditEntry)) as cur:
        cur.execute(
            f"select {_COLUMNS} from audit_log order by created_at desc, id desc limit %s",
            (limit,),
        )
        return cur.fetchall()
