"""Audit log: an append-only record of who changed what in a workspace.

The application role may insert and read it but not update or delete it (see db.roles).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg import sql
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


@dataclass(frozen=True)
class AuditFilters:
    """What an owner narrows the log to; None means no narrowing on that field."""

    action_prefix: str | None = None  # "vacancy." matches every vacancy action
    actor_user_id: int | None = None
    target_type: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


@dataclass(frozen=True)
class AuditView(AuditEntry):
    """An entry with its actor's name, e-mail and key name; None when not visible (a user
    who left the workspace is no longer readable under RLS) or not a user / key."""

    actor_name: str | None = None
    actor_email: str | None = None
    actor_api_key_name: str | None = None


def _where(filters: AuditFilters) -> tuple[sql.Composed, dict[str, Any]]:
    conditions: list[sql.Composable] = [sql.SQL("true")]
    params: dict[str, Any] = {}
    if filters.action_prefix:
        # LIKE's own wildcards in the prefix are matched literally.
        escaped = re.sub(r"([\\%_])", r"\\\1", filters.action_prefix)
        conditions.append(sql.SQL("l.action like %(action)s"))
        params["action"] = f"{escaped}%"
    for name, column in (("actor_user_id", "l.actor_user_id"), ("target_type", "l.target_type")):
        value = getattr(filters, name)
        if value is not None:
            conditions.append(sql.SQL(f"{column} = %({name})s"))
            params[name] = value
    if filters.since is not None:
        conditions.append(sql.SQL("l.created_at >= %(since)s"))
        params["since"] = filters.since
    if filters.until is not None:
        conditions.append(sql.SQL("l.created_at < %(until)s"))
        params["until"] = filters.until
    return sql.SQL(" and ").join(conditions), params


def list_entries(
    conn: psycopg.Connection,
    *,
    filters: AuditFilters | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditView]:
    """One page of the current workspace's log, newest first, with actor names."""
    where, params = _where(filters or AuditFilters())
    columns = ", ".join(f"l.{c.strip()}" for c in _COLUMNS.split(","))
    query = sql.SQL(
        f"""
        select {columns}, u.full_name as actor_name, u.email as actor_email,
               k.name as actor_api_key_name
        from audit_log l
        left join users u on u.id = l.actor_user_id
        left join api_keys k on k.id = l.actor_api_key_id
        where {{where}}
        order by l.created_at desc, l.id desc
        limit %(limit)s offset %(offset)s
        """
    ).format(where=where)
    with conn.cursor(row_factory=class_row(AuditView)) as cur:
        cur.execute(query, {**params, "limit": limit, "offset": offset})
        return cur.fetchall()


def count_entries(conn: psycopg.Connection, *, filters: AuditFilters | None = None) -> int:
    """How many entries of the current workspace match `filters`, paging aside."""
    where, params = _where(filters or AuditFilters())
    query = sql.SQL("select count(*) from audit_log l where {where}").format(where=where)
    row = conn.execute(query, params).fetchone()
    return int(row[0]) if row else 0
