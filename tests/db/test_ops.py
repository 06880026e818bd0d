"""Installation-wide queue depths (db.ops): the outbox's lag per channel across workspaces,
jobs per state, recent failures, live interviews; read by the RLS-subject role with no tenant
context, and closed to other roles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
from psycopg_pool import ConnectionPool

from db import interviews, jobs, ops, outbox
from db.pool import transaction
from db.settings import Settings
from db.workspaces import Workspace
from tests.db import factories


def _message(conn: psycopg.Connection, ws: Workspace, key: str, kind: str, due_ago_s: float) -> int:
    item, _ = outbox.enqueue(
        conn, workspace_id=ws.id, kind=kind, idempotency_key=key, payload={},
        available_at=datetime.now(UTC) - timedelta(seconds=due_ago_s),
    )  # fmt: skip
    return item.id


def test_depths_span_workspaces_without_a_tenant_context(pool: ConnectionPool) -> None:
    a, b = factories.workspace(pool), factories.workspace(pool)
    with transaction(pool, workspace_id=a.id) as conn:
        _message(conn, a, "a1", "telegram.welcome", due_ago_s=600)
        _message(conn, a, "a2", "email.invite", due_ago_s=30)
        _message(conn, a, "a3", "email.invite", due_ago_s=-3600)  # held back: quiet hours
        sent = _message(conn, a, "a4", "email.invite", due_ago_s=9000)
        assert [i.id for i in outbox.claim_due(conn, limit=1)] == [sent]
        outbox.mark_sent(conn, item_id=sent)
        failed = jobs.enqueue_job(conn, workspace_id=a.id, kind="report")
        jobs.start_job(conn, job_id=failed.id)
        jobs.finish_job(conn, job_id=failed.id, status="failed", error="PDF renderer missing")
        jobs.enqueue_job(conn, workspace_id=a.id, kind="report")
        live = factories.interview(conn, a)
        interviews.set_interview_status(conn, interview_id=live.id, status="active")
    with transaction(pool, workspace_id=b.id) as conn:
        _message(conn, b, "b1", "email.invite", due_ago_s=120)

    with transaction(pool) as conn:  # no workspace: tenant rows are hidden, totals are not
        assert outbox.list_items(conn) == []
        depths = ops.queue_depths(conn)

    assert set(depths.outbox) == {"telegram", "email"}
    assert depths.outbox["telegram"].items == 1
    assert 590 < (depths.outbox["telegram"].oldest_s or 0) < 700
    assert depths.outbox["email"].items == 2  # a2 and b1: a3 is not due yet, a4 went out
    assert 110 < (depths.outbox["email"].oldest_s or 0) < 200
    assert depths.outbox_waiting == 3
    assert depths.outbox_oldest_s == depths.outbox["telegram"].oldest_s
    assert depths.jobs["queued"].items == 1
    assert depths.failed_last_hour == {"report": 1}
    assert depths.live_interviews == 1


def test_a_retry_waiting_out_its_backoff_is_told_apart_and_not_late(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        lease = jobs.claim_run(conn, workspace_id=ws.id, kind="sync_hh", owner="test")
        assert lease is not None
        jobs.end_run(conn, lease=lease, error="HH answered 503")
        depths = ops.queue_depths(conn)
    assert depths.jobs["retrying"].items == 1
    assert depths.jobs["retrying"].oldest_s is None


def test_only_the_application_role_may_call_it(
    admin_conn: psycopg.Connection, settings: Settings
) -> None:
    admin_conn.execute("drop role if exists ops_probe")
    admin_conn.execute("create role ops_probe")
    try:
        allowed = admin_conn.execute(
            "select has_function_privilege('ops_probe', 'ops_queue_depths()', 'execute'),"
            " has_function_privilege(%s, 'ops_queue_depths()', 'execute')",
            (settings.db_app_role,),
        ).fetchone()
    finally:
        admin_conn.execute("drop role ops_probe")
    assert allowed == (False, True)
