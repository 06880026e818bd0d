"""Schedules: when each kind of automation runs, globally and per workspace.

A `schedules` row is a kind's global sweep: `claim_due_sweeps` advances the due ones by their
interval in one statement, so of two Orchestrators ticking together one gets each sweep, and
returns their kinds; the Orchestrator then asks `due_work` which workspaces have work of those
kinds. A `workspace_schedules` row (a tenant table) turns a kind off in its workspace or holds
it back there (`mark_ran` advances it after each run).
`due_work` is the SECURITY DEFINER function of 0015_automation.sql: across workspaces it
returns ids, kinds and counts, never row data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import psycopg
from psycopg.rows import class_row

_COLUMNS = "workspace_id, kind, interval_s, enabled, next_run_at, last_run_at"
_GLOBAL_COLUMNS = "null::uuid as workspace_id, kind, interval_s, enabled, next_run_at, last_run_at"


@dataclass(frozen=True)
class Schedule:
    """When a kind of work runs: everywhere (no workspace) or in one workspace."""

    workspace_id: UUID | None
    kind: str
    interval_s: int
    enabled: bool
    next_run_at: datetime
    last_run_at: datetime | None


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


def claim_due_sweeps(conn: psycopg.Connection) -> list[str]:
    """Advance the enabled global schedules that are due and return their kinds."""
    rows = conn.execute(
        """
        with due as (
            select kind from schedules
            where enabled and next_run_at <= now()
            for update skip locked
        )
        update schedules s
        set last_run_at = now(), next_run_at = now() + make_interval(secs => s.interval_s)
        from due where s.kind = due.kind
        returning s.kind
        """
    ).fetchall()
    return sorted(r[0] for r in rows)


def set_schedule(
    conn: psycopg.Connection,
    *,
    kind: str,
    interval_s: int,
    enabled: bool = True,
    workspace_id: UUID | None = None,
) -> Schedule:
    """Create or change the schedule of `kind` (global, or the given workspace's)."""
    with conn.cursor(row_factory=class_row(Schedule)) as cur:
        if workspace_id is None:
            cur.execute(
                f"""
                insert into schedules (kind, interval_s, enabled) values (%s, %s, %s)
                on conflict (kind)
                do update set interval_s = excluded.interval_s, enabled = excluded.enabled
                returning {_GLOBAL_COLUMNS}
                """,
                (kind, interval_s, enabled),
            )
        else:
            cur.execute(
                f"""
                insert into workspace_schedules (workspace_id, kind, interval_s, enabled)
                values (%s, %s, %s, %s)
                on conflict (workspace_id, kind)
                do update set interval_s = excluded.interval_s, enabled = excluded.enabled
                returning {_COLUMNS}
                """,
                (workspace_id, kind, interval_s, enabled),
            )
        row = cur.fetchone()
    assert row is not None
    return row


def mark_ran(conn: psycopg.Connection, *, workspace_id: UUID, kind: str) -> None:
    """After a run in the workspace: advance its own schedule of `kind`, if it has one."""
    conn.execute(
        """
        update workspace_schedules set last_run_at = now(),
            next_run_at = now() + make_interval(secs => interval_s)
        where workspace_id = %s and kind = %s
        """,
        (workspace_id, kind),
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
