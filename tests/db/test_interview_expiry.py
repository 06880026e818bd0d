"""Abandoned interviews: active ones past their time limit end as failed, those with answers
get an analysis queued, and nothing of another workspace or still in time is touched."""

from __future__ import annotations

from psycopg_pool import ConnectionPool

from db import interview_expiry, interviews, jobs, turns
from db.pool import transaction
from tests.db import factories

LIMIT_S = 1800


def _started(conn, ws, *, minutes_ago: float, answered: bool = False):  # type: ignore[no-untyped-def]
    interview = factories.interview(conn, ws)
    interviews.set_interview_status(conn, interview_id=interview.id, status="active")
    conn.execute(
        "update interviews set started_at = now() - make_interval(mins => %s) where id = %s",
        (minutes_ago, interview.id),
    )
    if answered:
        epoch = interviews.bump_epoch(conn, interview_id=interview.id)
        for seq, role in enumerate(("interviewer", "candidate")):
            turns.append_turn(
                conn, workspace_id=ws.id, interview_id=interview.id, epoch=epoch, seq=seq,
                role=role, text=f"{role} speaks", question_index=0,
            )  # fmt: skip
    return interview


def test_overdue_interviews_end_abandoned_and_answered_ones_get_analysed(
    pool: ConnectionPool,
) -> None:
    ws, other = factories.workspace(pool), factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        answered = _started(conn, ws, minutes_ago=40, answered=True)
        silent = _started(conn, ws, minutes_ago=40)
        in_time = _started(conn, ws, minutes_ago=33)  # past 30 min, within the allowance
        fresh = _started(conn, ws, minutes_ago=2)
        never_started = factories.interview(conn, ws)
    with transaction(pool, workspace_id=other.id) as conn:
        foreign = _started(conn, other, minutes_ago=90)

    with transaction(pool, workspace_id=ws.id) as conn:
        expired = interview_expiry.expire_overdue(conn, workspace_id=ws.id, max_duration_s=LIMIT_S)
        again = interview_expiry.expire_overdue(conn, workspace_id=ws.id, max_duration_s=LIMIT_S)

    by_id = {item.interview_id: item for item in expired}
    assert set(by_id) == {answered.id, silent.id}
    assert by_id[silent.id].analysis_job_id is None
    assert again == []
    with transaction(pool, workspace_id=ws.id) as conn:
        rows = {i: interviews.get_interview(conn, interview_id=i) for i in (
            answered.id, silent.id, in_time.id, fresh.id, never_started.id
        )}  # fmt: skip
        job = jobs.get_job(conn, job_id=by_id[answered.id].analysis_job_id or 0)
    for gone in (answered.id, silent.id):
        assert rows[gone].status == "failed" and rows[gone].ended_at is not None
        assert rows[gone].failure_reason == interview_expiry.ABANDONED_REASON
    assert [rows[i].status for i in (in_time.id, fresh.id, never_started.id)] == [
        "active", "active", "created"
    ]  # fmt: skip
    assert (job.kind, job.status, job.payload) == (
        jobs.INTERVIEW_ANALYSIS, "queued", {"interview_id": answered.id}
    )  # fmt: skip
    with transaction(pool, workspace_id=other.id) as conn:
        assert interviews.get_interview(conn, interview_id=foreign.id).status == "active"


def test_a_shorter_limit_expires_sooner(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        interview = _started(conn, ws, minutes_ago=12)
        kept = interview_expiry.expire_overdue(conn, workspace_id=ws.id, max_duration_s=600)
        gone = interview_expiry.expire_overdue(conn, workspace_id=ws.id, max_duration_s=300)
    assert kept == [] and [item.interview_id for item in gone] == [interview.id]


def test_one_interview_is_settled_alone_and_overdue_ones_hold_no_slot(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        mine = _started(conn, ws, minutes_ago=50)
        neighbour = _started(conn, ws, minutes_ago=50)
        live = _started(conn, ws, minutes_ago=5)
        asking = factories.interview(conn, ws)
        # Before anything is ended, only the interview in time counts against the limit.
        assert interview_expiry.count_live(conn, max_duration_s=LIMIT_S, besides=asking.id) == 1
        assert interview_expiry.count_live(conn, max_duration_s=LIMIT_S, besides=live.id) == 0
        settled = interview_expiry.expire_overdue(
            conn, workspace_id=ws.id, max_duration_s=LIMIT_S, interview_id=mine.id
        )
        states = {i: interviews.get_interview(conn, interview_id=i).status
                  for i in (mine.id, neighbour.id, live.id)}  # fmt: skip
    assert [item.interview_id for item in settled] == [mine.id]
    assert states == {mine.id: "failed", neighbour.id: "active", live.id: "active"}
