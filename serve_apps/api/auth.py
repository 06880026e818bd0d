"""Sign-in and the signed-in user's own view."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Response

from db import workspaces
from db.pool import transaction
from serve_apps.accounts import authenticate, change_password
from serve_apps.api.schemas import (
    LoginRequest,
    LoginResponse,
    MeResponse,
    PasswordChange,
    UserOut,
    WorkspaceOut,
)
from serve_apps.deps import AppSettings, CurrentUser, Pool
from serve_apps.errors import Unauthorized
from serve_apps.security import issue_session_token

router = APIRouter(tags=["auth"])


@router.post("/auth/login", response_model=LoginResponse)
def login(body: LoginRequest, pool: Pool, settings: AppSettings) -> LoginResponse:
    """Exchange email and password for a bearer token."""
    user = authenticate(pool, email=body.email, password=body.password)
    if user is None:
        raise Unauthorized("wrong email or password", code="invalid_credentials")
    token, expires = issue_session_token(
        user.id, settings.resolved_secret_key(), ttl_s=settings.session_ttl_hours * 3600
    )
    return LoginResponse(
        access_token=token,
        expires_at=datetime.fromtimestamp(expires, UTC),
        user=UserOut(id=user.id, email=user.email, full_name=user.full_name),
    )


@router.get("/me", response_model=MeResponse)
def me(user: CurrentUser, pool: Pool) -> MeResponse:
    """The signed-in user and the workspaces they belong to."""
    with transaction(pool, user_id=user.id) as conn:
        rows = workspaces.list_for_user(conn, user_id=user.id)
    return MeResponse(
        user=UserOut(id=user.id, email=user.email, full_name=user.full_name),
        workspaces=[
            WorkspaceOut(id=w.id, slug=w.slug, name=w.name, role=role, created_at=w.created_at)
            for w, role in rows
        ],
    )


@router.post("/me/password", status_code=204)
def update_password(body: PasswordChange, user: CurrentUser, pool: Pool) -> Response:
    """Change the signed-in user's password; the current one must be given."""
    if not change_password(
        pool, user_id=user.id, current=body.current_password, new=body.new_password
    ):
        raise Unauthorized("the current password is wrong", code="invalid_credentials")
    return Response(status_code=204)
