"""Applications (a candidate for a vacancy) and the screenings that score them.

A screening is history (every run is kept, the newest wins); the application carries the
latest score and recommendation so ranking a vacancy's candidates is one indexed query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from db.errors import Conflict, InvalidValue, NotFound, TenantContextMissing

_COLUMNS = (
    "id, workspace_id, candidate_id, vacancy_id, resume_id, source, external_id, stage, score, "
    "recommendation, created_at, updated_at"
)
_SCREENING_COLUMNS = (
    "id, workspace_id, application_id, resume_id, score, matched, missing, rationale, "
    "recommendation, engine, flags, created_at"
)
STAGES = ("new", "screened", "interview_scheduled", "interviewed", "offer", "hired", "rejected")
RECOMMENDATIONS = ("strongly_recommend", "recommend", "consider", "reject")


@dataclass(frozen=True)
class Application:
    """A candidate in a vacancy's funnel, with the latest screening's verdict."""

    id: int
    workspace_id: UUID
    candidate_id: int
    vacancy_id: int
    resume_id: int | None
    source: str
    external_id: str | None
    stage: str
    score: int | None
    recommendation: str | None
    created_at: datetime
    updated_at: datetime


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


def get_or_create_application(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    candidate_id: int,
    vacancy_id: int,
    resume_id: int | None = None,
    source: str = "manual",
    external_id: str | None = None,
) -> tuple[Application, bool]:
    """The candidate's application to the vacancy, created if missing; (row, created).

    Candidate, vacancy and resume must be visible in this workspace: foreign-key checks ignore
    row-level security, so the insert selects them instead of trusting the ids.
    """
    try:
        with conn.transaction(), conn.cursor(row_factory=class_row(Application)) as cur:
            cur.execute(
                f"""
                insert into applications (workspace_id, candidate_id, vacancy_id, resume_id,
                                          source, external_id)
                select %(ws)s, c.id, v.id, %(resume)s, %(source)s, %(external_id)s
                from candidates c, vacancies v
                where c.id = %(candidate)s and v.id = %(vacancy)s
                  and (%(resume)s::bigint is null
                       or exists (select 1 from resumes r where r.id = %(resume)s))
                on conflict (workspace_id, candidate_id, vacancy_id) do nothing
                returning {_COLUMNS}
                """,
                {
                    "ws": workspace_id,
                    "candidate": candidate_id,
                    "vacancy": vacancy_id,
                    "resume": resume_id,
                    "source": source,
                    "external_id": external_id,
                },
            )
            row = cur.fetchone()
            if row is not None:
                return row, True
            cur.execute(
                f"select {_COLUMNS} from applications where candidate_id = %s and vacancy_id = %s",
                (candidate_id, vacancy_id),
            )
            existing = cur.fetchone()
    except psycopg.errors.InsufficientPrivilege as e:
        raise TenantContextMissing(
            "application workspace_id does not match the workspace context"
        ) from e
    if existing is None:
        raise NotFound("candidate, vacancy or resume not found")
    return existing, False


def create_application(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    candidate_id: int,
    vacancy_id: int,
    resume_id: int | None = None,
    source: str = "manual",
    external_id: str | None = None,
) -> Application:
    """Insert an application; `Conflict` if the candidate already applied to the vacancy."""
    row, created = get_or_create_application(
        conn,
        workspace_id=workspace_id,
        candidate_id=candidate_id,
        vacancy_id=vacancy_id,
        resume_id=resume_id,
        source=source,
        external_id=external_id,
    )
    if not created:
        raise Conflict(
            f"candidate {candidate_id} has already applied to vacancy {vacancy_id} "
            f"(application {row.id})"
        )
    return row


def get_application(conn: psycopg.Connection, *, application_id: int) -> Application:
    """The application if visible in the current workspace, else `NotFound`."""
    with conn.cursor(row_factory=class_row(Application)) as cur:
        cur.execute(f"select {_COLUMNS} from applications where id = %s", (application_id,))
        row = cur.fetchone()
    if row is None:
        raise NotFound(f"application {application_id} not found")
    return row


def list_for_vacancy(
    conn: psycopg.Connection,
    *,
    vacancy_id: int,
    stage: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Application]:
    """A vacancy's applications ranked by score, best first, unscreened ones last."""
    with conn.cursor(row_factory=class_row(Application)) as cur:
        cur.execute(
            f"""
            select {_COLUMNS} from applications
            where vacancy_id = %(vacancy)s and (%(stage)s::text is null or stage = %(stage)s)
            order by score desc nulls last, created_at, id
            limit %(limit)s offset %(offset)s
            """,
            {"vacancy": vacancy_id, "stage": stage, "limit": limit, "offset": offset},
        )
        return cur.fetchall()


def list_for_candidate(conn: psycopg.Connection, *, candidate_id: int) -> list[Application]:
    """Every vacancy a candidate is in, newest application first."""
    with conn.cursor(row_factory=class_row(Application)) as cur:
        cur.execute(
            f"""
            select {_COLUMNS} from applications where candidate_id = %s
            order by created_at desc, id desc
            """,
            (candidate_id,),
        )
        return cur.fetchall()


def set_stage(conn: psycopg.Connection, *, application_id: int, stage: str) -> Application:
    """Move the application to any funnel stage (recruiters may skip or go back)."""
    if stage not in STAGES:
        raise InvalidValue(f"unknown application stage '{stage}'; expected one of {STAGES}")
    with conn.cursor(row_factory=class_row(Application)) as cur:
        cur.execute(
            f"update applications set stage = %s where id = %s returning {_COLUMNS}",
            (stage, application_id),
        )
        row = cur.fetchone()
    if row is None:
        raise NotFound(f"application {application_id} not found")
    return row


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
