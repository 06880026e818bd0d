"""Workspaces, their members and their API keys (invitations: serve_apps.api.invitations)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field, StringConstraints

from db import api_keys, audit, memberships, workspaces
from db.pool import transaction
from serve_apps import accounts
from serve_apps.api.invitations import INVITE_RESPONSES, send_invitation
from serve_apps.api.schemas import (
    ApiKeyCreate,
    ApiKeyIssued,
    ApiKeyOut,
    AuditOut,
    InvitationCreate,
    InvitationSent,
    MemberOut,
    MemberRoleUpdate,
    WorkspaceCreate,
    WorkspaceOut,
    paged,
)
from serve_apps.deps import (
    ACCESS_ERRORS,
    OWNER_ERRORS,
    PRINCIPAL_ERRORS,
    USER_ERRORS,
    Access,
    CurrentPrincipal,
    CurrentUser,
    Pool,
)
from serve_apps.errors import BODY_ERRORS, error_doc

router = APIRouter(tags=["workspaces"])
_BIGINT_MAX = 2**63 - 1


class WorkspaceRename(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class RetentionIn(BaseModel):
    days: int | None = Field(
        ge=1, le=3650, description="keep candidates' personal data this many days; null: for ever"
    )


class RetentionOut(BaseModel):
    days: int | None


class AuditEntryOut(AuditOut):
    """An audit entry with its actor as people read it; None where not readable."""

    actor_name: str | None = None
    actor_email: str | None = None
    actor_api_key_name: str | None = None


def _out(workspace: workspaces.Workspace, role: str) -> WorkspaceOut:
    return WorkspaceOut(
        id=workspace.id,
        slug=workspace.slug,
        name=workspace.name,
        role=role,  # type: ignore[arg-type]
        created_at=workspace.created_at,
    )


@router.get("/workspaces", response_model=list[WorkspaceOut], responses=PRINCIPAL_ERRORS)
def list_workspaces(principal: CurrentPrincipal, pool: Pool) -> list[WorkspaceOut]:
    """The caller's workspaces: a user's memberships, or an API key's own workspace."""
    if principal.api_key is not None:
        key = principal.api_key
        with transaction(pool, workspace_id=key.workspace_id) as conn:
            return [_out(workspaces.get_workspace(conn, workspace_id=key.workspace_id), key.role)]
    assert principal.user is not None
    with transaction(pool, user_id=principal.user.id) as conn:
        rows = workspaces.list_for_user(conn, user_id=principal.user.id)
    return [_out(w, role) for w, role in rows]


@router.post(
    "/workspaces",
    response_model=WorkspaceOut,
    status_code=201,
    responses={**USER_ERRORS, **BODY_ERRORS, 409: error_doc("the slug is taken (`conflict`)")},
)
def create_workspace(body: WorkspaceCreate, user: CurrentUser, pool: Pool) -> WorkspaceOut:
    """Create a workspace owned by the signed-in user."""
    workspace = accounts.create_workspace(pool, name=body.name, slug=body.slug, owner_id=user.id)
    return _out(workspace, "owner")


@router.get("/workspaces/{workspace_id}", response_model=WorkspaceOut, responses=ACCESS_ERRORS)
def get_workspace(access: Access, pool: Pool) -> WorkspaceOut:
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        return _out(workspaces.get_workspace(conn, workspace_id=access.workspace_id), access.role)


@router.patch(
    "/workspaces/{workspace_id}",
    response_model=WorkspaceOut,
    responses={**OWNER_ERRORS, **BODY_ERRORS},
)
def rename_workspace(body: WorkspaceRename, access: Access, pool: Pool) -> WorkspaceOut:
    """Owners rename the workspace; the slug stays, so links and scripts keep working.
    Audited as `workspace.rename` with the old and new names."""
    access.require("owner")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        before = workspaces.get_workspace(conn, workspace_id=access.workspace_id)
        renamed = workspaces.rename_workspace(
            conn, workspace_id=access.workspace_id, name=body.name
        )
        if renamed.name != before.name:
            audit.record(
                conn, workspace_id=access.workspace_id, action="workspace.rename",
                actor_user_id=access.principal.user_id,
                actor_api_key_id=access.principal.api_key_id, target_type="workspace",
                target_id=str(access.workspace_id),
                details={"from": before.name, "to": renamed.name},
            )  # fmt: skip
    return _out(renamed, access.role)


@router.put(
    "/workspaces/{workspace_id}/retention",
    response_model=RetentionOut,
    responses={**OWNER_ERRORS, **BODY_ERRORS},
)
def set_retention(body: RetentionIn, access: Access, pool: Pool) -> RetentionOut:
    """Owners choose how long candidates' personal data is kept (152-FZ / GDPR): the retention
    job erases candidates older than that, with an audit entry. Audited as
    `workspace.retention` with the old and new periods."""
    access.require("owner")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        before = workspaces.get_retention_days(conn, workspace_id=access.workspace_id)
        workspaces.set_retention_days(conn, workspace_id=access.workspace_id, days=body.days)
        if before != body.days:
            audit.record(
                conn, workspace_id=access.workspace_id, action="workspace.retention",
                actor_user_id=access.principal.user_id,
                actor_api_key_id=access.principal.api_key_id, target_type="workspace",
                target_id=str(access.workspace_id), details={"from": before, "to": body.days},
            )  # fmt: skip
    return RetentionOut(days=body.days)


@router.get(
    "/workspaces/{workspace_id}/members", response_model=list[MemberOut], responses=ACCESS_ERRORS
)
def list_members(access: Access, pool: Pool) -> list[MemberOut]:
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        rows = memberships.list_members(conn, workspace_id=access.workspace_id)
    return [MemberOut.model_validate(m, from_attributes=True) for m in rows]


@router.post(
    "/workspaces/{workspace_id}/members",
    response_model=InvitationSent,
    status_code=202,
    responses={**ACCESS_ERRORS, **BODY_ERRORS, **INVITE_RESPONSES},
    deprecated=True,
)
def add_member(body: InvitationCreate, access: Access, pool: Pool) -> InvitationSent:
    """Kept for older clients: it invites, exactly like POST .../invitations. Nobody is added
    without accepting, and accounts are created by operators (`selectio user create`)."""
    return send_invitation(body, access, pool)


@router.patch(
    "/workspaces/{workspace_id}/members/{user_id}",
    response_model=MemberOut,
    responses={**OWNER_ERRORS, **BODY_ERRORS,
               404: error_doc("no such workspace, or the user is not a member (`not_found`)"),
               409: error_doc("the workspace would be left without an owner")},
)  # fmt: skip
def set_member_role(user_id: int, body: MemberRoleUpdate, access: Access, pool: Pool) -> MemberOut:
    """Owners change a member's role."""
    access.require("owner")
    member = accounts.set_member_role(
        pool,
        workspace_id=access.workspace_id,
        user_id=user_id,
        role=body.role,
        actor_user_id=access.principal.user_id,
        actor_api_key_id=access.principal.api_key_id,
    )
    return MemberOut.model_validate(member, from_attributes=True)


@router.delete(
    "/workspaces/{workspace_id}/members/{user_id}",
    status_code=204,
    responses={**OWNER_ERRORS,
               404: error_doc("no such workspace, or the user is not a member (`not_found`)"),
               409: error_doc("the workspace would be left without an owner")},
)  # fmt: skip
def remove_member(user_id: int, access: Access, pool: Pool) -> Response:
    access.require("owner")
    accounts.remove_member(
        pool,
        workspace_id=access.workspace_id,
        user_id=user_id,
        actor_user_id=access.principal.user_id,
    )
    return Response(status_code=204)


@router.get(
    "/workspaces/{workspace_id}/api-keys", response_model=list[ApiKeyOut], responses=OWNER_ERRORS
)
def list_keys(access: Access, pool: Pool, include_revoked: bool = False) -> list[ApiKeyOut]:
    access.require("owner")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        rows = api_keys.list_api_keys(conn, include_revoked=include_revoked)
    return [ApiKeyOut.model_validate(k, from_attributes=True) for k in rows]


@router.post(
    "/workspaces/{workspace_id}/api-keys",
    response_model=ApiKeyIssued,
    status_code=201,
    responses={**OWNER_ERRORS, **BODY_ERRORS},
)
def create_key(body: ApiKeyCreate, access: Access, pool: Pool) -> ApiKeyIssued:
    """Issue a key; its plaintext is in this response only."""
    access.require("owner")
    key, plaintext = accounts.issue_api_key(
        pool,
        workspace_id=access.workspace_id,
        name=body.name,
        role=body.role,
        actor_user_id=access.principal.user_id,
        expires_in_days=body.expires_in_days,
    )
    shown = ApiKeyOut.model_validate(key, from_attributes=True).model_dump()
    return ApiKeyIssued(**shown, key=plaintext)


@router.delete(
    "/workspaces/{workspace_id}/api-keys/{key_id}", status_code=204, responses=OWNER_ERRORS
)
def revoke_key(key_id: int, access: Access, pool: Pool) -> Response:
    access.require("owner")
    accounts.revoke_api_key(
        pool,
        workspace_id=access.workspace_id,
        key_id=key_id,
        actor_user_id=access.principal.user_id,
    )
    return Response(status_code=204)


@router.get(
    "/workspaces/{workspace_id}/audit",
    response_model=list[AuditEntryOut],
    responses={**OWNER_ERRORS, **paged("audit entries")},
)
def list_audit(
    access: Access,
    pool: Pool,
    response: Response,
    action: str | None = Query(
        default=None, max_length=100, description='action prefix, e.g. "vacancy." or "member.set"'
    ),
    actor_user_id: int | None = Query(default=None, ge=1, le=_BIGINT_MAX),
    target_type: str | None = Query(default=None, max_length=100),
    since: datetime | None = Query(default=None, description="from this time on (inclusive)"),
    until: datetime | None = Query(default=None, description="before this time (exclusive)"),
    limit: int = Query(default=100, ge=1, le=500),
    offset: int = Query(default=0, ge=0, le=_BIGINT_MAX),
) -> list[AuditEntryOut]:
    """The workspace's log for owners, newest first, with who acted (name, e-mail or key
    name, when still readable); `X-Total-Count` says how many match the filters in all."""
    access.require("owner")
    filters = audit.AuditFilters(
        action_prefix=action or None,
        actor_user_id=actor_user_id,
        target_type=target_type or None,
        since=_aware(since),
        until=_aware(until),
    )
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        rows = audit.list_entries(conn, filters=filters, limit=limit, offset=offset)
        total = audit.count_entries(conn, filters=filters)
    response.headers["X-Total-Count"] = str(total)
    return [AuditEntryOut.model_validate(e, from_attributes=True) for e in rows]


def _aware(moment: datetime | None) -> datetime | None:
    """A time given without a zone is read as UTC (the API's own times are UTC)."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
