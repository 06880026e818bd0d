"""Leads: vacancies of other companies that a staffing workspace may answer, and the CRM around
them (statuses, owner, quality rating, the interaction history in `lead_events`).

Keyed by (source, external_id) so a scraper can revisit a board every day: a known lead gets
the fresh details while keeping the status a recruiter gave it. Status moves are recorded as
`status` events in the same transaction, so the history and the reports never disagree with
the lead itself.

The funnel: new → qualified → responded → replied → meeting → won, with `lost` (a reason
required) reachable from anywhere but `won`, and `archived` (a reason required) for leads under
the fit threshold, duplicates and exclusions. A person may jump forward, reopen an archived or
lost lead, or move a lead back one step to undo a mistake; automatic moves (`advance`) only go
forward and are no-ops for a lead already past the step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from db.errors import Conflict, InvalidTransition, InvalidValue, NotFound, TenantContextMissing

FUNNEL = ("new", "qualified", "responded", "replied", "meeting", "won")
STATUSES = (*FUNNEL, "lost", "archived")
REASON_REQUIRED = ("lost", "archived")
EVENT_KINDS = (
    "created", "analysed", "status", "message_out", "message_in", "note", "meeting",
    "assigned", "rated", "duplicate",
)  # fmt: skip
_COLUMNS = (
    "id, workspace_id, source, external_id, url, title, company, contact, payload, status, "
    "description, language, analysis, fit_score, fit_reasons, bench_matches, dedupe_key, "
    "duplicate_of, analyzed_at, archive_reason, lost_reason, owner_user_id, quality, variant_id, "
    "status_changed_at, created_at, updated_at"
)
_EVENT_COLUMNS = (
    "id, workspace_id, lead_id, kind, body, data, external_id, actor_user_id, created_at"
)


@dataclass(frozen=True)
class Lead:
    """A job posting of another company worth answering, and where it stands."""

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
    description: str
    language: str | None
    analysis: dict[str, Any] | None
    fit_score: int | None
    fit_reasons: list[dict[str, Any]]
    bench_matches: list[dict[str, Any]]
    dedupe_key: str | None
    duplicate_of: int | None
    analyzed_at: datetime | None
    archive_reason: str | None
    lost_reason: str | None
    owner_user_id: int | None
    quality: int | None
    variant_id: int | None
    status_changed_at: datetime
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class LeadEvent:
    """One entry of a lead's history."""

    id: int
    workspace_id: UUID
    lead_id: int
    kind: str
    body: str
    data: dict[str, Any]
    external_id: str | None
    actor_user_id: int | None
    created_at: datetime


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
    description: str = "",
    dedupe_key: str | None = None,
) -> tuple[Lead, bool]:
    """Insert a lead or refresh a known one (status kept); returns (lead, created).

    A refreshed lead whose text changed is analysed again (`analyzed_at` cleared); a new one
    gets its `created` event. `dedupe_key` (pipelines/leads/dedupe.py) is stored at once, so a
    repeat found on another board meanwhile sees this lead before its analysis."""
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
        "description": description,
        "dedupe_key": dedupe_key,
    }
    try:
        row = _fetch(
            conn,
            f"""
            insert into leads (workspace_id, source, external_id, url, title, company,
                               contact, payload, description, dedupe_key)
            values (%(ws)s, %(source)s, %(external_id)s, %(url)s, %(title)s, %(company)s,
                    %(contact)s, %(payload)s, %(description)s, %(dedupe_key)s)
            on conflict (workspace_id, source, external_id) do nothing
            returning {_COLUMNS}
            """,
            params,
        )
    except psycopg.errors.InsufficientPrivilege as e:
        raise TenantContextMissing("lead workspace_id does not match the workspace context") from e
    if row is not None:
        add_event(conn, lead_id=row.id, kind="created", body=f"found on {source}",
                  data={"url": url})  # fmt: skip
        return row, True
    updated = _fetch(
        conn,
        f"""
        update leads
        set url = %(url)s, title = %(title)s, company = %(company)s, contact = %(contact)s,
            payload = %(payload)s, description = %(description)s,
            dedupe_key = coalesce(%(dedupe_key)s, dedupe_key),
            analyzed_at = case when title is distinct from %(title)s
                                 or description is distinct from %(description)s
                               then null else analyzed_at end
        where workspace_id = %(ws)s and source = %(source)s and external_id = %(external_id)s
        returning {_COLUMNS}
        """,
        params,
    )
    if updated is None:  # deleted between the two statements
        raise Conflict(f"lead {source}:{external_id} changed during the update; retry")
    return updated, False


def get_lead(conn: psycopg.Connection, *, lead_id: int, for_update: bool = False) -> Lead:
    """One lead of the current workspace (`NotFound` otherwise, another workspace's included)."""
    lock = " for update" if for_update else ""
    row = _fetch(conn, f"select {_COLUMNS} from leads where id = %s{lock}", (lead_id,))
    if row is None:
        raise NotFound(f"lead {lead_id} not found")
    return row


def list_leads(
    conn: psycopg.Connection,
    *,
    status: str | None = None,
    source: str | None = None,
    owner_user_id: int | None = None,
    min_score: int | None = None,
    query: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Lead]:
    """Leads of the current workspace, newest first, optionally filtered (`query` searches the
    title and the company)."""
    if status is not None and status not in STATUSES:
        raise InvalidValue(f"lead status must be one of {STATUSES}, got '{status}'")
    with conn.cursor(row_factory=class_row(Lead)) as cur:
        cur.execute(
            f"""
            select {_COLUMNS} from leads
            where (%(status)s::text is null or status = %(status)s)
              and (%(source)s::text is null or source = %(source)s)
              and (%(owner)s::bigint is null or owner_user_id = %(owner)s)
              and (%(min_score)s::int is null or fit_score >= %(min_score)s)
              and (%(q)s::text is null
                   or title ilike '%%' || %(q)s || '%%' or company ilike '%%' || %(q)s || '%%')
            order by created_at desc, id desc
            limit %(limit)s offset %(offset)s
            """,
            {
                "status": status,
                "source": source,
                "owner": owner_user_id,
                "min_score": min_score,
                "q": query or None,
                "limit": limit,
                "offset": offset,
            },
        )
        return cur.fetchall()


def status_counts(conn: psycopg.Connection) -> dict[str, int]:
    """How many leads of the current workspace are in each status (every status listed)."""
    rows = conn.execute("select status, count(*) from leads group by status").fetchall()
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({status: n for status, n in rows})
    return counts


def unanalysed_ids(conn: psycopg.Connection, *, limit: int = 500) -> list[int]:
    """Leads of the current workspace waiting for their analysis, oldest first."""
    rows = conn.execute(
        "select id from leads where analyzed_at is null order by id limit %s", (limit,)
    ).fetchall()
    return [r[0] for r in rows]


def unanalysed_leads(
    conn: psycopg.Connection, *, lead_ids: Sequence[int] | None = None, limit: int = 500
) -> list[Lead]:
    """Whole rows of the current workspace's leads waiting for their analysis (those of
    `lead_ids` only, when given), oldest first: a qualifying run reads its batch in one query."""
    with conn.cursor(row_factory=class_row(Lead)) as cur:
        cur.execute(
            f"""
            select {_COLUMNS} from leads
            where analyzed_at is null and (%(ids)s::bigint[] is null or id = any(%(ids)s))
            order by id
            limit %(limit)s
            """,
            {"ids": None if lead_ids is None else list(lead_ids), "limit": limit},
        )
        return cur.fetchall()


def _check_move(lead: Lead, status: str, reason: str | None) -> None:
    if status not in STATUSES:
        raise InvalidValue(f"lead status must be one of {STATUSES}, got '{status}'")
    if status in REASON_REQUIRED and not (reason and reason.strip()):
        raise InvalidValue(f"a lead moved to '{status}' needs a reason")
    current = lead.status
    if current == status:
        return
    allowed: bool
    if status in REASON_REQUIRED:
        allowed = current != "won" and not (status == "archived" and current == "lost")
    elif current in REASON_REQUIRED:
        allowed = status in ("new", "qualified")  # reopened
    elif current == "won":
        allowed = status == "meeting"  # undo
    else:
        allowed = FUNNEL.index(status) >= FUNNEL.index(current) - 1  # forward, or one back
    if not allowed:
        raise InvalidTransition(
            f"lead {lead.id} cannot move from '{current}' to '{status}'",
            current=current, requested=status,
        )  # fmt: skip


def set_status(
    conn: psycopg.Connection,
    *,
    lead_id: int,
    status: str,
    reason: str | None = None,
    actor_user_id: int | None = None,
) -> Lead:
    """Move a lead (a person's or the pipeline's decision) and record the move in its history.

    `lost` and `archived` need a reason; a move to the same status changes nothing."""
    lead = get_lead(conn, lead_id=lead_id, for_update=True)
    _check_move(lead, status, reason)
    if lead.status == status:
        return lead
    reason = reason.strip() if reason else None
    row = _fetch(
        conn,
        f"""
        update leads set status = %(status)s, status_changed_at = now(),
            archive_reason = case when %(status)s = 'archived' then %(reason)s
                                  else archive_reason end,
            lost_reason = case when %(status)s = 'lost' then %(reason)s else lost_reason end
        where id = %(id)s
        returning {_COLUMNS}
        """,
        {"status": status, "reason": reason, "id": lead_id},
    )
    assert row is not None  # locked above
    add_event(conn, lead_id=lead_id, kind="status", body=reason or "",
              data={"from": lead.status, "to": status}, actor_user_id=actor_user_id)  # fmt: skip
    return row


def set_lead_status(conn: psycopg.Connection, *, lead_id: int, status: str) -> Lead:
    """`set_status` without a reason or a person (the scrapers' and tests' shorthand)."""
    return set_status(conn, lead_id=lead_id, status=status)


def advance(
    conn: psycopg.Connection,
    *,
    lead_id: int,
    status: str,
    actor_user_id: int | None = None,
) -> Lead:
    """Move a lead forward along the funnel because something happened (a response sent, a
    reply received, a meeting booked); a lead already at or past that step, lost or archived
    stays where it is."""
    if status not in FUNNEL:
        raise InvalidValue(f"only funnel steps advance a lead, not '{status}'")
    lead = get_lead(conn, lead_id=lead_id, for_update=True)
    if lead.status in REASON_REQUIRED or FUNNEL.index(lead.status) >= FUNNEL.index(status):
        return lead
    return set_status(conn, lead_id=lead_id, status=status, actor_user_id=actor_user_id)


def add_event(
    conn: psycopg.Connection,
    *,
    lead_id: int,
    kind: str,
    body: str = "",
    data: dict[str, Any] | None = None,
    external_id: str | None = None,
    actor_user_id: int | None = None,
) -> LeadEvent | None:
    """Record one entry of the lead's history; None when `external_id` was recorded already
    (the same message or webhook received twice)."""
    if kind not in EVENT_KINDS:
        raise InvalidValue(f"lead event kind must be one of {EVENT_KINDS}, got '{kind}'")
    with conn.cursor(row_factory=class_row(LeadEvent)) as cur:
        cur.execute(
            f"""
            insert into lead_events (workspace_id, lead_id, kind, body, data, external_id,
                                     actor_user_id)
            select workspace_id, id, %s, %s, %s, %s, %s from leads where id = %s
            on conflict (workspace_id, kind, external_id) do nothing
            returning {_EVENT_COLUMNS}
            """,
            (kind, body, Jsonb(data or {}), external_id, actor_user_id, lead_id),
        )
        row = cur.fetchone()
    if row is None and external_id is None:
        raise NotFound(f"lead {lead_id} not found")
    return row


def list_events(conn: psycopg.Connection, *, lead_id: int, limit: int = 500) -> list[LeadEvent]:
    """A lead's history, oldest first."""
    with conn.cursor(row_factory=class_row(LeadEvent)) as cur:
        cur.execute(
            f"select {_EVENT_COLUMNS} from lead_events where lead_id = %s order by id limit %s",
            (lead_id, limit),
        )
        return cur.fetchall()


def save_analysis(
    conn: psycopg.Connection,
    *,
    lead_id: int,
    language: str | None,
    analysis: dict[str, Any],
    fit_score: int,
    fit_reasons: list[dict[str, Any]],
    bench_matches: list[dict[str, Any]],
    dedupe_key: str | None,
    embedding: list[float] | None = None,
    embedding_engine: str | None = None,
) -> Lead:
    """Store what the analysis found and record it in the history."""
    if not 0 <= fit_score <= 100:
        raise InvalidValue(f"a fit score is 0-100, got {fit_score}")
    row = _fetch(
        conn,
        f"""
        update leads set language = %s, analysis = %s, fit_score = %s, fit_reasons = %s,
            bench_matches = %s, dedupe_key = %s, embedding = %s, embedding_engine = %s,
            analyzed_at = now()
        where id = %s
        returning {_COLUMNS}
        """,
        (
            language,
            Jsonb(analysis),
            fit_score,
            Jsonb(fit_reasons),
            Jsonb(bench_matches),
            dedupe_key,
            embedding,
            embedding_engine,
            lead_id,
        ),  # fmt: skip
    )
    if row is None:
        raise NotFound(f"lead {lead_id} not found")
    add_event(conn, lead_id=lead_id, kind="analysed", body=f"fit {fit_score}",
              data={"fit_score": fit_score})  # fmt: skip
    return row


def mark_duplicate(conn: psycopg.Connection, *, lead_id: int, duplicate_of: int) -> Lead:
    """Archive a lead that repeats another (same company, title and close text)."""
    if lead_id == duplicate_of:
        raise InvalidValue("a lead cannot duplicate itself")
    original = get_lead(conn, lead_id=duplicate_of)
    conn.execute("update leads set duplicate_of = %s where id = %s", (duplicate_of, lead_id))
    add_event(conn, lead_id=lead_id, kind="duplicate", data={"duplicate_of": duplicate_of},
              body=f"repeats lead {duplicate_of} ({original.source})")  # fmt: skip
    return set_status(conn, lead_id=lead_id, status="archived",
                      reason=f"duplicate of lead {duplicate_of} ({original.source})")  # fmt: skip


def assign_owner(
    conn: psycopg.Connection, *, lead_id: int, owner_user_id: int | None, actor_user_id: int | None
) -> Lead:
    """Give the lead to a member of the workspace (None: nobody)."""
    if owner_user_id is not None:
        member = conn.execute(
            "select 1 from memberships m join leads l on l.workspace_id = m.workspace_id "
            "where l.id = %s and m.user_id = %s",
            (lead_id, owner_user_id),
        ).fetchone()
        if member is None:
            raise InvalidValue(f"user {owner_user_id} is not a member of this workspace")
    row = _fetch(
        conn,
        f"update leads set owner_user_id = %s where id = %s returning {_COLUMNS}",
        (owner_user_id, lead_id),
    )
    if row is None:
        raise NotFound(f"lead {lead_id} not found")
    add_event(conn, lead_id=lead_id, kind="assigned", data={"owner_user_id": owner_user_id},
              actor_user_id=actor_user_id)  # fmt: skip
    return row


def rate(
    conn: psycopg.Connection, *, lead_id: int, quality: int, actor_user_id: int | None
) -> Lead:
    """The owner's judgement of the lead's quality, 1-5 (what the prompt report weighs)."""
    if not 1 <= quality <= 5:
        raise InvalidValue(f"a lead's quality is rated 1-5, got {quality}")
    row = _fetch(
        conn,
        f"update leads set quality = %s where id = %s returning {_COLUMNS}",
        (quality, lead_id),
    )
    if row is None:
        raise NotFound(f"lead {lead_id} not found")
    add_event(conn, lead_id=lead_id, kind="rated", body=str(quality),
              data={"quality": quality}, actor_user_id=actor_user_id)  # fmt: skip
    return row


def set_variant(conn: psycopg.Connection, *, lead_id: int, variant_id: int | None) -> None:
    """Record the prompt variant the lead was answered with (the prompt report's key)."""
    conn.execute("update leads set variant_id = %s where id = %s", (variant_id, lead_id))


def awaiting_response(conn: psycopg.Connection, *, limit: int = 200) -> list[int]:
    """Qualified leads with no response drafted yet, best fit first (what the flow drafts
    after a scan, including leads a stopped worker left behind)."""
    rows = conn.execute(
        """
        select l.id from leads l
        where l.status = 'qualified'
          and not exists (select 1 from lead_responses r where r.lead_id = l.id)
        order by l.fit_score desc nulls last, l.id
        limit %s
        """,
        (limit,),
    ).fetchall()
    return [r[0] for r in rows]


def rescore_new(conn: psycopg.Connection) -> int:
    """Send the current workspace's untouched leads (status 'new') back to analysis, e.g. after
    the profile they are scored against changed; how many."""
    return conn.execute(
        "update leads set analyzed_at = null where status = 'new' and analyzed_at is not null"
    ).rowcount
