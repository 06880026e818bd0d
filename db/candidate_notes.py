"""Candidate notes: what recruiters write about a person, newest first on the candidate page.

A note names its author by user id; the author's name and e-mail come from `users`, which the
application role reads only for members of the current workspace (0010_users_rls.sql), so a
note by someone who has since left the workspace keeps the id and loses the name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import psycopg
from psycopg.rows import class_row

from db.errors import InvalidValue, NotFound, TenantContextMissing

MAX_BODY = 5000
_SELECT = """
    select n.id, n.workspace_id, n.candidate_id, n.author_user_id,
           u.full_name as author_name, u.email as author_email, n.body, n.created_at
    from candidate_notes n left join users u on u.id = n.author_user_id
"""


@dataclass(frozen=True)
class Note:
    """One note; `author_name` / `author_email` are None when the author is not visible."""

    id: int
    workspace_id: UUID
    candidate_id: int
    author_user_id: int | None
    author_name: str | None
    author_email: str | None
    body: str
    created_at: datetime


def add_note(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    candidate_id: int,
    author_user_id: int | None,
    body: str,
) -> Note:
    """Store a note about a candidate of the current workspace (`NotFound` if not visible);
    the body is stored stripped and must hold 1-5000 characters."""
    text = body.strip()
    if not text or len(text) > MAX_BODY:
        raise InvalidValue(f"a note needs 1-{MAX_BODY} characters")
    try:
        # Foreign keys ignore row-level security: insert only for a candidate this context sees.
        row = conn.execute(
            """
            insert into candidate_notes (workspace_id, candidate_id, author_user_id, body)
            select %s, c.id, %s, %s from candidates c where c.id = %s
            returning id
            """,
            (workspace_id, author_user_id, text, candidate_id),
        ).fetchone()
    except psycopg.errors.InsufficientPrivilege as e:
        raise TenantContextMissing("note workspace_id does not match the workspace context") from e
    if row is None:
        raise NotFound(f"candidate {candidate_id} not found")
    with conn.cursor(row_factory=class_row(Note)) as cur:
        cur.execute(_SELECT + " where n.id = %s", (row[0],))
        note = cur.fetchone()
    assert note is not None
    return note


def list_notes(conn: psycopg.Connection, *, candidate_id: int, limit: int = 500) -> list[Note]:
    """The candidate's notes, newest first, with their authors where visible."""
    with conn.cursor(row_factory=class_row(Note)) as cur:
        cur.execute(
            _SELECT + " where n.candidate_id = %s order by n.created_at desc, n.id desc limit %s",
            (candidate_id, limit),
        )
        return cur.fetchall()
