"""Row-level security on `users` and `sessions` (0010_users_rls.sql): the application role sees
a user's row only in a context that explains it, never a password hash, and writes accounts
only through the narrow database functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import psycopg
import pytest
from psycopg import sql

from db import member_invitations, memberships, sessions, users, workspaces
from db.errors import Conflict
from db.pool import transaction

_FUNCTIONS = (
    "app_inviter_ids()",
    "login_credentials(text)",
    "create_user(text, text, text)",
    "user_id_by_email(text)",
)


@dataclass(frozen=True)
class People:
    """Alice and Bob share workspace `team`; Carol is outside it, invited to `other` by Dave."""

    team: workspaces.Workspace
    alice: users.User
    bob: users.User
    carol: users.User
    dave: users.User
    invitation: member_invitations.Invitation
    alice_session: UUID
    bob_session: UUID


def _user(pool, name: str) -> users.User:  # type: ignore[no-untyped-def]
    with transaction(pool) as conn:
        return users.create_user(
            conn, email=f"{name}@users-rls.test", password_hash=f"hash-of-{name}"
        )


def _session(pool, user: users.User) -> UUID:  # type: ignore[no-untyped-def]
    with transaction(pool, user_id=user.id) as conn:
        return sessions.open_session(
            conn, user_id=user.id, expires_at=datetime.now(UTC) + timedelta(hours=1)
        )


@pytest.fixture(scope="module")
def people(pool) -> People:  # type: ignore[no-untyped-def]
    alice, bob, carol, dave = (_user(pool, n) for n in ("alice", "bob", "carol", "dave"))
    with transaction(pool) as conn:
        team = workspaces.create_workspace(conn, name="Team")
        other = workspaces.create_workspace(conn, name="Other")
    with transaction(pool, workspace_id=team.id) as conn:
        memberships.add_member(conn, workspace_id=team.id, user_id=alice.id, role="owner")
        memberships.add_member(conn, workspace_id=team.id, user_id=bob.id, role="viewer")
    with transaction(pool, workspace_id=other.id) as conn:
        memberships.add_member(conn, workspace_id=other.id, user_id=dave.id, role="owner")
        invitation = member_invitations.invite(
            conn, workspace_id=other.id, email=carol.email, role="viewer", invited_by=dave.id
        )
    return People(
        team, alice, bob, carol, dave, invitation, _session(pool, alice), _session(pool, bob)
    )


def _ids(conn: psycopg.Connection) -> set[int]:
    return {r[0] for r in conn.execute("select id from users").fetchall()}


def test_without_context_no_user_is_visible(pool, people: People, admin_conn) -> None:
    with transaction(pool) as conn:
        assert conn.execute("select count(*) from users").fetchone()[0] == 0
        assert conn.execute("select email from users").fetchall() == []
        assert conn.execute("select count(*) from sessions").fetchone()[0] == 0
    assert admin_conn.execute("select count(*) from users").fetchone()[0] >= 4


@pytest.mark.parametrize("context", ["none", "own", "workspace"])
def test_password_hashes_are_never_selectable(pool, people: People, context: str) -> None:
    given = {
        "none": {},
        "own": {"user_id": people.alice.id},
        "workspace": {"workspace_id": people.team.id, "user_id": people.alice.id},
    }[context]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with transaction(pool, **given) as conn:
            conn.execute("select password_hash from users")


def test_a_user_sees_their_own_row_and_their_inviters_only(pool, people: People) -> None:
    with transaction(pool, user_id=people.carol.id) as conn:
        # Dave invited Carol: she sees him too (the inviter policy); nobody else.
        assert _ids(conn) == {people.carol.id, people.dave.id}
    with transaction(pool, user_id=people.bob.id) as conn:
        assert _ids(conn) == {people.bob.id}
        assert users.get_user(conn, user_id=people.bob.id).email == people.bob.email


def test_a_workspace_sees_its_members_not_outsiders(pool, people: People) -> None:
    with transaction(pool, workspace_id=people.team.id, user_id=people.alice.id) as conn:
        assert _ids(conn) == {people.alice.id, people.bob.id}
        listed = memberships.list_members(conn, workspace_id=people.team.id)
    assert [m.email for m in listed] == [people.alice.email, people.bob.email]
    with transaction(pool, workspace_id=people.team.id) as conn:
        assert _ids(conn) == {people.alice.id, people.bob.id}


def test_the_invitee_sees_the_inviter_only_while_the_invitation_is_open(
    pool, people: People
) -> None:
    with transaction(pool) as conn:
        stranger = users.create_user(conn, email="stranger@users-rls.test", password_hash="h")
        ws = workspaces.create_workspace(conn, name="Revoking")
    with transaction(pool, workspace_id=ws.id) as conn:
        memberships.add_member(conn, workspace_id=ws.id, user_id=people.bob.id, role="owner")
        invitation = member_invitations.invite(
            conn, workspace_id=ws.id, email=stranger.email, role="viewer", invited_by=people.bob.id
        )
    with transaction(pool) as conn:
        received = member_invitations.list_received(conn, user_id=stranger.id)
        assert [(i.id, i.invited_by_email) for i in received] == [(invitation.id, people.bob.email)]
        assert conn.execute("select app_user_email()").fetchone()[0] == stranger.email
    with transaction(pool, workspace_id=ws.id) as conn:
        member_invitations.revoke(conn, workspace_id=ws.id, invitation_id=invitation.id)
    with transaction(pool, user_id=stranger.id) as conn:
        assert _ids(conn) == {stranger.id}


def test_login_credentials_answer_for_one_email_only(pool, people: People) -> None:
    with transaction(pool) as conn:
        rows = conn.execute(
            "select id, password_hash from login_credentials(%s)", ("ALICE@users-rls.test",)
        ).fetchall()
        assert rows == [(people.alice.id, "hash-of-alice")]
        assert (
            conn.execute("select * from login_credentials('nobody@users-rls.test')").fetchall()
            == []
        )
        assert conn.execute("select * from login_credentials('%')").fetchall() == []
        found = users.get_credentials(conn, email=" Bob@users-rls.test ")
        assert found is not None and found[0] == people.bob and found[1] == "hash-of-bob"
        assert users.id_by_email(conn, email="CAROL@users-rls.test") == people.carol.id
        assert users.id_by_email(conn, email="nobody@users-rls.test") is None


def test_a_user_cannot_rewrite_another_users_row(pool, people: People, admin_conn) -> None:
    with transaction(pool, workspace_id=people.team.id, user_id=people.alice.id) as conn:
        hijack = conn.execute(
            "update users set password_hash = 'mine', full_name = 'x' where id = %s",
            (people.bob.id,),
        )
        assert hijack.rowcount == 0
        users.set_password_hash(conn, user_id=people.alice.id, password_hash="hash-of-alice")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with transaction(pool, user_id=people.alice.id) as conn:
            # The e-mail is what invitations match on: not even one's own can change.
            conn.execute(
                "update users set email = 'x@users-rls.test' where id = %s", (people.alice.id,)
            )
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with transaction(pool, user_id=people.alice.id) as conn:
            conn.execute("delete from users where id = %s", (people.alice.id,))
    assert admin_conn.execute(
        "select password_hash from users where id = %s", (people.bob.id,)
    ).fetchone() == ("hash-of-bob",)


def test_accounts_are_created_without_context_and_stay_unique(pool, people: People) -> None:
    with transaction(pool) as conn:
        made = users.create_user(conn, email=" New@Users-RLS.test ", password_hash="h")
    assert (made.email, made.is_active) == ("new@users-rls.test", True)
    with pytest.raises(Conflict, match="already exists"):
        with transaction(pool) as conn:
            users.create_user(conn, email="NEW@users-rls.test", password_hash="h2")
    with pytest.raises(Conflict, match="not a valid email"):
        with transaction(pool) as conn:
            users.create_user(conn, email="no-at-sign", password_hash="h")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with transaction(pool) as conn:
            conn.execute(
                "insert into users (email, password_hash) values ('direct@users-rls.test', 'h')"
            )


def test_sessions_of_another_user_are_invisible_and_untouchable(pool, people: People) -> None:
    with transaction(pool, user_id=people.alice.id) as conn:
        assert [r[0] for r in conn.execute("select id from sessions").fetchall()] == [
            people.alice_session
        ]
        assert not sessions.is_live(conn, session_id=people.bob_session, user_id=people.bob.id)
        assert not sessions.revoke(conn, session_id=people.bob_session)
        assert sessions.revoke_all(conn, user_id=people.bob.id) == 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with transaction(pool, user_id=people.alice.id) as conn:
            sessions.open_session(
                conn, user_id=people.bob.id, expires_at=datetime.now(UTC) + timedelta(hours=1)
            )
    with transaction(pool, user_id=people.bob.id) as conn:
        assert sessions.is_live(conn, session_id=people.bob_session, user_id=people.bob.id)


def test_account_functions_are_narrow_and_not_public(admin_conn) -> None:
    for signature in _FUNCTIONS:
        definer, config, public = admin_conn.execute(
            "select p.prosecdef, p.proconfig, p.proacl is null or exists ("
            "  select 1 from aclexplode(p.proacl) a where a.grantee = 0)"
            " from pg_proc p where p.oid = %s::regprocedure",
            (signature,),
        ).fetchone()
        assert definer, signature
        assert any(c.startswith("search_path=") for c in config), signature
        assert not public, signature


def test_functions_work_when_the_schema_owner_is_not_a_superuser(
    admin_conn, settings, people: People
) -> None:
    """The suite migrates as a superuser, which bypasses RLS; production may not. Hand `users`
    and the functions to a plain role, inside a transaction that is rolled back, and call them
    as the application role: `users` is not forced, so its owner's functions still find rows."""
    owner = sql.Identifier("selectio_users_rls_owner")
    with admin_conn.transaction(force_rollback=True):
        admin_conn.execute(sql.SQL("create role {} nologin").format(owner))
        for table in ("users", "memberships", "member_invitations"):
            admin_conn.execute(
                sql.SQL("alter table {} owner to {}").format(sql.Identifier(table), owner)
            )
        for signature in _FUNCTIONS:
            admin_conn.execute(
                sql.SQL("alter function {} owner to {}").format(sql.SQL(signature), owner)
            )
        admin_conn.execute(
            sql.SQL("set local role {}").format(sql.Identifier(settings.db_app_role))
        )
        login = admin_conn.execute(
            "select id from login_credentials(%s)", (people.dave.email,)
        ).fetchall()
        assert login == [(people.dave.id,)]
        assert admin_conn.execute(
            "select user_id_by_email(%s)", (people.bob.email,)
        ).fetchone() == (people.bob.id,)
        made = admin_conn.execute(
            "select id from create_user('owner-test@users-rls.test', '', 'h')"
        ).fetchone()
        assert made is not None
        admin_conn.execute("select set_config('app.user_id', %s, true)", (str(people.carol.id),))
        assert _ids(admin_conn) == {people.carol.id, people.dave.id}
