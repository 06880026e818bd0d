"""Applications: a candidate in a vacancy's funnel.

The application carries the latest screening's score and recommendation (db.screenings keeps
the history), so ranking a vacancy's candidates is one indexed query.
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
from db.errors import Conflict, InvalidValue, NotFound, TenantContextMissing

_COLUMNS = (
    "id, workspace_id, candidate_id, vacancy_id, resume_id, source, external_id, stage, score, "
    "recommendation, created_at, updated_at"
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
                events.application_created(
                    conn, workspace_id=workspace_id, application_id=row.id, source=source
                )
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
    return change_stage(conn, application_id=application_id, stage=stage)[0]


def change_stage(
    conn: psycopg.Connection, *, application_id: int, stage: str
) -> tuple[Application, str]:
    """Move the application to `stage`; returns (application, the stage it was in).

    The row is locked while it is read, so two concurrent moves each see the stage the other
    left. Moving to the stage it is already in writes nothing (not even `updated_at`).
    """
    if stage not in STAGES:
        raise InvalidValue(f"unknown application stage '{stage}'; expected one of {STAGES}")
    with conn.transaction():
        current = conn.execute(
            "select stage from applications where id = %s for update", (application_id,)
        ).fetchone()
        if current is None:
            raise NotFound(f"application {application_id} not found")
        if current[0] == stage:
            return get_application(conn, application_id=application_id), stage
        with conn.cursor(row_factory=class_row(Application)) as cur:
            cur.execute(
                f"update applications set stage = %s where id = %s returning {_COLUMNS}",
                (stage, application_id),
            )
            row = cur.fetchone()
        assert row is not None  # locked above, so still there
        events.stage_changed(
            conn, workspace_id=row.workspace_id, application_id=row.id, previous=current[0],
            stage=stage, changed_at=row.updated_at,
        )  # fmt: skip
    return row, current[0]


def set_interview_plan(
    conn: psycopg.Connection, *, application_id: int, plan: dict[str, Any]
) -> None:
    """Store the interview plan made for this application (replaces an older one)."""
    cur = conn.execute(
        "update applications set interview_plan = %s where id = %s", (Jsonb(plan), application_id)
    )
    if cur.rowcount == 0:
        raise NotFound(f"application {application_id} not found")


def get_interview_plan(conn: psycopg.Connection, *, application_id: int) -> dict[str, Any] | None:
    """The application's interview plan, or None if it was not screened yet."""
    row = conn.execute(
        "select interview_plan from applications where id = %s", (application_id,)
    ).fetchone()
    if row is None:
        raise NotFound(f"application {application_id} not found")
    return row[0]


def set_resume(conn: psycopg.Connection, *, application_id: int, resume_id: int) -> None:
    """Point the application at the candidate's newest resume (a re-sent CV replaces the old)."""
    cur = conn.execute(
        "update applications set resume_id = %s where id = %s and exists "
        "(select 1 from resumes where id = %s)",
        (resume_id, application_id, resume_id),
    )
    if cur.rowcount == 0:
        raise NotFound(f"application {application_id} or resume {resume_id} not found")
