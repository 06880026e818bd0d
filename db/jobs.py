"""Jobs: scheduled runs of background work (an HH sync, a screening batch, a report).

The Orchestrator enqueues and claims them; claiming uses `for update skip locked`, so two
schedulers never start the same run, and each run ends 'succeeded' with a result or 'failed'
with an error a person can read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from db.errors import InvalidValue, NotFound, TenantContextMissing
from db.statuses import invalid_transition

# Job kinds, named once for the code that queues them and the code that runs them.
INTERVIEW_ANALYSIS = "interview_analysis"

_COLUMNS = (
    "id, workspace_id, kind, payload, status, attempts, scheduled_for, started_at, "
    "finished_at, result, error, created_at"
)


@dataclass(frozen=True)
class Job:
    """One run of a background job."""

    id: int
    workspace_id: UUID
    kind: str
    payload: dict[str, Any]
    status: str
    attempts: int
    scheduled_for: datetime
    started_at: datetime | None
    finished_at: datetime | None
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime


def enqueue_job(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    kind: str,
    payload: dict[str, Any] | None = None,
    scheduled_for: datetime | None = None,
) -> Job:
    """Queue a run for `scheduled_for` (now if not given)."""
    try:
        with conn.cursor(row_factory=class_row(Job)) as cur:
            cur.execute(
                f"""
                insert into jobs (workspace_id, kind, payload, scheduled_for)
                values (%s, %s, %s, coalesce(%s::timestamptz, now()))
                returning {_COLUMNS}
                """,
                (workspace_id, kind, Jsonb(payload or {}), scheduled_for),
            )
            row = cur.fetchone()
    except psycopg.errors.InsufficientPrivilege as e:
        raise TenantContextMissing("job workspace_id does not match the workspace context") from e
    assert row is not None
    return row


def claim_due_jobs(
    conn: psycopg.Connection,
    *,
    limit: int = 10,
    now: datetime | None = None,
    kinds: list[str] | None = None,
) -> list[Job]:
    """Start up to `limit` due runs (optionally of some kinds), oldest first; held rows skipped."""
    with conn.cursor(row_factory=class_row(Job)) as cur:
        cur.execute(
            f"""
            with due as (
                select id from jobs
                where status = 'queued'
                  and scheduled_for <= coalesce(%(now)s::timestamptz, now())
                  and (%(kinds)s::text[] is null or kind = any(%(kinds)s))
                order by scheduled_for, id
                limit %(limit)s
                for update skip locked
            )
            update jobs j
            set status = 'running', attempts = j.attempts + 1, started_at = now()
            from due where j.id = due.id
            returning {", ".join("j." + c.strip() for c in _COLUMNS.split(","))}
            """,
            {"now": now, "kinds": kinds, "limit": limit},
        )
        jobs = cur.fetchall()
    return sorted(jobs, key=lambda job: (job.scheduled_for, job.id))


def start_job(conn: psycopg.Connection, *, job_id: int) -> Job | None:
    """Start one queued run (queued → running); None if it was already started or ended, so
    a job handed to two workers (a retried submit, a sweep) runs once."""
    with conn.cursor(row_factory=class_row(Job)) as cur:
        cur.execute(
            f"""
            update jobs set status = 'running', attempts = attempts + 1, started_at = now()
            where id = %s and status = 'queued'
            returning {_COLUMNS}
            """,
            (job_id,),
        )
        row = cur.fetchone()
    if row is None:
        get_job(conn, job_id=job_id)  # NotFound when it does not exist at all
    return row


def finish_job(
    conn: psycopg.Connection,
    *,
    job_id: int,
    status: str,
    result: dict[str, Any] | None = None,
    error: str | None = None,
) -> Job:
    """End a running job as 'succeeded' (with its result) or 'failed' (with an error)."""
    if status not in ("succeeded", "failed"):
        raise InvalidValue(f"a job finishes as succeeded or failed, not '{status}'")
    if status == "failed" and not (error and error.strip()):
        raise InvalidValue("a failed job needs an error message")
    with conn.cursor(row_factory=class_row(Job)) as cur:
        cur.execute(
            f"""
            update jobs set status = %s, result = %s, error = %s, finished_at = now()
            where id = %s and status = 'running'
            returning {_COLUMNS}
            """,
            (status, None if result is None else Jsonb(result), error, job_id),
        )
        row = cur.fetchone()
    if row is not None:
        return row
    current = get_job(conn, job_id=job_id)
    raise invalid_transition("job", job_id, current.status, status)


def latest_job(conn: psycopg.Connection, *, kind: str, payload: dict[str, Any]) -> Job | None:
    """The newest run of `kind` whose payload contains `payload` (e.g. one interview's)."""
    with conn.cursor(row_factory=class_row(Job)) as cur:
        cur.execute(
            f"""
            select {_COLUMNS} from jobs where kind = %s and payload @> %s
            order by created_at desc, id desc limit 1
            """,
            (kind, Jsonb(payload)),
        )
        return cur.fetchone()


def get_job(conn: psycopg.Connection, *, job_id: int) -> Job:
    """The job if visible in the current workspace, else `NotFound`."""
    with conn.cursor(row_factory=class_row(Job)) as cur:
        cur.execute(f"select {_COLUMNS} from jobs where id = %s", (job_id,))
        row = cur.fetchone()
    if row is None:
        raise NotFound(f"job {job_id} not found")
    return row


def list_jobs(
    conn: psycopg.Connection,
    *,
    status: str | None = None,
    kind: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Job]:
    """Runs of the current workspace, newest first, optionally filtered."""
    with conn.cursor(row_factory=class_row(Job)) as cur:
        cur.execute(
            f"""
            select {_COLUMNS} from jobs
            where (%(status)s::text is null or status = %(status)s)
              and (%(kind)s::text is null or kind = %(kind)s)
            order by created_at desc, id desc
            limit %(limit)s offset %(offset)s
            """,
            {"status": status, "kind": kind, "limit": limit, "offset": offset},
        )
        return cur.fetchall()
