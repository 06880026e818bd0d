"""Account operations shared by the API and the CLI: users, workspaces, members, invitations,
API keys.

Each function is one transaction with the right tenant context and an audit entry, so the
CLI and the HTTP API cannot drift apart in what they check or record.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import api_keys, audit, member_invitations, memberships, users, workspaces
from db.errors import Conflict, NotFound
from db.pool import transaction
from serve_apps.security import (
    hash_password,
    needs_rehash,
    new_api_key,
    password_problem,
    verify_password,
)

log = logging.getLogger(__name__)
# Verifying against a fixed hash keeps a login for an unknown email as slow as a real one.
_DUMMY_HASH = hash_password("selectio-timing-equaliser")


def create_user_account(
    pool: ConnectionPool, *, email: str, password: str, full_name: str = ""
) -> users.User:
    """Create a user with a hashed password; weak passwords are refused."""
    problem = password_problem(password)
    if problem:
        raise Conflict(problem)
    password_hash = hash_password(password)
    # No context: nobody is signed in yet; the database's create_user() does the insert.
    with transaction(pool) as conn:
        return users.create_user(
            conn, email=email, password_hash=password_hash, full_name=full_name
        )


def authenticate(pool: ConnectionPool, *, email: str, password: str) -> users.User | None:
    """The active user with these credentials, or None."""
    # The hash is read with no context (login_credentials), and the slow checks run with the
    # connection back in the pool.
    with transaction(pool) as conn:
        found = users.get_credentials(conn, email=email)
    if found is None:
        verify_password(_DUMMY_HASH, password)
        return None
    user, stored = found
    if not verify_password(stored, password) or not user.is_active:
        return None
    if needs_rehash(stored):
        rehashed = hash_password(password)
        # Now the user is known: RLS lets them rewrite their own row only.
        with transaction(pool, user_id=user.id) as conn:
            users.set_password_hash(conn, user_id=user.id, password_hash=rehashed)
    return user


def change_password(pool: ConnectionPool, *, user_id: int, current: str, new: str) -> bool:
    """Replace a password after checking the current one; False if it does not match."""
    problem = password_problem(new)
    if problem:
        raise Conflict(problem)
    # The user's own context: their row is visible and theirs alone to rewrite.
    with transaction(pool, user_id=user_id) as conn:
        user = users.get_user(conn, user_id=user_id)
        found = users.get_credentials(conn, email=user.email)
        if found is None or not verify_password(found[1], current):
            return False
        users.set_password_hash(conn, user_id=user_id, password_hash=hash_password(new))
    return True


def create_workspace(
    pool: ConnectionPool, *, name: str, owner_id: int | None, slug: str | None = None
) -> workspaces.Workspace:
    """A new workspace with its owner (when given) and an audit entry."""
    with transaction(pool) as conn:
        workspace = workspaces.create_workspace(conn, name=name, slug=slug)
        if owner_id is not None:
            memberships.add_member(conn, workspace_id=workspace.id, user_id=owner_id, role="owner")
        audit.record(
            conn,
            workspace_id=workspace.id,
            action="workspace.create",
            actor_user_id=owner_id,
            target_type="workspace",
            target_id=str(workspace.id),
            details={"slug": workspace.slug},
        )
    log.info("workspace created slug=%s", workspace.slug)
    return workspace


def resolve_workspace(pool: ConnectionPool, ref: str) -> workspaces.Workspace:
    """A workspace named by slug or id (ops tools accept either)."""
    try:
        workspace_id = UUID(ref)
    except ValueError:
        workspace_id = None
    with transaction(pool, workspace_id=workspace_id) as conn:
        if workspace_id is not None:
            return workspaces.get_workspace(conn, workspace_id=workspace_id)
        found = workspaces.find_by_slug(conn, slug=ref)
    if found is None:
        raise NotFound(f"no workspace with slug or id '{ref}'")
    return found


def add_member(
    pool: ConnectionPool,
    *,
    workspace_id: UUID,
    email: str,
    role: memberships.Role,
    actor_user_id: int | None = None,
    actor_api_key_id: int | None = None,
    password: str | None = None,
    full_name: str = "",
) -> memberships.Member:
    """Add a user by email, creating the account when a password is given.

    An operator action (CLI, fixtures): it adds without the person's consent and says whether
    the address has an account, so the API never calls it; the API invites instead."""
    with transaction(pool) as conn:
        user_id = users.id_by_email(conn, email=email)
    if user_id is None:
        if password is None:
            raise NotFound(f"no user with email {email}; give a password to create the account")
        user_id = create_user_account(pool, email=email, password=password, full_name=full_name).id
    with transaction(pool, workspace_id=workspace_id) as conn:
        return _set_member(conn, workspace_id, user_id, role, actor_user_id, actor_api_key_id)


def _set_member(
    conn: Any,
    workspace_id: UUID,
    user_id: int,
    role: memberships.Role,
    actor_user_id: int | None,
    actor_api_key_id: int | None,
) -> memberships.Member:
    """Give a user a role in the workspace, audited as `member.set`."""
    member = memberships.add_member(conn, workspace_id=workspace_id, user_id=user_id, role=role)
    audit.record(
        conn, workspace_id=workspace_id, action="member.set", actor_user_id=actor_user_id,
        actor_api_key_id=actor_api_key_id, target_type="user", target_id=user_id,
        details={"role": role},
    )  # fmt: skip
    return member


def set_member_role(
    pool: ConnectionPool,
    *,
    workspace_id: UUID,
    user_id: int,
    role: memberships.Role,
    actor_user_id: int | None = None,
    actor_api_key_id: int | None = None,
) -> memberships.Member:
    """Change an existing member's role (never leaving the workspace without an owner)."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        if memberships.get_role(conn, workspace_id=workspace_id, user_id=user_id) is None:
            raise NotFound("member not found")
        return _set_member(conn, workspace_id, user_id, role, actor_user_id, actor_api_key_id)


def invite_member(
    pool: ConnectionPool,
    *,
    workspace_id: UUID,
    email: str,
    role: memberships.Role,
    actor_user_id: int | None = None,
    actor_api_key_id: int | None = None,
) -> member_invitations.Invitation:
    """Invite an address; the person joins only by accepting. Users are never looked up, so
    the outcome and its cost are the same whether or not the address has an account."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        invitation = member_invitations.invite(
            conn, workspace_id=workspace_id, email=email, role=role, invited_by=actor_user_id
        )
        audit.record(
            conn,
            workspace_id=workspace_id,
            action="member.invite",
            actor_user_id=actor_user_id,
            actor_api_key_id=actor_api_key_id,
            target_type="invitation",
            target_id=str(invitation.id),
            details={"email": invitation.email, "role": invitation.role},
        )
    return invitation


def revoke_invitation(
    pool: ConnectionPool,
    *,
    workspace_id: UUID,
    invitation_id: UUID,
    actor_user_id: int | None = None,
    actor_api_key_id: int | None = None,
) -> None:
    """Withdraw an unanswered invitation of the workspace."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        invitation = member_invitations.revoke(
            conn, workspace_id=workspace_id, invitation_id=invitation_id
        )
        audit.record(
            conn,
            workspace_id=workspace_id,
            action="member.invite_revoke",
            actor_user_id=actor_user_id,
            actor_api_key_id=actor_api_key_id,
            target_type="invitation",
            target_id=str(invitation.id),
            details={"email": invitation.email},
        )


def accept_invitation(
    pool: ConnectionPool, *, user_id: int, invitation_id: UUID
) -> tuple[workspaces.Workspace, memberships.Member]:
    """Join the workspace of an invitation addressed to the user; the join is audited."""
    with transaction(pool, user_id=user_id) as conn:
        member = member_invitations.accept(conn, user_id=user_id, invitation_id=invitation_id)
        # accept() left the transaction in the invitation's workspace context.
        audit.record(
            conn,
            workspace_id=member.workspace_id,
            action="member.join",
            actor_user_id=user_id,
            target_type="invitation",
            target_id=str(invitation_id),
            details={"role": member.role},
        )
        workspace = workspaces.get_workspace(conn, workspace_id=member.workspace_id)
    return workspace, member


def decline_invitation(pool: ConnectionPool, *, user_id: int, invitation_id: UUID) -> None:
    """Decline an invitation addressed to the user. The refusal is kept on the invitation (the
    invitee never enters the workspace's context, so it writes no audit entry there)."""
    with transaction(pool, user_id=user_id) as conn:
        member_invitations.decline(conn, user_id=user_id, invitation_id=invitation_id)


def remove_member(
    pool: ConnectionPool, *, workspace_id: UUID, user_id: int, actor_user_id: int | None
) -> None:
    """Remove a member (never the last owner)."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        memberships.remove_member(conn, workspace_id=workspace_id, user_id=user_id)
        audit.record(
            conn,
            workspace_id=workspace_id,
            action="member.remove",
            actor_user_id=actor_user_id,
            target_type="user",
            target_id=user_id,
        )


def issue_api_key(
    pool: ConnectionPool,
    *,
    workspace_id: UUID,
    name: str,
    role: memberships.Role = "recruiter",
    actor_user_id: int | None = None,
    expires_in_days: int | None = None,
) -> tuple[api_keys.ApiKey, str]:
    """Create a key; the plaintext is returned once and never stored."""
    if role not in memberships.ROLES:
        raise Conflict(f"unknown role '{role}'; use one of {', '.join(memberships.ROLES)}")
    issued = new_api_key(workspace_id)
    expires_at = datetime.now(UTC) + timedelta(days=expires_in_days) if expires_in_days else None
    with transaction(pool, workspace_id=workspace_id) as conn:
        key = api_keys.create_api_key(
            conn,
            workspace_id=workspace_id,
            name=name,
            prefix=issued.prefix,
            key_hash=issued.key_hash,
            role=role,
            created_by=actor_user_id,
            expires_at=expires_at,
        )
        audit.record(
            conn,
            workspace_id=workspace_id,
            action="api_key.create",
            actor_user_id=actor_user_id,
            target_type="api_key",
            target_id=key.id,
            details={"name": key.name, "role": role, "prefix": key.prefix},
        )
    return key, issued.plaintext


def revoke_api_key(
    pool: ConnectionPool, *, workspace_id: UUID, key_id: int, actor_user_id: int | None
) -> api_keys.ApiKey:
    """Revoke a key of the workspace."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        key = api_keys.revoke_api_key(conn, key_id=key_id)
        audit.record(
            conn,
            workspace_id=workspace_id,
            action="api_key.revoke",
            actor_user_id=actor_user_id,
            target_type="api_key",
            target_id=key.id,
        )
    return key
