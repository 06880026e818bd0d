"""Interview reports: five criterion scores, the overall verdict, evidence, and the PDF.

One report per interview; analysing an interview again replaces it. Rows are returned without
the PDF bytes (`has_pdf` says whether one is stored); `get_report_pdf` fetches them.
A criterion the interview gave nothing to judge on has a null score; a report of an interview
without answers (`status` insufficient) has no overall score and no recommendation.
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
from db.errors import InvalidValue, NotFound, TenantContextMissing

_COLUMNS = (
    "id, workspace_id, interview_id, technical_skills, experience_relevance, communication, "
    "problem_solving, cultural_fit, overall, recommendation, evidence, summary, engine, "
    "pdf is not null as has_pdf, created_at, status, language, details, pdf_generated_at, "
    "updated_at"
)
_RULES = (
    "report scores must be 0-100 and the recommendation one of strongly_recommend, recommend, "
    "consider, reject; an insufficient report has neither overall score nor recommendation, "
    "any other has both"
)


@dataclass(frozen=True)
class Report:
    """An interview's assessment (without the PDF bytes)."""

    id: int
    workspace_id: UUID
    interview_id: int
    technical_skills: int | None
    experience_relevance: int | None
    communication: int | None
    problem_solving: int | None
    cultural_fit: int | None
    overall: int | None
    recommendation: str | None
    evidence: dict[str, Any]
    summary: str
    engine: str
    has_pdf: bool
    created_at: datetime
    status: str = "complete"
    language: str = "ru"
    details: dict[str, Any] | None = None
    pdf_generated_at: datetime | None = None
    updated_at: datetime | None = None


def save_report(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    interview_id: int,
    technical_skills: int | None,
    experience_relevance: int | None,
    communication: int | None,
    problem_solving: int | None,
    cultural_fit: int | None,
    overall: int | None,
    recommendation: str | None,
    engine: str,
    evidence: dict[str, Any] | None = None,
    summary: str = "",
    pdf: bytes | None = None,
    status: str = "complete",
    language: str = "ru",
    details: dict[str, Any] | None = None,
) -> Report:
    """Insert or replace the interview's report.

    A replaced report also replaces the PDF (with None if none is given): a PDF rendered from
    the previous scores must not outlive them.
    """
    try:
        with conn.transaction(), conn.cursor(row_factory=class_row(Report)) as cur:
            cur.execute(
                f"""
                insert into interview_reports (workspace_id, interview_id, technical_skills,
                    experience_relevance, communication, problem_solving, cultural_fit, overall,
                    recommendation, evidence, summary, engine, pdf, status, language, details,
                    pdf_generated_at)
                select %s, i.id, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,
                    case when %s::bytea is null then null else now() end
                from interviews i where i.id = %s
                on conflict (interview_id) do update set
                    technical_skills = excluded.technical_skills,
                    experience_relevance = excluded.experience_relevance,
                    communication = excluded.communication,
                    problem_solving = excluded.problem_solving,
                    cultural_fit = excluded.cultural_fit,
                    overall = excluded.overall,
                    recommendation = excluded.recommendation,
                    evidence = excluded.evidence,
                    summary = excluded.summary,
                    engine = excluded.engine,
                    pdf = excluded.pdf,
                    status = excluded.status,
                    language = excluded.language,
                    details = excluded.details,
                    pdf_generated_at = excluded.pdf_generated_at
                returning {_COLUMNS}
                """,
                (
                    workspace_id,
                    technical_skills,
                    experience_relevance,
                    communication,
                    problem_solving,
                    cultural_fit,
                    overall,
                    recommendation,
                    Jsonb(evidence or {}),
                    summary,
                    engine,
                    pdf,
                    status,
                    language,
                    Jsonb(details or {}),
                    pdf,
                    interview_id,
                ),
            )
            row = cur.fetchone()
    except psycopg.errors.CheckViolation as e:
        raise InvalidValue(_RULES) from e
    except psycopg.errors.InsufficientPrivilege as e:
        raise TenantContextMissing(
            "report workspace_id does not match the workspace context"
        ) from e
    if row is None:
        raise NotFound(f"interview {interview_id} not found")
    flags = ((details or {}).get("assessment") or {}).get("red_flags") or []
    events.report_saved(
        conn, workspace_id=workspace_id, interview_id=interview_id, report_id=row.id,
        status=status, overall=overall, recommendation=recommendation,
        red_flags=[str(f.get("kind")) for f in flags if isinstance(f, dict) and f.get("kind")],
    )  # fmt: skip
    return row


def set_report_pdf(conn: psycopg.Connection, *, interview_id: int, pdf: bytes) -> Report:
    """Attach the rendered PDF to the interview's report."""
    with conn.cursor(row_factory=class_row(Report)) as cur:
        cur.execute(
            f"""
            update interview_reports set pdf = %s, pdf_generated_at = now()
            where interview_id = %s returning {_COLUMNS}
            """,
            (pdf, interview_id),
        )
        row = cur.fetchone()
    if row is None:
        raise NotFound(f"report of interview {interview_id} not found")
    return row


def get_report_for_interview(conn: psycopg.Connection, *, interview_id: int) -> Report:
    """The interview's report, or `NotFound` before analysis has finished."""
    with conn.cursor(row_factory=class_row(Report)) as cur:
        cur.execute(
            f"select {_COLUMNS} from interview_reports where interview_id = %s", (interview_id,)
        )
        row = cur.fetchone()
    if row is None:
        raise NotFound(f"report of interview {interview_id} not found")
    return row


def get_report_pdf(conn: psycopg.Connection, *, interview_id: int) -> bytes:
    """The report's PDF bytes; `NotFound` if there is no report or it has no PDF yet."""
    row = conn.execute(
        "select pdf from interview_reports where interview_id = %s", (interview_id,)
    ).fetchone()
    if row is None or row[0] is None:
        raise NotFound(f"PDF report of interview {interview_id} not found")
    return bytes(row[0])


def list_reports(
    conn: psycopg.Connection,
    *,
    recommendation: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Report]:
    """Reports of the current workspace, newest first, optionally of one recommendation."""
    with conn.cursor(row_factory=class_row(Report)) as cur:
        cur.execute(
            f"""
            select {_COLUMNS} from interview_reports
            where %(rec)s::text is null or recommendation = %(rec)s
            order by created_at desc, id desc
            limit %(limit)s offset %(offset)s
            """,
            {"rec": recommendation, "limit": limit, "offset": offset},
        )
        return cur.fetchall()
