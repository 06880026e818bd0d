"""Import runs (table `import_runs`): each sync of a source, what it did and how it ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from db.errors import Conflict

STALE_AFTER = timedelta(minutes=15)  # no beat for this long: the run's worker is gone
_COLUMNS = "id, workspace_id, source, kind, status, counts, error, started_at, finished_at"


@dataclass(frozen=True)
class ImportRun:
    id: int
    workspace_id: UUID
    source: str
    kind: str
    status: str
    counts: dict[str, Any]
    error: str | None
    started_at: datetime
    finished_at: datetime | None


class AlreadyRunning(Conflict):
    code = "import_running"


def start(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    source: str,
    kind: str,
    stale_after: timedelta = STALE_AFTER,
) -> int:
    """A new run; `AlreadyRunning` while another of the same kind runs. A run 'running' whose
    last beat (`beat`) is older than `stale_after` was left by a killed worker: it is closed as
    interrupted (its work is not lost: imports are upserts, the new run picks up where it
    stopped)."""
    conn.execute(
        """
        update import_runs set status = 'failed', error = 'interrupted', finished_at = now()
        where source = %s and kind = %s and status = 'running' and heartbeat_at < now() - %s
        """,
        (source, kind, stale_after),
    )
    try:
        with conn.transaction():
            row = conn.execute(
                "insert into import_runs (workspace_id, source, kind) values (%s, %s, %s) "
                "returning id",
                (workspace_id, source, kind),
            ).fetchone()
    except psycopg.errors.UniqueViolation as e:
        raise AlreadyRunning(f"a {source} {kind} import is running already") from e
    assert row is not None
    return int(row[0])


def running(
    conn: psycopg.Connection, *, source: str, kind: str, stale_after: timedelta = STALE_AFTER
) -> bool:
    """A live run of that kind (one still beating) in the workspace."""
    row = conn.execute(
        "select 1 from import_runs where source = %s and kind = %s and status = 'running' "
        "and heartbeat_at >= now() - %s",
        (source, kind, stale_after),
    ).fetchone()
    return row is not None


def beat(conn: psycopg.Connection, *, run_id: int) -> None:
    """The run is alive (call it every few items, well within the stale window)."""
    conn.execute("update import_runs set heartbeat_at = now() where id = %s", (run_id,))


def finish(
    conn: psycopg.Connection, *, run_id: int, counts: dict[str, Any], error: str | None = None
) -> None:
    conn.execute(
        "update import_runs set status = %s, counts = %s, error = %s, finished_at = now() "
        "where id = %s",
        ("failed" if error else "done", Jsonb(counts), error, run_id),
    )


def recent(
    conn: psycopg.Connection, *, source: str | None = None, limit: int = 20
) -> list[ImportRun]:
    with conn.cursor(row_factory=class_row(ImportRun)) as cur:
        cur.execute(
            f"select {_COLUMNS} from import_runs where %(s)s::text is null or source = %(s)s "
            "order by started_at desc, id desc limit %(n)s",
            {"s": source, "n": limit},
        )
        return cur.fetchall()
