"""The schema owned by an ordinary role, as on a managed PostgreSQL where nobody is superuser:
migrations apply, the application role still sees one workspace at a time, and the owner's
SECURITY DEFINER functions (the Orchestrator's due work, the session sweep, the inbound-hook
lookup) still see across workspaces through the narrow policies written for the owner, since
forced row-level security would otherwise hide every row from it too."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from db import inbound_hooks, schedules
from db.bootstrap import PreparedDatabase, prepare_database
from db.pool import open_pool, transaction
from db.settings import Settings
from tests.db import factories


@pytest.fixture(scope="module")
def owned(
    pg_admin_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PreparedDatabase]:
    suffix = uuid.uuid4().hex[:8]
    owner, app_role, dbname = f"owner_{suffix}", f"app_{suffix}", f"owned_{suffix}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f"create role {owner} login createrole password 'owner-pw-123'")
        conn.execute(f"create database {dbname} owner {owner}")
    # pgvector is not a trusted extension: a provider's administrator installs it.
    with psycopg.connect(make_conninfo(pg_admin_url, dbname=dbname), autocommit=True) as conn:
        conn.execute("create extension vector")
        conn.execute(f"grant create on schema public to {owner}")
        conn.execute(f"alter schema public owner to {owner}")
    url = make_conninfo(pg_admin_url, dbname=dbname, user=owner, password="owner-pw-123")
    settings = Settings(
        home=tmp_path_factory.mktemp("owned"), database_url=url, db_app_role=app_role,
        secret_key="owned-secret-" + "z" * 32, _env_file=None,
    )  # fmt: skip
    prepared = prepare_database(settings)
    with psycopg.connect(url) as conn:
        assert conn.execute(
            "select rolsuper from pg_roles where rolname = current_user"
        ).fetchone() == (False,)
    yield prepared
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{dbname}" with (force)')
        conn.execute(f"drop role if exists {app_role}")
        conn.execute(f"drop role if exists {owner}")


def test_the_owners_functions_see_across_workspaces_and_the_app_role_does_not(owned) -> None:  # type: ignore[no-untyped-def]
    pool = open_pool(owned.app_url, min_size=1, max_size=2)
    try:
        a, b = factories.workspace(pool), factories.workspace(pool)
        for ws in (a, b):
            with transaction(pool, workspace_id=ws.id) as conn:
                resume = factories.resume(conn, ws)
                conn.execute(
                    "update resumes set status = 'parsing', parse_lease_until = now() - "
                    "interval '1 hour' where id = %s",
                    (resume.id,),
                )
        with transaction(pool, workspace_id=b.id) as conn:
            hook = inbound_hooks.create_hook(
                conn, workspace_id=b.id, source="generic", seal=lambda i: b"sealed-" + bytes([i])
            )
        with transaction(pool) as conn:
            due = schedules.due_work(conn, kinds=["recover_parses"], max_interview_s=1800)
            target = inbound_hooks.lookup(conn, public_id=hook.public_id)
            swept = schedules.forget_sessions(conn)
        assert {(d.workspace_id, d.kind, d.due_count) for d in due} == {
            (a.id, "recover_parses", 1), (b.id, "recover_parses", 1),
        }  # fmt: skip
        assert target is not None and target.workspace_id == b.id and swept == 0
        with transaction(pool, workspace_id=a.id) as conn:
            assert conn.execute("select count(*) from resumes").fetchone() == (1,)
            assert conn.execute("select count(*) from inbound_hooks").fetchone() == (0,)
    finally:
        pool.close()
