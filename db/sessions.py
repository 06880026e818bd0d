"""Sign-in sessions: the rows session tokens point at, so a session can end before it expires.

The token itself is signed and carries the session id; a request is let in only while the
row is live (not revoked, not expired). Signing out revokes one row; a password change
revokes every other session of the user.

Row-level security (0010_users_rls.sql) shows a session only to its own user: every function
here needs `app.user_id` set to that user (`transaction(pool, user_id=...)`).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

import psycopg


def open_session(conn: psycopg.Connection, *, user_id: int, expires_at: datetime) -> UUID:
    """A new live session of the user until `expires_at`."""
    session_id = uuid4()
    conn.execute(
        "insert into sessions (id, user_id, expires_at) values (%s, %s, %s)",
        (session_id, user_id, expires_at),
    )
    return session_id


def is_live(conn: psycopg.Connection, *, session_id: UUID, user_id: int) -> bool:
    """Whether the session exists for this user, is not revoked and has not expired."""
    row = conn.execute(
        "select 1 from sessions where id = %s and user_id = %s and revoked_at is null "
        "and expires_at > now()",
        (session_id, user_id),
    ).fetchone()
    return row is not None


def revoke(conn: psycopg.Connection, *, session_id: UUID) -> bool:
    """End one session; False when it was not live."""
    cur = conn.execute(
        "update sessions set revoked_at = now() where id = %s and revoked_at is null",
        (session_id,),
    )
    return cur.rowcount == 1


def revoke_all(conn: psycopg.Connection, *, user_id: int, keep: UUID | None = None) -> int:
    """End every live session of the user but `keep`; how many were ended."""
    cur = conn.execute(
        "update sessions set revoked_at = now() where user_id = %s and revoked_at is null "
        "and id is distinct from %s",
        (user_id, keep),
    )
    return cur.rowcount


def forget_expired(conn: psycopg.Connection) -> int:
    """Delete the current user's sessions that ended more than a day ago; they can never be
    honoured again. RLS limits it to `app.user_id`'s sessions."""
    cur = conn.execute(
        "delete from sessions where coalesce(revoked_at, expires_at) < now() - interval '1 day'"
    )
    return cur.rowcount
