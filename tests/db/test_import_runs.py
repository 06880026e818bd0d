"""Import runs: one of a kind at a time per workspace; a run that still beats is alive however
long it has run, one whose beat stopped is closed as interrupted by the next."""

from __future__ import annotations

import pytest

from db import import_runs
from db.import_runs import AlreadyRunning
from db.pool import transaction
from tests.db import factories


def test_a_beating_run_is_alive_and_a_silent_one_is_interrupted(pool) -> None:  # type: ignore[no-untyped-def]
    ws, other = factories.workspace(pool), factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        first = import_runs.start(conn, workspace_id=ws.id, source="hh", kind="responses")
        conn.execute("update import_runs set started_at = now() - interval '5 hours' "
                     "where id = %s", (first,))  # fmt: skip
        import_runs.beat(conn, run_id=first)
    with transaction(pool, workspace_id=other.id) as conn:  # another workspace is not held up
        import_runs.start(conn, workspace_id=other.id, source="hh", kind="responses")
    with pytest.raises(AlreadyRunning), transaction(pool, workspace_id=ws.id) as conn:
        import_runs.start(conn, workspace_id=ws.id, source="hh", kind="responses")
    with transaction(pool, workspace_id=ws.id) as conn:
        vacancies = import_runs.start(conn, workspace_id=ws.id, source="hh", kind="vacancies")
        conn.execute("update import_runs set heartbeat_at = now() - interval '20 minutes' "
                     "where id = %s", (first,))  # fmt: skip
    with transaction(pool, workspace_id=ws.id) as conn:
        second = import_runs.start(conn, workspace_id=ws.id, source="hh", kind="responses")
        runs = {r.id: r for r in import_runs.recent(conn)}
    assert (runs[first].status, runs[first].error) == ("failed", "interrupted")
    assert runs[second].status == runs[vacancies].status == "running"
