"""Request dependencies: the pool, settings, the authenticated principal and workspace access.

Credentials come as `Authorization: Bearer <token>` (a session token from /auth/login or an
API key) or `X-API-Key: <key>`. Workspace routes resolve access once: a workspace the caller
cannot see is a 404 (its existence is not revealed), a role too weak for the route is a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Header, Path, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from psycopg_pool import ConnectionPool

from db import api_keys, memberships, sessions, users, workspaces
from db.errors import NotFound
from db.pool import bookkeeping, transaction
from db.settings import Settings
from pipelines import log_context
from pipelines.engine_set import Engines
from serve_apps.dispatch import Dispatcher
from serve_apps.errors import (
    ApiError,
    Forbidden,
    NotFoundError,
    Responses,
    Unauthorized,
    error_doc,
    error_responses,
)
from serve_apps.security import is_api_key, parse_api_key, verify_session_token


def get_pool(request: Request) -> ConnectionPool:
    return request.app.state.pool


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


Pool = Annotated[ConnectionPool, Depends(get_pool)]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]


@dataclass(frozen=True)
class Principal:
    """Who is calling: a signed-in user, or an API key of one workspace."""

    user: users.User | None = None
    api_key: api_keys.ApiKey | None = None
    session_id: UUID | None = None  # the sign-in session a user's token belongs to

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user else None

    @property
    def api_key_id(self) -> int | None:
        return self.api_key.id if self.api_key else None


# Security schemes, so the OpenAPI document says how to authenticate; both refuse nothing
# themselves (auto_error=False): get_principal answers a missing credential in the API's shape.
_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="A session token from POST /api/v1/auth/login, or an API key.",
)
_api_key = APIKeyHeader(
    name="X-API-Key", auto_error=False, scheme_name="apiKey", description="An API key."
)


def _credential(bearer: HTTPAuthorizationCredentials | None, x_api_key: str | None) -> str:
    if x_api_key and x_api_key.strip():
        return x_api_key.strip()
    if bearer is not None and bearer.credentials.strip():
        return bearer.credentials.strip()
    raise Unauthorized("missing credentials: send 'Authorization: Bearer <token or API key>'")


def get_principal(
    pool: Pool,
    settings: AppSettings,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    x_api_key: Annotated[str | None, Depends(_api_key)],
) -> Principal:
    """Authenticate the request or raise 401."""
    credential = _credential(bearer, x_api_key)
    if is_api_key(credential):
        parsed = parse_api_key(credential)
        if parsed is None:
            raise Unauthorized("malformed API key", code="invalid_api_key")
        workspace_id, key_hash = parsed
        with bookkeeping(), transaction(pool, workspace_id=workspace_id) as conn:
            key = api_keys.find_by_hash(conn, key_hash=key_hash)
            if key is None or not key.is_usable(datetime.now(UTC)):
                raise Unauthorized("invalid, revoked or expired API key", code="invalid_api_key")
            api_keys.touch_last_used(conn, key_id=key.id)
        return Principal(api_key=key)
    claims = verify_session_token(credential, settings.resolved_secret_key())
    if claims is None:
        raise Unauthorized("invalid or expired session token", code="invalid_token")
    with bookkeeping(), transaction(pool, user_id=claims.user_id) as conn:
        try:
            user = users.get_user(conn, user_id=claims.user_id)
        except NotFound as e:
            raise Unauthorized("unknown user", code="invalid_token") from e
        live = sessions.is_live(conn, session_id=claims.session_id, user_id=claims.user_id)
    if not live:
        raise Unauthorized(
            "this session has ended (signed out or password changed); sign in again",
            code="session_ended",
        )
    if not user.is_active:
        raise Unauthorized("this user is disabled", code="user_disabled")
    return Principal(user=user, session_id=claims.session_id)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
# What the dependencies below can answer, for the `responses` of the routers that use them.
PRINCIPAL_ERRORS: Responses = error_responses(401, 503)


def require_user(principal: CurrentPrincipal) -> users.User:
    """Routes about a person (their workspaces, creating one) need a user, not a key."""
    if principal.user is None:
        raise Forbidden("this action needs a signed-in user, not an API key", code="user_required")
    return principal.user


CurrentUser = Annotated[users.User, Depends(require_user)]
USER_ERRORS: Responses = {**PRINCIPAL_ERRORS, **error_responses(403)}


@dataclass(frozen=True)
class WorkspaceAccess:
    """The caller's standing in the workspace named by the path."""

    workspace_id: UUID
    role: str
    principal: Principal

    def __post_init__(self) -> None:
        log_context.note(workspace_id=self.workspace_id)  # the request's lines carry it

    def require(self, needed: str) -> None:
        """Raise 403 unless the caller's role is at least `needed`."""
        if not memberships.role_at_least(self.role, needed):
            raise Forbidden(
                f"this action needs the {needed} role; you are {self.role}", code="role_too_low"
            )


def get_workspace_access(
    pool: Pool,
    principal: CurrentPrincipal,
    workspace_id: Annotated[UUID, Path()],
) -> WorkspaceAccess:
    """Resolve the caller's role in the path's workspace; invisible workspaces are 404."""
    if principal.api_key is not None:
        if principal.api_key.workspace_id != workspace_id:
            raise NotFoundError("workspace not found")
        return WorkspaceAccess(workspace_id, principal.api_key.role, principal)
    assert principal.user is not None
    with (
        bookkeeping(),
        transaction(pool, workspace_id=workspace_id, user_id=principal.user.id) as conn,
    ):
        role = memberships.get_role(conn, workspace_id=workspace_id, user_id=principal.user.id)
    if role is None:
        raise NotFoundError("workspace not found")
    return WorkspaceAccess(workspace_id, role, principal)


Access = Annotated[WorkspaceAccess, Depends(get_workspace_access)]
ACCESS_ERRORS: Responses = {**PRINCIPAL_ERRORS, **error_responses(404, 422)}
OWNER_ERRORS: Responses = {**ACCESS_ERRORS, 403: error_doc("owners only (`role_too_low`)")}


def get_current_workspace(
    pool: Pool,
    principal: CurrentPrincipal,
    x_workspace_id: Annotated[UUID | None, Header()] = None,
) -> WorkspaceAccess:
    """The workspace of routes without it in the path: an API key's own; for a user, the one
    named by `X-Workspace-Id`, else their home workspace, the one they joined first. Joining
    another workspace never moves the home, so a header-less call keeps its meaning."""
    if principal.api_key is not None:
        key = principal.api_key
        if x_workspace_id is not None and x_workspace_id != key.workspace_id:
            raise NotFoundError("workspace not found")
        return WorkspaceAccess(key.workspace_id, key.role, principal)
    assert principal.user is not None
    if x_workspace_id is not None:
        return get_workspace_access(pool, principal, x_workspace_id)
    user_id = principal.user.id
    with bookkeeping(), transaction(pool, user_id=user_id) as conn:
        rows = workspaces.list_for_user(conn, user_id=user_id)
        if len(rows) > 1:  # home first: the oldest membership
            joined = {
                w.id: memberships.get_member(conn, workspace_id=w.id, user_id=user_id).created_at
                for w, _ in rows
            }
            rows.sort(key=lambda row: (joined[row[0].id], str(row[0].id)))
    if not rows:
        raise ApiError(
            "you belong to no workspace yet: accept an invitation (GET /api/v1/me/invitations) "
            "or create one (POST /api/v1/workspaces)",
            code="workspace_required",
        )
    workspace, role = rows[0]
    return WorkspaceAccess(workspace.id, role, principal)


CurrentWorkspace = Annotated[WorkspaceAccess, Depends(get_current_workspace)]
# 400 `workspace_required` for a user in no workspace; 404/422 for a bad X-Workspace-Id.
WORKSPACE_ERRORS: Responses = {**PRINCIPAL_ERRORS, **error_responses(400, 404, 422)}


def get_engines(request: Request) -> Engines:
    return request.app.state.engines


def get_dispatcher(request: Request) -> Dispatcher:
    return request.app.state.dispatcher


AppEngines = Annotated[Engines, Depends(get_engines)]
AppDispatcher = Annotated[Dispatcher, Depends(get_dispatcher)]
