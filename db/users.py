"""Users: people who sign in to the console. Global (not per workspace); access to a
workspace comes from `memberships`. The password hash never leaves this module except through
`get_credentials`, which login alone calls.
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
    """Insert a user; a taken email is a `Conflict`."""
    try:
        with conn.transaction(), conn.cursor(row_factory=class_row(User)) as cur:
            cur.execute(
                f"insert into users (email, full_name, password_hash) values (%s, %s, %s) "
                f"returning {_COLUMNS}",
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
    """The user or `NotFound`."""
    with conn.cursor(row_factory=class_row(User)) as cur:
        cur.execute(f"select {_COLUMNS} from users where id = %s", (user_id,))
        row = cur.fetchone()
    if row is None:
        raise NotFound("user not found")
    return row


def find_by_email(conn: psycopg.Connection, *, email: str) -> User | None:
    """The user with this email, if any."""
    with conn.cursor(row_factory=class_row(User)) as cur:
        cur.execute(
            f"select {_COLUMNS} from users where lower(email) = %s", (normalize_email(email),)
        )
        return cur.fetchone()


def get_credentials(conn: psycopg.Connection, *, email: str) -> tuple[User, str] | None:
    """The user and their password hash, for verifying a login."""
    row = conn.execute(
        f"select {_COLUMNS}, password_hash from users where lower(email) = %s",
        (normalize_email(email),),
    ).fetchone()
    if row is None:
        return None
    return User(*row[:6]), row[6]


def set_password_hash(conn: psycopg.Connection, *, user_id: int, password_hash: str) -> None:
    """Replace a user's password hash (password change or rehash on login)."""
    cur = conn.execute(
        "update users set password_hash = %s where id = %s", (password_hash, user_id)
    )
    if cur.rowcount == 0:
        raise NotFound("user not found")


def set_active(conn: psycopg.Connection, *, user_id: int, active: bool) -> None:
    """Disable or re-enable sign-in for a user."""
    cur = conn.execute("update users set is_active = %s where id = %s", (active, user_id))
    if cur.rowcount == 0:
        raise NotFound("user not found")
