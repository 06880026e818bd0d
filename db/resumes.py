"""Resumes: the uploaded file, the text and profile extracted from it, and its embedding.

Rows are returned without the file bytes and the embedding, so listing a hundred resumes never
drags megabytes of blobs over the wire; `get_resume_file` and `get_resume_embedding` fetch
them one at a time. Status changes follow `db.statuses.RESUME_TRANSITIONS`.

A parse (pending → 'parsing' → 'parsed' | 'failed') goes through a lease instead of a plain
status change; `db.resume_leases` holds that lifecycle and builds on the row mapping here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from pgvector import Vector
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from db.errors import InvalidValue, NotFound, TenantContextMissing
from db.statuses import RESUME_TRANSITIONS, invalid_transition, sources_of

EMBEDDING_DIMENSIONS = 512
# What a `Resume` row selects: every column but the file and the embedding. Public because
# `db.resume_leases` updates the same rows and returns them the same way.
COLUMNS = (
    "id, workspace_id, candidate_id, file_name, content_type, file_size, file_sha256, text, "
    "profile, profile_engine, embedding is not null as has_embedding, embedding_engine, "
    "status, failure_reason, flags, hidden_text, language, parse_attempts, parse_lease_until, "
    "created_at, updated_at"
)


@dataclass(frozen=True)
class Resume:
    """A resume's metadata and extracted data, without the file and the embedding."""

    id: int
    workspace_id: UUID
    candidate_id: int | None
    file_name: str
    content_type: str | None
    file_size: int
    file_sha256: str | None
    text: str | None
    profile: dict[str, Any] | None
    profile_engine: str | None
    has_embedding: bool
    embedding_engine: str | None
    status: str
    failure_reason: str | None
    flags: list[str]
    hidden_text: str | None
    language: str | None
    parse_attempts: int
    parse_lease_until: datetime | None
    created_at: datetime
    updated_at: datetime


def fetch_resume(conn: psycopg.Connection, query: str, params: Any) -> Resume | None:
    """The one `Resume` a query selecting or returning `COLUMNS` yields, or None."""
    with conn.cursor(row_factory=class_row(Resume)) as cur:
        cur.execute(query, params)
        return cur.fetchone()


def create_resume(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    file: bytes,
    file_name: str,
    content_type: str | None = None,
    candidate_id: int | None = None,
) -> Resume:
    """Store an uploaded file as a pending resume; size and SHA-256 are computed here."""
    if not file_name.strip():
        raise InvalidValue("a resume needs a file name")
    try:
        row = fetch_resume(
            conn,
            f"""
            insert into resumes (workspace_id, candidate_id, file_name, content_type, file_size,
                                 file_sha256, file)
            select %(ws)s, %(candidate)s, %(name)s, %(type)s, %(size)s, %(sha)s, %(file)s
            where %(candidate)s::bigint is null
               or exists (select 1 from candidates where id = %(candidate)s)
            returning {COLUMNS}
            """,
            {
                "ws": workspace_id,
                "candidate": candidate_id,
                "name": file_name.strip(),
                "type": content_type,
                "size": len(file),
                "sha": hashlib.sha256(file).hexdigest(),
                "file": file,
            },
        )
    except psycopg.errors.InsufficientPrivilege as e:
        raise TenantContextMissing(
            "resume workspace_id does not match the workspace context"
        ) from e
    if row is None:
        raise NotFound(f"candidate {candidate_id} not found")
    return row


def get_resume(conn: psycopg.Connection, *, resume_id: int) -> Resume:
    """The resume if visible in the current workspace, else `NotFound`."""
    row = fetch_resume(conn, f"select {COLUMNS} from resumes where id = %s", (resume_id,))
    if row is None:
        raise NotFound(f"resume {resume_id} not found")
    return row


def find_by_sha256(conn: psycopg.Connection, *, sha256: str) -> Resume | None:
    """The oldest resume with this file content, to spot a re-upload of the same file."""
    return fetch_resume(
        conn,
        f"select {COLUMNS} from resumes where file_sha256 = %s order by id limit 1",
        (sha256,),
    )


def get_resume_file(conn: psycopg.Connection, *, resume_id: int) -> bytes:
    """The stored file's bytes; `NotFound` if the resume or its file is missing."""
    row = conn.execute("select file from resumes where id = %s", (resume_id,)).fetchone()
    if row is None or row[0] is None:
        raise NotFound(f"file of resume {resume_id} not found")
    return bytes(row[0])


def get_resume_embedding(conn: psycopg.Connection, *, resume_id: int) -> list[float] | None:
    """The resume's embedding, or None before it has been computed."""
    row = conn.execute("select embedding from resumes where id = %s", (resume_id,)).fetchone()
    if row is None:
        raise NotFound(f"resume {resume_id} not found")
    value = row[0]
    if value is None:
        return None
    # pgvector's loader returns a Vector (or an array, depending on its version).
    return [float(x) for x in (value.to_list() if isinstance(value, Vector) else value)]


def list_resumes(
    conn: psycopg.Connection,
    *,
    status: str | None = None,
    candidate_id: int | None = None,
    vacancy_id: int | None = None,
    skills: Sequence[str] | None = None,
    min_years: float | None = None,
    ids: Sequence[int] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Resume]:
    """Resumes of the current workspace, newest first, filtered by status, candidate,
    vacancy applied to, skills (all of them, canonical names), years of experience and ids
    (an upload watching its own files)."""
    with conn.cursor(row_factory=class_row(Resume)) as cur:
        cur.execute(
            f"""
            select {COLUMNS} from resumes r
            where (%(status)s::text is null or status = %(status)s)
              and (%(candidate)s::bigint is null or candidate_id = %(candidate)s)
              and (%(vacancy)s::bigint is null or exists (
                    select 1 from applications a
                    where a.resume_id = r.id and a.vacancy_id = %(vacancy)s))
              and (%(skills)s::jsonb is null or profile -> 'skills' @> %(skills)s::jsonb)
              and (%(min_years)s::float is null
                   or (profile ->> 'total_years')::float >= %(min_years)s)
              and (%(ids)s::bigint[] is null or id = any(%(ids)s::bigint[]))
            order by created_at desc, id desc
            limit %(limit)s offset %(offset)s
            """,
            {
                "status": status,
                "candidate": candidate_id,
                "vacancy": vacancy_id,
                "skills": Jsonb(list(skills)) if skills else None,
                "min_years": min_years,
                "ids": list(ids) if ids else None,
                "limit": limit,
                "offset": offset,
            },
        )
        return cur.fetchall()


def _transition(
    conn: psycopg.Connection, resume_id: int, target: str, assignments: str, params: dict[str, Any]
) -> Resume:
    """Apply `assignments` if the current status may move to `target`, else explain why not."""
    row = fetch_resume(
        conn,
        f"""
        update resumes set status = %(target)s, {assignments}
        where id = %(id)s and status = any(%(sources)s)
        returning {COLUMNS}
        """,
        {
            **params,
            "id": resume_id,
            "target": target,
            "sources": sources_of(RESUME_TRANSITIONS, target),
        },
    )
    if row is not None:
        return row
    current = conn.execute("select status from resumes where id = %s", (resume_id,)).fetchone()
    if current is None:
        raise NotFound(f"resume {resume_id} not found")
    raise invalid_transition("resume", resume_id, current[0], target)


def set_resume_status(
    conn: psycopg.Connection, *, resume_id: int, status: str, reason: str | None = None
) -> Resume:
    """Move a resume along its status machine; 'failed' needs a reason a recruiter can read.

    'parsing' is refused: a claim without a lease could never be taken over if its worker died.
    """
    if status not in RESUME_TRANSITIONS:
        raise InvalidValue(f"unknown resume status '{status}'")
    if status == "parsing":
        raise InvalidValue("a resume enters 'parsing' only through claim_for_parsing")
    if status == "failed" and not (reason and reason.strip()):
        raise InvalidValue("a failed resume needs a reason")
    # Leaving 'failed' clears the old reason and the attempts; a retry starts clean. Any change
    # ends a parse lease: its holder may no longer finish the resume.
    attempts = ", parse_attempts = 0" if status == "pending" else ""
    return _transition(
        conn,
        resume_id,
        status,
        f"failure_reason = %(reason)s, parse_owner = null, parse_lease_until = null{attempts}",
        {"reason": reason.strip() if status == "failed" and reason else None},
    )


def embedding_vector(embedding: Sequence[float]) -> Vector:
    """The embedding as pgvector stores it; `InvalidValue` unless it has the column's
    dimensions (a vector of another model's size could never be compared)."""
    if len(embedding) != EMBEDDING_DIMENSIONS:
        raise InvalidValue(
            f"embedding has {len(embedding)} dimensions, expected {EMBEDDING_DIMENSIONS}"
        )
    return Vector([float(x) for x in embedding])


def save_embedding(
    conn: psycopg.Connection, *, resume_id: int, embedding: Sequence[float], embedding_engine: str
) -> None:
    """Replace a parsed resume's embedding, e.g. after the installation changed engines (its
    old vector does not compare with vacancies embedded by the new one)."""
    updated = conn.execute(
        "update resumes set embedding = %s, embedding_engine = %s where id = %s",
        (embedding_vector(embedding), embedding_engine, resume_id),
    )
    if updated.rowcount == 0:
        raise NotFound(f"resume {resume_id} not found")


def attach_candidate(conn: psycopg.Connection, *, resume_id: int, candidate_id: int) -> Resume:
    """Link the resume to its candidate (found or created from the parsed contacts)."""
    row = fetch_resume(
        conn,
        f"""
        update resumes set candidate_id = %(candidate)s
        where id = %(id)s and exists (select 1 from candidates where id = %(candidate)s)
        returning {COLUMNS}
        """,
        {"id": resume_id, "candidate": candidate_id},
    )
    if row is None:
        get_resume(conn, resume_id=resume_id)
        raise NotFound(f"candidate {candidate_id} not found")
    return row


def delete_resume(conn: psycopg.Connection, *, resume_id: int) -> None:
    """Delete the resume and its file; applications keep existing without it."""
    if conn.execute("delete from resumes where id = %s", (resume_id,)).rowcount == 0:
        raise NotFound(f"resume {resume_id} not found")


def upsert_imported(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    source: str,
    external_id: str,
    candidate_id: int,
    file: bytes,
    file_name: str,
    content_type: str,
    text: str,
    profile: dict[str, Any],
    profile_engine: str,
    embedding: Sequence[float],
    embedding_engine: str,
    flags: Sequence[str] = (),
    language: str | None = None,
) -> tuple[Resume, bool]:
    """A board's resume, read already (its profile from the board's own fields): inserted
    'parsed', or, seen again, brought up to date; (resume, changed). An unchanged one (same
    file) is left as it is, so a re-sync writes nothing."""
    params = {
        "ws": workspace_id, "source": source, "external_id": external_id,
        "candidate": candidate_id, "file": file, "name": file_name, "type": content_type,
        "size": len(file), "sha": hashlib.sha256(file).hexdigest(), "text": text,
        "profile": Jsonb(profile), "profile_engine": profile_engine,
        "embedding": embedding_vector(embedding), "embedding_engine": embedding_engine,
        "flags": Jsonb(list(flags)), "language": language,
    }  # fmt: skip
    existing = fetch_resume(
        conn,
        f"select {COLUMNS} from resumes where source = %s and external_id = %s for update",
        (source, external_id),
    )
    if existing is not None and existing.file_sha256 == params["sha"]:
        return existing, False
    if existing is not None:
        row = fetch_resume(
            conn,
            f"""
            update resumes set candidate_id = %(candidate)s, file = %(file)s,
                file_name = %(name)s, content_type = %(type)s, file_size = %(size)s,
                file_sha256 = %(sha)s, text = %(text)s, profile = %(profile)s,
                profile_engine = %(profile_engine)s, embedding = %(embedding)s,
                embedding_engine = %(embedding_engine)s, flags = %(flags)s,
                language = %(language)s, updated_at = now()
            where id = %(id)s
            returning {COLUMNS}
            """,
            {**params, "id": existing.id},
        )
    else:
        row = fetch_resume(
            conn,
            f"""
            insert into resumes (workspace_id, source, external_id, candidate_id, file,
                file_name, content_type, file_size, file_sha256, text, profile, profile_engine,
                embedding, embedding_engine, flags, language, status)
            select %(ws)s, %(source)s, %(external_id)s, c.id, %(file)s, %(name)s, %(type)s,
                %(size)s, %(sha)s, %(text)s, %(profile)s, %(profile_engine)s, %(embedding)s,
                %(embedding_engine)s, %(flags)s, %(language)s, 'parsed'
            from candidates c where c.id = %(candidate)s
            returning {COLUMNS}
            """,
            params,
        )
    if row is None:
        raise NotFound(f"candidate {candidate_id} not found")
    return row, True
