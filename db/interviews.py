"""Interviews: one conversation (voice or Telegram) with a candidate about an application.

The row is the hard state of an `InterviewSession` actor: status, the invitation link (only its
hash is stored) and `epoch`, the fencing number each restarted actor copy takes with
`bump_epoch` so that a stale copy can no longer write turns (see db.turns).

The interview's clock (its time limit) runs from the first start, across reconnects, except
while the server is down under a connected candidate: the actor copy holding the candidate
writes a heartbeat (`beat_clock`); one that is still there when the next copy starts
(`resume_clock`) means the last copy died, and the gap is booked as `server_down_s`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from db import events
from db.errors import Conflict, InvalidValue, NotFound, TenantContextMissing
from db.statuses import INTERVIEW_TRANSITIONS, invalid_transition, sources_of

_COLUMNS = (
    "id, workspace_id, application_id, channel, language, plan, status, link_token_hash, "
    "link_expires_at, link_revoked_at, epoch, failure_reason, started_at, ended_at, "
    "created_at, updated_at, server_down_s, heartbeat_at"
)
# A heartbeat comes every few seconds while a candidate is connected (actors.interview_session);
# one older than this means the actor copy that wrote it is gone.
HEARTBEAT_STALE_S = 30.0


@dataclass(frozen=True)
class Interview:
    """An interview, its invitation link and its lifecycle timestamps."""

    id: int
    workspace_id: UUID
    application_id: int
    channel: str
    language: str
    plan: dict[str, Any]
    status: str
    link_token_hash: str | None
    link_expires_at: datetime | None
    link_revoked_at: datetime | None
    epoch: int
    failure_reason: str | None
    started_at: datetime | None
    ended_at: datetime | None
    created_at: datetime
    updated_at: datetime
    server_down_s: float
    heartbeat_at: datetime | None

    def elapsed_s(self, now: datetime | None = None) -> float:
        """Seconds the interview has run (0 before it started), the time its limit counts:
        from the first start, across reconnects, less the server's downtime under a connected
        candidate. With a stale heartbeat the copy holding the candidate is gone, so the clock
        stands at that heartbeat until the next copy starts and books the gap."""
        if self.started_at is None:
            return 0.0
        at = now or datetime.now(UTC)
        if self.heartbeat_at is not None:
            if (at - self.heartbeat_at).total_seconds() > HEARTBEAT_STALE_S:
                at = self.heartbeat_at
        return max(0.0, (at - self.started_at).total_seconds() - self.server_down_s)


def _fetch(conn: psycopg.Connection, query: str, params: Any) -> Interview | None:
    with conn.cursor(row_factory=class_row(Interview)) as cur:
        cur.execute(query, params)
        return cur.fetchone()


def _required(row: Interview | None, interview_id: int) -> Interview:
    if row is None:
        raise NotFound(f"interview {interview_id} not found")
    return row


def create_interview(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    application_id: int,
    channel: str,
    language: str = "ru",
    plan: dict[str, Any] | None = None,
) -> Interview:
    """Create an interview in status 'created' for an application of this workspace."""
    if channel not in ("voice", "telegram"):
        raise InvalidValue(f"interview channel must be 'voice' or 'telegram', got '{channel}'")
    if language not in ("ru", "en"):
        raise InvalidValue(f"interview language must be 'ru' or 'en', got '{language}'")
    try:
        row = _fetch(
            conn,
            f"""
            insert into interviews (workspace_id, application_id, channel, language, plan)
            select %s, a.id, %s, %s, %s from applications a where a.id = %s
            returning {_COLUMNS}
            """,
            (workspace_id, channel, language, Jsonb(plan or {}), application_id),
        )
    except psycopg.errors.InsufficientPrivilege as e:
        raise TenantContextMissing(
            "interview workspace_id does not match the workspace context"
        ) from e
    if row is None:
        raise NotFound(f"application {application_id} not found")
    return row


def get_interview(conn: psycopg.Connection, *, interview_id: int) -> Interview:
    """The interview if visible in the current workspace, else `NotFound`."""
    row = _fetch(conn, f"select {_COLUMNS} from interviews where id = %s", (interview_id,))
    return _required(row, interview_id)


def find_by_link_hash(
    conn: psycopg.Connection, *, link_token_hash: str, now: datetime | None = None
) -> Interview | None:
    """The interview whose link is usable now (not expired, not revoked), or None.

    Expired, revoked and unknown links look the same to the caller on purpose: the candidate
    page says one thing for all of them and leaks nothing.
    """
    return _fetch(
        conn,
        f"""
        select {_COLUMNS} from interviews
        where link_token_hash = %(hash)s and link_revoked_at is null
          and (link_expires_at is null or link_expires_at > coalesce(%(now)s, now()))
        """,
        {"hash": link_token_hash, "now": now},
    )


def set_link(
    conn: psycopg.Connection, *, interview_id: int, link_token_hash: str, expires_at: datetime
) -> Interview:
    """Store a new invitation link's hash (replacing any earlier link) and its expiry."""
    try:
        with conn.transaction():
            row = _fetch(
                conn,
                f"""
                update interviews
                set link_token_hash = %s, link_expires_at = %s, link_revoked_at = null
                where id = %s
                returning {_COLUMNS}
                """,
                (link_token_hash, expires_at, interview_id),
            )
    except psycopg.errors.UniqueViolation as e:
        raise Conflict("this link token is already in use") from e
    return _required(row, interview_id)


def revoke_link(conn: psycopg.Connection, *, interview_id: int) -> Interview:
    """Make the current link unusable at once (the first revocation time is kept)."""
    row = _fetch(
        conn,
        f"""
        update interviews set link_revoked_at = coalesce(link_revoked_at, now())
        where id = %s
        returning {_COLUMNS}
        """,
        (interview_id,),
    )
    return _required(row, interview_id)


def set_interview_status(
    conn: psycopg.Connection, *, interview_id: int, status: str, reason: str | None = None
) -> Interview:
    """Move an interview along created → active → completed|failed (or created → failed).

    'active' again on an active interview is a reconnect, not a transition: the row is returned
    unchanged and `started_at` keeps the first start. 'failed' needs a reason.
    """
    if status not in INTERVIEW_TRANSITIONS:
        raise InvalidValue(f"unknown interview status '{status}'")
    if status == "failed" and not (reason and reason.strip()):
        raise InvalidValue("a failed interview needs a reason")
    row = _fetch(
        conn,
        f"""
        update interviews
        set status = %(status)s,
            failure_reason = %(reason)s,
            started_at = case when %(status)s::text = 'active' then coalesce(started_at, now())
                              else started_at end,
            ended_at = case when %(status)s::text in ('completed', 'failed') then now()
                            else ended_at end
        where id = %(id)s and status = any(%(sources)s)
        returning {_COLUMNS}
        """,
        {
            "id": interview_id,
            "status": status,
            "reason": reason.strip() if status == "failed" and reason else None,
            "sources": sources_of(INTERVIEW_TRANSITIONS, status),
        },
    )
    if row is not None:
        if status == "completed":
            events.interview_completed(
                conn, workspace_id=row.workspace_id, interview_id=row.id,
                application_id=row.application_id,
            )  # fmt: skip
        return row
    current = get_interview(conn, interview_id=interview_id)
    if current.status == status == "active":
        return current
    raise invalid_transition("interview", interview_id, current.status, status)


def bump_epoch(conn: psycopg.Connection, *, interview_id: int, node_id: str | None = None) -> int:
    """Take the next epoch for a (re)started actor copy; older copies become stale. `node_id`
    records the Ray node the copy runs on (the live-interview list shows it).

    The row lock this update takes waits for any turn being written under the old epoch, so
    once this returns no stale write can land.
    """
    row = conn.execute(
        "update interviews set epoch = epoch + 1, node_id = coalesce(%s, node_id) "
        "where id = %s returning epoch",
        (node_id, interview_id),
    ).fetchone()
    if row is None:
        raise NotFound(f"interview {interview_id} not found")
    return int(row[0])


def resume_clock(conn: psycopg.Connection, *, interview_id: int) -> float:
    """Book the server's downtime when an actor copy starts; return the seconds booked.

    A heartbeat still there means the previous copy died with a candidate connected: from that
    heartbeat until now the candidate could not be connected because of the server, and that
    time is not counted against the interview. Call it where the new copy takes its epoch.
    """
    row = conn.execute(
        """
        with gap as (
            select id, case when status = 'active'
                            then greatest(0, extract(epoch from now() - heartbeat_at))::float8
                            else 0 end as seconds
            from interviews where id = %s and heartbeat_at is not null
            for update
        )
        update interviews i
        set server_down_s = i.server_down_s + gap.seconds, heartbeat_at = null
        from gap where i.id = gap.id
        returning gap.seconds
        """,
        (interview_id,),
    ).fetchone()
    return float(row[0]) if row else 0.0


def beat_clock(conn: psycopg.Connection, *, interview_id: int, epoch: int) -> bool:
    """Record that the copy at `epoch` holds a connected candidate now; False when it no longer
    may (a newer copy took over, or the interview is not active)."""
    cur = conn.execute(
        """
        update interviews set heartbeat_at = now()
        where id = %s and epoch = %s and status = 'active'
        """,
        (interview_id, epoch),
    )
    return cur.rowcount == 1


def stop_clock(conn: psycopg.Connection, *, interview_id: int, epoch: int) -> None:
    """The candidate went away, or the copy at `epoch` leaves on purpose: no heartbeat stays
    behind, so the time until the candidate is back counts, as the candidate's own."""
    conn.execute(
        "update interviews set heartbeat_at = null "
        "where id = %s and epoch = %s and heartbeat_at is not null",
        (interview_id, epoch),
    )


def holds_epoch(conn: psycopg.Connection, *, interview_id: int, epoch: int) -> bool:
    """Whether the actor copy at `epoch` still holds the interview: nobody took the epoch since
    (a newer copy of the actor, or `end_running` on a recruiter's request). An interview that
    this copy itself completed still holds it, so its own goodbye is not cut short."""
    row = conn.execute("select epoch = %s from interviews where id = %s", (epoch, interview_id))
    found = row.fetchone()
    return bool(found and found[0])


def end_running(conn: psycopg.Connection, *, interview_id: int, reason: str) -> Interview:
    """End an active interview from outside its actor (a recruiter's request): failed with
    `reason`, its link revoked, its clock stopped, and its epoch taken, so the actor copy
    running it, here or on another node, dead or alive, can write no further turn and leaves
    at its next look (`holds_epoch`). `InvalidTransition` when it is not active."""
    if not reason.strip():
        raise InvalidValue("an ended interview needs a reason")
    row = _fetch(
        conn,
        f"""
        update interviews
        set status = 'failed', failure_reason = %s, ended_at = now(), heartbeat_at = null,
            link_revoked_at = coalesce(link_revoked_at, now()), epoch = epoch + 1
        where id = %s and status = 'active'
        returning {_COLUMNS}
        """,
        (reason.strip(), interview_id),
    )
    if row is not None:
        return row
    current = get_interview(conn, interview_id=interview_id)
    raise invalid_transition("interview", interview_id, current.status, "failed")


def list_interviews(
    conn: psycopg.Connection,
    *,
    status: str | None = None,
    application_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Interview]:
    """Interviews of the current workspace, newest first, optionally filtered."""
    with conn.cursor(row_factory=class_row(Interview)) as cur:
        cur.execute(
            f"""
            select {_COLUMNS} from interviews
            where (%(status)s::text is null or status = %(status)s)
              and (%(application)s::bigint is null or application_id = %(application)s)
            order by created_at desc, id desc
            limit %(limit)s offset %(offset)s
            """,
            {"status": status, "application": application_id, "limit": limit, "offset": offset},
        )
        return cur.fetchall()
