"""Schedules: when each kind of automation runs, globally and per workspace.

A `schedules` row is a kind's global sweep: `claim_due_sweeps` locks the due ones (skipping
rows another Orchestrator holds) and advances each to its next run, so of two Orchestrators
ticking together one gets each sweep, and returns their kinds; the Orchestrator then asks
`due_work` which workspaces have work of those kinds. A `workspace_schedules` row (a tenant
table) turns a kind off in its workspace or holds it back there (`mark_ran` advances it
after each run).
`due_work` is the SECURITY DEFINER function of 0015_automation.sql: across workspaces it
returns ids, kinds and counts, never row data.

A schedule repeats every `interval_s` seconds, or at the times of its `cron` expression (five
fields, in its `timezone`) when it has one (`next_run`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import psycopg
from croniter import croniter
from psycopg.rows import class_row

from db.errors import InvalidValue, NotFound

_FIELDS = "kind, interval_s, enabled, next_run_at, last_run_at, cron, timezone"
_COLUMNS = f"workspace_id, {_FIELDS}"
_GLOBAL_COLUMNS = f"null::uuid as workspace_id, {_FIELDS}"
MIN_INTERVAL_S = 5  # the Orchestrator's tick: anything shorter runs no more often


@dataclass(frozen=True)
class Schedule:
    """When a kind of work runs: everywhere (no workspace) or in one workspace."""

    workspace_id: UUID | None
    kind: str
    interval_s: int
    enabled: bool
    next_run_at: datetime
    last_run_at: datetime | None
    cron: str | None = None
    timezone: str = "UTC"


def check_timing(interval_s: int | None, cron: str | None, timezone: str) -> None:
    """Refuse what cannot be scheduled, with the reason: a too-short interval, a cron
    expression that is not five valid fields, an unknown time zone."""
    if cron is None:
        if interval_s is None or interval_s < MIN_INTERVAL_S:
            raise InvalidValue(f"a schedule needs an interval of at least {MIN_INTERVAL_S} s")
    elif len(cron.split()) != 5 or not croniter.is_valid(cron):
        raise InvalidValue(
            f"'{cron}' is not a five-field cron expression (minute hour day month weekday)"
        )
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise InvalidValue(f"unknown time zone '{timezone}'") from e


def next_run(interval_s: int, cron: str | None, timezone: str, after: datetime) -> datetime:
    """When a schedule runs next after `after`: the interval later, or the cron expression's
    next time in the schedule's zone (a stored zone this system lost counts as UTC)."""
    if cron is None:
        return after + timedelta(seconds=interval_s)
    try:
        zone: ZoneInfo | type[UTC] = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    following = croniter(cron, after.astimezone(zone)).get_next(datetime)
    return following.astimezone(UTC)


@dataclass(frozen=True)
class DueWork:
    """A workspace with `due_count` items of `kind` to handle (or a run to retry)."""

    workspace_id: UUID
    kind: str
    due_count: int


def list_schedules(conn: psycopg.Connection) -> list[Schedule]:
    """The global schedules and the current workspace's own, by kind."""
    with conn.cursor(row_factory=class_row(Schedule)) as cur:
        cur.execute(
            f"""
            select {_GLOBAL_COLUMNS} from schedules
            union all
            select {_COLUMNS} from workspace_schedules
            order by kind, workspace_id nulls first
            """
        )
        return cur.fetchall()


def _now(conn: psycopg.Connection) -> datetime:
    row = conn.execute("select now()").fetchone()
    assert row is not None
    return row[0]


def claim_due_sweeps(conn: psycopg.Connection) -> list[str]:
    """Advance the enabled global schedules that are due and return their kinds."""
    due = conn.execute(
        """
        select kind, interval_s, cron, timezone from schedules
        where enabled and next_run_at <= now()
        for update skip locked
        """
    ).fetchall()
    now = _now(conn)
    for kind, interval_s, cron, timezone in due:
        conn.execute(
            "update schedules set last_run_at = %s, next_run_at = %s where kind = %s",
            (now, next_run(interval_s, cron, timezone, now), kind),
        )
    return sorted(kind for kind, *_ in due)


def set_schedule(
    conn: psycopg.Connection,
    *,
    kind: str,
    interval_s: int,
    enabled: bool = True,
    workspace_id: UUID | None = None,
    cron: str | None = None,
    timezone: str = "UTC",
) -> Schedule:
    """Create or change the schedule of `kind` (global, or the given workspace's). An interval
    schedule is due at once and then every interval; a cron schedule next runs at its next
    time from now, so a changed expression applies at once."""
    cron = " ".join(cron.split()) if cron else None
    check_timing(interval_s, cron, timezone)
    now = _now(conn)
    first = now if cron is None else next_run(interval_s, cron, timezone, now)
    params = (kind, interval_s, enabled, cron, timezone, first)
    with conn.cursor(row_factory=class_row(Schedule)) as cur:
        if workspace_id is None:
            cur.execute(
                f"""
                insert into schedules (kind, interval_s, enabled, cron, timezone, next_run_at)
                values (%s, %s, %s, %s, %s, %s)
                on conflict (kind) do update set interval_s = excluded.interval_s,
                    enabled = excluded.enabled, cron = excluded.cron,
                    timezone = excluded.timezone, next_run_at = excluded.next_run_at
                returning {_GLOBAL_COLUMNS}
                """,
                params,
            )
        else:
            cur.execute(
                f"""
                insert into workspace_schedules (workspace_id, kind, interval_s, enabled, cron,
                                                 timezone, next_run_at)
                values (%s, %s, %s, %s, %s, %s, %s)
                on conflict (workspace_id, kind) do update set interval_s = excluded.interval_s,
                    enabled = excluded.enabled, cron = excluded.cron,
                    timezone = excluded.timezone, next_run_at = excluded.next_run_at
                returning {_COLUMNS}
                """,
                (workspace_id, *params),
            )
        row = cur.fetchone()
    assert row is not None
    return row


def clear_schedule(conn: psycopg.Connection, *, workspace_id: UUID, kind: str) -> None:
    """Drop the workspace's own schedule of `kind`: the global one applies there again."""
    deleted = conn.execute(
        "delete from workspace_schedules where workspace_id = %s and kind = %s",
        (workspace_id, kind),
    ).rowcount
    if not deleted:
        raise NotFound(f"this workspace has no schedule of its own for '{kind}'")


def mark_ran(conn: psycopg.Connection, *, workspace_id: UUID, kind: str) -> None:
    """After a run in the workspace: advance its own schedule of `kind`, if it has one."""
    row = conn.execute(
        """
        select interval_s, cron, timezone from workspace_schedules
        where workspace_id = %s and kind = %s for update
        """,
        (workspace_id, kind),
    ).fetchone()
    if row is None:
        return
    now = _now(conn)
    conn.execute(
        """
        update workspace_schedules set last_run_at = %s, next_run_at = %s
        where workspace_id = %s and kind = %s
        """,
        (now, next_run(row[0], row[1], row[2], now), workspace_id, kind),
    )


def due_work(conn: psycopg.Connection, *, kinds: list[str], max_interview_s: int) -> list[DueWork]:
    """Workspaces with due work of `kinds`, across workspaces (ids, kinds and counts only)."""
    with conn.cursor(row_factory=class_row(DueWork)) as cur:
        cur.execute(
            "select workspace_id, kind, due_count from automation_due_work(%s, %s)",
            (kinds, max_interview_s),
        )
        return cur.fetchall()


def forget_sessions(conn: psycopg.Connection) -> int:
    """Delete every user's sign-in sessions that ended over a day ago; how many."""
    row = conn.execute("select automation_forget_sessions()").fetchone()
    return int(row[0]) if row else 0


def forget_idempotency_keys(conn: psycopg.Connection) -> int:
    """Delete the expired idempotency keys of every workspace; how many."""
    row = conn.execute("select automation_forget_idempotency_keys()").fetchone()
    return int(row[0]) if row else 0
