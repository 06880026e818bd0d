"""Interview turns: ordering, retries, and epoch fencing of stale actor copies."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from db import interviews, turns
from db.errors import Conflict, InvalidValue, NotFound, StaleEpoch
from db.pool import transaction
from db.workspaces import Workspace
from tests.db import factories


def _turn(ws: Workspace, interview_id: int, **fields: Any) -> dict[str, Any]:
    base = {
        "workspace_id": ws.id,
        "interview_id": interview_id,
        "epoch": 0,
        "seq": 0,
        "role": "interviewer",
        "text": "Здравствуйте! Расскажите о себе.",
    }
    return {**base, **fields}


def test_append_round_trip_and_order(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    start = datetime.now(UTC)
    with transaction(pool, workspace_id=ws.id) as conn:
        interview = factories.interview(conn, ws)
        assert turns.next_seq(conn, interview_id=interview.id) == 0
        second = turns.append_turn(
            conn, **_turn(ws, interview.id, seq=1, role="candidate", text="Я бэкенд-разработчик.")
        )
        first = turns.append_turn(
            conn,
            **_turn(
                ws,
                interview.id,
                question_index=0,
                started_at=start,
                ended_at=start + timedelta(seconds=3),
                voice_to_voice_ms=820,
                stt_ttfb_ms=150,
                llm_ttfb_ms=300,
                tts_ttfb_ms=120,
                engine="offline",
            ),
        )
        listed = turns.list_turns(conn, interview_id=interview.id)
        upcoming = turns.next_seq(conn, interview_id=interview.id)
    assert listed == [first, second]
    assert (first.voice_to_voice_ms, first.stt_ttfb_ms, first.engine) == (820, 150, "offline")
    assert first.started_at == start and first.question_index == 0
    assert upcoming == 2


def test_retry_of_same_turn_returns_it_and_different_turn_conflicts(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        interview = factories.interview(conn, ws)
        original = turns.append_turn(conn, **_turn(ws, interview.id))
        retried = turns.append_turn(conn, **_turn(ws, interview.id))
        with pytest.raises(Conflict):
            turns.append_turn(conn, **_turn(ws, interview.id, text="Something else"))
    with transaction(pool, workspace_id=ws.id) as conn:
        stored = turns.list_turns(conn, interview_id=interview.id)
    assert retried == original and stored == [original]


def test_stale_epoch_cannot_write(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        interview = factories.interview(conn, ws)
        old = interviews.bump_epoch(conn, interview_id=interview.id)
        turns.append_turn(conn, **_turn(ws, interview.id, epoch=old))
    with transaction(pool, workspace_id=ws.id) as conn:
        new = interviews.bump_epoch(conn, interview_id=interview.id)
    with transaction(pool, workspace_id=ws.id) as conn:
        with pytest.raises(StaleEpoch):
            turns.append_turn(conn, **_turn(ws, interview.id, epoch=old, seq=1, text="stale"))
        # A writer from the future is refused as well: only the current epoch writes.
        with pytest.raises(StaleEpoch):
            turns.append_turn(conn, **_turn(ws, interview.id, epoch=new + 1, seq=1))
        written = turns.append_turn(conn, **_turn(ws, interview.id, epoch=new, seq=1))
    with transaction(pool, workspace_id=ws.id) as conn:
        stored = turns.list_turns(conn, interview_id=interview.id)
    assert [(t.seq, t.epoch) for t in stored] == [(0, old), (1, new)]
    assert stored[1] == written


def test_bump_waits_for_a_turn_being_written(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        interview = factories.interview(conn, ws)
    with transaction(pool, workspace_id=ws.id) as writer:
        turns.append_turn(writer, **_turn(ws, interview.id))
        # The writer's transaction is still open: a restart cannot take the epoch under it.
        with pytest.raises(psycopg.errors.LockNotAvailable):
            with transaction(pool, workspace_id=ws.id) as restarter:
                restarter.execute("set local lock_timeout = '100ms'")
                interviews.bump_epoch(restarter, interview_id=interview.id)


def _wait_for_lock_waiter(admin_conn: psycopg.Connection, timeout_s: float = 5.0) -> bool:
    """Whether some session of this database is blocked on a lock within `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        row = admin_conn.execute(
            "select count(*) from pg_stat_activity"
            " where datname = current_database() and wait_event_type = 'Lock'"
        ).fetchone()
        if row and row[0]:
            return True
        time.sleep(0.02)
    return False


def test_stale_write_racing_a_bump_is_refused_after_it_commits(
    pool: ConnectionPool, admin_conn: psycopg.Connection
) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        interview = factories.interview(conn, ws)
    outcome: list[BaseException | turns.Turn] = []

    def stale_writer() -> None:
        try:
            with transaction(pool, workspace_id=ws.id) as conn:
                outcome.append(turns.append_turn(conn, **_turn(ws, interview.id)))
        except BaseException as e:  # handed over to the test's thread
            outcome.append(e)

    with transaction(pool, workspace_id=ws.id) as restarter:
        interviews.bump_epoch(restarter, interview_id=interview.id)
        thread = threading.Thread(target=stale_writer)
        thread.start()
        waited = _wait_for_lock_waiter(admin_conn)
    thread.join(timeout=5)
    assert waited, "the stale writer should have waited for the bump to commit"
    assert len(outcome) == 1 and isinstance(outcome[0], StaleEpoch)
    with transaction(pool, workspace_id=ws.id) as conn:
        assert turns.list_turns(conn, interview_id=interview.id) == []


def test_invalid_turns(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        interview = factories.interview(conn, ws)
        with pytest.raises(InvalidValue):
            turns.append_turn(conn, **_turn(ws, interview.id, role="narrator"))
        with pytest.raises(InvalidValue):
            turns.append_turn(conn, **_turn(ws, interview.id, seq=-1))
        with pytest.raises(NotFound):
            turns.append_turn(conn, **_turn(ws, interview.id + 999))
        assert turns.list_turns(conn, interview_id=interview.id) == []
