"""Moving rows into the past (imported responses, the demo's month): an application takes its
screenings with it, an interview its turns; nothing of another workspace can be moved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from psycopg_pool import ConnectionPool

from db import history, interviews, screenings, turns
from db.errors import NotFound
from db.pool import transaction
from tests.db import factories

PAST = datetime(2026, 11, 10, 9, 30, tzinfo=UTC)


def test_an_application_moves_with_its_screenings(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        application = factories.application(conn, ws)
        screenings.record_screening(
            conn, workspace_id=ws.id, application_id=application.id, score=70,
            recommendation="recommend", engine="offline",
        )  # fmt: skip
        history.set_applied_at(conn, application_id=application.id, at=PAST)
        applied, screened = conn.execute(
            "select a.created_at, s.created_at from applications a "
            "join screenings s on s.application_id = a.id where a.id = %s",
            (application.id,),
        ).fetchone()
    assert applied == PAST
    assert screened == PAST + history.SCREENED_AFTER


def test_an_interview_moves_with_its_turns(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        interview = factories.interview(conn, ws)
        epoch = interviews.bump_epoch(conn, interview_id=interview.id)
        interviews.set_interview_status(conn, interview_id=interview.id, status="active")
        began = conn.execute(
            "select started_at from interviews where id = %s", (interview.id,)
        ).fetchone()[0]
        for seq, offset in ((1, 5), (2, 40)):
            turns.append_turn(
                conn, workspace_id=ws.id, interview_id=interview.id, epoch=epoch, seq=seq,
                role="interviewer", text="Hello", started_at=began + timedelta(seconds=offset),
                ended_at=began + timedelta(seconds=offset + 3),
            )  # fmt: skip
        started = PAST + timedelta(days=1)
        history.set_interview_times(
            conn, interview_id=interview.id, created_at=PAST, started_at=started,
            ended_at=started + timedelta(minutes=15),
        )  # fmt: skip
        row = conn.execute(
            "select created_at, started_at, ended_at from interviews where id = %s",
            (interview.id,),
        ).fetchone()
        moved = [t.started_at for t in turns.list_turns(conn, interview_id=interview.id)]
    assert row == (PAST, started, started + timedelta(minutes=15))
    assert moved == [started + timedelta(seconds=5), started + timedelta(seconds=40)]


def test_another_workspace_cannot_move_anything(pool: ConnectionPool) -> None:
    ws, other = factories.workspace(pool), factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        application = factories.application(conn, ws)
        interview = factories.interview(conn, ws)
    with transaction(pool, workspace_id=other.id) as conn:
        with pytest.raises(NotFound):
            history.set_applied_at(conn, application_id=application.id, at=PAST)
        with pytest.raises(NotFound):
            history.set_interview_times(conn, interview_id=interview.id, created_at=PAST)
