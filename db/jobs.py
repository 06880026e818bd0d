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


# Automation runs (0015_automation.sql): one queued or running run per (workspace, kind),
# held by a lease so two Orchestrators never run it at once and a dead holder's run is taken
# over once its lease runs out.
RUN_LEASE_S = 300.0
MAX_RUN_ATTEMPTS = 5
RETRY_BASE_S = 30.0
_RUN_COLUMNS = ", ".join("j." + c.strip() for c in _COLUMNS.split(","))


@dataclass(frozen=True)
class RunLease:
    """A worker's hold on an automation run; only the holder of this attempt may finish it."""

    job_id: int
    owner: str
    attempt: int


def claim_run(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    kind: str,
    owner: str,
    lease_s: float = RUN_LEASE_S,
) -> RunLease | None:
    """Start the workspace's run of `kind` for `owner`, or None when another holder's run is
    live (running under an unexpired lease) or a retry waits for its backoff.

    Takes over a due queued run (a retry, a manual trigger) or a running one whose lease ran
    out (its worker died); otherwise starts a new one. The row lock and the unique index on
    active singleton runs make two racing claimers end with one lease."""
    params = {"ws": workspace_id, "kind": kind, "owner": owner, "lease_s": lease_s}
    row = conn.execute(
        """
        update jobs j set status = 'running', attempts = j.attempts + 1, started_at = now(),
            finished_at = null, lease_owner = %(owner)s,
            lease_until = now() + make_interval(secs => %(lease_s)s)
        where j.workspace_id = %(ws)s and j.kind = %(kind)s and j.singleton
          and (j.status = 'queued' and j.scheduled_for <= now()
               or j.status = 'running' and j.lease_until <= now())
        returning j.id, j.attempts
        """,
        params,
    ).fetchone()
    if row is None:
        row = conn.execute(
            """
            insert into jobs (workspace_id, kind, singleton, status, attempts, started_at,
                              lease_owner, lease_until)
            values (%(ws)s, %(kind)s, true, 'running', 1, now(), %(owner)s,
                    now() + make_interval(secs => %(lease_s)s))
            on conflict (workspace_id, kind) where singleton and status in ('queued', 'running')
            do nothing
            returning id, attempts
            """,
            params,
        ).fetchone()
    return None if row is None else RunLease(row[0], owner, row[1])


def end_run(
    conn: psycopg.Connection,
    *,
    lease: RunLease,
    counts: dict[str, Any] | None = None,
    error: str | None = None,
    max_attempts: int = MAX_RUN_ATTEMPTS,
) -> Job | None:
    """End a held run: 'succeeded' with its counts, or on `error` queued again after an
    exponential backoff (RETRY_BASE_S · 2^(attempt-1)) until `max_attempts`, then 'failed'.
    None when the lease was lost (another worker took the run over)."""
    with conn.cursor(row_factory=class_row(Job)) as cur:
        cur.execute(
            f"""
            update jobs j set
                status = case when %(error)s::text is null then 'succeeded'
                              when j.attempts >= %(max)s then 'failed' else 'queued' end,
                result = %(counts)s, error = %(error)s,
                finished_at = case when %(error)s::text is null or j.attempts >= %(max)s
                                   then now() end,
                scheduled_for = case when %(error)s::text is null then j.scheduled_for
                    else now() + make_interval(secs => %(base)s * 2 ^ (j.attempts - 1)) end,
                lease_owner = null, lease_until = null
            where j.id = %(id)s and j.status = 'running'
              and j.lease_owner = %(owner)s and j.attempts = %(attempt)s
            returning {_RUN_COLUMNS}
            """,
            {
                "id": lease.job_id, "owner": lease.owner, "attempt": lease.attempt,
                "error": error, "max": max_attempts, "base": RETRY_BASE_S,
                "counts": None if counts is None else Jsonb(counts),
            },
        )  # fmt: skip
        return cur.fetchone()


def request_run(conn: psycopg.Connection, *, workspace_id: UUID, kind: str) -> Job | None:
    """Queue a run of `kind` now (a person asked for it); None if one is queued or running."""
    with conn.cursor(row_factory=class_row(Job)) as cur:
        cur.execute(
            f"""
            insert into jobs (workspace_id, kind, singleton) values (%s, %s, true)
            on conflict (workspace_id, kind) where singleton and status in ('queued', 'running')
            do nothing
            returning {_COLUMNS}
            """,
            (workspace_id, kind),
        )
        return cur.fetchone()
