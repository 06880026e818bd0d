"""Migrations: idempotent, recorded, guarded against edits and newer schemas; the resulting
catalog has RLS on every tenant table and an application role that cannot bypass it."""

from __future__ import annotations

import psycopg
import pytest

from db.bootstrap import prepare_database
from db.errors import MigrationError, SchemaTooNew
from db.migrate import apply_migrations, latest_version, load_migrations


def test_migrations_are_recorded_in_order(admin_conn: psycopg.Connection, prepared) -> None:
    rows = admin_conn.execute("select version from schema_migrations order by version").fetchall()
    assert [r[0] for r in rows] == [m.version for m in load_migrations()]
    assert rows[-1][0] == latest_version()


def test_applying_twice_is_a_no_op(admin_conn: psycopg.Connection, prepared, settings) -> None:
    before = admin_conn.execute(
        "select count(*) from pg_tables where schemaname = 'public'"
    ).fetchone()
    assert apply_migrations(admin_conn) == []
    assert prepare_database(settings).applied == []
    after = admin_conn.execute(
        "select count(*) from pg_tables where schemaname = 'public'"
    ).fetchone()
    assert before == after


def test_newer_schema_is_refused(admin_conn: psycopg.Connection, prepared) -> None:
    future = latest_version() + 1
    admin_conn.execute(
        "insert into schema_migrations (version, name, checksum) values (%s, 'future', 'x')",
        (future,),
    )
    try:
        with pytest.raises(SchemaTooNew, match="upgrade selectio"):
            apply_migrations(admin_conn)
    finally:
        admin_conn.execute("delete from schema_migrations where version = %s", (future,))


def test_edited_migration_is_refused(admin_conn: psycopg.Connection, prepared) -> None:
    admin_conn.execute("update schema_migrations set checksum = 'edited' where version = 1")
    try:
        with pytest.raises(MigrationError, match="changed after it was applied"):
            apply_migrations(admin_conn)
    finally:
        checksum = load_migrations()[0].checksum
        admin_conn.execute(
            "update schema_migrations set checksum = %s where version = 1", (checksum,)
        )


def test_every_tenant_table_has_forced_rls_and_a_policy(
    admin_conn: psycopg.Connection, prepared
) -> None:
    tables = [
        r[0]
        for r in admin_conn.execute(
            """
            select c.table_name from information_schema.columns c
            join information_schema.tables t using (table_schema, table_name)
            where c.table_schema = 'public' and c.column_name = 'workspace_id'
              and t.table_type = 'BASE TABLE'
            """
        ).fetchall()
    ]
    expected = {
        "memberships", "api_keys", "audit_log", "integrations", "telegram_sessions", "vacancies",
        "candidates", "resumes", "applications", "screenings", "interviews", "interview_turns",
        "interview_reports", "messages", "outbox", "leads", "jobs", "candidate_notes",
        "workspace_schedules",
    }  # fmt: skip
    assert expected <= set(tables)
    missing = []
    for table in tables:
        enabled, forced = admin_conn.execute(
            "select relrowsecurity, relforcerowsecurity from pg_class where oid = %s::regclass",
            (table,),
        ).fetchone()
        policies = admin_conn.execute(
            "select count(*) from pg_policies where schemaname = 'public' and tablename = %s",
            (table,),
        ).fetchone()[0]
        if not (enabled and forced and policies):
            missing.append(table)
    assert missing == []


def test_app_role_cannot_bypass_rls(admin_conn: psycopg.Connection, prepared, settings) -> None:
    role = settings.db_app_role
    superuser, bypass = admin_conn.execute(
        "select rolsuper, rolbypassrls from pg_roles where rolname = %s", (role,)
    ).fetchone()
    assert (superuser, bypass) == (False, False)
    owned = admin_conn.execute(
        "select count(*) from pg_tables where schemaname = 'public' and tableowner = %s", (role,)
    ).fetchone()[0]
    assert owned == 0


def test_app_role_cannot_rewrite_audit_or_migrations(pool, prepared) -> None:
    with pool.connection() as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("delete from audit_log")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select * from schema_migrations")
