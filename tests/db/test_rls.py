"""Row-level security: a workspace's rows are invisible and untouchable from another
workspace's context, and with no context nothing tenant-scoped is visible at all."""

from __future__ import annotations

import psycopg
import pytest

from db import api_keys, audit, memberships, users, workspaces
from db.pool import transaction


@pytest.fixture(scope="module")
def two_workspaces(pool):  # type: ignore[no-untyped-def]
    """Workspaces A and B, each with a vacancy, an API key and an audit entry."""
    made = {}
    for label in ("a", "b"):
        with transaction(pool) as conn:
            ws = workspaces.create_workspace(conn, name=f"Company {label.upper()}")
            conn.execute(
                "insert into vacancies (workspace_id, title) values (%s, %s)",
                (ws.id, f"Vacancy of {label}"),
            )
            api_keys.create_api_key(
                conn, workspace_id=ws.id, name="k", prefix="p", key_hash=f"h-{label}", role="owner"
            )
            audit.record(conn, workspace_id=ws.id, action="test")
        made[label] = ws
    return made


def test_other_workspace_rows_are_invisible(pool, two_workspaces) -> None:
    a, b = two_workspaces["a"], two_workspaces["b"]
    with transaction(pool, workspace_id=a.id) as conn:
        titles = [r[0] for r in conn.execute("select title from vacancies").fetchall()]
        assert titles == ["Vacancy of a"]
        assert (
            conn.execute(
                "select count(*) from vacancies where workspace_id = %s", (b.id,)
            ).fetchone()[0]
            == 0
        )
        assert api_keys.find_by_hash(conn, key_hash="h-b") is None
        assert [e.workspace_id for e in audit.list_recent(conn)] == [a.id]
        assert conn.execute("select count(*) from workspaces").fetchone()[0] == 1


def test_other_workspace_rows_cannot_be_updated_or_deleted(pool, two_workspaces) -> None:
    a, b = two_workspaces["a"], two_workspaces["b"]
    with transaction(pool, workspace_id=a.id) as conn:
        updated = conn.execute(
            "update vacancies set title = 'hijacked' where workspace_id = %s", (b.id,)
        ).rowcount
        deleted = conn.execute("delete from api_keys where workspace_id = %s", (b.id,)).rowcount
        assert (updated, deleted) == (0, 0)
    with transaction(pool, workspace_id=b.id) as conn:
        assert conn.execute("select title from vacancies").fetchone()[0] == "Vacancy of b"
        assert api_keys.find_by_hash(conn, key_hash="h-b") is not None


def test_rows_cannot_be_written_into_another_workspace(pool, two_workspaces) -> None:
    a, b = two_workspaces["a"], two_workspaces["b"]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with transaction(pool, workspace_id=a.id) as conn:
            conn.execute("insert into vacancies (workspace_id, title) values (%s, 'x')", (b.id,))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with transaction(pool, workspace_id=a.id) as conn:
            conn.execute("update vacancies set workspace_id = %s", (b.id,))


def test_without_context_nothing_is_visible(pool, two_workspaces, admin_conn) -> None:
    tenant_tables = [
        r[0]
        for r in admin_conn.execute(
            "select table_name from information_schema.columns "
            "where table_schema = 'public' and column_name = 'workspace_id'"
        ).fetchall()
    ]
    with transaction(pool) as conn:
        for table in tenant_tables + ["workspaces"]:
            count = conn.execute(f'select count(*) from "{table}"').fetchone()[0]
            assert count == 0, table
    # The same tables do hold rows: the emptiness above is RLS, not an empty database.
    assert admin_conn.execute("select count(*) from vacancies").fetchone()[0] >= 2


def test_context_does_not_leak_across_transactions(pool, two_workspaces) -> None:
    with pool.connection() as conn:
        with conn.transaction():
            conn.execute(
                "select set_config('app.workspace_id', %s, true)", (str(two_workspaces["a"].id),)
            )
            assert conn.execute("select count(*) from vacancies").fetchone()[0] == 1
        assert conn.execute("select count(*) from vacancies").fetchone()[0] == 0


def test_user_sees_only_workspaces_they_belong_to(pool, two_workspaces) -> None:
    a = two_workspaces["a"]
    with transaction(pool) as conn:
        user = users.create_user(conn, email="rls-user@example.com", password_hash="x")
    with transaction(pool, workspace_id=a.id) as conn:
        memberships.add_member(conn, workspace_id=a.id, user_id=user.id, role="viewer")
    with transaction(pool, user_id=user.id) as conn:
        listed = workspaces.list_for_user(conn, user_id=user.id)
        assert [(w.id, role) for w, role in listed] == [(a.id, "viewer")]
        assert conn.execute("select count(*) from workspaces").fetchone()[0] == 1
        assert conn.execute("select count(*) from vacancies").fetchone()[0] == 0


def test_references_cannot_cross_workspaces(pool, two_workspaces) -> None:
    """Foreign keys are checked without RLS, so they are composite (workspace_id, id)."""
    a, b = two_workspaces["a"], two_workspaces["b"]
    with transaction(pool, workspace_id=b.id) as conn:
        b_vacancy = conn.execute("select id from vacancies").fetchone()[0]
        b_candidate = conn.execute(
            "insert into candidates (workspace_id, full_name) values (%s, 'B person') returning id",
            (b.id,),
        ).fetchone()[0]
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        with transaction(pool, workspace_id=a.id) as conn:
            conn.execute(
                "insert into resumes (workspace_id, candidate_id, file_name) values (%s, %s, 'x')",
                (a.id, b_candidate),
            )
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        with transaction(pool, workspace_id=a.id) as conn:
            a_candidate = conn.execute(
                "insert into candidates (workspace_id) values (%s) returning id", (a.id,)
            ).fetchone()[0]
            conn.execute(
                "insert into applications (workspace_id, candidate_id, vacancy_id) "
                "values (%s, %s, %s)",
                (a.id, a_candidate, b_vacancy),
            )
