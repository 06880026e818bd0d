"""HH's two error formats, raised from handlers and turned into responses by server.py.

API errors (docs_errors.md): `{"errors": [{"type": ..., "value": ...}], "request_id": ...}`,
plus `description` and, for OAuth problems, the legacy `oauth_error` the spec still lists.
Token endpoint errors (RFC 6749 as HH uses it): `{"error": ..., "error_description": ...}`.
"""

from __future__ import annotations

import secrets
import time
from http import HTTPStatus
from typing import Any

from fastapi.responses import JSONResponse


def request_id() -> str:
    """An id shaped like HH's (millisecond time + random hex) for support tickets."""
    return f"{int(time.time() * 1000)}{secrets.token_hex(8)}"


class HHError(Exception):
    """An API error answer: status, the `errors` list, and optional extra top-level keys."""

    def __init__(
        self,
        status: int,
        type: str,
        value: str | None = None,
        *,
        extra: dict[str, Any] | None = None,
        error_fields: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {type} {value}")
        self.status = status
        error: dict[str, Any] = {"type": type}
        if value is not None:
            error["value"] = value
        error.update(error_fields or {})
        self.errors = [error]
        self.extra = extra or {}
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {
            "description": HTTPStatus(self.status).phrase,
            "errors": self.errors,
            "request_id": request_id(),
            **self.extra,
        }
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def bad_argument(name: str) -> HHError:
    """400 for a wrong or missing query/form parameter `name`."""
    return HHError(400, "bad_argument", name, extra={"bad_argument": name})


def not_found() -> HHError:
    """404 for an unknown or someone else's resource."""
    return HHError(404, "not_found")


def oauth_failure(value: str) -> HHError:
    """403 for an unusable access token (`bad_authorization`, `token_expired`, ...)."""
    legacy = {"token_expired": "token-expired", "token_revoked": "token-revoked"}.get(value)
    return HHError(403, "oauth", value, extra={"oauth_error": legacy} if legacy else None)


def negotiations_error(value: str, status: int = 403) -> HHError:
    """A `negotiations` error from errors.md (`wrong_state`, `archived`, ...)."""
    return HHError(status, "negotiations", value)


class OAuthError(Exception):
    """A `/oauth/token` failure, e.g. `invalid_grant` / `token not expired`."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error, self.description, self.status = error, description, status

    def response(self) -> JSONResponse:
        body = {"error": self.error, "error_description": self.description}
        return JSONResponse(body, status_code=self.status)
