"""Deep links that tie a Telegram chat to an application: t.me/<account>?start=<token>.

Telegram passes the token to the bot as "/start <token>"; it may be at most 64 characters of
[A-Za-z0-9_-]. The token carries the application id and an expiry, signed with a key derived
from the installation secret and bound to the workspace (HMAC-SHA256, 80 bits kept), so a
token is valid only in the workspace whose bot receives it and only until it expires.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time
from uuid import UUID

_PREFIX = "a1"
_TAG_BYTES = 10


class InvalidDeepLink(Exception):
    """The token is not one of ours, was altered, or has expired."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _tag(secret: bytes, workspace_id: UUID, body: bytes) -> bytes:
    key = hmac.new(secret, b"telegram deep link v1", hashlib.sha256).digest()
    return hmac.new(key, workspace_id.bytes + body, hashlib.sha256).digest()[:_TAG_BYTES]


def make_token(secret: bytes, workspace_id: UUID, application_id: int, *, ttl_s: float) -> str:
    """A start token for the application, valid `ttl_s` seconds."""
    body = struct.pack(">QI", application_id, int(time.time() + ttl_s))
    raw = body + _tag(secret, workspace_id, body)
    return _PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_token(secret: bytes, workspace_id: UUID, token: str, *, now: float | None = None) -> int:
    """The application id of a valid token, else `InvalidDeepLink`."""
    if not token.startswith(_PREFIX) or len(token) > 64:
        raise InvalidDeepLink("not an invitation link")
    try:
        raw = base64.urlsafe_b64decode(token[len(_PREFIX) :] + "==")
    except ValueError as e:
        raise InvalidDeepLink("not an invitation link") from e
    body, tag = raw[:12], raw[12:]
    if len(raw) != 12 + _TAG_BYTES or not hmac.compare_digest(
        tag, _tag(secret, workspace_id, body)
    ):
        raise InvalidDeepLink("not an invitation link of this company")
    application_id, expires = struct.unpack(">QI", body)
    if (time.time() if now is None else now) > expires:
        raise InvalidDeepLink("the invitation link has expired")
    return application_id


def deep_link(account_username: str, token: str) -> str:
    """The t.me address that opens the chat and sends "/start <token>"."""
    return f"https://t.me/{account_username}?start={token}"
