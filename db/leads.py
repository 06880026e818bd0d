"""Leads: companies hiring on job boards, found by the scrapers for outreach.

Keyed by (source, external_id) so a scraper can revisit a board every day: a known lead gets
the fresh details while keeping the status a recruiter gave it.
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
    "id, workspace_id, source, external_id, url, title, company, contact, payload, status, "
    "created_at, updated_at"
)
STATUSES = ("new", "contacted", "qualified", "discarded")


@dataclass(frozen=True)
class Lead:
    """A job posting or company worth contacting."""

    id: int
    workspace_id: UUID
    source: str
    external_id: str
    url: str | None
    title: str
    company: str | None
    contact: dict[str, Any]
    payload: dict[str, Any]
    status: str
    created_at: datetime
    updated_at: datetime


def _fetch(conn: psycopg.Connection, query: str, params: Any) -> Lead | None:
    with conn.cursor(row_factory=class_row(Lead)) as cur:
        cur.execute(query, params)
        return cur.fetchone()


def upsert_lead(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    source: str,
    external_id: str,
    url: str | None = None,
    title: str = "",
    company: str | None = None,
    contact: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
) -> tuple[Lead, bool]:
    """Insert a lead or refresh a known one (status kept); returns (lead, created)."""
    if not source or not external_id:
        raise InvalidValue("a lead needs its source and external id")
    params = {
        "ws": workspace_id,
        "source": source,
        "external_id": external_id,
        "url": url,
        "title": title,
        "company": company,
        "contact": Jsonb(contact or {}),
        "payload": Jsonb(payload or {}),
    }
    try:
        row = _fetch(
            conn,
            f"""
            insert into leads (workspace_id, source, external_id, url, title, company,
                               contact, payload)
            values (%(ws)s, %(source)s, %(external_id)s, %(url)s, %(title)s, %(company)s,
                    %(contact)s, %(payload)s)
            on conflict (workspace_id, source, external_id) do nothing
            returning {_COLUMNS}
            """,
            params,
        )
    except psycopg.errors.InsufficientPrivilege as e:
        raise TenantContextMissing("lead workspace_id does not match the workspace context") from e
    if row is not None:
        return row, True
    updated = _fetch(
        conn,
        f"""
        update leads
        set url = %(url)s, title = %(title)s, company = %(company)s, contact = %(contact)s,
            payload = %(payload)s
        where workspace_id = %(ws)s and source = %(source)s and external_id = %(external_id)s
        returning {_COLUMNS}
        """,
        params,
    )
    if updated is None:  # deleted between the two statements
        raise Conflict(f"lead {source}:{external_id} changed during the update; retry")
    return updated, False


def list_leads(
    conn: psycopg.Connection,
    *,
    status: str | None = None,
    source: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Lead]:
    """Leads of the current workspace, newest first, optionally filtered."""
    with conn.cursor(row_factory=class_row(Lead)) as cur:
        cur.execute(
            f"""
            select {_COLUMNS} from leads
            where (%(status)s::text is null or status = %(status)s)
              and (%(source)s::text is null or source = %(source)s)
            order by created_at desc, id desc
            limit %(limit)s offset %(offset)s
            """,
            {"status": status, "source": source, "limit": limit, "offset": offset},
        )
        return cur.fetchall()


def set_lead_status(conn: psycopg.Connection, *, lead_id: int, status: str) -> Lead:
    """Record the outreach outcome: new, contacted, qualified or discarded."""
    if status not in STATUSES:
        raise InvalidValue(f"lead status must be one of {STATUSES}, got '{status}'")
    row = _fetch(
        conn,
        f"update leads set status = %s where id = %s returning {_COLUMNS}",
        (status, lead_id),
    )
    if row is None:
        raise NotFound(f"lead {lead_id} not found")
    return row
