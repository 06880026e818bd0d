"""Users: people who sign in to the console. Global (not per workspace); access to a
workspace comes from `memberships`.

Row-level security (0010_users_rls.sql) shows the application role a user's row only in a
context that explains it: the user's own (`app.user_id`), the members of the current workspace,
whoever invited the current user. What must work before anyone is known goes through narrow
database functions instead: `create_user`, `get_credentials` (the only way to the password
hash, for sign-in alone) and `id_by_email` (operator actions only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg.rows import class_row

from db.errors import Conflict, NotFound

_COLUMNS = "id, email, full_name, is_active, created_at, updated_at"


@dataclass(frozen=True)
class User:
    """A person with a login."""

    id: int
    email: str
    full_name: str
    is_active: bool
    created_at: datetime
    updated_at: datetime


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def create_user(
    conn: psycopg.Connection, *, email: str, password_hash: str, full_name: str = ""
) -> User:
    """Insert a user, in any context; a taken email is a `Conflict`."""
    try:
        with conn.transaction(), conn.cursor(row_factory=class_row(User)) as cur:
            cur.execute(
                f"select {_COLUMNS} from create_user(%s, %s, %s)",
                (normalize_email(email), full_name.strip(), password_hash),
            )
            row = cur.fetchone()
    except psycopg.errors.UniqueViolation as e:
        raise Conflict(f"a user with email {normalize_email(email)} already exists") from e
    except psycopg.errors.CheckViolation as e:
        raise Conflict(f"'{email}' is not a valid email address") from e
    assert row is not None
    return row


def get_user(conn: psycopg.Connection, *, user_id: int) -> User:
    """The user or `NotFound` (also when the context does not show the user)."""
    with conn.cursor(row_factory=class_row(User)) as cur:
        cur.execute(f"select {_COLUMNS} from users where id = %s", (user_id,))
        row = cur.fetchone()
    if row is None:
        raise NotFound("user not found")
    return row


def id_by_email(conn: psycopg.Connection, *, email: str) -> int | None:
    """The id of the user with this email, in any context. It tells whether an address has an
    account, so only operator actions (CLI, demo seed) call it, never the API."""
    row = conn.execute("select user_id_by_email(%s)", (normalize_email(email),)).fetchone()
    return row[0] if row else None


def get_credentials(conn: psycopg.Connection, *, email: str) -> tuple[User, str] | None:
    """The user and their password hash, in any context, for verifying a login."""
    row = conn.execute(
        f"select {_COLUMNS}, password_hash from login_credentials(%s)",
        (normalize_email(email),),
    ).fetchone()
    if row is None:
        return None
    return User(*row[:6]), row[6]


def set_password_hash(conn: psycopg.Connection, *, user_id: int, password_hash: str) -> None:
    """Replace the user's password hash (password change or rehash on login); RLS lets a user
    rewrite only their own row, so this needs `app.user_id` = `user_id`."""
    cur = conn.execute(
        "update users set password_hash = %s where id = %s", (password_hash, user_id)
    )
    if cur.rowcount == 0:
        raise NotFound("user not found")
