"""A vacancy's ranked shortlist and semantic search over a workspace's resumes.

Similarity is computed by pgvector in the query (cosine distance `<=>` between the resume's
and the vacancy's or query's embeddings), so ranking needs no model at read time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from pgvector import Vector
from psycopg.rows import class_row
from psycopg.types.json import Jsonb


@dataclass(frozen=True)
class RankedApplication:
    """One row of a vacancy's shortlist, best first; `rank` is the place among all the
    vacancy's applications, whatever filter picked the row."""

    rank: int
    application_id: int
    candidate_id: int
    full_name: str
    email: str | None
    resume_id: int | None
    stage: str
    score: int | None
    recommendation: str | None
    similarity: float | None
    matched: list[Any] | None
    missing: list[Any] | None
    flags: list[Any] | None
    rationale: str | None
    engine: str | None
    applied_at: datetime
    interview_id: int | None
    interview_status: str | None


# Every application of the vacancy with its place in the ranking, its latest screening and
# its latest interview; the filters apply to this, so ranks stay those of the whole list.
_RANKED = """
with ranked as (
    select a.id as application_id, a.candidate_id, c.full_name, c.email, a.resume_id,
           a.stage, a.score, a.recommendation, a.created_at as applied_at,
           case when r.embedding_engine = v.embedding_engine
                then (1 - (r.embedding <=> v.embedding))::float end as similarity
    from applications a
    join candidates c on c.id = a.candidate_id
    join vacancies v on v.id = a.vacancy_id
    left join resumes r on r.id = a.resume_id
    where a.vacancy_id = %(vacancy)s
), placed as (
    select ranked.*, row_number() over (
        order by score desc nulls last, similarity desc nulls last, application_id) as rank
    from ranked
), picked as (
    select p.*, s.matched, s.missing, s.flags, s.rationale, s.engine
    from placed p
    left join lateral (
        select matched, missing, flags, rationale, engine from screenings
        where application_id = p.application_id order by created_at desc, id desc limit 1
    ) s on true
    where (%(stage)s::text is null or p.stage = %(stage)s)
      and (not %(flagged)s or jsonb_array_length(coalesce(s.flags, '[]')) > 0)
)
"""


def rank_vacancy(
    conn: psycopg.Connection,
    *,
    vacancy_id: int,
    limit: int = 100,
    offset: int = 0,
    stage: str | None = None,
    flagged: bool = False,
) -> list[RankedApplication]:
    """Applications of a vacancy by screening score, then semantic similarity; optionally
    only those at one stage, or only those whose screening raised a flag."""
    params = {"vacancy": vacancy_id, "stage": stage, "flagged": flagged}
    with conn.cursor(row_factory=class_row(RankedApplication)) as cur:
        cur.execute(
            _RANKED
            + """
            select p.rank, p.application_id, p.candidate_id, p.full_name, p.email,
                   p.resume_id, p.stage, p.score, p.recommendation, p.similarity, p.matched,
                   p.missing, p.flags, p.rationale, p.engine, p.applied_at,
                   i.id as interview_id, i.status as interview_status
            from (select * from picked order by rank limit %(limit)s offset %(offset)s) p
            left join lateral (
                select id, status from interviews where application_id = p.application_id
                order by created_at desc, id desc limit 1
            ) i on true
            order by p.rank
            """,
            {**params, "limit": limit, "offset": offset},
        )
        return cur.fetchall()


def count_ranked(
    conn: psycopg.Connection, *, vacancy_id: int, stage: str | None = None, flagged: bool = False
) -> int:
    """How many applications `rank_vacancy` would list with these filters, for paging."""
    row = conn.execute(
        _RANKED + "select count(*) from picked",
        {"vacancy": vacancy_id, "stage": stage, "flagged": flagged},
    ).fetchone()
    return int(row[0]) if row else 0


def vacancy_similarity(conn: psycopg.Connection, *, vacancy_id: int, resume_id: int) -> float:
    """Cosine similarity of a resume and a vacancy (0 when either has no embedding, or they
    were embedded by different engines, whose vector spaces do not compare)."""
    row = conn.execute(
        """
        select (1 - (r.embedding <=> v.embedding))::float from resumes r, vacancies v
        where r.id = %s and v.id = %s and r.embedding_engine = v.embedding_engine
        """,
        (resume_id, vacancy_id),
    ).fetchone()
    return float(row[0]) if row and row[0] is not None else 0.0


@dataclass(frozen=True)
class ResumeHit:
    """A resume found by semantic search."""

    resume_id: int
    candidate_id: int | None
    full_name: str | None
    file_name: str
    status: str
    skills: list[str]
    total_years: float | None
    flags: list[str]
    similarity: float


def search_resumes(
    conn: psycopg.Connection,
    *,
    embedding: list[float],
    embedding_engine: str,
    status: str | None = None,
    vacancy_id: int | None = None,
    skills: list[str] | None = None,
    min_years: float | None = None,
    limit: int = 20,
) -> list[ResumeHit]:
    """Nearest resumes to a query embedding in the current workspace, with filters; only
    resumes embedded by the query's engine are comparable."""
    # The HNSW index spans all workspaces and RLS filters after it: scan iteratively so a
    # workspace still gets `limit` rows (pgvector >= 0.8; older servers ignore the attempt).
    try:
        with conn.transaction():
            conn.execute("select set_config('hnsw.iterative_scan', 'strict_order', true)")
    except psycopg.Error:
        pass
    with conn.cursor(row_factory=class_row(ResumeHit)) as cur:
        cur.execute(
            """
            select r.id as resume_id, r.candidate_id, c.full_name, r.file_name, r.status,
                   coalesce(array(select jsonb_array_elements_text(r.profile -> 'skills')),
                            '{}') as skills,
                   (r.profile ->> 'total_years')::float as total_years,
                   coalesce(array(select jsonb_array_elements_text(r.flags)), '{}') as flags,
                   (1 - (r.embedding <=> %(q)s))::float as similarity
            from resumes r left join candidates c on c.id = r.candidate_id
            where r.embedding is not null and r.embedding_engine = %(engine)s
              and (%(status)s::text is null or r.status = %(status)s)
              and (%(vacancy)s::bigint is null or exists (
                    select 1 from applications a
                    where a.resume_id = r.id and a.vacancy_id = %(vacancy)s))
              and (%(skills)s::jsonb is null or r.profile -> 'skills' @> %(skills)s::jsonb)
              and (%(min_years)s::float is null
                   or (r.profile ->> 'total_years')::float >= %(min_years)s)
            order by r.embedding <=> %(q)s
            limit %(limit)s
            """,
            {
                "q": Vector([float(x) for x in embedding]),
                "engine": embedding_engine,
                "status": status,
                "vacancy": vacancy_id,
                "skills": Jsonb(skills) if skills else None,
                "min_years": min_years,
                "limit": limit,
            },
        )
        return cur.fetchall()
