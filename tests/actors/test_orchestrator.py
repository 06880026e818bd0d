"""The Orchestrator actor on real Ray and Postgres: an abandoned interview is expired with
nobody touching its workspace; a run its dead holder left is taken over; two Orchestrators at
once never run one job twice; killed, it comes back (state in Postgres) and goes on."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from db import interviews, workspaces
from db.bootstrap import PreparedDatabase
from db.pool import transaction
from tests.db import factories

pytestmark = [pytest.mark.ray, pytest.mark.usefixtures("ray_local")]
NAMESPACE = "selectio-orchestrator-tests"


def _wait(check: Callable[[], Any], timeout_s: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


@pytest.fixture(scope="module")
def start(prepared: PreparedDatabase) -> Iterator[Callable[[str], Any]]:
    """Starts named Orchestrators on the module's database; kills them at the end."""
    import ray

    from actors.orchestrator import Orchestrator

    started: list[Any] = []

    def make(name: str) -> Any:
        actor = Orchestrator.options(
            name=name, namespace=NAMESPACE, lifetime="detached", max_restarts=-1
        ).remote(app_url=prepared.app_url, max_interview_s=1800, tick_s=0.2, lease_s=30.0)
        started.append(actor)
        return actor

    yield make
    for actor in started:
        ray.kill(actor, no_restart=True)


def _abandoned(pool: ConnectionPool, ws) -> int:  # type: ignore[no-untyped-def]
    with transaction(pool, workspace_id=ws.id) as conn:
        interview = factories.interview(conn, ws)
        interviews.set_interview_status(conn, interview_id=interview.id, status="active")
        conn.execute(
            "update interviews set started_at = now() - interval '2 hours' where id = %s",
            (interview.id,),
        )
    return interview.id


def _status(pool: ConnectionPool, ws, interview_id: int) -> str:  # type: ignore[no-untyped-def]
    with transaction(pool, workspace_id=ws.id) as conn:
        return interviews.get_interview(conn, interview_id=interview_id).status


def test_two_orchestrators_expire_abandoned_work_once_and_take_over_dead_runs(
    pool: ConnectionPool, admin_conn: psycopg.Connection, start: Callable[[str], Any]
) -> None:
    import ray

    spaces = [factories.workspace(pool) for _ in range(4)]
    abandoned = {ws.id: _abandoned(pool, ws) for ws in spaces}
    retained = []
    for ws in spaces:
        with transaction(pool, workspace_id=ws.id) as conn:
            retained.append(factories.candidate(conn, ws).id)
            workspaces.set_retention_days(conn, workspace_id=ws.id, days=10)
    admin_conn.execute(
        "update candidates set created_at = now() - interval '20 days' where id = any(%s)",
        (retained,),
    )
    dead = admin_conn.execute(  # a run whose holder died: its lease ran out
        """
        insert into jobs (workspace_id, kind, singleton, status, attempts, started_at,
                          lease_owner, lease_until)
        values (%s, 'expire_links', true, 'running', 1, now() - interval '1 hour', 'dead',
                now() - interval '1 minute')
        returning id
        """,
        (spaces[0].id,),
    ).fetchone()[0]

    first, second = start("orchestrator-a"), start("orchestrator-b")

    for ws in spaces:  # nobody touches the workspaces: the schedule does it
        _wait(lambda ws=ws: _status(pool, ws, abandoned[ws.id]) == "failed")
    _wait(
        lambda: (
            admin_conn.execute("select status from jobs where id = %s", (dead,)).fetchone()[0]
            == "succeeded"
        )
    )
    _wait(lambda: admin_conn.execute("select count(*) from candidates where id = any(%s)",
                                     (retained,)).fetchone()[0] == 0)  # fmt: skip
    statuses = ray.get([first.status.remote(), second.status.remote()], timeout=30)
    assert all(s["ticks"] > 0 and s["last_error"] is None for s in statuses)

    runs = admin_conn.execute(
        """
        select workspace_id, kind, started_at, finished_at, result from jobs
        where singleton and kind in ('expire_interviews', 'retention') order by started_at
        """
    ).fetchall()
    for kind, key in (("expire_interviews", "expired"), ("retention", "candidates")):
        for ws in spaces:
            mine = [r for r in runs if r[0] == ws.id and r[1] == kind]
            assert sum(r[4][key] for r in mine) == 1, (kind, mine)  # the work done once
            for earlier, later in zip(mine, mine[1:], strict=False):
                assert earlier[3] <= later[2]  # never two runs at once
    taken = admin_conn.execute(
        "select attempts, lease_owner from jobs where id = %s", (dead,)
    ).fetchone()
    assert taken == (2, None)

    # Killed, it comes back with a new owner id, rebuilt from Postgres, and ticks on.
    before = ray.get(first.status.remote(), timeout=30)["owner"]
    ray.kill(first, no_restart=False)
    _wait(lambda: (_alive_status(first) or {"owner": before})["owner"] != before)
    again = _abandoned(pool, spaces[1])
    admin_conn.execute("update schedules set next_run_at = now()")
    _wait(lambda: _status(pool, spaces[1], again) == "failed")


def _alive_status(actor: Any) -> dict[str, Any] | None:
    import ray

    try:
        status = ray.get(actor.status.remote(), timeout=5)
    except (ray.exceptions.RayActorError, ray.exceptions.GetTimeoutError):
        return None
    return status if status["ticks"] > 0 else None
