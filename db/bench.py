"""The bench: the workspace's own candidates offered to clients (`bench_members`).

A bench member is a candidate the product already knows; what a client is told about them (a
headline, a rate, when they are free, a note) lives on the bench row, and what they can do comes
from their latest parsed resume (skills, years, titles, place, languages: `resumes.profile`, as
pipelines/models.py's `Profile` stores it). Lead generation matches every new lead against the
whole bench, so `members_for_matching` reads it in one query, resume text and embedding included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

import numpy as np
import psycopg

from db.errors import Conflict, InvalidValue, NotFound, TenantContextMissing

EDITABLE = ("headline", "rate", "available_from", "note")
_LIMITS = {"headline": 300, "rate": 100, "note": 2000}
_PARSED = ("parsed", "interview_scheduled", "interviewed")


@dataclass(frozen=True)
class BenchMember:
    """A candidate on the bench, with what the bench row says and their latest parsed resume
    says (`resume_id` None and empty lists when no resume of theirs has been parsed)."""

    candidate_id: int
    full_name: str
    headline: str
    rate: str | None
    available_from: date | None
    note: str
    added_at: datetime
    resume_id: int | None
    skills: list[str]
    years: float
    titles: list[str]
    location: str | None
    languages: list[str]


@dataclass(frozen=True)
class MatchingMember(BenchMember):
    """A bench member with what matching needs: the resume's text and its embedding (None
    without one; compare only with vectors of the same `embedding_engine`)."""

    text: str
    embedding: np.ndarray | None
    embedding_engine: str | None


def _query(extra: str, where: str) -> str:
    return f"""
        select b.candidate_id, c.full_name, b.headline, b.rate, b.available_from, b.note,
               b.added_at, r.id, r.profile{extra}
        from bench_members b
        join candidates c on c.workspace_id = b.workspace_id and c.id = b.candidate_id
        left join lateral (
            select r.* from resumes r
            where r.workspace_id = b.workspace_id and r.candidate_id = b.candidate_id
              and r.profile is not null and r.status in {_PARSED!r}
            order by r.created_at desc, r.id desc
            limit 1
        ) r on true
        {where}
        order by b.added_at, b.candidate_id
    """


def _member(row: tuple[Any, ...]) -> dict[str, Any]:
    candidate_id, full_name, headline, rate, available_from, note, added_at, rid, profile = row[:9]
    profile = profile or {}
    titles = [profile.get("desired_position")] + [
        job.get("title") for job in profile.get("experience") or []
    ]
    languages = [lang.get("name") for lang in profile.get("languages") or []]
    return {
        "candidate_id": candidate_id,
        "full_name": full_name or profile.get("full_name") or "",
        "headline": headline,
        "rate": rate,
        "available_from": available_from,
        "note": note,
        "added_at": added_at,
        "resume_id": rid,
        "skills": list(profile.get("skills") or []),
        "years": float(profile.get("total_years") or 0.0),
        "titles": list(dict.fromkeys(t.strip() for t in titles if t and t.strip())),
        "location": profile.get("location"),
        "languages": [name for name in dict.fromkeys(languages) if name],
    }


def get_member(conn: psycopg.Connection, *, candidate_id: int) -> BenchMember:
    """One bench member of the current workspace, else `NotFound`."""
    row = conn.execute(_query("", "where b.candidate_id = %s"), (candidate_id,)).fetchone()
    if row is None:
        raise NotFound(f"candidate {candidate_id} is not on the bench")
    return BenchMember(**_member(row))


def list_members(conn: psycopg.Connection) -> list[BenchMember]:
    """The current workspace's bench, earliest added first."""
    return [BenchMember(**_member(row)) for row in conn.execute(_query("", "")).fetchall()]


def members_for_matching(conn: psycopg.Connection) -> list[MatchingMember]:
    """The whole bench with resume text and embedding, in one query (a lead-gen run loads it
    once and scores every lead against it in memory)."""
    rows = conn.execute(_query(", r.text, r.embedding, r.embedding_engine", "")).fetchall()
    out = []
    for row in rows:
        text, embedding, engine = row[9:12]
        vector = None if embedding is None else as_array(embedding)
        engine = engine if vector is not None else None
        out.append(MatchingMember(**_member(row), text=text or "", embedding=vector,
                                  embedding_engine=engine))  # fmt: skip
    return out


def as_array(value: Any) -> np.ndarray:
    """A stored vector as a float32 array (pgvector loads a `Vector`, or an array)."""
    if hasattr(value, "to_numpy"):
        value = value.to_numpy()
    return np.asarray(value, dtype=np.float32)


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise InvalidValue(f"unknown bench field(s): {', '.join(unknown)}")
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "available_from":
            if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
                raise InvalidValue(f"available_from must be a date, got {value!r}")
            out[name] = value
            continue
        text = (value or "").strip() if isinstance(value, str | None) else None
        if text is None:
            raise InvalidValue(f"{name} must be text, got {value!r}")
        if len(text) > _LIMITS[name]:
            raise InvalidValue(f"the bench {name} is at most {_LIMITS[name]} characters")
        out[name] = (text or None) if name == "rate" else text
    return out


def add_member(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    candidate_id: int,
    added_by: int | None = None,
    headline: str = "",
    rate: str | None = None,
    available_from: date | None = None,
    note: str = "",
) -> BenchMember:
    """Put a candidate of the workspace on the bench (`NotFound` for a candidate it does not
    have, `Conflict` when they are on it already)."""
    values = _clean({"headline": headline, "rate": rate, "available_from": available_from,
                     "note": note})  # fmt: skip
    if conn.execute("select 1 from candidates where id = %s", (candidate_id,)).fetchone() is None:
        raise NotFound(f"candidate {candidate_id} not found")
    try:
        inserted = conn.execute(
            """
            insert into bench_members (workspace_id, candidate_id, headline, rate,
                                       available_from, note, added_by)
            values (%s, %s, %s, %s, %s, %s, %s)
            on conflict (workspace_id, candidate_id) do nothing
            """,
            (
                workspace_id,
                candidate_id,
                values["headline"],
                values["rate"],
                values["available_from"],
                values["note"],
                added_by,
            ),  # fmt: skip
        ).rowcount
    except psycopg.errors.InsufficientPrivilege as e:
        raise TenantContextMissing("bench workspace_id does not match the workspace context") from e
    if not inserted:
        raise Conflict(f"candidate {candidate_id} is on the bench already")
    return get_member(conn, candidate_id=candidate_id)


def put_member(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    candidate_id: int,
    added_by: int | None = None,
    **fields: Any,
) -> BenchMember:
    """Put a candidate on the bench, or change what clients are told about one already on it
    (the fields given; `added_by` and `added_at` stay from the first time)."""
    values = _clean(fields)
    if conn.execute(
        "select 1 from bench_members where candidate_id = %s", (candidate_id,)
    ).fetchone():
        return update_member(conn, candidate_id=candidate_id, **values)
    return add_member(conn, workspace_id=workspace_id, candidate_id=candidate_id,
                      added_by=added_by, **values)  # fmt: skip


def update_member(conn: psycopg.Connection, *, candidate_id: int, **fields: Any) -> BenchMember:
    """Change what clients are told about a bench member (headline, rate, available_from,
    note); the fields not given stay."""
    values = _clean(fields)
    if values:
        sets = ", ".join(f"{name} = %({name})s" for name in values)
        done = conn.execute(
            f"update bench_members set {sets} where candidate_id = %(id)s",
            {**values, "id": candidate_id},
        ).rowcount
        if not done:
            raise NotFound(f"candidate {candidate_id} is not on the bench")
    return get_member(conn, candidate_id=candidate_id)


def remove_member(conn: psycopg.Connection, *, candidate_id: int) -> None:
    """Take a candidate off the bench (the candidate stays); `NotFound` if not on it."""
    done = conn.execute(
        "delete from bench_members where candidate_id = %s", (candidate_id,)
    ).rowcount
    if not done:
        raise NotFound(f"candidate {candidate_id} is not on the bench")
