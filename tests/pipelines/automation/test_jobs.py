"""The automation jobs run by `runner.run_job` in one workspace's context, with nobody else
touching it: abandoned interviews expired, stuck parses resubmitted, expired links dropped,
retention erasing exactly the asking workspace's expired candidates (audited)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from db import audit, interviews, jobs, messages, resume_leases, telegram_chats, workspaces
from db.pool import transaction
from pipelines.automation import retention, runner
from pipelines.automation.base import JobContext, JobOutcome
from pipelines.automation.runner import run_global, run_job
from tests.db import factories


class RecordingDispatcher:
    """Remembers what would have been submitted to Ray."""

    def __init__(self) -> None:
        self.resumes: list[int] = []
        self.analyses: list[int] = []

    def submit_resume(self, workspace_id: UUID, resume_id: int, vacancy_id: int | None) -> None:
        self.resumes.append(resume_id)

    def submit_analysis(self, workspace_id: UUID, job_id: int) -> None:
        self.analyses.append(job_id)


@pytest.fixture
def context() -> JobContext:
    return JobContext(dispatcher=RecordingDispatcher(), max_interview_s=1800)


def _run(pool: ConnectionPool, ws, kind: str, context: JobContext):  # type: ignore[no-untyped-def]
    return run_job(pool, workspace_id=ws.id, kind=kind, owner="test", context=context)


def test_an_abandoned_interview_is_expired_by_the_job(
    pool: ConnectionPool, context: JobContext
) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        gone = factories.interview(conn, ws)
        interviews.set_interview_status(conn, interview_id=gone.id, status="active")
        conn.execute(
            "update interviews set started_at = now() - interval '2 hours' where id = %s",
            (gone.id,),
        )
        live = factories.interview(conn, ws)
        interviews.set_interview_status(conn, interview_id=live.id, status="active")

    result = _run(pool, ws, "expire_interviews", context)

    assert result is not None and result.outcome == "succeeded"
    assert result.counts == {"expired": 1, "analyses": 0}
    with transaction(pool, workspace_id=ws.id) as conn:
        assert interviews.get_interview(conn, interview_id=gone.id).status == "failed"
        assert interviews.get_interview(conn, interview_id=live.id).status == "active"


def test_a_resume_stuck_in_parsing_is_resubmitted_and_taken_over(
    pool: ConnectionPool, admin_conn: psycopg.Connection, context: JobContext
) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        stuck = factories.resume(conn, ws)
        resume_leases.claim_for_parsing(conn, resume_id=stuck.id, owner="dead-worker")
    admin_conn.execute(
        "update resumes set parse_lease_until = now() - interval '1 second' where id = %s",
        (stuck.id,),
    )

    result = _run(pool, ws, "recover_parses", context)

    assert result is not None and result.counts == {"resubmitted": 1, "failed": 0}
    assert context.dispatcher.resumes == [stuck.id]  # type: ignore[attr-defined]
    with transaction(pool, workspace_id=ws.id) as conn:  # what the resubmitted task does
        claim = resume_leases.claim_for_parsing(conn, resume_id=stuck.id, owner="new-task")
    assert claim.lease is not None and claim.lease.attempt == 2


def test_expired_links_lose_their_token(pool: ConnectionPool, context: JobContext) -> None:
    ws = factories.workspace(pool)
    past = datetime.now(UTC) - timedelta(days=1)
    with transaction(pool, workspace_id=ws.id) as conn:
        old = factories.interview(conn, ws)
        interviews.set_link(conn, interview_id=old.id, link_token_hash="h-old", expires_at=past)
        new = factories.interview(conn, ws)
        interviews.set_link(
            conn, interview_id=new.id, link_token_hash="h-new", expires_at=past + timedelta(days=9)
        )

    result = _run(pool, ws, "expire_links", context)

    assert result is not None and result.counts == {"links_dropped": 1}
    with transaction(pool, workspace_id=ws.id) as conn:
        assert interviews.find_by_link_hash(conn, link_token_hash="h-new") is not None
        hashes = conn.execute(
            "select id, link_token_hash from interviews where id = any(%s)", ([old.id, new.id],)
        ).fetchall()
    assert dict(hashes) == {old.id: None, new.id: "h-new"}


def test_retention_erases_exactly_the_expired_candidates_of_the_asking_workspace(
    pool: ConnectionPool, admin_conn: psycopg.Connection, context: JobContext
) -> None:
    asking, other = factories.workspace(pool), factories.workspace(pool)
    made = {}
    for ws in (asking, other):
        with transaction(pool, workspace_id=ws.id) as conn:
            old = factories.candidate(conn, ws)
            factories.resume(conn, ws, candidate_id=old.id)
            factories.application(conn, ws, candidate_id=old.id)
            recent = factories.candidate(conn, ws)
            made[ws.id] = (old.id, recent.id)
            # A Telegram chat later tied to the old candidate: its first message, a voice
            # note, was stored before anyone knew whose chat it was.
            telegram_chats.seen(conn, workspace_id=ws.id, chat_id=777, access_hash=1,
                                username="old_one")  # fmt: skip
            voice, _ = messages.record_message(
                conn, workspace_id=ws.id, direction="inbound", chat_id="777", external_id="1",
                text="Здравствуйте",
            )  # fmt: skip
            messages.save_audio(conn, workspace_id=ws.id, message_id=voice.id,
                                mime_type="audio/ogg", data=b"OggS...")  # fmt: skip
            conn.execute("update telegram_chats set candidate_id = %s", (old.id,))
        admin_conn.execute(
            "update candidates set created_at = now() - interval '40 days' where id = %s",
            (made[ws.id][0],),
        )
    with transaction(pool, workspace_id=asking.id) as conn:
        workspaces.set_retention_days(conn, workspace_id=asking.id, days=30)

    result = _run(pool, asking, "retention", context)
    nothing = _run(pool, other, "retention", context)

    assert result is not None
    assert result.counts == {"candidates": 1, "resumes": 1, "messages": 1}
    assert nothing is not None and nothing.counts == {"candidates": 0}
    old, recent = made[asking.id]
    with transaction(pool, workspace_id=asking.id) as conn:
        left = [r[0] for r in conn.execute("select id from candidates order by id").fetchall()]
        files = conn.execute("select count(*) from resumes where candidate_id is null")
        assert files.fetchone()[0] == 0  # the erased candidate's file went with them
        gone = conn.execute("select (select count(*) from message_audio),"
                            " (select count(*) from telegram_chats)").fetchone()  # fmt: skip
        assert gone == (0, 0)  # the voice note and the chat went too
        entries = [e for e in audit.list_recent(conn) if e.action == retention.AUDIT_ACTION]
    assert left == [recent]
    assert len(entries) == 1 and entries[0].details["candidate_ids"] == [old]
    with transaction(pool, workspace_id=other.id) as conn:
        kept = [r[0] for r in conn.execute("select id from candidates order by id").fetchall()]
        alive = conn.execute("select (select count(*) from message_audio),"
                             " (select count(*) from telegram_chats)").fetchone()  # fmt: skip
    assert kept == sorted(made[other.id])
    assert alive == (1, 1)


def test_ended_sessions_of_every_user_are_forgotten(
    pool: ConnectionPool, admin_conn: psycopg.Connection
) -> None:
    user_id = admin_conn.execute(
        "insert into users (email, full_name, password_hash) values ('s@x.test', 'S', 'h')"
        " returning id"
    ).fetchone()[0]
    admin_conn.execute(
        "insert into sessions (id, user_id, expires_at) values"
        " (gen_random_uuid(), %s, now() - interval '3 days'),"
        " (gen_random_uuid(), %s, now() + interval '3 days')",
        (user_id, user_id),
    )
    assert run_global(pool, kind="forget_sessions") == {"sessions_deleted": 1}
    left = admin_conn.execute("select count(*) from sessions where user_id = %s", (user_id,))
    assert left.fetchone()[0] == 1


def test_a_failing_workspace_is_recorded_and_retried_later_and_others_still_run(
    pool: ConnectionPool, context: JobContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken, fine = factories.workspace(pool), factories.workspace(pool)

    def flaky(conn, *, workspace_id, context):  # type: ignore[no-untyped-def]
        conn.execute("update interviews set link_token_hash = null")  # rolled back below
        if workspace_id == broken.id:
            raise RuntimeError("disk on fire")
        return JobOutcome({"links_dropped": 0})

    monkeypatch.setitem(runner.JOBS, "expire_links", flaky)
    failed = _run(pool, broken, "expire_links", context)
    succeeded = _run(pool, fine, "expire_links", context)

    assert failed is not None and failed.outcome == "retry"
    assert failed.error == "RuntimeError: disk on fire"
    assert succeeded is not None and succeeded.outcome == "succeeded"
    assert _run(pool, broken, "expire_links", context) is None  # backing off
    with transaction(pool, workspace_id=broken.id) as conn:
        job = jobs.get_job(conn, job_id=failed.job_id)
    assert job.status == "queued" and job.attempts == 1 and job.scheduled_for > job.created_at
