"""Run one automation job in one workspace under a database lease.

The run is claimed in its own transaction (`db.jobs.claim_run`), so a second Orchestrator sees
it held; the job's work and the end of the run then commit in one transaction, so a worker that
dies mid-run leaves nothing half done: its lease runs out and the next claimer retries it. A
job that raises is recorded and queued again with backoff (`db.jobs.end_run`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import jobs, schedules
from db.pool import transaction
from pipelines.automation.base import Job, JobContext, JobOutcome
from pipelines.automation.boards import start_board_searches
from pipelines.automation.imports import (
    start_hh_browser,
    start_hh_responses,
    start_hh_vacancies,
)
from pipelines.automation.interviews import expire_interviews, expire_links
from pipelines.automation.lead_digest import lead_digest
from pipelines.automation.outbox import dispatch_outbox
from pipelines.automation.parses import recover_parses
from pipelines.automation.retention import erase_expired

log = logging.getLogger(__name__)

# Jobs run per workspace, by kind (the kinds of 0015_automation.sql's schedules).
JOBS: dict[str, Job] = {
    "expire_interviews": expire_interviews,
    "recover_parses": recover_parses,
    "expire_links": expire_links,
    "retention": erase_expired,
    "lead_digest": lead_digest,  # no schedule: a singleton run queued for 08:00 (0035)
}
# Jobs per workspace that work outside the run's transaction (each step commits on its own,
# e.g. a message sent is marked at once): they get the pool, and return their counts.
POOL_JOBS: dict[str, Callable[..., dict[str, int]]] = {
    "dispatch_outbox": dispatch_outbox,
    "hh_vacancies": start_hh_vacancies,
    "hh_responses": start_hh_responses,
    "hh_browser": start_hh_browser,
    "board_searches": start_board_searches,
}
WORKSPACE_KINDS = (*JOBS, *POOL_JOBS)
# Kinds that queue their own next run (no schedule applies to them, so none can be set).
SELF_QUEUED = ("lead_digest",)
SCHEDULED_KINDS = tuple(kind for kind in WORKSPACE_KINDS if kind not in SELF_QUEUED)
# Jobs that belong to no workspace: run with no tenant context, not recorded in `jobs`.
GLOBAL_JOBS = ("forget_sessions", "forget_idempotency_keys")
KINDS = (*WORKSPACE_KINDS, *GLOBAL_JOBS)


class _LeaseLost(Exception):
    """Another worker took the run over; this one's work is rolled back."""


@dataclass(frozen=True)
class RunResult:
    """How a claimed run ended: 'succeeded' with counts, or 'retry'/'failed' with an error."""

    job_id: int
    kind: str
    workspace_id: UUID
    outcome: str
    counts: dict[str, Any]
    error: str | None = None


def run_job(
    pool: ConnectionPool,
    *,
    workspace_id: UUID,
    kind: str,
    owner: str,
    context: JobContext,
    lease_s: float = jobs.RUN_LEASE_S,
) -> RunResult | None:
    """Claim and run the workspace's job of `kind`; None when another holder has it (or a
    retry waits for its backoff). Never raises for the job's own failures."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        lease = jobs.claim_run(
            conn, workspace_id=workspace_id, kind=kind, owner=owner, lease_s=lease_s
        )
    if lease is None:
        return None
    try:
        if kind in POOL_JOBS:
            counts = POOL_JOBS[kind](pool, workspace_id=workspace_id, context=context)
            outcome = JobOutcome(counts=counts)
        with transaction(pool, workspace_id=workspace_id) as conn:
            if kind not in POOL_JOBS:
                outcome = JOBS[kind](conn, workspace_id=workspace_id, context=context)
            if jobs.end_run(conn, lease=lease, counts=outcome.counts) is None:
                raise _LeaseLost
            schedules.mark_ran(conn, workspace_id=workspace_id, kind=kind)
    except _LeaseLost:
        log.warning("%s in %s: lease lost to another worker; rolled back", kind, workspace_id)
        return None
    except Exception as e:  # a job's failure is recorded and retried, never raised
        log.exception("%s in workspace %s failed", kind, workspace_id)
        error = f"{type(e).__name__}: {e}"[:1000]
        with transaction(pool, workspace_id=workspace_id) as conn:
            ended = jobs.end_run(conn, lease=lease, error=error)
        status = "lost" if ended is None else ("retry" if ended.status == "queued" else "failed")
        return RunResult(lease.job_id, kind, workspace_id, status, {}, error)
    for start in outcome.after_commit:
        try:
            start()
        except Exception:  # the rows are committed; the next sweep finds what did not start
            log.exception("%s in %s: could not start follow-up work", kind, workspace_id)
    return RunResult(lease.job_id, kind, workspace_id, "succeeded", outcome.counts)


def run_global(pool: ConnectionPool, *, kind: str) -> dict[str, int]:
    """Run a job that belongs to no workspace: expired sign-in sessions, or expired
    idempotency keys."""
    with transaction(pool) as conn:
        if kind == "forget_sessions":
            return {"sessions_deleted": schedules.forget_sessions(conn)}
        if kind == "forget_idempotency_keys":
            return {"keys_deleted": schedules.forget_idempotency_keys(conn)}
    raise ValueError(f"unknown global job '{kind}'")
