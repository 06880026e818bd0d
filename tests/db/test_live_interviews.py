"""Live interviews (console issue): the list of interviews running now, with the current
question, the last voice-to-voice latency, the clock and the node; and ending one from outside
its actor, fenced through the database."""

from __future__ import annotations

import dataclasses

import pytest
from psycopg_pool import ConnectionPool

from db import interviews, live_interviews, turns
from db.errors import InvalidTransition, StaleEpoch
from db.pool import transaction
from db.workspaces import Workspace
from tests.db import factories
from tests.pipelines.analysis import transcripts
from tests.pipelines.analysis.stored import store_interview

NODE = "a1b2c3d4e5f6" + "0" * 44  # a Ray node id is 56 hex digits


def live_interview(pool: ConnectionPool, ws: Workspace, *, name: str = "John Smith") -> int:
    """An active voice interview as a running actor leaves it in Postgres: John Smith for a
    Senior Python Developer (6 questions), two questions asked and answered, a follow-up to
    the second one just spoken (voice-to-voice 900 ms, then 640 ms), an actor on `NODE`."""
    data = transcripts.aborted_en()
    data = dataclasses.replace(data, status="active", turns=data.turns[:7], candidate_name=name)
    interview_id = store_interview(pool, ws, data)
    with transaction(pool, workspace_id=ws.id) as conn:
        conn.execute(
            "update interview_turns set voice_to_voice_ms = case seq when 3 then 900 else 640 end "
            "where interview_id = %s and seq in (3, 5)",
            (interview_id,),
        )
        interviews.bump_epoch(conn, interview_id=interview_id, node_id=NODE)
    return interview_id


def _live(pool: ConnectionPool, ws: Workspace) -> list[live_interviews.LiveInterview]:
    with transaction(pool, workspace_id=ws.id) as conn:
        return live_interviews.list_live(conn)


def test_running_interviews_with_progress_latency_clock_and_node(pool: ConnectionPool) -> None:
    ws, other = factories.workspace(pool), factories.workspace(pool)
    running = live_interview(pool, ws)
    store_interview(pool, ws, transcripts.strong_en())  # completed
    with transaction(pool, workspace_id=ws.id) as conn:
        factories.interview(conn, ws)  # only invited
        conn.execute(
            "update interviews set started_at = now() - interval '125 seconds', "
            "server_down_s = 20 where id = %s",
            (running,),
        )
        epoch = interviews.get_interview(conn, interview_id=running).epoch
        assert interviews.beat_clock(conn, interview_id=running, epoch=epoch)

    [row] = _live(pool, ws)

    assert row.interview_id == running
    assert (row.candidate_name, row.vacancy_title) == ("John Smith", "Senior Python Developer")
    assert (row.question_index, row.questions_total) == (2, 6)
    assert row.voice_to_voice_ms == 640  # the latest turn that has one
    assert row.elapsed_s == pytest.approx(105, abs=5)  # 125 s less 20 s of server downtime
    assert row.connected and row.heartbeat_age_s is not None and row.heartbeat_age_s < 5
    assert row.node_id == NODE and row.language == "en"
    assert _live(pool, other) == []


def test_a_candidate_who_dropped_out_stays_listed_not_connected(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    running = live_interview(pool, ws, name="")
    with transaction(pool, workspace_id=ws.id) as conn:
        conn.execute("delete from interview_turns where interview_id = %s", (running,))
    [row] = _live(pool, ws)
    assert not row.connected and row.heartbeat_at is None
    assert row.question_index is None and row.voice_to_voice_ms is None
    assert row.candidate_name == ""


def test_ending_fences_the_actor_and_the_link(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    running = live_interview(pool, ws)
    with transaction(pool, workspace_id=ws.id) as conn:
        epoch = interviews.get_interview(conn, interview_id=running).epoch
        assert interviews.beat_clock(conn, interview_id=running, epoch=epoch)
        assert interviews.holds_epoch(conn, interview_id=running, epoch=epoch)
        ended = interviews.end_running(conn, interview_id=running, reason="ended by recruiter")

    assert ended.status == "failed" and ended.failure_reason == "ended by recruiter"
    assert ended.ended_at is not None and ended.link_revoked_at is not None
    assert ended.heartbeat_at is None and ended.epoch == epoch + 1
    with transaction(pool, workspace_id=ws.id) as conn:
        assert not interviews.holds_epoch(conn, interview_id=running, epoch=epoch)
        assert not interviews.beat_clock(conn, interview_id=running, epoch=epoch)
    with pytest.raises(StaleEpoch), transaction(pool, workspace_id=ws.id) as conn:
        turns.append_turn(
            conn, workspace_id=ws.id, interview_id=running, epoch=epoch, seq=8,
            role="interviewer", text="Next question...",
        )  # fmt: skip
    assert _live(pool, ws) == []
    with pytest.raises(InvalidTransition), transaction(pool, workspace_id=ws.id) as conn:
        interviews.end_running(conn, interview_id=running, reason="ended by recruiter")


def test_only_an_active_interview_can_be_ended(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        invited = factories.interview(conn, ws)
    with pytest.raises(InvalidTransition), transaction(pool, workspace_id=ws.id) as conn:
        interviews.end_running(conn, interview_id=invited.id, reason="ended by recruiter")
    with transaction(pool, workspace_id=ws.id) as conn:
        assert interviews.get_interview(conn, interview_id=invited.id).status == "created"
