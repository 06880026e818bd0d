"""Failed sign-ins, for throttling password guessing per account and per client address.

Failures are counted in a sliding window. The e-mail is stored whether or not such a user
exists, so throttling answers the same for both and tells an attacker nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import psycopg

from db.users import normalize_email


@dataclass(frozen=True)
class Recent:
    """Failures inside the window and seconds until the oldest counted one leaves it."""

    count: int
    retry_after_s: int


def record(conn: psycopg.Connection, *, email: str, address: str) -> None:
    """Count one failed sign-in, and drop failures older than a day (nothing reads them)."""
    conn.execute(
        "insert into login_failures (email, address) values (%s, %s)",
        (normalize_email(email)[:320], address[:100]),
    )
    conn.execute("delete from login_failures where at < now() - interval '1 day'")


def _recent(conn: psycopg.Connection, column: str, value: str, window: timedelta) -> Recent:
    row = conn.execute(
        f"select count(*), ceil(extract(epoch from min(at) + %s - now())) "  # noqa: S608
        f"from login_failures where {column} = %s and at > now() - %s",
        (window, value, window),
    ).fetchone()
    count, seconds = (row[0], row[1]) if row else (0, None)
    return Recent(int(count), max(1, int(seconds)) if seconds is not None else 0)


def recent_for_email(conn: psycopg.Connection, *, email: str, window: timedelta) -> Recent:
    return _recent(conn, "email", normalize_email(email)[:320], window)


def recent_for_address(conn: psycopg.Connection, *, address: str, window: timedelta) -> Recent:
    return _recent(conn, "address", address[:100], window)


def clear_email(conn: psycopg.Connection, *, email: str) -> None:
    """Forget an account's failures after it signed in."""
    conn.execute("delete from login_failures where email = %s", (normalize_email(email)[:320],))
