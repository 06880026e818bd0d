"""Repositories of identity and access: users, workspaces, memberships, API keys, audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from db import api_keys, audit, memberships, users, workspaces
from db.errors import Conflict, NotFound
from db.pool import transaction


def test_slugify_transliterates_russian_and_keeps_ascii() -> None:
    assert workspaces.slugify("ООО «Ромашка»") == "ooo-romashka"
    assert workspaces.slugify("Acme Inc.") == "acme-inc"
    assert workspaces.slugify("!!").startswith("ws-")


def test_users_are_unique_by_email_in_any_case(pool) -> None:
    with transaction(pool) as conn:
        user = users.create_user(conn, email=" Anna@Example.com ", password_hash="h1")
    assert user.email == "anna@example.com"
    with pytest.raises(Conflict, match="already exists"):
        with transaction(pool) as conn:
            users.create_user(conn, email="ANNA@example.com", password_hash="h2")
    with transaction(pool) as conn:
        found, stored = users.get_credentials(conn, email="anna@EXAMPLE.com")
        assert (found.id, stored) == (user.id, "h1")
        assert users.id_by_email(conn, email="ANNA@example.com") == user.id
    with transaction(pool, user_id=user.id) as conn:  # RLS: a user rewrites their own row only
        users.set_password_hash(conn, user_id=user.id, password_hash="h3")
        assert users.get_user(conn, user_id=user.id).is_active is True
        with pytest.raises(NotFound):
            users.get_user(conn, user_id=10**9)
    with transaction(pool) as conn:
        assert users.get_credentials(conn, email="anna@example.com")[1] == "h3"


def test_workspace_slug_conflict_and_rename(pool) -> None:
    with transaction(pool) as conn:
        ws = workspaces.create_workspace(conn, name="Initech")
    with pytest.raises(Conflict, match="slug 'initech'"):
        with transaction(pool) as conn:
            workspaces.create_workspace(conn, name="Initech")
    with transaction(pool, workspace_id=ws.id) as conn:
        renamed = workspaces.rename_workspace(conn, workspace_id=ws.id, name="Initech LLC")
    assert (renamed.slug, renamed.name) == ("initech", "Initech LLC")
    with transaction(pool) as conn:
        assert workspaces.find_by_slug(conn, slug="initech").id == ws.id
        assert workspaces.find_by_slug(conn, slug="nope") is None


def test_memberships_keep_an_owner(pool) -> None:
    with transaction(pool) as conn:
        owner = users.create_user(conn, email="o@hooli.test", password_hash="h")
        second = users.create_user(conn, email="s@hooli.test", password_hash="h")
        ws = workspaces.create_workspace(conn, name="Hooli")
        memberships.add_member(conn, workspace_id=ws.id, user_id=owner.id, role="owner")
        memberships.add_member(conn, workspace_id=ws.id, user_id=second.id, role="viewer")
    with pytest.raises(Conflict, match="at least one owner"):
        with transaction(pool, workspace_id=ws.id) as conn:
            memberships.add_member(conn, workspace_id=ws.id, user_id=owner.id, role="viewer")
    with transaction(pool, workspace_id=ws.id) as conn:
        memberships.add_member(conn, workspace_id=ws.id, user_id=second.id, role="owner")
        memberships.remove_member(conn, workspace_id=ws.id, user_id=owner.id)
        listed = memberships.list_members(conn, workspace_id=ws.id)
    assert [(m.email, m.role) for m in listed] == [("s@hooli.test", "owner")]
    assert memberships.role_at_least("owner", "recruiter")
    assert not memberships.role_at_least("viewer", "recruiter")


def test_api_keys_revoke_and_expiry(pool) -> None:
    with transaction(pool) as conn:
        ws = workspaces.create_workspace(conn, name="Umbrella")
        key = api_keys.create_api_key(
            conn, workspace_id=ws.id, name="ci", prefix="sel_…abc", key_hash="hash-1",
            role="recruiter", expires_at=datetime.now(UTC) + timedelta(days=1),
        )  # fmt: skip
    now = datetime.now(UTC)
    assert key.is_usable(now) and not key.is_usable(now + timedelta(days=2))
    with transaction(pool, workspace_id=ws.id) as conn:
        first = api_keys.revoke_api_key(conn, key_id=key.id)
        again = api_keys.revoke_api_key(conn, key_id=key.id)
        assert first.revoked_at == again.revoked_at
        assert api_keys.list_api_keys(conn) == []
        assert [k.id for k in api_keys.list_api_keys(conn, include_revoked=True)] == [key.id]
        assert not api_keys.find_by_hash(conn, key_hash="hash-1").is_usable(now)
    with pytest.raises(psycopg.errors.UniqueViolation):
        with transaction(pool, workspace_id=ws.id) as conn:
            api_keys.create_api_key(
                conn, workspace_id=ws.id, name="dup", prefix="p", key_hash="hash-1", role="viewer"
            )


def test_audit_is_append_only_for_the_app(pool) -> None:
    with transaction(pool) as conn:
        ws = workspaces.create_workspace(conn, name="Wayne")
        entry = audit.record(
            conn, workspace_id=ws.id, action="vacancy.create", target_type="vacancy",
            target_id=7, details={"title": "x"},
        )  # fmt: skip
    assert (entry.target_id, entry.details) == ("7", {"title": "x"})
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with transaction(pool, workspace_id=ws.id) as conn:
            conn.execute("update audit_log set action = 'forged'")
    with transaction(pool, workspace_id=ws.id) as conn:
        assert [e.action for e in audit.list_recent(conn)] == ["vacancy.create"]
