"""Vacancies: the positions a workspace hires for, typed in or imported from job boards.

Imported vacancies are keyed by (source, external_id) so a repeated sync updates the same row
instead of adding a copy; the recruiter's archive decision survives a re-import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from pgvector import Vector
from psycopg import sql
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from db.errors import Conflict, InvalidValue, NotFound, TenantContextMissing

_COLUMNS = (
    "id, workspace_id, source, external_id, title, description, requirements, language, "
    "location, status, requirements_engine, embedding is not null as has_embedding, "
    "embedding_engine, created_at, updated_at, analysis_policy"
)
_RULES = (
    "title must be 1-300 characters, language 'ru' or 'en', status 'active' or 'archived', "
    "source one of manual, upload, hh, djinni, board, api"
)
SOURCES = ("manual", "upload", "hh", "djinni", "board", "api")  # as the schema's check allows


@dataclass(frozen=True)
class Vacancy:
    """One open (or archived) position."""

    id: int
    workspace_id: UUID
    source: str
    external_id: str | None
    title: str
    description: str
    requirements: dict[str, Any]
    language: str
    location: str | None
    status: str
    requirements_engine: str | None
    has_embedding: bool
    embedding_engine: str | None
    created_at: datetime
    updated_at: datetime
    analysis_policy: dict[str, Any] | None = None  # interview analysis weights/thresholds


def _one(conn: psycopg.Connection, query: str | sql.Composed, params: Any) -> Vacancy | None:
    """Run a statement returning vacancy rows in a savepoint, translating schema errors."""
    try:
        with conn.transaction(), conn.cursor(row_factory=class_row(Vacancy)) as cur:
            cur.execute(query, params)
            return cur.fetchone()
    except psycopg.errors.UniqueViolation as e:
        raise Conflict("a vacancy with this source and external id already exists") from e
    except psycopg.errors.CheckViolation as e:
        raise InvalidValue(f"invalid vacancy: {_RULES}") from e
    except psycopg.errors.InsufficientPrivilege as e:
        raise TenantContextMissing(
            "vacancy workspace_id does not match the workspace context"
        ) from e


def create_vacancy(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    title: str,
    description: str = "",
    requirements: dict[str, Any] | None = None,
    language: str = "ru",
    location: str | None = None,
    source: str = "manual",
    external_id: str | None = None,
) -> Vacancy:
    """Insert a vacancy; `Conflict` if (source, external_id) is already taken."""
    row = _one(
        conn,
        f"""
        insert into vacancies (workspace_id, source, external_id, title, description,
                               requirements, language, location)
        values (%s, %s, %s, %s, %s, %s, %s, %s)
        returning {_COLUMNS}
        """,
        (
            workspace_id,
            source,
            external_id,
            title.strip(),
            description,
            Jsonb(requirements or {}),
            language,
            location,
        ),
    )
    assert row is not None
    return row


def get_vacancy(conn: psycopg.Connection, *, vacancy_id: int) -> Vacancy:
    """The vacancy if visible in the current workspace, else `NotFound`."""
    with conn.cursor(row_factory=class_row(Vacancy)) as cur:
        cur.execute(f"select {_COLUMNS} from vacancies where id = %s", (vacancy_id,))
        row = cur.fetchone()
    if row is None:
        raise NotFound(f"vacancy {vacancy_id} not found")
    return row


def _filters(status: str | None, source: str | None, search: str | None) -> dict[str, Any]:
    """Query parameters of the list filters; `search`'s LIKE wildcards are matched literally."""
    pattern = None
    if search and search.strip():
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", search.strip()) + "%"
    return {"status": status, "source": source, "pattern": pattern}


_WHERE = """
    where (%(status)s::text is null or status = %(status)s)
      and (%(source)s::text is null or source = %(source)s)
      and (%(pattern)s::text is null
           or title ilike %(pattern)s or description ilike %(pattern)s)
"""


def list_vacancies(
    conn: psycopg.Connection,
    *,
    status: str | None = None,
    source: str | None = None,
    search: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Vacancy]:
    """Vacancies of the current workspace, newest first, optionally of one status and source,
    and whose title or description contains `search` (any case)."""
    with conn.cursor(row_factory=class_row(Vacancy)) as cur:
        cur.execute(
            f"""
            select {_COLUMNS} from vacancies {_WHERE}
            order by created_at desc, id desc
            limit %(limit)s offset %(offset)s
            """,
            {**_filters(status, source, search), "limit": limit, "offset": offset},
        )
        return cur.fetchall()


def count_vacancies(
    conn: psycopg.Connection,
    *,
    status: str | None = None,
    source: str | None = None,
    search: str | None = None,
) -> int:
    """How many vacancies `list_vacancies` would find with these filters, paging aside."""
    row = conn.execute(
        f"select count(*) from vacancies {_WHERE}", _filters(status, source, search)
    ).fetchone()
    assert row is not None
    return int(row[0])


def update_vacancy(
    conn: psycopg.Connection,
    *,
    vacancy_id: int,
    title: str | None = None,
    description: str | None = None,
    requirements: dict[str, Any] | None = None,
    location: str | None = None,
    language: str | None = None,
) -> Vacancy:
    """Change only the fields given (None leaves a field as it is; a blank location clears
    it)."""
    changes: dict[str, Any] = {
        "title": title.strip() if title is not None else None,
        "description": description,
        "requirements": Jsonb(requirements) if requirements is not None else None,
        "location": location,
        "language": language,
    }
    changes = {name: value for name, value in changes.items() if value is not None}
    if location is not None and not location.strip():
        changes["location"] = None
    if not changes:
        return get_vacancy(conn, vacancy_id=vacancy_id)
    assignments = sql.SQL(", ").join(
        sql.SQL("{} = {}").format(sql.Identifier(name), sql.Placeholder(name)) for name in changes
    )
    query = sql.SQL("update vacancies set {} where id = {} returning {}").format(
        assignments, sql.Placeholder("vacancy_id"), sql.SQL(_COLUMNS)
    )
    row = _one(conn, query, {**changes, "vacancy_id": vacancy_id})
    if row is None:
        raise NotFound(f"vacancy {vacancy_id} not found")
    return row


def set_vacancy_status(conn: psycopg.Connection, *, vacancy_id: int, status: str) -> Vacancy:
    """Archive or reopen a vacancy ('active' or 'archived')."""
    row = _one(
        conn,
        f"update vacancies set status = %s where id = %s returning {_COLUMNS}",
        (status, vacancy_id),
    )
    if row is None:
        raise NotFound(f"vacancy {vacancy_id} not found")
    return row


def upsert_external_vacancy(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    source: str,
    external_id: str,
    title: str,
    description: str = "",
    requirements: dict[str, Any] | None = None,
    language: str = "ru",
    location: str | None = None,
) -> tuple[Vacancy, bool]:
    """Insert or refresh an imported vacancy; returns (vacancy, created).

    The board's text replaces ours on every sync, but the status stays: a vacancy the recruiter
    archived is not reopened by the next import.
    """
    if not external_id or not external_id.strip():
        raise InvalidValue("an imported vacancy needs its external id")
    params = {
        "workspace_id": workspace_id,
        "source": source,
        "external_id": external_id,
        "title": title.strip(),
        "description": description,
        "requirements": Jsonb(requirements or {}),
        "language": language,
        "location": location,
    }
    created = _one(
        conn,
        f"""
        insert into vacancies (workspace_id, source, external_id, title, description,
                               requirements, language, location)
        values (%(workspace_id)s, %(source)s, %(external_id)s, %(title)s, %(description)s,
                %(requirements)s, %(language)s, %(location)s)
        on conflict (workspace_id, source, external_id) do nothing
        returning {_COLUMNS}
        """,
        params,
    )
    if created is not None:
        return created, True
    updated = _one(
        conn,
        f"""
        update vacancies
        set title = %(title)s, description = %(description)s, requirements = %(requirements)s,
            language = %(language)s, location = %(location)s
        where workspace_id = %(workspace_id)s and source = %(source)s
          and external_id = %(external_id)s
        returning {_COLUMNS}
        """,
        params,
    )
    if updated is None:  # deleted between the two statements
        raise Conflict(f"vacancy {source}:{external_id} changed during import; retry")
    return updated, False


def application_counts(conn: psycopg.Connection, *, vacancy_ids: list[int]) -> dict[int, int]:
    """How many applications each vacancy has (vacancies with none are absent)."""
    if not vacancy_ids:
        return {}
    rows = conn.execute(
        "select vacancy_id, count(*) from applications where vacancy_id = any(%s) "
        "group by vacancy_id",
        (vacancy_ids,),
    ).fetchall()
    return {vacancy_id: count for vacancy_id, count in rows}


def save_analysis(
    conn: psycopg.Connection,
    *,
    vacancy_id: int,
    requirements: dict[str, Any],
    requirements_engine: str,
    embedding: list[float],
    embedding_engine: str,
) -> Vacancy:
    """Store what an engine read from the vacancy and its embedding for similarity ranking."""
    row = _one(
        conn,
        f"""
        update vacancies set requirements = %s, requirements_engine = %s, embedding = %s,
                             embedding_engine = %s
        where id = %s returning {_COLUMNS}
        """,
        (
            Jsonb(requirements),
            requirements_engine,
            Vector([float(x) for x in embedding]),
            embedding_engine,
            vacancy_id,
        ),
    )
    if row is None:
        raise NotFound(f"vacancy {vacancy_id} not found")
    return row


def save_requirements(
    conn: psycopg.Connection,
    *,
    vacancy_id: int,
    requirements: dict[str, Any],
    requirements_engine: str,
) -> Vacancy:
    """Store requirements read or corrected without touching the embedding (the text it was
    made from is unchanged)."""
    row = _one(
        conn,
        f"""
        update vacancies set requirements = %s, requirements_engine = %s
        where id = %s returning {_COLUMNS}
        """,
        (Jsonb(requirements), requirements_engine, vacancy_id),
    )
    if row is None:
        raise NotFound(f"vacancy {vacancy_id} not found")
    return row


def set_analysis_policy(
    conn: psycopg.Connection, *, vacancy_id: int, policy: dict[str, Any] | None
) -> Vacancy:
    """Store the interview-analysis weights and thresholds (None restores the defaults)."""
    row = _one(
        conn,
        f"update vacancies set analysis_policy = %s where id = %s returning {_COLUMNS}",
        (Jsonb(policy) if policy is not None else None, vacancy_id),
    )
    if row is None:
        raise NotFound(f"vacancy {vacancy_id} not found")
    return row


def find_external(conn: psycopg.Connection, *, source: str, external_id: str) -> Vacancy | None:
    """The workspace's vacancy imported from `source` with that id, if any."""
    return _one(
        conn,
        f"select {_COLUMNS} from vacancies where source = %s and external_id = %s",
        (source, external_id),
    )


def external_ids(
    conn: psycopg.Connection, *, source: str, status: str | None = None
) -> list[tuple[int, str]]:
    """(id, external id) of the workspace's vacancies imported from `source`."""
    rows = conn.execute(
        "select id, external_id from vacancies where source = %s and external_id is not null "
        "and (%s::text is null or status = %s) order by id",
        (source, status, status),
    ).fetchall()
    return [(int(r[0]), str(r[1])) for r in rows]
