"""Automation jobs of the caller's workspace: recent runs, and a run started on request.

The Orchestrator (actors/orchestrator.py) runs them on its schedules; a requested run is
queued here and the Orchestrator picks it up on its next tick (db.jobs.request_run).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from db import audit, jobs, schedules
from db.pool import transaction
from pipelines.automation.runner import SCHEDULED_KINDS, WORKSPACE_KINDS
from serve_apps.deps import WORKSPACE_ERRORS, CurrentWorkspace, Pool
from serve_apps.errors import BODY_ERRORS, ConflictError, error_doc

router = APIRouter(prefix="/jobs", tags=["jobs"], responses=WORKSPACE_ERRORS)
JobKind = StrEnum("JobKind", {kind: kind for kind in WORKSPACE_KINDS})  # type: ignore[misc]
ScheduleKind = StrEnum("ScheduleKind", {kind: kind for kind in SCHEDULED_KINDS})  # type: ignore[misc]


class RunOut(BaseModel):
    id: int
    kind: str
    status: str = Field(description="queued, running, succeeded, failed or cancelled")
    attempts: int
    scheduled_for: datetime
    started_at: datetime | None
    finished_at: datetime | None
    counts: dict[str, Any] | None = Field(description="what the run did, e.g. {'expired': 2}")
    error: str | None


def _out(job: jobs.Job) -> RunOut:
    return RunOut(
        id=job.id, kind=job.kind, status=job.status, attempts=job.attempts,
        scheduled_for=job.scheduled_for, started_at=job.started_at,
        finished_at=job.finished_at, counts=job.result, error=job.error,
    )  # fmt: skip


class ScheduleOut(BaseModel):
    kind: str
    scope: Literal["everywhere", "this workspace"]
    interval_s: int
    cron: str | None = Field(description="five-field cron expression; when set, the interval "
                             "is not used")  # fmt: skip
    timezone: str = Field(description="the IANA time zone the cron expression is read in")
    enabled: bool
    next_run_at: datetime
    last_run_at: datetime | None


class ScheduleIn(BaseModel):
    interval_s: int = Field(default=3600, ge=schedules.MIN_INTERVAL_S, le=366 * 86400)
    cron: str | None = Field(default=None, max_length=100, examples=["0 3 * * *"])
    timezone: str = Field(default="UTC", max_length=64, examples=["Europe/Moscow"])
    enabled: bool = True


def _schedule_out(r: schedules.Schedule) -> ScheduleOut:
    return ScheduleOut(
        kind=r.kind, scope="everywhere" if r.workspace_id is None else "this workspace",
        interval_s=r.interval_s, cron=r.cron, timezone=r.timezone, enabled=r.enabled,
        next_run_at=r.next_run_at, last_run_at=r.last_run_at,
    )  # fmt: skip


@router.get("/schedules", response_model=list[ScheduleOut])
def list_schedules(access: CurrentWorkspace, pool: Pool) -> list[ScheduleOut]:
    """When each kind of work runs: the installation's sweeps, and this workspace's own
    schedule of a kind where it has one (which can hold it back or turn it off here)."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        rows = schedules.list_schedules(conn)
    return [_schedule_out(r) for r in rows]


@router.put(
    "/schedules/{kind}",
    response_model=ScheduleOut,
    responses={
        **BODY_ERRORS,
        400: error_doc(
            "an interval under 5 s, a bad cron expression or time zone (`invalid_value`)"
        ),  # fmt: skip
        403: error_doc("owners only (`role_too_low`)"),
    },
)
def set_schedule(
    kind: ScheduleKind, body: ScheduleIn, access: CurrentWorkspace, pool: Pool
) -> ScheduleOut:
    """This workspace's own schedule of `kind` (owners): every `interval_s` seconds, or at the
    times of `cron` in `timezone`, or off (`enabled: false`). The work still runs only when
    there is some; audited as `schedule.set`."""
    access.require("owner")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        row = schedules.set_schedule(
            conn, kind=kind.value, interval_s=body.interval_s, enabled=body.enabled,
            workspace_id=access.workspace_id, cron=body.cron, timezone=body.timezone,
        )  # fmt: skip
        audit.record(
            conn, workspace_id=access.workspace_id, action="schedule.set",
            actor_user_id=access.principal.user_id, actor_api_key_id=access.principal.api_key_id,
            target_type="schedule", target_id=kind.value, details={"kind": kind.value,
            **body.model_dump()},
        )  # fmt: skip
    return _schedule_out(row)


@router.delete(
    "/schedules/{kind}",
    status_code=204,
    responses={
        403: error_doc("owners only (`role_too_low`)"),
        404: error_doc("no schedule of its own for this kind here (`not_found`)"),
    },
)
def clear_schedule(kind: ScheduleKind, access: CurrentWorkspace, pool: Pool) -> None:
    """Drop this workspace's own schedule of `kind`: the installation's applies again."""
    access.require("owner")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        schedules.clear_schedule(conn, workspace_id=access.workspace_id, kind=kind.value)
        audit.record(
            conn, workspace_id=access.workspace_id, action="schedule.clear",
            actor_user_id=access.principal.user_id, actor_api_key_id=access.principal.api_key_id,
            target_type="schedule", target_id=kind.value, details={"kind": kind.value},
        )  # fmt: skip


@router.get("", response_model=list[RunOut])
def list_runs(
    access: CurrentWorkspace,
    pool: Pool,
    kind: JobKind | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[RunOut]:
    """The workspace's recent job runs, newest first (automation and analysis jobs)."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        rows = jobs.list_jobs(conn, kind=kind.value if kind else None, limit=limit)
    return [_out(job) for job in rows]


@router.post(
    "/{kind}/run",
    response_model=RunOut,
    status_code=202,
    responses={
        403: error_doc("needs the recruiter role (`role_too_low`)"),
        409: error_doc("a run of this kind is queued or running (`job_active`)"),
    },
)
def request_run(kind: JobKind, access: CurrentWorkspace, pool: Pool) -> RunOut:
    """Queue a run of `kind` in the workspace now (owners and recruiters); the Orchestrator
    starts it within seconds."""
    access.require("recruiter")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        job = jobs.request_run(conn, workspace_id=access.workspace_id, kind=kind.value)
    if job is None:
        raise ConflictError(f"a {kind.value} run is already queued or running", code="job_active")
    return _out(job)
