"""Member invitations in the database: one open invitation per address, the invitee's own view
under app.user_id alone, accepting into a workspace whose context the invitee does not have,
and what RLS and the guard trigger keep everyone else from seeing or rewriting."""

from __future__ import annotations

import itertools

import psycopg
import pytest

from db import member_invitations, memberships, users, workspaces
from db.errors import InvalidValue, NotFound
from db.member_invitations import (
    AlreadyMember,
    InvitationAnswered,
    InvitationExpired,
    InvitationRevoked,
)
from db.pool import transaction
from tests.db import factories

_n = itertools.count(1)


def _user(pool, name: str) -> users.User:  # type: ignore[no-untyped-def]
    with transaction(pool) as conn:
        return users.create_user(conn, email=f"{name}{next(_n)}@invite.test", password_hash="x")


def _invite(pool, ws, email: str, role: str = "recruiter"):  # type: ignore[no-untyped-def]
    with transaction(pool, workspace_id=ws.id) as conn:
        return member_invitations.invite(
            conn, workspace_id=ws.id, email=email, role=role, invited_by=None
        )


def _expire(admin_conn: psycopg.Connection, invitation_id) -> None:  # type: ignore[no-untyped-def]
    admin_conn.execute(
        "update member_invitations set created_at = now() - interval '20 days', "
        "expires_at = now() - interval '1 day' where id = %s",
        (invitation_id,),
    )


def test_inviting_again_refreshes_the_open_invitation(pool) -> None:
    ws = factories.workspace(pool)
    first = _invite(pool, ws, "Anna.Smith@Example.com", "viewer")
    again = _invite(pool, ws, "  anna.smith@example.com ", "recruiter")
    assert (again.id, again.email, again.role) == (first.id, "anna.smith@example.com", "recruiter")
    assert again.expires_at >= first.expires_at
    with transaction(pool, workspace_id=ws.id) as conn:
        listed = member_invitations.list_for_workspace(conn, workspace_id=ws.id)
    assert [i.id for i in listed] == [first.id]
    with pytest.raises(InvalidValue):
        _invite(pool, ws, "x@example.com", "admin")


def test_members_cannot_be_invited(pool) -> None:
    ws = factories.workspace(pool)
    member = _user(pool, "member")
    with transaction(pool, workspace_id=ws.id) as conn:
        memberships.add_member(conn, workspace_id=ws.id, user_id=member.id, role="viewer")
    with pytest.raises(AlreadyMember):
        _invite(pool, ws, member.email.upper())


def test_invitee_sees_and_accepts_own_invitation(pool) -> None:
    ws = factories.workspace(pool, "Invitee Co")
    invitee = _user(pool, "invitee")
    invitation = _invite(pool, ws, invitee.email, "viewer")
    with transaction(pool, user_id=invitee.id) as conn:
        received = member_invitations.list_received(conn, user_id=invitee.id)
    assert [(r.id, r.workspace_name, r.role) for r in received] == [
        (invitation.id, "Invitee Co", "viewer")
    ]
    with transaction(pool, user_id=invitee.id) as conn:
        member = member_invitations.accept(conn, user_id=invitee.id, invitation_id=invitation.id)
    assert (member.workspace_id, member.user_id, member.role) == (ws.id, invitee.id, "viewer")
    with transaction(pool, user_id=invitee.id) as conn:
        assert member_invitations.list_received(conn, user_id=invitee.id) == []
        assert [w.id for w, _ in workspaces.list_for_user(conn, user_id=invitee.id)] == [ws.id]
    with pytest.raises(InvitationAnswered):
        with transaction(pool, user_id=invitee.id) as conn:
            member_invitations.accept(conn, user_id=invitee.id, invitation_id=invitation.id)


def test_expired_declined_and_revoked_invitations_cannot_be_accepted(pool, admin_conn) -> None:
    ws = factories.workspace(pool)
    invitee = _user(pool, "late")
    expired = _invite(pool, ws, invitee.email)
    _expire(admin_conn, expired.id)
    with pytest.raises(InvitationExpired):
        with transaction(pool, user_id=invitee.id) as conn:
            member_invitations.accept(conn, user_id=invitee.id, invitation_id=expired.id)

    other = factories.workspace(pool)
    revoked = _invite(pool, other, invitee.email)
    with transaction(pool, workspace_id=other.id) as conn:
        member_invitations.revoke(conn, workspace_id=other.id, invitation_id=revoked.id)
    with pytest.raises(InvitationRevoked):
        with transaction(pool, user_id=invitee.id) as conn:
            member_invitations.accept(conn, user_id=invitee.id, invitation_id=revoked.id)

    third = factories.workspace(pool)
    declined = _invite(pool, third, invitee.email)
    with transaction(pool, user_id=invitee.id) as conn:
        member_invitations.decline(conn, user_id=invitee.id, invitation_id=declined.id)
    with pytest.raises(InvitationAnswered):
        with transaction(pool, user_id=invitee.id) as conn:
            member_invitations.accept(conn, user_id=invitee.id, invitation_id=declined.id)
    with transaction(pool, user_id=invitee.id) as conn:
        assert workspaces.list_for_user(conn, user_id=invitee.id) == []


def test_another_user_cannot_see_or_accept_the_invitation(pool) -> None:
    ws = factories.workspace(pool)
    invitee, stranger = _user(pool, "invitee"), _user(pool, "stranger")
    invitation = _invite(pool, ws, invitee.email)
    with transaction(pool, user_id=stranger.id) as conn:
        assert member_invitations.list_received(conn, user_id=stranger.id) == []
        assert conn.execute("select count(*) from member_invitations").fetchone()[0] == 0
        assert conn.execute("select count(*) from workspaces").fetchone()[0] == 0
    with pytest.raises(NotFound):
        with transaction(pool, user_id=stranger.id) as conn:
            member_invitations.accept(conn, user_id=stranger.id, invitation_id=invitation.id)
    # Even a caller that wrongly opened the workspace's tenant context cannot accept for
    # someone else: accepting drops that context and checks the address itself.
    with pytest.raises(NotFound):
        with transaction(pool, workspace_id=ws.id, user_id=stranger.id) as conn:
            member_invitations.accept(conn, user_id=stranger.id, invitation_id=invitation.id)
    with transaction(pool, workspace_id=ws.id) as conn:
        assert memberships.get_role(conn, workspace_id=ws.id, user_id=stranger.id) is None


def test_app_role_sees_no_invitation_of_another_workspace(pool) -> None:
    a, b = factories.workspace(pool), factories.workspace(pool)
    of_a = _invite(pool, a, "someone@a.test")
    with transaction(pool, workspace_id=b.id) as conn:
        assert conn.execute("select count(*) from member_invitations").fetchone()[0] == 0
        assert member_invitations.list_for_workspace(conn, workspace_id=a.id) == []
        updated = conn.execute(
            "update member_invitations set revoked_at = now() where id = %s", (of_a.id,)
        ).rowcount
        assert updated == 0
    with pytest.raises(NotFound):
        with transaction(pool, workspace_id=b.id) as conn:
            member_invitations.revoke(conn, workspace_id=b.id, invitation_id=of_a.id)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with transaction(pool, workspace_id=b.id) as conn:
            conn.execute(
                "insert into member_invitations (workspace_id, email, role, expires_at) "
                "values (%s, 'x@b.test', 'owner', now() + interval '1 day')",
                (a.id,),
            )
    with transaction(pool) as conn:
        assert conn.execute("select count(*) from member_invitations").fetchone()[0] == 0


@pytest.mark.parametrize(
    "change",
    [
        "role = 'owner'",
        "expires_at = now() + interval '1 year'",
        "workspace_id = %(other)s",
        "email = 'someone.else@invite.test'",
    ],
)
def test_invitee_can_only_answer_not_rewrite(pool, change: str) -> None:
    ws, other = factories.workspace(pool), factories.workspace(pool)
    invitee = _user(pool, "rewriter")
    invitation = _invite(pool, ws, invitee.email, "viewer")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with transaction(pool, user_id=invitee.id) as conn:
            conn.execute(
                f"update member_invitations set {change} where id = %(id)s",
                {"id": invitation.id, "other": other.id},
            )


def test_invited_workspace_is_visible_to_the_invitee_only_while_open(pool) -> None:
    ws = factories.workspace(pool)
    invitee = _user(pool, "peek")
    invitation = _invite(pool, ws, invitee.email)
    with transaction(pool, user_id=invitee.id) as conn:
        assert workspaces.get_workspace(conn, workspace_id=ws.id).id == ws.id
        assert conn.execute("select count(*) from memberships").fetchone()[0] == 0
    with transaction(pool, user_id=invitee.id) as conn:
        member_invitations.decline(conn, user_id=invitee.id, invitation_id=invitation.id)
    with transaction(pool, user_id=invitee.id) as conn:
        with pytest.raises(NotFound):
            workspaces.get_workspace(conn, workspace_id=ws.id)
