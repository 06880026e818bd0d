"""Semantic search across a workspace's resumes ("python postgres 5 лет").

pgvector finds the nearest resumes to the query's embedding (with hard filters); the
candidates are then re-ranked by how many skills named in the query they have and whether
they meet an experience figure written in it, so a precise query beats a vaguely similar CV.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

from psycopg_pool import ConnectionPool

from db.pool import transaction
from db.ranking import ResumeHit, search_resumes
from pipelines.engine_set import Engines
from pipelines.skills import find_skills

_YEARS = re.compile(r"(\d+(?:[.,]\d+)?)\s*\+?\s*(?:лет|года|год|years?|yrs?)\b", re.IGNORECASE)
CANDIDATE_POOL = 5  # fetch this many times `limit` nearest rows before re-ranking


@dataclass(frozen=True)
class QueryHints:
    """What a free-text query says beyond its meaning: skills and years."""

    skills: list[str]
    years: float | None


@dataclass(frozen=True)
class SearchHit(ResumeHit):
    """A search result with the relevance it was ordered by."""

    relevance: float


def parse_query(query: str) -> QueryHints:
    """Skills (canonical) and an experience figure named in the query."""
    match = _YEARS.search(query)
    years = float(match.group(1).replace(",", ".")) if match else None
    return QueryHints(find_skills(query), years)


def canonical_skills(names: list[str]) -> list[str]:
    """Filter skills as a recruiter types them ("docker", "postgres", "1с") in the canonical
    names profiles store; a name the dictionary does not know is kept as typed."""
    out: list[str] = []
    for name in names:
        found = find_skills(name, skills_section=True)
        out.append(found[0] if found else name.strip())
    return list(dict.fromkeys(n for n in out if n))


def relevance(hit: ResumeHit, hints: QueryHints) -> float:
    """Similarity, plus credit for the query's skills and years."""
    score = hit.similarity
    if hints.skills:
        have = set(hit.skills)
        score += 0.3 * sum(1 for s in hints.skills if s in have) / len(hints.skills)
    if hints.years is not None and hit.total_years is not None:
        score += 0.1 if hit.total_years >= hints.years else 0.0
    return round(score, 4)


def search(
    pool: ConnectionPool,
    engines: Engines,
    *,
    workspace_id: UUID,
    query: str,
    status: str | None = None,
    vacancy_id: int | None = None,
    skills: list[str] | None = None,
    min_years: float | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """The most relevant resumes for a query, best first."""
    hints = parse_query(query)
    vector = engines.embedder.embed([query])[0]
    with transaction(pool, workspace_id=workspace_id) as conn:
        hits = search_resumes(
            conn,
            embedding=vector,
            embedding_engine=engines.embedder.id,
            status=status,
            vacancy_id=vacancy_id,
            skills=canonical_skills(skills) if skills else None,
            min_years=min_years,
            limit=limit * CANDIDATE_POOL,
        )
    ranked = [SearchHit(**hit.__dict__, relevance=relevance(hit, hints)) for hit in hits]
    ranked.sort(key=lambda h: (-h.relevance, h.resume_id))
    return ranked[:limit]
