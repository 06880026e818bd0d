"""Hiring analytics computed in SQL, per vacancy: how its interviews went and what they found.

Everything runs under the caller's workspace context (RLS), so one query shape serves every
tenant without a filter on workspace_id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg.rows import class_row

from db.errors import NotFound

CRITERIA = (
    "technical_skills",
    "experience_relevance",
    "communication",
    "problem_solving",
    "cultural_fit",
)
RECOMMENDATIONS = ("strongly_recommend", "recommend", "consider", "reject")


@dataclass(frozen=True)
class VacancyInterviewStats:
    """Interview funnel and report figures of one vacancy."""

    vacancy_id: int
    invited: int  # interviews created (links sent)
    started: int  # reached active, completed or failed
    completed: int
    failed: int
    completion_rate: float | None  # completed / started
    reports: int
    average_overall: float | None
    average_scores: dict[str, float | None]
    recommendations: dict[str, int]  # the four recommendations plus "insufficient"


def vacancy_interview_stats(conn: psycopg.Connection, *, vacancy_id: int) -> VacancyInterviewStats:
    """Funnel and report figures for one vacancy (`NotFound` if it is not visible)."""
    if conn.execute("select 1 from vacancies where id = %s", (vacancy_id,)).fetchone() is None:
        raise NotFound(f"vacancy {vacancy_id} not found")
    funnel = conn.execute(
        """
        select count(*),
               count(*) filter (where i.status in ('active', 'completed', 'failed')),
               count(*) filter (where i.status = 'completed'),
               count(*) filter (where i.status = 'failed')
        from interviews i join applications a on a.id = i.application_id
        where a.vacancy_id = %s
        """,
        (vacancy_id,),
    ).fetchone()
    averages = ", ".join(f"avg(r.{c})::float" for c in CRITERIA)
    scores = conn.execute(
        f"""
        select count(r.id), avg(r.overall)::float, {averages}
        from interview_reports r
        join interviews i on i.id = r.interview_id
        join applications a on a.id = i.application_id
        where a.vacancy_id = %s
        """,
        (vacancy_id,),
    ).fetchone()
    mix = dict.fromkeys((*RECOMMENDATIONS, "insufficient"), 0)
    for recommendation, count in conn.execute(
        """
        select coalesce(r.recommendation, 'insufficient'), count(*)
        from interview_reports r
        join interviews i on i.id = r.interview_id
        join applications a on a.id = i.application_id
        where a.vacancy_id = %s
        group by 1
        """,
        (vacancy_id,),
    ).fetchall():
        mix[recommendation] = int(count)
    assert funnel is not None and scores is not None
    invited, started, completed, failed = (int(x) for x in funnel)
    return VacancyInterviewStats(
        vacancy_id=vacancy_id,
        invited=invited,
        started=started,
        completed=completed,
        failed=failed,
        completion_rate=round(completed / started, 4) if started else None,
        reports=int(scores[0]),
        average_overall=_round(scores[1]),
        average_scores={c: _round(v) for c, v in zip(CRITERIA, scores[2:], strict=True)},
        recommendations=mix,
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass(frozen=True)
class InterviewRow:
    """One interview of a vacancy with its candidate and the headline of its report."""

    interview_id: int
    application_id: int
    candidate_id: int
    full_name: str
    channel: str
    language: str
    status: str
    started_at: datetime | None
    ended_at: datetime | None
    report_status: str | None
    overall: int | None
    recommendation: str | None
    has_pdf: bool


def vacancy_interviews(
    conn: psycopg.Connection, *, vacancy_id: int, limit: int = 200, offset: int = 0
) -> list[InterviewRow]:
    """The vacancy's interviews, best reports first, then the newest without a report."""
    with conn.cursor(row_factory=class_row(InterviewRow)) as cur:
        cur.execute(
            """
            select i.id as interview_id, a.id as application_id, c.id as candidate_id,
                   c.full_name, i.channel, i.language, i.status, i.started_at, i.ended_at,
                   r.status as report_status, r.overall, r.recommendation,
                   coalesce(r.pdf is not null, false) as has_pdf
            from interviews i
            join applications a on a.id = i.application_id
            join candidates c on c.id = a.candidate_id
            left join interview_reports r on r.interview_id = i.id
            where a.vacancy_id = %s
            order by r.overall desc nulls last, i.created_at desc, i.id desc
            limit %s offset %s
            """,
            (vacancy_id, limit, offset),
        )
        return cur.fetchall()
