"""The interview clock (issue 11): time the server was down under a connected candidate is not
counted. The actor copy holding the candidate beats a heartbeat; the next copy books the gap
from the last heartbeat to its own start. A candidate who leaves clears the heartbeat, so their
absence counts, and abandonment works as before."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from psycopg_pool import ConnectionPool

from db import interview_expiry, interviews
from db.pool import transaction
from tests.db import factories

LIMIT_S = 1800


def _running(pool: ConnectionPool, ws, *, started_s_ago: float, heartbeat_s_ago: float | None):  # type: ignore[no-untyped-def]
    """An active interview whose actor copy (epoch 1) last beat `heartbeat_s_ago` seconds ago
    (None: the candidate had left, no heartbeat stands)."""
    with transaction(pool, workspace_id=ws.id) as conn:
        interview = factories.interview(conn, ws)
        interviews.set_interview_status(conn, interview_id=interview.id, status="active")
        epoch = interviews.bump_epoch(conn, interview_id=interview.id)
        assert interviews.beat_clock(conn, interview_id=interview.id, epoch=epoch)
        if heartbeat_s_ago is None:
            interviews.stop_clock(conn, interview_id=interview.id, epoch=epoch)
        conn.execute(
            """
            update interviews
            set started_at = now() - make_interval(secs => %(started)s),
                heartbeat_at = heartbeat_at - make_interval(secs => %(beat)s)
            where id = %(id)s
            """,
            {"started": started_s_ago, "beat": heartbeat_s_ago or 0, "id": interview.id},
        )
        return interviews.get_interview(conn, interview_id=interview.id)


def _restart(pool: ConnectionPool, ws, interview_id: int) -> tuple[float, interviews.Interview]:  # type: ignore[no-untyped-def]
    """What a (re)started actor copy does in its `__init__`."""
    with transaction(pool, workspace_id=ws.id) as conn:
        interviews.bump_epoch(conn, interview_id=interview_id)
        booked = interviews.resume_clock(conn, interview_id=interview_id)
    with transaction(pool, workspace_id=ws.id) as conn:
        return booked, interviews.get_interview(conn, interview_id=interview_id)


def test_a_resumed_interview_does_not_count_the_server_downtime(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    # 10 minutes in; the actor died 254 s ago with the candidate connected; it restarts now.
    before = _running(pool, ws, started_s_ago=600, heartbeat_s_ago=254)
    assert before.elapsed_s() == pytest.approx(600 - 254, abs=5)  # stale: the clock stands

    booked, after = _restart(pool, ws, before.id)

    assert booked == pytest.approx(254, abs=5)
    assert after.server_down_s == pytest.approx(booked) and after.heartbeat_at is None
    assert after.elapsed_s() == pytest.approx(600 - 254, abs=5)
    # Booked once: a further restart (no heartbeat since) books nothing more.
    again, later = _restart(pool, ws, before.id)
    assert again == 0.0 and later.server_down_s == after.server_down_s


def test_a_candidate_who_left_keeps_their_absence_counted(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    left = _running(pool, ws, started_s_ago=600, heartbeat_s_ago=None)
    booked, after = _restart(pool, ws, left.id)
    assert booked == 0.0 and after.server_down_s == 0.0
    assert after.elapsed_s() == pytest.approx(600, abs=5)


def test_heartbeats_are_fenced_by_epoch_and_only_for_active_interviews(
    pool: ConnectionPool,
) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        interview = factories.interview(conn, ws)
        old = interviews.bump_epoch(conn, interview_id=interview.id)
        assert not interviews.beat_clock(conn, interview_id=interview.id, epoch=old)  # created
        interviews.set_interview_status(conn, interview_id=interview.id, status="active")
        new = interviews.bump_epoch(conn, interview_id=interview.id)
        assert not interviews.beat_clock(conn, interview_id=interview.id, epoch=old)
        assert interviews.beat_clock(conn, interview_id=interview.id, epoch=new)
        interviews.stop_clock(conn, interview_id=interview.id, epoch=old)  # stale: no effect
        assert interviews.get_interview(conn, interview_id=interview.id).heartbeat_at is not None
        interviews.stop_clock(conn, interview_id=interview.id, epoch=new)
        assert interviews.get_interview(conn, interview_id=interview.id).heartbeat_at is None


def test_elapsed_runs_with_a_fresh_heartbeat_and_stands_at_a_stale_one(
    pool: ConnectionPool,
) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        row = factories.interview(conn, ws)
    start = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    now = start + timedelta(seconds=900)
    live = dataclasses.replace(
        row, started_at=start, server_down_s=100.0, heartbeat_at=now - timedelta(seconds=3)
    )
    assert live.elapsed_s(now) == pytest.approx(800)
    dead = dataclasses.replace(live, heartbeat_at=now - timedelta(seconds=300))
    assert dead.elapsed_s(now) == pytest.approx(500)  # 600 s after start, less 100 booked
    assert dataclasses.replace(row, started_at=None).elapsed_s(now) == 0.0


def test_booked_downtime_postpones_abandonment_and_unbooked_does_not(
    pool: ConnectionPool,
) -> None:
    ws = factories.workspace(pool)
    # Both started 36 min ago (past 30 min + the 5 min allowance); the actors died 10 min ago.
    booked = _running(pool, ws, started_s_ago=36 * 60, heartbeat_s_ago=600)
    unbooked = _running(pool, ws, started_s_ago=36 * 60, heartbeat_s_ago=600)
    _restart(pool, ws, booked.id)  # the candidate came back: a new copy started
    with transaction(pool, workspace_id=ws.id) as conn:
        expired = interview_expiry.expire_overdue(conn, workspace_id=ws.id, max_duration_s=LIMIT_S)
        statuses = {
            i: interviews.get_interview(conn, interview_id=i).status
            for i in (booked.id, unbooked.id)
        }
    # Nobody came back to the other one: it is abandoned as it always was.
    assert [item.interview_id for item in expired] == [unbooked.id]
    assert statuses == {booked.id: "active", unbooked.id: "failed"}
