"""HeadHunter's OAuth2 authorization-code flow, per workspace.

The console sends a person to HH's authorize page with a `state` that names the workspace and
the user and expires (HMAC-signed with a key derived from the installation secret): HH sends
it back with the code, and a code for one workspace cannot be replayed into another or after
ten minutes. The code is exchanged server to server at `{oauth}/oauth/token`; an access token
lives 14 days, and its refresh token works once, only after it expired
(scraper/hh/tokens.py makes sure it is used once).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from uuid import UUID

import httpx

from db.settings import Settings
from scraper.hh.client import user_agent
from scraper.hh.errors import HHAuthorizationLost, HHError, HHRefused, HHUnavailable

STATE_TTL_S = 600


class HHNotConfigured(HHError):
    code = "hh_not_configured"


class InvalidState(HHError):
    """The `state` HH sent back is not ours, was altered, or expired."""

    code = "hh_invalid_state"


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: datetime

    def sealed_form(self) -> str:
        return json.dumps({"access": self.access_token, "refresh": self.refresh_token,
                           "expires_at": self.expires_at.isoformat()})  # fmt: skip

    @classmethod
    def from_sealed_form(cls, text: str) -> Tokens:
        data = json.loads(text)
        return cls(data["access"], data["refresh"], datetime.fromisoformat(data["expires_at"]))


def _key(secret: bytes) -> bytes:
    return hmac.new(secret, b"hh oauth state v1", hashlib.sha256).digest()


def make_state(
    secret: bytes, workspace_id: UUID, user_id: int, *, ttl_s: float = STATE_TTL_S
) -> str:
    body = json.dumps([str(workspace_id), user_id, int(time.time() + ttl_s)],
                      separators=(",", ":")).encode()  # fmt: skip
    tag = hmac.new(_key(secret), body, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(body + tag).decode().rstrip("=")


def read_state(secret: bytes, state: str, *, now: float | None = None) -> tuple[UUID, int]:
    """(workspace, user) of a state this installation made, else `InvalidState`."""
    try:
        raw = base64.urlsafe_b64decode(state + "=" * (-len(state) % 4))
    except ValueError as e:
        raise InvalidState("the HH answer is not for this installation") from e
    body, tag = raw[:-16], raw[-16:]
    if len(raw) <= 16 or not hmac.compare_digest(
        tag, hmac.new(_key(secret), body, hashlib.sha256).digest()[:16]
    ):
        raise InvalidState("the HH answer is not for this installation")
    workspace, user_id, expires = json.loads(body)
    if (time.time() if now is None else now) > expires:
        raise InvalidState("the HH connection took too long: start it again")
    return UUID(workspace), int(user_id)


def _client_credentials(settings: Settings) -> tuple[str, str]:
    if not settings.hh_client_id or settings.hh_client_secret is None:
        raise HHNotConfigured(
            "HeadHunter is not set up on this installation: set HH_CLIENT_ID and "
            "HH_CLIENT_SECRET (the app registered at dev.hh.ru)"
        )
    return settings.hh_client_id, settings.hh_client_secret.get_secret_value()


def authorize_url(settings: Settings, *, state: str, redirect_uri: str) -> str:
    client_id, _ = _client_credentials(settings)
    query = urlencode({"response_type": "code", "client_id": client_id, "state": state,
                       "redirect_uri": redirect_uri})  # fmt: skip
    return f"{settings.hh_oauth_url.rstrip('/')}/oauth/authorize?{query}"


def _token_call(settings: Settings, form: dict[str, str]) -> Tokens:
    agent = user_agent(settings)
    try:
        response = httpx.post(
            f"{settings.hh_oauth_url.rstrip('/')}/oauth/token", data=form,
            headers={"User-Agent": agent, "HH-User-Agent": agent},
            timeout=settings.hh_timeout_s,
        )  # fmt: skip
    except httpx.TransportError as e:
        raise HHUnavailable(f"HH cannot be reached ({type(e).__name__})") from e
    if response.status_code >= 500:
        raise HHUnavailable(f"HH is unavailable (HTTP {response.status_code})")
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code != 200:
        described = (
            f"{body.get('error', response.status_code)}: {body.get('error_description', '')}"
        )
        if body.get("error") in ("invalid_grant", "invalid_client"):
            raise HHAuthorizationLost(f"HH refused the authorization ({described})")
        raise HHRefused(f"HH refused the token request ({described})")
    return Tokens(
        body["access_token"], body["refresh_token"],
        datetime.now(UTC) + timedelta(seconds=int(body.get("expires_in", 1209600))),
    )  # fmt: skip


def exchange_code(settings: Settings, *, code: str, redirect_uri: str) -> Tokens:
    """Tokens for the code HH sent back to the redirect."""
    client_id, client_secret = _client_credentials(settings)
    return _token_call(settings, {
        "grant_type": "authorization_code", "client_id": client_id,
        "client_secret": client_secret, "code": code, "redirect_uri": redirect_uri,
    })  # fmt: skip


def refresh(settings: Settings, *, refresh_token: str) -> Tokens:
    """A new pair for an expired access token (the refresh token is spent)."""
    return _token_call(settings, {"grant_type": "refresh_token",
                                  "refresh_token": refresh_token})  # fmt: skip
