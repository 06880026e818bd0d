"""Leads and jobs repositories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from psycopg_pool import ConnectionPool

from db import jobs, leads
from db.errors import InvalidTransition, InvalidValue, NotFound
from db.pool import transaction
from tests.db import factories


def test_upsert_lead_refreshes_details_and_keeps_status(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        lead, created = leads.upsert_lead(
            conn,
            workspace_id=ws.id,
            source="djinni",
            external_id="777",
            title="Python dev",
            company="Acme",
            contact={"email": "hr@acme.io"},
        )
        leads.set_lead_status(conn, lead_id=lead.id, status="responded")
        again, created_again = leads.upsert_lead(
            conn,
            workspace_id=ws.id,
            source="djinni",
            external_id="777",
            title="Senior Python dev",
            company="Acme",
            url="https://djinni.co/jobs/777",
        )
        _, other_source = leads.upsert_lead(
            conn, workspace_id=ws.id, source="hh", external_id="777"
        )
        with pytest.raises(InvalidValue):
            leads.upsert_lead(conn, workspace_id=ws.id, source="hh", external_id="")
    assert created and not created_again and other_source
    assert (again.id, again.title, again.status) == (lead.id, "Senior Python dev", "responded")
    assert (again.url, again.contact) == ("https://djinni.co/jobs/777", {})


def test_list_and_set_lead_status(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        a, _ = leads.upsert_lead(conn, workspace_id=ws.id, source="hh", external_id="1")
        b, _ = leads.upsert_lead(conn, workspace_id=ws.id, source="board", external_id="2")
        leads.set_lead_status(conn, lead_id=a.id, status="qualified")
        with pytest.raises(InvalidValue):
            leads.set_lead_status(conn, lead_id=a.id, status="pending")
        with pytest.raises(NotFound):
            leads.set_lead_status(conn, lead_id=b.id + 999, status="new")
        assert [x.id for x in leads.list_leads(conn)] == [b.id, a.id]
        assert [x.id for x in leads.list_leads(conn, status="qualified")] == [a.id]
        assert [x.id for x in leads.list_leads(conn, source="board")] == [b.id]


def test_job_lifecycle(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    now = datetime.now(UTC)
    with transaction(pool, workspace_id=ws.id) as conn:
        sync = jobs.enqueue_job(conn, workspace_id=ws.id, kind="hh.sync", payload={"full": True})
        later = jobs.enqueue_job(
            conn, workspace_id=ws.id, kind="report", scheduled_for=now + timedelta(hours=1)
        )
        screen = jobs.enqueue_job(conn, workspace_id=ws.id, kind="screen")
    with transaction(pool, workspace_id=ws.id) as conn:
        only_sync = jobs.claim_due_jobs(conn, kinds=["hh.sync"])
        rest = jobs.claim_due_jobs(conn)
        done = jobs.finish_job(conn, job_id=sync.id, status="succeeded", result={"imported": 3})
        with pytest.raises(InvalidValue):
            jobs.finish_job(conn, job_id=screen.id, status="failed")
        with pytest.raises(InvalidValue):
            jobs.finish_job(conn, job_id=screen.id, status="running")
        failed = jobs.finish_job(conn, job_id=screen.id, status="failed", error="HH API 503")
        with pytest.raises(InvalidTransition):
            jobs.finish_job(conn, job_id=sync.id, status="failed", error="again")
        with pytest.raises(InvalidTransition):  # queued, never started
            jobs.finish_job(conn, job_id=later.id, status="succeeded")
        assert [j.id for j in jobs.list_jobs(conn, status="queued")] == [later.id]
        assert [j.id for j in jobs.list_jobs(conn, kind="screen")] == [screen.id]
    assert [j.id for j in only_sync] == [sync.id]
    assert only_sync[0].status == "running" and only_sync[0].attempts == 1
    assert only_sync[0].started_at is not None
    assert [j.id for j in rest] == [screen.id]
    assert (done.status, done.result, done.finished_at is not None) == (
        "succeeded",
        {"imported": 3},
        True,
    )
    assert (failed.status, failed.error) == ("failed", "HH API 503")


def test_concurrent_job_claims_are_exclusive(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        for _ in range(3):
            jobs.enqueue_job(conn, workspace_id=ws.id, kind="k")
    with (
        transaction(pool, workspace_id=ws.id) as first,
        transaction(pool, workspace_id=ws.id) as second,
    ):
        a = jobs.claim_due_jobs(first, limit=2)
        b = jobs.claim_due_jobs(second, limit=2)
    assert len(a) == 2 and len(b) == 1
    assert not {j.id for j in a} & {j.id for j in b}


def test_a_job_is_started_once(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        job = jobs.enqueue_job(conn, workspace_id=ws.id, kind="interview_analysis")
        started = jobs.start_job(conn, job_id=job.id)
        again = jobs.start_job(conn, job_id=job.id)
        assert started is not None and started.status == "running" and started.attempts == 1
        assert again is None
        jobs.finish_job(conn, job_id=job.id, status="succeeded", result={"report_id": 1})
        assert jobs.start_job(conn, job_id=job.id) is None
        with pytest.raises(NotFound):
            jobs.start_job(conn, job_id=job.id + 1000)


def test_the_latest_job_of_a_kind_for_a_payload(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        first = jobs.enqueue_job(conn, workspace_id=ws.id, kind="k", payload={"interview_id": 1})
        other = jobs.enqueue_job(conn, workspace_id=ws.id, kind="k", payload={"interview_id": 2})
        second = jobs.enqueue_job(conn, workspace_id=ws.id, kind="k", payload={"interview_id": 1})
        jobs.enqueue_job(conn, workspace_id=ws.id, kind="other", payload={"interview_id": 1})

        assert jobs.latest_job(conn, kind="k", payload={"interview_id": 1}) == second
        assert jobs.latest_job(conn, kind="k", payload={"interview_id": 2}) == other
        assert jobs.latest_job(conn, kind="k", payload={"interview_id": 3}) is None
    assert first.id < second.id
