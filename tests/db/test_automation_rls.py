"""Cross-workspace automation under RLS: automation_due_work() tells the Orchestrator which
workspaces have due work as ids, kinds and counts only; the application role still sees one
workspace's rows at a time, schedules included."""

from __future__ import annotations

import psycopg
from psycopg_pool import ConnectionPool

from db import interviews, resume_leases, schedules
from db.pool import transaction
from tests.db import factories

KINDS = ["expire_interviews", "recover_parses", "expire_links", "retention"]


def _overdue_interview(conn, ws):  # type: ignore[no-untyped-def]
    interview = factories.interview(conn, ws)
    interviews.set_interview_status(conn, interview_id=interview.id, status="active")
    conn.execute(
        "update interviews set started_at = now() - interval '3 hours' where id = %s",
        (interview.id,),
    )
    return interview


def _stuck_parse(conn, ws):  # type: ignore[no-untyped-def]
    resume = factories.resume(conn, ws)
    resume_leases.claim_for_parsing(conn, resume_id=resume.id)
    conn.execute(
        "update resumes set parse_lease_until = now() - interval '1 minute' where id = %s",
        (resume.id,),
    )
    return resume


def test_due_work_counts_every_workspace_but_returns_ids_kinds_and_counts_only(
    pool: ConnectionPool,
) -> None:
    a, b = factories.workspace(pool), factories.workspace(pool)
    with transaction(pool, workspace_id=a.id) as conn:
        _overdue_interview(conn, a)
        _overdue_interview(conn, a)
    with transaction(pool, workspace_id=b.id) as conn:
        _stuck_parse(conn, b)

    with pool.connection() as conn:  # no tenant context at all
        cur = conn.execute("select * from automation_due_work(%s, %s)", (KINDS, 1800))
        assert [c.name for c in cur.description] == ["workspace_id", "kind", "due_count"]
        assert conn.execute("select count(*) from interviews").fetchone()[0] == 0
    with transaction(pool) as conn:
        due = {(d.workspace_id, d.kind): d.due_count for d in schedules.due_work(
            conn, kinds=KINDS, max_interview_s=1800
        )}  # fmt: skip
        only_parses = schedules.due_work(conn, kinds=["recover_parses"], max_interview_s=1800)
    assert due[(a.id, "expire_interviews")] == 2
    assert due[(b.id, "recover_parses")] == 1
    assert {(d.workspace_id, d.kind) for d in only_parses} == {(b.id, "recover_parses")}


def test_a_workspace_schedule_turns_its_kind_off_there_only(pool: ConnectionPool) -> None:
    a, b = factories.workspace(pool), factories.workspace(pool)
    for ws in (a, b):
        with transaction(pool, workspace_id=ws.id) as conn:
            _overdue_interview(conn, ws)
    with transaction(pool, workspace_id=a.id) as conn:
        schedules.set_schedule(
            conn, kind="expire_interviews", interval_s=60, enabled=False, workspace_id=a.id
        )
    with transaction(pool) as conn:
        due = {d.workspace_id for d in schedules.due_work(
            conn, kinds=["expire_interviews"], max_interview_s=1800
        )}  # fmt: skip
    assert b.id in due and a.id not in due


def test_app_role_still_sees_one_workspace_and_only_its_own_schedules(
    pool: ConnectionPool,
) -> None:
    a, b = factories.workspace(pool), factories.workspace(pool)
    with transaction(pool, workspace_id=b.id) as conn:
        hidden = _overdue_interview(conn, b)
        _stuck_parse(conn, b)
        schedules.set_schedule(conn, kind="retention", interval_s=60, workspace_id=b.id)
    with transaction(pool, workspace_id=a.id) as conn:
        for table in ("interviews", "resumes", "candidates", "jobs"):
            rows = conn.execute(f"select count(*) from {table} where workspace_id = %s", (b.id,))
            assert rows.fetchone()[0] == 0, table
        assert (
            conn.execute("select count(*) from interviews where id = %s", (hidden.id,)).fetchone()[
                0
            ]
            == 0
        )
        seen = {(s.workspace_id, s.kind) for s in schedules.list_schedules(conn)}
        assert (b.id, "retention") not in seen
        assert (None, "expire_interviews") in seen
        other_workspace = conn.execute(
            "update workspaces set retention_days = 1 where id = %s", (b.id,)
        ).rowcount
        assert other_workspace == 0


def test_functions_are_security_definer_owned_by_the_schema_owner_and_not_public(
    admin_conn: psycopg.Connection, settings, prepared
) -> None:  # type: ignore[no-untyped-def]
    rows = admin_conn.execute(
        """
        select p.proname, p.prosecdef, pg_get_userbyid(p.proowner),
               pg_get_function_result(p.oid), p.proconfig
        from pg_proc p
        where p.proname in ('automation_due_work', 'automation_forget_sessions',
                            'automation_forget_idempotency_keys')
        """
    ).fetchall()
    owner = admin_conn.execute("select current_user").fetchone()[0]
    assert len(rows) == 3
    for name, definer, fn_owner, _result, config in rows:
        assert definer and fn_owner == owner, name
        assert any(c.startswith("search_path=") for c in config), name
    results = {r[0]: r[3] for r in rows}
    assert results["automation_due_work"] == (
        "TABLE(workspace_id uuid, kind text, due_count bigint)"
    )
    admin_conn.execute("drop role if exists automation_probe")
    admin_conn.execute("create role automation_probe")
    try:
        for signature in (
            "automation_due_work(text[], integer)", "automation_forget_sessions()",
            "automation_forget_idempotency_keys()",
        ):  # fmt: skip
            probe = admin_conn.execute(
                "select has_function_privilege('automation_probe', %s, 'execute'),"
                " has_function_privilege(%s, %s, 'execute')",
                (signature, settings.db_app_role, signature),
            ).fetchone()
            assert probe == (False, True), signature
    finally:
        admin_conn.execute("drop role automation_probe")
