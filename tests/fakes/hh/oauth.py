"""HH's OAuth 2.0 authorization-code flow as the fake enforces it (authorization_for_user docs).

`GET /oauth/authorize` approves at once as the seeded manager and redirects with `code` and
`state`; `POST /oauth/token` (form-encoded; also at `/token`, the spec's newer address) trades
a code (once) or a refresh token (once, and only after its access token expired) for
`{"access_token", "token_type": "bearer", "expires_in": 1209600, "refresh_token"}`;
`DELETE /oauth/token` invalidates the token in use. The clock is the server's, so tests can
move time (`FakeHH.advance`) or expire tokens outright.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from tests.fakes.hh.errors import HHError, OAuthError, bad_argument, oauth_failure

ACCESS_TOKEN_LIFETIME = timedelta(seconds=1_209_600)  # 14 days, HH's `expires_in`
CODE_LIFETIME = timedelta(minutes=10)  # "довольно короткий срок жизни"; HH gives no number


@dataclass
class Grant:
    """An access token (and its refresh token) HH issued."""

    access_token: str
    refresh_token: str | None
    expires_at: datetime | None  # None for application tokens, which do not expire
    kind: str = "user"  # "user" | "application"
    refreshed: bool = False
    revoked: bool = False


@dataclass
class Code:
    """An authorization code: one exchange, within CODE_LIFETIME, with the same redirect_uri."""

    redirect_uri: str | None
    issued_at: datetime
    used: bool = False


def redirect_allowed(registered: str, given: str) -> bool:
    """HH's rule: same scheme and port; a subdomain, a sub-path and extra query are allowed."""
    r, g = urlsplit(registered), urlsplit(given)
    if r.scheme != g.scheme or r.port != g.port or not r.hostname or not g.hostname:
        return False
    if g.hostname != r.hostname and not g.hostname.endswith("." + r.hostname):
        return False
    base = r.path.rstrip("/")
    return g.path.rstrip("/") == base or g.path.startswith(base + "/")


class OAuthState:
    """Codes and tokens of the one registered application; `refreshes` counts refreshes."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        redirect_uri: str | None,
        clock: Callable[[], datetime],
    ) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.redirect_uri = redirect_uri
        self.clock = clock
        self.codes: dict[str, Code] = {}
        self.grants: dict[str, Grant] = {}
        self.refreshes = 0
        self.deny_authorization = False

    def authorize(self, params: dict[str, str]) -> str:
        """The URL the user's browser is sent back to."""
        if params.get("response_type") != "code":
            raise bad_argument("response_type")
        if params.get("client_id") != self.client_id:
            raise bad_argument("client_id")
        given = params.get("redirect_uri")
        target = given or self.redirect_uri
        if not target or (
            given and self.redirect_uri and not redirect_allowed(self.redirect_uri, given)
        ):
            raise bad_argument("redirect_uri")
        answer: dict[str, str] = {}
        if self.deny_authorization:
            answer["error"] = "access_denied"
        else:
            code = secrets.token_urlsafe(18)
            self.codes[code] = Code(given, self.clock())
            answer["code"] = code
        if "state" in params:
            answer["state"] = params["state"]
        parts = urlsplit(target)
        query = urlencode([*parse_qsl(parts.query), *answer.items()])
        return urlunsplit(parts._replace(query=query))

    def token(self, form: dict[str, str]) -> dict[str, object]:
        """`POST /oauth/token` by grant type; raises OAuthError with HH's descriptions."""
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            self._check_client(form)
            return self._exchange_code(form)
        if grant_type == "refresh_token":
            return self._refresh(form.get("refresh_token", ""))
        if grant_type == "client_credentials":
            self._check_client(form)
            grant = Grant(secrets.token_hex(32).upper(), None, None, kind="application")
            self.grants[grant.access_token] = grant
            return {"access_token": grant.access_token, "token_type": "bearer"}
        raise OAuthError("unsupported_grant_type", "unsupported grant_type")

    def _check_client(self, form: dict[str, str]) -> None:
        if (form.get("client_id"), form.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            raise OAuthError("invalid_client", "client_id or client_secret not found")

    def _exchange_code(self, form: dict[str, str]) -> dict[str, object]:
        code = self.codes.get(form.get("code", ""))
        if code is None:
            raise OAuthError("invalid_request", "code not found")
        if code.used:
            raise OAuthError("invalid_grant", "code has already been used")
        if self.clock() - code.issued_at > CODE_LIFETIME:
            raise OAuthError("invalid_grant", "code expired")
        if code.redirect_uri is not None and form.get("redirect_uri") != code.redirect_uri:
            raise OAuthError("invalid_request", "bad redirect url")
        code.used = True
        return self.issue()

    def _refresh(self, refresh_token: str) -> dict[str, object]:
        if not refresh_token:
            raise OAuthError("invalid_request", "token is empty")
        grant = next((g for g in self.grants.values() if g.refresh_token == refresh_token), None)
        if grant is None:
            raise OAuthError("invalid_request", "token not found")
        if grant.refreshed:
            raise OAuthError("invalid_grant", "token has already been refreshed")
        if grant.revoked:
            raise OAuthError("invalid_grant", "token was revoked")
        if grant.expires_at is not None and self.clock() < grant.expires_at:
            raise OAuthError("invalid_grant", "token not expired")
        grant.refreshed = True
        self.refreshes += 1
        return self.issue()

    def issue(self) -> dict[str, object]:
        """A fresh user token pair (also what a test uses to skip the browser dance)."""
        grant = Grant(
            secrets.token_hex(32).upper(),
            secrets.token_hex(32).upper(),
            self.clock() + ACCESS_TOKEN_LIFETIME,
        )
        self.grants[grant.access_token] = grant
        return {
            "access_token": grant.access_token,
            "token_type": "bearer",
            "expires_in": int(ACCESS_TOKEN_LIFETIME.total_seconds()),
            "refresh_token": grant.refresh_token,
        }

    def authenticate(self, authorization: str | None, *, user: bool = True) -> Grant:
        """The grant behind `Authorization: Bearer ...`, or HH's 403 for why it is unusable."""
        if not authorization:
            raise HHError(403, "forbidden")
        scheme, _, token = authorization.partition(" ")
        grant = self.grants.get(token.strip()) if scheme.lower() == "bearer" else None
        if grant is None:
            raise oauth_failure("bad_authorization")
        if grant.revoked:
            raise oauth_failure("token_revoked")
        if grant.expires_at is not None and self.clock() >= grant.expires_at:
            raise oauth_failure("token_expired")
        if user and grant.kind != "user":
            raise oauth_failure("user_auth_expected")
        return grant

    def expire_access_tokens(self) -> None:
        """Every live user token expires now (so its refresh token becomes usable)."""
        now = self.clock()
        for grant in self.grants.values():
            if grant.kind == "user" and (grant.expires_at is None or grant.expires_at > now):
                grant.expires_at = now - timedelta(seconds=1)


router = APIRouter()


def _state(request: Request) -> OAuthState:
    return request.app.state.hh.oauth


@router.get("/oauth/authorize")
async def authorize(request: Request) -> Response:
    """The consent page: approves as the seeded manager (or denies, if a test says so)."""
    location = _state(request).authorize(dict(request.query_params))
    return RedirectResponse(location, status_code=302)


@router.post("/oauth/token")
@router.post("/token")
async def token(request: Request) -> Response:
    """Form-encoded only, as the docs require; a JSON body has no `grant_type`."""
    content_type = request.headers.get("content-type", "")
    form = await request.form() if "x-www-form-urlencoded" in content_type else {}
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        return JSONResponse(_state(request).token(fields))
    except OAuthError as e:
        return e.response()


@router.delete("/oauth/token")
async def invalidate(request: Request) -> Response:
    """Invalidate the access token in use; its refresh token dies with it."""
    grant = _state(request).authenticate(request.headers.get("authorization"))
    grant.revoked = True
    return Response(status_code=204)
