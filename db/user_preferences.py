"""A person's own console choices (the interface language), readable and writable only in
that person's context (`transaction(pool, user_id=...)`; RLS on `app.user_id`)."""

from __future__ import annotations

import psycopg

from db.errors import InvalidValue

LANGUAGES = ("ru", "en")


def get_language(conn: psycopg.Connection, *, user_id: int) -> str | None:
    """The language the user chose, or None if they never chose one."""
    row = conn.execute(
        "select language from user_preferences where user_id = %s", (user_id,)
    ).fetchone()
    return row[0] if row else None


def set_language(conn: psycopg.Connection, *, user_id: int, language: str) -> None:
    """Remember the user's interface language."""
    if language not in LANGUAGES:
        raise InvalidValue(f"language must be one of {', '.join(LANGUAGES)}")
    conn.execute(
        """
        insert into user_preferences (user_id, language) values (%s, %s)
        on conflict (user_id) do update set language = excluded.language, updated_at = now()
        """,
        (user_id, language),
    )
