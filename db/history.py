"""Past timestamps for history that happened before it reached the database: a job board's
response imported days after it was sent, or the demo workspace's month of hiring.

Rows are created "now" by their repositories; these functions move one application (with its
screenings) or one interview into the past, under the caller's workspace context like every
other write.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import psycopg

from db.errors import NotFound

SCREENED_AFTER = timedelta(minutes=3)  # automation screens a response minutes after it lands


def set_applied_at(conn: psycopg.Connection, *, application_id: int, at: datetime) -> None:
    """The moment the candidate applied; the application's screenings move with it."""
    row = conn.execute(
        "update applications set created_at = %s where id = %s returning id", (at, application_id)
    ).fetchone()
    if row is None:
        raise NotFound(f"application {application_id} not found")
    conn.execute(
        "update screenings set created_at = %s where application_id = %s",
        (at + SCREENED_AFTER, application_id),
    )


def set_interview_times(
    conn: psycopg.Connection,
    *,
    interview_id: int,
    created_at: datetime,
    started_at: datetime | None = None,
    ended_at: datetime | None = None,
) -> None:
    """When the invitation was sent and, if it happened, when the interview ran; its turns
    keep their order and move by the same offset as its start."""
    row = conn.execute(
        "select started_at from interviews where id = %s", (interview_id,)
    ).fetchone()
    if row is None:
        raise NotFound(f"interview {interview_id} not found")
    conn.execute(
        "update interviews set created_at = %s, started_at = coalesce(%s, started_at), "
        "ended_at = coalesce(%s, ended_at) where id = %s",
        (created_at, started_at, ended_at, interview_id),
    )
    if started_at is not None and row[0] is not None:
        conn.execute(
            "update interview_turns set started_at = started_at + (%s - %s::timestamptz), "
            "ended_at = ended_at + (%s - %s::timestamptz) where interview_id = %s",
            (started_at, row[0], started_at, row[0], interview_id),
        )
