"""The candidate page in a handful of queries: the person, their resumes, applications with
the latest screening, interviews with their report headline, notes, and the audit trail.

Read-only and RLS-bound like every repository: run it in the workspace's tenant context; a
candidate of another workspace is `NotFound`. Long texts are cut in the query (`TEXT_CAP`),
so a huge extracted resume never travels whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import class_row

from db.candidate_notes import Note, list_notes
from db.candidates import Candidate, get_candidate

TEXT_CAP = 200_000
TIMELINE_LIMIT = 200


@dataclass(frozen=True)
class ResumeView:
    """A resume as the page shows it: profile, document flags and the (capped) texts."""

    id: int
    file_name: str
    content_type: str | None
    file_size: int
    status: str
    failure_reason: str | None
    language: str | None
    profile: dict[str, Any] | None
    profile_engine: str | None
    flags: list[str]
    text: str | None
    text_truncated: bool
    hidden_text: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ApplicationView:
    """An application with its vacancy's title and the latest screening (None if none)."""

    id: int
    vacancy_id: int
    vacancy_title: str
    resume_id: int | None
    source: str
    stage: str
    score: int | None
    recommendation: str | None
    created_at: datetime
    updated_at: datetime
    screened: bool
    matched: list[Any] | None
    missing: list[Any] | None
    screening_flags: list[Any] | None
    rationale: str | None
    screening_engine: str | None
    screened_at: datetime | None


@dataclass(frozen=True)
class InterviewView:
    """An interview with its report's headline, if a report exists."""

    id: int
    application_id: int
    vacancy_id: int
    channel: str
    language: str
    status: str
    failure_reason: str | None
    started_at: datetime | None
    ended_at: datetime | None
    created_at: datetime
    has_report: bool
    report_status: str | None
    report_overall: int | None
    report_recommendation: str | None
    report_has_pdf: bool


@dataclass(frozen=True)
class TimelineEntry:
    """An audit entry about the candidate or one of their resumes, applications, interviews;
    the actor's name and key name are None when not visible (or not a user / key)."""

    id: int
    action: str
    actor_user_id: int | None
    actor_name: str | None
    actor_email: str | None
    actor_api_key_id: int | None
    actor_api_key_name: str | None
    target_type: str | None
    target_id: str | None
    details: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class CandidatePage:
    """Everything the candidate page shows, newest first in every list."""

    candidate: Candidate
    resumes: list[ResumeView]
    applications: list[ApplicationView]
    interviews: list[InterviewView]
    notes: list[Note]
    timeline: list[TimelineEntry]


def list_resumes(conn: psycopg.Connection, *, candidate_id: int) -> list[ResumeView]:
    """The candidate's resumes with texts cut at `TEXT_CAP` characters."""
    with conn.cursor(row_factory=class_row(ResumeView)) as cur:
        cur.execute(
            """
            select id, file_name, content_type, file_size, status, failure_reason, language,
                   profile, profile_engine, flags, left(text, %(cap)s) as text,
                   coalesce(length(text) > %(cap)s, false) as text_truncated,
                   left(hidden_text, %(cap)s) as hidden_text, created_at, updated_at
            from resumes where candidate_id = %(candidate)s
            order by created_at desc, id desc
            """,
            {"candidate": candidate_id, "cap": TEXT_CAP},
        )
        return cur.fetchall()


def list_applications(conn: psycopg.Connection, *, candidate_id: int) -> list[ApplicationView]:
    """The candidate's applications with vacancy titles and latest screenings."""
    with conn.cursor(row_factory=class_row(ApplicationView)) as cur:
        cur.execute(
            """
            select a.id, a.vacancy_id, v.title as vacancy_title, a.resume_id, a.source, a.stage,
                   a.score, a.recommendation, a.created_at, a.updated_at,
                   s.id is not null as screened, s.matched, s.missing,
                   s.flags as screening_flags, s.rationale, s.engine as screening_engine,
                   s.created_at as screened_at
            from applications a
            join vacancies v on v.id = a.vacancy_id
            left join lateral (
                select id, matched, missing, flags, rationale, engine, created_at
                from screenings where application_id = a.id
                order by created_at desc, id desc limit 1
            ) s on true
            where a.candidate_id = %s
            order by a.created_at desc, a.id desc
            """,
            (candidate_id,),
        )
        return cur.fetchall()


def list_interviews(conn: psycopg.Connection, *, candidate_id: int) -> list[InterviewView]:
    """The interviews of all the candidate's applications, with report headlines."""
    with conn.cursor(row_factory=class_row(InterviewView)) as cur:
        cur.execute(
            """
            select i.id, i.application_id, a.vacancy_id, i.channel, i.language, i.status,
                   i.failure_reason, i.started_at, i.ended_at, i.created_at,
                   r.id is not null as has_report, r.status as report_status,
                   r.overall as report_overall, r.recommendation as report_recommendation,
                   coalesce(r.pdf is not null, false) as report_has_pdf
            from interviews i
            join applications a on a.id = i.application_id
            left join interview_reports r on r.interview_id = i.id
            where a.candidate_id = %s
            order by i.created_at desc, i.id desc
            """,
            (candidate_id,),
        )
        return cur.fetchall()


def list_timeline(
    conn: psycopg.Connection, *, candidate_id: int, limit: int = TIMELINE_LIMIT
) -> list[TimelineEntry]:
    """Audit entries whose target is the candidate or one of their resumes, applications or
    interviews, newest first."""
    with conn.cursor(row_factory=class_row(TimelineEntry)) as cur:
        cur.execute(
            """
            select l.id, l.action, l.actor_user_id, u.full_name as actor_name,
                   u.email as actor_email, l.actor_api_key_id, k.name as actor_api_key_name,
                   l.target_type, l.target_id, l.details, l.created_at
            from audit_log l
            left join users u on u.id = l.actor_user_id
            left join api_keys k on k.id = l.actor_api_key_id
            where (l.target_type = 'candidate' and l.target_id = %(candidate)s::text)
               or (l.target_type = 'application' and l.target_id in (
                    select id::text from applications where candidate_id = %(candidate)s))
               or (l.target_type = 'resume' and l.target_id in (
                    select id::text from resumes where candidate_id = %(candidate)s))
               or (l.target_type = 'interview' and l.target_id in (
                    select i.id::text from interviews i
                    join applications a on a.id = i.application_id
                    where a.candidate_id = %(candidate)s))
            order by l.created_at desc, l.id desc
            limit %(limit)s
            """,
            {"candidate": candidate_id, "limit": limit},
        )
        return cur.fetchall()


def candidate_page(conn: psycopg.Connection, *, candidate_id: int) -> CandidatePage:
    """The whole page for a candidate of the current workspace, else `NotFound`."""
    candidate = get_candidate(conn, candidate_id=candidate_id)
    return CandidatePage(
        candidate=candidate,
        resumes=list_resumes(conn, candidate_id=candidate_id),
        applications=list_applications(conn, candidate_id=candidate_id),
        interviews=list_interviews(conn, candidate_id=candidate_id),
        notes=list_notes(conn, candidate_id=candidate_id),
        timeline=list_timeline(conn, candidate_id=candidate_id),
    )
