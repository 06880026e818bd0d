"""The daily lead digest: the day's figures agree with the leads and their history, the top
three new leads by fit, told to the owners once per day; a quiet day tells nobody; the
automation run is queued for 08:00 in the profile's zone by the first lead and again by
each run that ends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from psycopg_pool import ConnectionPool

from db import jobs, leadgen_profiles, leads
from db.pool import transaction
from pipelines.automation.base import JobContext
from pipelines.automation.lead_digest import KIND, lead_digest
from pipelines.leads.digest import day_bounds, send_digest, yesterday
from serve_apps import accounts as people

TZ = "America/New_York"


@pytest.fixture(scope="module")
def space(pool: ConnectionPool) -> Any:
    owner = people.create_user_account(pool, email="owner@digest.test", password="pw-12345678")
    ws = people.create_workspace(pool, name="Digest Staffing", owner_id=owner.id)
    with transaction(pool, workspace_id=ws.id) as conn:
        leadgen_profiles.save_profile(conn, workspace_id=ws.id, updated_by=owner.id,
                                      meeting_timezone=TZ, strong_threshold=80)  # fmt: skip
    return ws


def _today() -> date:
    return datetime.now(UTC).astimezone(ZoneInfo(TZ)).date()


def _told(pool: ConnectionPool, ws: Any) -> list[dict[str, Any]]:
    with transaction(pool, workspace_id=ws.id) as conn:
        rows = conn.execute(
            "select subject, body from notifications where kind = 'lead.digest' order by id"
        ).fetchall()
    return [{**r[0], "body": r[1]} for r in rows]


def test_days_are_the_profiles_calendar_days() -> None:
    start, end = day_bounds(date(2030, 3, 10), TZ)  # the day New York moves its clocks
    assert (start.hour, end - start) == (5, timedelta(hours=23))
    assert yesterday(datetime(2030, 3, 11, 3, 0, tzinfo=UTC), TZ) == date(2030, 3, 9)


def test_the_digest_counts_the_day_and_is_told_once(pool: ConnectionPool, space: Any) -> None:
    assert send_digest(pool, space.id, day=_today(), tz=TZ).empty  # nothing yet: nobody told
    assert _told(pool, space) == []
    with transaction(pool, workspace_id=space.id) as conn:
        made = []
        for n, fit in enumerate([91, 60, 85, 40, None]):
            lead, _ = leads.upsert_lead(conn, workspace_id=space.id, source="djinni",
                                        external_id=f"d{n}", title=f"Role {n}",
                                        company=f"Co {n}")  # fmt: skip
            if fit is not None:
                leads.save_analysis(conn, lead_id=lead.id, language="en", analysis={},
                                    fit_score=fit, fit_reasons=[], bench_matches=[],
                                    dedupe_key=None)  # fmt: skip
            made.append(lead.id)
        leads.mark_duplicate(conn, lead_id=made[4], duplicate_of=made[0])
        leads.add_event(conn, lead_id=made[0], kind="message_out", body="hi",
                        external_id="outbox:1")  # fmt: skip
        leads.add_event(conn, lead_id=made[2], kind="message_out", body="hi",
                        external_id="outbox:2")  # fmt: skip
        leads.add_event(conn, lead_id=made[0], kind="message_in", body="yes", external_id="m1")
        leads.add_event(conn, lead_id=made[0], kind="meeting", external_id="inv-1",
                        data={"status": "scheduled"})  # fmt: skip

    digest = send_digest(pool, space.id, day=_today(), tz=TZ)
    again = send_digest(pool, space.id, day=_today(), tz=TZ)

    assert (digest.new, digest.strong, digest.responded, digest.replied, digest.meetings) == \
        (4, 2, 2, 1, 1)  # fmt: skip
    assert [t["fit_score"] for t in digest.top] == [91, 85, 60] and again == digest
    [told] = _told(pool, space)  # once per day, however often it runs
    assert told["day"] == _today().isoformat() and told["new"] == 4
    assert told["top"] == "1. Role 0 — Co 0 (91); 2. Role 2 — Co 2 (85); 3. Role 1 — Co 1 (60)"
    assert "4 new leads (2 strong), 2 responses sent, 1 replies, 1 meetings" in told["body"]
    assert send_digest(pool, space.id, day=_today() - timedelta(days=1), tz=TZ).empty


def test_the_run_is_queued_for_eight_local_and_each_run_queues_the_next(
    pool: ConnectionPool, space: Any
) -> None:
    with transaction(pool, workspace_id=space.id) as conn:  # a lead (the first) queues a run
        leads.upsert_lead(conn, workspace_id=space.id, source="hh", external_id="run-1")
        [queued] = [j for j in jobs.list_jobs(conn, kind=KIND) if j.status == "queued"]
        due_at = conn.execute("select lead_digest_due_at(%s)", (TZ,)).fetchone()[0]
        next_morning = conn.execute(
            "select lead_digest_due_at(%s, %s)",
            ("Nowhere/Atlantis", datetime(2030, 1, 1, 9, 0, tzinfo=UTC)),
        ).fetchone()[0]
    local = queued.scheduled_for.astimezone(ZoneInfo(TZ))
    assert (local.hour, local.minute) == (8, 0) and queued.scheduled_for == due_at
    assert queued.scheduled_for - datetime.now(UTC) <= timedelta(days=1)
    assert next_morning == datetime(2030, 1, 2, 8, 0, tzinfo=UTC)  # unknown zone: UTC

    with transaction(pool, workspace_id=space.id) as conn:  # its time came
        conn.execute("update jobs set scheduled_for = now() where id = %s", (queued.id,))
        lease = jobs.claim_run(conn, workspace_id=space.id, kind=KIND, owner="test")
    assert lease is not None and lease.job_id == queued.id
    with transaction(pool, workspace_id=space.id) as conn:  # as the automation runner does
        outcome = lead_digest(conn, workspace_id=space.id, context=JobContext(
            dispatcher=None, max_interview_s=60))  # type: ignore[arg-type]  # fmt: skip
        jobs.end_run(conn, lease=lease, counts=outcome.counts)
    assert outcome.counts["told"] == 0  # yesterday was quiet in this new workspace

    with transaction(pool, workspace_id=space.id) as conn:
        runs = {j.status: j for j in jobs.list_jobs(conn, kind=KIND)}
    assert set(runs) == {"succeeded", "queued"}
    assert runs["queued"].scheduled_for == due_at
