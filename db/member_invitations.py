"""Member invitations: how a person joins a workspace, by accepting an owner's invitation.

An owner invites an e-mail address; nothing looks the address up, so inviting tells the owner
nothing about who has an account. The invitee sees invitations addressed to their own e-mail
under `app.user_id` alone (policies of 0009_member_invitations.sql) and answers them. An
invitation is open until it is accepted, declined or revoked; past `expires_at` it can no
longer be answered, but inviting the address again refreshes it.

Owners' functions run in the workspace's tenant context; the invitee's functions set the
invitee's own context themselves (see `accept` for the one place that then enters the
workspace's context).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import psycopg
from psycopg.rows import class_row

from db import memberships
from db.errors import Conflict, InvalidValue, NotFound
from db.pool import set_context
from db.users import normalize_email

TTL = timedelta(days=14)
_COLUMNS = (
    "id, workspace_id, email, role, invited_by, created_at, expires_at, accepted_at, "
    "declined_at, revoked_at"
)
_OPEN = "accepted_at is null and declined_at is null and revoked_at is null"


class InvitationExpired(Conflict):
    """The invitation ran out before it was answered; the owner can invite again."""

    code = "invitation_expired"


class InvitationAnswered(Conflict):
    """The invitation was already accepted or declined."""

    code = "invitation_answered"


class InvitationRevoked(Conflict):
    """The workspace withdrew the invitation."""

    code = "invitation_revoked"


class AlreadyMember(Conflict):
    """The address belongs to a member already (owners see members, so this reveals nothing)."""

    code = "already_member"


@dataclass(frozen=True)
class Invitation:
    """An invitation as the workspace's owners see it."""

    id: UUID
    workspace_id: UUID
    email: str
    role: str
    invited_by: int | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    declined_at: datetime | None
    revoked_at: datetime | None

    def status(self, now: datetime) -> str:
        """accepted, declined, revoked, expired or pending."""
        for name in ("accepted", "declined", "revoked"):
            if getattr(self, f"{name}_at") is not None:
                return name
        return "expired" if self.expires_at <= now else "pending"


@dataclass(frozen=True)
class ReceivedInvitation:
    """An open invitation as its invitee sees it: which workspace, which role, from whom."""

    id: UUID
    workspace_id: UUID
    workspace_name: str
    role: str
    invited_by_email: str | None
    created_at: datetime
    expires_at: datetime


def invite(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    email: str,
    role: str,
    invited_by: int | None,
    ttl: timedelta = TTL,
) -> Invitation:
    """Invite an address to the current workspace; an open invitation to the same address is
    refreshed (role, inviter, expiry) instead of duplicated. Members cannot be invited."""
    if role not in memberships.ROLES:
        raise InvalidValue(f"unknown role '{role}'; use one of {', '.join(memberships.ROLES)}")
    address = normalize_email(email)
    member = conn.execute(
        "select 1 from memberships m join users u on u.id = m.user_id "
        "where m.workspace_id = %s and lower(u.email) = %s",
        (workspace_id, address),
    ).fetchone()
    if member:
        raise AlreadyMember(f"{address} is already a member; change their role instead")
    try:
        with conn.transaction(), conn.cursor(row_factory=class_row(Invitation)) as cur:
            cur.execute(
                f"""
                insert into member_invitations (workspace_id, email, role, invited_by, expires_at)
                values (%s, %s, %s, %s, now() + %s)
                on conflict (workspace_id, email) where {_OPEN}
                do update set role = excluded.role, invited_by = excluded.invited_by,
                              expires_at = excluded.expires_at
                returning {_COLUMNS}
                """,
                (workspace_id, address, role, invited_by, ttl),
            )
            row = cur.fetchone()
    except psycopg.errors.CheckViolation as e:
        raise InvalidValue(f"'{email}' is not a valid email address") from e
    assert row is not None
    return row


def list_for_workspace(conn: psycopg.Connection, *, workspace_id: UUID) -> list[Invitation]:
    """The workspace's unanswered invitations (pending or expired), newest first."""
    # The explicit workspace filter matters: an owner with app.user_id set would also see
    # invitations addressed to them by other workspaces.
    with conn.cursor(row_factory=class_row(Invitation)) as cur:
        cur.execute(
            f"select {_COLUMNS} from member_invitations where workspace_id = %s and {_OPEN} "
            "order by created_at desc, email",
            (workspace_id,),
        )
        return cur.fetchall()


def revoke(conn: psycopg.Connection, *, workspace_id: UUID, invitation_id: UUID) -> Invitation:
    """Withdraw an unanswered invitation of the current workspace (expired ones too)."""
    invitation = _lock(conn, invitation_id, "workspace_id = %s", workspace_id)
    _ensure_unanswered(invitation)
    with conn.cursor(row_factory=class_row(Invitation)) as cur:
        cur.execute(
            f"update member_invitations set revoked_at = now() where id = %s returning {_COLUMNS}",
            (invitation_id,),
        )
        row = cur.fetchone()
    assert row is not None
    return row


def list_received(conn: psycopg.Connection, *, user_id: int) -> list[ReceivedInvitation]:
    """Open, unexpired invitations addressed to the user's e-mail, newest first. The inviter's
    row is readable here through the `inviters` policy on users (0010_users_rls.sql)."""
    set_context(conn, user_id=user_id)
    with conn.cursor(row_factory=class_row(ReceivedInvitation)) as cur:
        cur.execute(
            """
            select i.id, i.workspace_id, w.name as workspace_name, i.role,
                   inviter.email as invited_by_email, i.created_at, i.expires_at
            from member_invitations i
            join workspaces w on w.id = i.workspace_id
            left join users inviter on inviter.id = i.invited_by
            where i.email = app_user_email() and i.expires_at > now()
              and i.accepted_at is null and i.declined_at is null and i.revoked_at is null
            order by i.created_at desc
            """
        )
        return cur.fetchall()


def accept(conn: psycopg.Connection, *, user_id: int, invitation_id: UUID) -> memberships.Member:
    """Accept an invitation addressed to the user and join its workspace with its role.

    Two steps in the caller's transaction. First, as the invitee (app.user_id only, any tenant
    context dropped), the invitation is locked, checked to be theirs, open and unexpired, and
    marked accepted. Only then does the transaction enter the invitation's workspace context,
    which inserting the membership needs; it stays there, so the caller can record the audit
    entry. A user who is already a member keeps their membership and role as they are.
    """
    invitation = _lock_own(conn, user_id, invitation_id)
    conn.execute(
        "update member_invitations set accepted_at = now() where id = %s", (invitation_id,)
    )
    workspace_id = invitation.workspace_id
    set_context(conn, workspace_id=workspace_id, user_id=user_id)
    if memberships.get_role(conn, workspace_id=workspace_id, user_id=user_id) is None:
        return memberships.add_member(
            conn,
            workspace_id=workspace_id,
            user_id=user_id,
            role=invitation.role,  # type: ignore[arg-type]  # checked by the schema
        )
    return memberships.get_member(conn, workspace_id=workspace_id, user_id=user_id)


def decline(conn: psycopg.Connection, *, user_id: int, invitation_id: UUID) -> Invitation:
    """Decline an invitation addressed to the user; no tenant context is ever entered."""
    _lock_own(conn, user_id, invitation_id)
    with conn.cursor(row_factory=class_row(Invitation)) as cur:
        cur.execute(
            f"update member_invitations set declined_at = now() where id = %s returning {_COLUMNS}",
            (invitation_id,),
        )
        row = cur.fetchone()
    assert row is not None
    return row


def _lock_own(conn: psycopg.Connection, user_id: int, invitation_id: UUID) -> Invitation:
    """The user's own open invitation, locked, in the user's context only.

    The e-mail filter is explicit, not left to the policy alone: in a tenant context the
    tenant policy would show the workspace's invitations to anyone."""
    set_context(conn, user_id=user_id)
    invitation = _lock(conn, invitation_id, "email = app_user_email()")
    _ensure_unanswered(invitation)
    if invitation.expires_at <= _now(conn):
        raise InvitationExpired("this invitation has expired; ask the workspace owner again")
    return invitation


def _lock(conn: psycopg.Connection, invitation_id: UUID, where: str, *args: object) -> Invitation:
    with conn.cursor(row_factory=class_row(Invitation)) as cur:
        cur.execute(
            f"select {_COLUMNS} from member_invitations where id = %s and {where} for update",
            (invitation_id, *args),
        )
        row = cur.fetchone()
    if row is None:
        raise NotFound("invitation not found")
    return row


def _ensure_unanswered(invitation: Invitation) -> None:
    if invitation.revoked_at is not None:
        raise InvitationRevoked("the workspace has withdrawn this invitation")
    if invitation.accepted_at is not None or invitation.declined_at is not None:
        raise InvitationAnswered("this invitation has already been answered")


def _now(conn: psycopg.Connection) -> datetime:
    """The transaction's clock, the one the schema's checks compare with."""
    row = conn.execute("select now()").fetchone()
    assert row is not None
    return row[0]
