"""Schedules and leased automation runs: a sweep goes to one ticker, two claimers never hold
one run, a dead holder's run is taken over, failures back off and end failed."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import psycopg
from psycopg_pool import ConnectionPool

from db import jobs, schedules
from db.pool import transaction
from tests.db import factories


def _claim(pool: ConnectionPool, ws, owner: str, **kw):  # type: ignore[no-untyped-def]
    with transaction(pool, workspace_id=ws.id) as conn:
        return jobs.claim_run(conn, workspace_id=ws.id, kind="expire_links", owner=owner, **kw)


def test_racing_claimers_get_one_lease(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    barrier = threading.Barrier(4)
    leases: list[jobs.RunLease | None] = []

    def claim(owner: str) -> None:
        barrier.wait()
        leases.append(_claim(pool, ws, owner))

    threads = [threading.Thread(target=claim, args=(f"orch-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    held = [lease for lease in leases if lease is not None]
    assert len(leases) == 4 and len(held) == 1
    assert _claim(pool, ws, "late") is None  # still running under a live lease


def test_a_dead_holders_run_is_taken_over_and_its_late_end_refused(
    pool: ConnectionPool, admin_conn: psycopg.Connection
) -> None:
    ws = factories.workspace(pool)
    dead = _claim(pool, ws, "dead-orchestrator")
    assert dead is not None
    admin_conn.execute(
        "update jobs set lease_until = now() - interval '1 second' where id = %s", (dead.job_id,)
    )
    heir = _claim(pool, ws, "heir")
    assert heir is not None and heir.job_id == dead.job_id and heir.attempt == 2
    with transaction(pool, workspace_id=ws.id) as conn:
        assert jobs.end_run(conn, lease=dead, counts={"x": 1}) is None
        done = jobs.end_run(conn, lease=heir, counts={"links_dropped": 0})
    assert done is not None and done.status == "succeeded"
    assert done.result == {"links_dropped": 0}
    assert _claim(pool, ws, "next") is not None  # a finished run blocks nobody


def test_failures_back_off_then_end_failed(
    pool: ConnectionPool, admin_conn: psycopg.Connection
) -> None:
    ws = factories.workspace(pool)
    for attempt in (1, 2):
        lease = _claim(pool, ws, "o")
        assert lease is not None and lease.attempt == attempt
        with transaction(pool, workspace_id=ws.id) as conn:
            ended = jobs.end_run(conn, lease=lease, error="boom", max_attempts=2)
        assert ended is not None
        if attempt == 1:
            assert ended.status == "queued" and ended.error == "boom"
            assert _claim(pool, ws, "o") is None  # waiting for its backoff
            admin_conn.execute(
                "update jobs set scheduled_for = now() where id = %s", (lease.job_id,)
            )
    assert ended.status == "failed" and ended.finished_at is not None


def test_a_requested_run_is_claimed_and_a_sweep_goes_to_one_ticker(
    pool: ConnectionPool, admin_conn: psycopg.Connection
) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        requested = jobs.request_run(conn, workspace_id=ws.id, kind="retention")
        again = jobs.request_run(conn, workspace_id=ws.id, kind="retention")
        lease = jobs.claim_run(conn, workspace_id=ws.id, kind="retention", owner="o")
    assert requested is not None and again is None
    assert lease is not None and lease.job_id == requested.id

    admin_conn.execute("update schedules set next_run_at = now()")
    with transaction(pool) as conn:
        first = schedules.claim_due_sweeps(conn)
    with transaction(pool) as conn:
        second = schedules.claim_due_sweeps(conn)
    assert "expire_interviews" in first and second == []


def test_cron_schedules_run_at_their_times_in_their_zone() -> None:
    after = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)  # 02:30 on the 5th in Moscow (UTC+3)
    at_three_moscow = schedules.next_run(3600, "0 3 * * *", "Europe/Moscow", after)
    assert at_three_moscow == datetime(2026, 12, 5, 0, 0, tzinfo=UTC)
    assert schedules.next_run(3600, "0 3 * * *", "UTC", after) == datetime(
        2026, 12, 5, 3, 0, tzinfo=UTC
    )
    assert schedules.next_run(90, None, "UTC", after) == datetime(
        2026, 12, 4, 23, 31, 30, tzinfo=UTC
    )
    for cron, zone, reason in (
        ("61 * * * *", "UTC", "not a five-field cron"),
        ("0 3 * *", "UTC", "not a five-field cron"),
        ("0 3 * * *", "Mars/Olympus", "unknown time zone"),
    ):
        try:
            schedules.check_timing(3600, cron, zone)
        except Exception as e:
            assert reason in str(e)
        else:
            raise AssertionError(f"{cron!r} in {zone} was accepted")


def test_a_workspace_cron_schedule_holds_its_kind_back_until_its_time(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        own = schedules.set_schedule(
            conn, kind="retention", interval_s=3600, workspace_id=ws.id,
            cron="15   4 * * *", timezone="Asia/Novosibirsk",
        )  # fmt: skip
        now = conn.execute("select now()").fetchone()[0]
        schedules.mark_ran(conn, workspace_id=ws.id, kind="retention")
        (ran,) = [s for s in schedules.list_schedules(conn) if s.workspace_id == ws.id]
    assert own.cron == "15 4 * * *"  # stored normalised
    assert (
        own.next_run_at > now and own.next_run_at.astimezone(ZoneInfo("Asia/Novosibirsk")).hour == 4
    )
    assert ran.last_run_at is not None and ran.next_run_at == own.next_run_at
    with transaction(pool, workspace_id=ws.id) as conn:
        schedules.clear_schedule(conn, workspace_id=ws.id, kind="retention")
        assert [s for s in schedules.list_schedules(conn) if s.workspace_id == ws.id] == []
