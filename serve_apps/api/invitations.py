"""Member invitations: owners invite an e-mail address, the person accepts or declines.

Inviting answers 202 with the same body whether or not the address has an account, and does
the same work either way (no user lookup, no password hashing), so it cannot be used to learn
who uses Selectio; names appear only once someone has accepted.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from uuid import UUID

from fastapi import APIRouter, Response
from psycopg_pool import ConnectionPool

from db import member_invitations
from db.pool import transaction
from serve_apps import accounts
from serve_apps.api.schemas import (
    InvitationCreate,
    InvitationOut,
    InvitationSent,
    ReceivedInvitationOut,
    WorkspaceOut,
)
from serve_apps.deps import (
    ACCESS_ERRORS,
    OWNER_ERRORS,
    USER_ERRORS,
    Access,
    CurrentUser,
    Pool,
    WorkspaceAccess,
)
from serve_apps.errors import BODY_ERRORS, Responses, error_doc

router = APIRouter(tags=["invitations"])

INVITE_RESPONSES: Responses = {
    202: {"description": "invited (an open invitation to the address is refreshed); the same "
                         "answer whether or not the address has an account"},
    403: error_doc("only owners invite (`role_too_low`)"),
    409: error_doc("the address belongs to a member already (`already_member`)"),
}  # fmt: skip
_ANSWER_RESPONSES: Responses = {
    **USER_ERRORS,
    422: error_doc("the invitation id is no UUID (`invalid_request`)"),
    404: error_doc("no such invitation addressed to you (`not_found`)"),
    409: error_doc("`invitation_expired`, `invitation_answered` or `invitation_revoked`"),
}


def send_invitation(
    body: InvitationCreate, access: WorkspaceAccess, pool: ConnectionPool
) -> InvitationSent:
    """Invite on behalf of an owner; shared with the members route, which now invites too."""
    access.require("owner")
    invitation = accounts.invite_member(
        pool,
        workspace_id=access.workspace_id,
        email=body.email,
        role=body.role,
        actor_user_id=access.principal.user_id,
        actor_api_key_id=access.principal.api_key_id,
    )
    return InvitationSent(
        email=invitation.email,
        role=invitation.role,  # type: ignore[arg-type]
        expires_at=invitation.expires_at,
    )


@router.post(
    "/workspaces/{workspace_id}/invitations",
    response_model=InvitationSent,
    status_code=202,
    responses={**ACCESS_ERRORS, **BODY_ERRORS, **INVITE_RESPONSES},
)
def invite(body: InvitationCreate, access: Access, pool: Pool) -> InvitationSent:
    """Invite someone by e-mail; they join when they accept (GET /me/invitations)."""
    return send_invitation(body, access, pool)


@router.get(
    "/workspaces/{workspace_id}/invitations",
    response_model=list[InvitationOut],
    responses=OWNER_ERRORS,
)
def list_invitations(access: Access, pool: Pool) -> list[InvitationOut]:
    """Unanswered invitations of the workspace (pending or expired), for owners."""
    access.require("owner")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        rows = member_invitations.list_for_workspace(conn, workspace_id=access.workspace_id)
    now = datetime.now(UTC)
    return [InvitationOut.model_validate({**asdict(i), "status": i.status(now)}) for i in rows]


@router.delete(
    "/workspaces/{workspace_id}/invitations/{invitation_id}",
    status_code=204,
    responses={**OWNER_ERRORS,
               404: error_doc("no such workspace, or no such invitation in it (`not_found`)"),
               409: error_doc("already answered (`invitation_answered`) or revoked")},
)  # fmt: skip
def revoke_invitation(invitation_id: UUID, access: Access, pool: Pool) -> Response:
    """Withdraw an invitation that has not been answered."""
    access.require("owner")
    accounts.revoke_invitation(
        pool,
        workspace_id=access.workspace_id,
        invitation_id=invitation_id,
        actor_user_id=access.principal.user_id,
        actor_api_key_id=access.principal.api_key_id,
    )
    return Response(status_code=204)


@router.get("/me/invitations", response_model=list[ReceivedInvitationOut], responses=USER_ERRORS)
def my_invitations(user: CurrentUser, pool: Pool) -> list[ReceivedInvitationOut]:
    """Open invitations addressed to the signed-in user's e-mail."""
    with transaction(pool, user_id=user.id) as conn:
        rows = member_invitations.list_received(conn, user_id=user.id)
    return [ReceivedInvitationOut.model_validate(i, from_attributes=True) for i in rows]


@router.post(
    "/me/invitations/{invitation_id}/accept",
    response_model=WorkspaceOut,
    responses=_ANSWER_RESPONSES,
)
def accept(invitation_id: UUID, user: CurrentUser, pool: Pool) -> WorkspaceOut:
    """Join the inviting workspace with the invited role; answers with that workspace."""
    workspace, member = accounts.accept_invitation(
        pool, user_id=user.id, invitation_id=invitation_id
    )
    return WorkspaceOut(
        id=workspace.id,
        slug=workspace.slug,
        name=workspace.name,
        role=member.role,  # type: ignore[arg-type]
        created_at=workspace.created_at,
    )


@router.post(
    "/me/invitations/{invitation_id}/decline", status_code=204, responses=_ANSWER_RESPONSES
)
def decline(invitation_id: UUID, user: CurrentUser, pool: Pool) -> Response:
    """Refuse an invitation; the workspace's owners can invite again later."""
    accounts.decline_invitation(pool, user_id=user.id, invitation_id=invitation_id)
    return Response(status_code=204)
