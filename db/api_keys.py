"""Workspace API keys. Only a hash and a short display prefix are stored; the key itself is
shown once when issued (see serve_apps.security for its format and hashing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import psycopg
from psycopg.rows import class_row

from db.errors import NotFound

_COLUMNS = (
    "id, workspace_id, name, prefix, role, created_by, created_at, last_used_at, expires_at, "
    "revoked_at"
)


@dataclass(frozen=True)
class ApiKey:
    """A stored key, without its secret."""

    id: int
    workspace_id: UUID
    name: str
    prefix: str
    role: str
    created_by: int | None
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None

    def is_usable(self, now: datetime) -> bool:
        """Not revoked and not expired."""
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


def create_api_key(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    name: str,
    prefix: str,
    key_hash: str,
    role: str,
    created_by: int | None = None,
    expires_at: datetime | None = None,
) -> ApiKey:
    """Store a freshly issued key's hash."""
    with conn.cursor(row_factory=class_row(ApiKey)) as cur:
        cur.execute(
            f"""
            insert into api_keys (workspace_id, name, prefix, key_hash, role, created_by,
                                  expires_at)
            values (%s, %s, %s, %s, %s, %s, %s)
            returning {_COLUMNS}
            """,
            (workspace_id, name.strip(), prefix, key_hash, role, created_by, expires_at),
        )
        row = cur.fetchone()
    assert row is not None
    return row


def find_by_hash(conn: psycopg.Connection, *, key_hash: str) -> ApiKey | None:
    """The key with this hash in the current workspace, revoked or not."""
    with conn.cursor(row_factory=class_row(ApiKey)) as cur:
        cur.execute(f"select {_COLUMNS} from api_keys where key_hash = %s", (key_hash,))
        return cur.fetchone()


def touch_last_used(conn: psycopg.Connection, *, key_id: int) -> None:
    """Record use, at most once a minute per key to keep writes off the hot path."""
    conn.execute(
        "update api_keys set last_used_at = now() where id = %s "
        "and (last_used_at is null or last_used_at < now() - interval '1 minute')",
        (key_id,),
    )


def list_api_keys(conn: psycopg.Connection, *, include_revoked: bool = False) -> list[ApiKey]:
    """Keys of the current workspace, newest first."""
    where = "" if include_revoked else "where revoked_at is null"
    with conn.cursor(row_factory=class_row(ApiKey)) as cur:
        cur.execute(f"select {_COLUMNS} from api_keys {where} order by created_at desc, id desc")
        return cur.fetchall()


def revoke_api_key(conn: psycopg.Connection, *, key_id: int) -> ApiKey:
    """Revoke a key (idempotent: revoking twice keeps the first time)."""
    with conn.cursor(row_factory=class_row(ApiKey)) as cur:
        cur.execute(
            f"update api_keys set revoked_at = coalesce(revoked_at, now()) where id = %s "
            f"returning {_COLUMNS}",
            (key_id,),
        )
        row = cur.fetchone()
    if row is None:
        raise NotFound("API key not found")
    return row
