"""Screenings: every scoring of a resume against a vacancy, kept as history.

Recording one also makes it the application's current verdict, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from db import events
from db.applications import RECOMMENDATIONS
from db.errors import InvalidValue, NotFound

_SCREENING_COLUMNS = (
    "id, workspace_id, application_id, resume_id, score, matched, missing, rationale, "
    "recommendation, engine, flags, created_at"
)


@dataclass(frozen=True)
class Screening:
    """One scoring of a resume against a vacancy, with the engine that produced it."""

    id: int
    workspace_id: UUID
    application_id: int
    resume_id: int | None
    score: int
    matched: list[Any]
    missing: list[Any]
    rationale: str
    recommendation: str
    engine: str
    flags: list[Any]
    created_at: datetime


def record_screening(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    application_id: int,
    score: int,
    recommendation: str,
    engine: str,
    matched: list[Any] | None = None,
    missing: list[Any] | None = None,
    rationale: str = "",
    flags: list[Any] | None = None,
    resume_id: int | None = None,
) -> Screening:
    """Store a screening and make it the application's current verdict, atomically.

    A new application moves to 'screened'; one already further along (interviewed, offer...)
    keeps its stage, so re-screening never drags a candidate back in the funnel.
    """
    if not 0 <= score <= 100:
        raise InvalidValue(f"screening score must be 0-100, got {score}")
    if recommendation not in RECOMMENDATIONS:
        raise InvalidValue(f"unknown recommendation '{recommendation}'")
    with conn.transaction():
        updated = conn.execute(
            """
            update applications
            set score = %s, recommendation = %s,
                stage = case when stage = 'new' then 'screened' else stage end
            where id = %s
            """,
            (score, recommendation, application_id),
        )
        if updated.rowcount == 0:
            raise NotFound(f"application {application_id} not found")
        with conn.cursor(row_factory=class_row(Screening)) as cur:
            cur.execute(
                f"""
                insert into screenings (workspace_id, application_id, resume_id, score, matched,
                                        missing, rationale, recommendation, engine, flags)
                select %(ws)s, %(application)s, %(resume)s, %(score)s, %(matched)s, %(missing)s,
                       %(rationale)s, %(recommendation)s, %(engine)s, %(flags)s
                where %(resume)s::bigint is null
                   or exists (select 1 from resumes where id = %(resume)s)
                returning {_SCREENING_COLUMNS}
                """,
                {
                    "ws": workspace_id,
                    "application": application_id,
                    "resume": resume_id,
                    "score": score,
                    "matched": Jsonb(matched or []),
                    "missing": Jsonb(missing or []),
                    "rationale": rationale,
                    "recommendation": recommendation,
                    "engine": engine,
                    "flags": Jsonb(flags or []),
                },
            )
            row = cur.fetchone()
        if row is None:
            # Raising inside the savepoint also rolls back the application's new score.
            raise NotFound(f"resume {resume_id} not found")
        events.screening_completed(
            conn, workspace_id=workspace_id, application_id=application_id,
            screening_id=row.id, score=score, recommendation=recommendation,
        )  # fmt: skip
    return row


def latest_screening(conn: psycopg.Connection, *, application_id: int) -> Screening | None:
    """The application's most recent screening, or None if it was never screened."""
    with conn.cursor(row_factory=class_row(Screening)) as cur:
        cur.execute(
            f"""
            select {_SCREENING_COLUMNS} from screenings where application_id = %s
            order by created_at desc, id desc limit 1
            """,
            (application_id,),
        )
        return cur.fetchone()
