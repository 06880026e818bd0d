"""Sign-in and the signed-in user's own view."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from db import user_preferences, workspaces
from db.pool import transaction
from serve_apps.api.schemas import (
    LoginRequest,
    LoginResponse,
    MeResponse,
    PasswordChange,
    PreferencesIn,
    UserOut,
    WorkspaceOut,
)
from serve_apps.deps import (
    PRINCIPAL_ERRORS,
    USER_ERRORS,
    AppSettings,
    CurrentPrincipal,
    CurrentUser,
    Pool,
)
from serve_apps.errors import BODY_ERRORS, RETRY_AFTER, ApiError, error_doc, error_responses
from serve_apps.sign_in import replace_password, sign_in, sign_out

router = APIRouter(tags=["auth"])


@router.post(
    "/auth/login",
    response_model=LoginResponse,
    responses={
        **BODY_ERRORS,
        **error_responses(503),
        401: error_doc("wrong email or password (`invalid_credentials`)"),
        429: {**error_doc("too many failed attempts (`too_many_attempts`)"),
              "headers": RETRY_AFTER},
    },
)  # fmt: skip
def login(body: LoginRequest, request: Request, pool: Pool, settings: AppSettings) -> LoginResponse:
    """Exchange email and password for a bearer token (a session until it expires or ends)."""
    address = request.client.host if request.client else "unknown"
    signed = sign_in(pool, settings, email=body.email, password=body.password, address=address)
    user = signed.user
    return LoginResponse(
        access_token=signed.token,
        expires_at=signed.expires_at,
        user=UserOut(id=user.id, email=user.email, full_name=user.full_name),
    )


@router.post(
    "/auth/logout",
    status_code=204,
    responses={**PRINCIPAL_ERRORS, 400: error_doc("an API key is no session (`not_a_session`)")},
)
def logout(principal: CurrentPrincipal, pool: Pool) -> Response:
    """End the calling session: its token is refused from now on."""
    if principal.user is None or principal.session_id is None:
        raise ApiError("only a signed-in session can sign out", code="not_a_session")
    sign_out(pool, user_id=principal.user.id, session_id=principal.session_id)
    return Response(status_code=204)


@router.get("/me", response_model=MeResponse, responses=USER_ERRORS)
def me(user: CurrentUser, pool: Pool) -> MeResponse:
    """The signed-in user and the workspaces they belong to."""
    with transaction(pool, user_id=user.id) as conn:
        rows = workspaces.list_for_user(conn, user_id=user.id)
        language = user_preferences.get_language(conn, user_id=user.id)
    return MeResponse(
        user=UserOut(id=user.id, email=user.email, full_name=user.full_name),
        language=language,  # type: ignore[arg-type]
        workspaces=[
            WorkspaceOut(id=w.id, slug=w.slug, name=w.name, role=role, created_at=w.created_at)
            for w, role in rows
        ],
    )


@router.put(
    "/me/preferences",
    response_model=PreferencesIn,
    responses={**USER_ERRORS, **BODY_ERRORS},
)
def set_preferences(body: PreferencesIn, user: CurrentUser, pool: Pool) -> PreferencesIn:
    """Remember the signed-in user's console language, for every browser they sign in from."""
    with transaction(pool, user_id=user.id) as conn:
        user_preferences.set_language(conn, user_id=user.id, language=body.language)
    return body


@router.post(
    "/me/password",
    status_code=204,
    responses={
        **USER_ERRORS,
        **BODY_ERRORS,
        401: error_doc("missing or ended credentials, or a wrong current password "
                       "(`invalid_credentials`)"),
    },
)  # fmt: skip
def update_password(
    body: PasswordChange, user: CurrentUser, principal: CurrentPrincipal, pool: Pool
) -> Response:
    """Change the signed-in user's password; the current one must be given. Every other
    session of the user ends; this one stays signed in."""
    replace_password(
        pool, user_id=user.id, session_id=principal.session_id,
        current=body.current_password, new=body.new_password,
    )  # fmt: skip
    return Response(status_code=204)
