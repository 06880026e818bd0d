"""Candidate interview links: signed, expiring, revocable, bound to one interview.

Token: `iv1.<workspace hex>.<interview id>.<expiry unix>.<nonce>.<signature>`.
- The HMAC signature (installation secret) rejects forged or edited tokens without touching
  the database.
- The workspace part lets the server enter the right tenant context before reading the
  interview (row-level security hides it otherwise); the interview part binds the link.
- Only the token's SHA-256 is stored: issuing a new link or revoking it invalidates the old
  one, and a database leak reveals no usable link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from uuid import UUID

_TOKEN = re.compile(
    r"^iv1\.([0-9a-f]{32})\.(\d{1,18})\.(\d{1,12})\.([A-Za-z0-9_-]{16,})\.([A-Za-z0-9_-]{43})$"
)


@dataclass(frozen=True)
class LinkClaims:
    """What a verified token says."""

    workspace_id: UUID
    interview_id: int
    expires_at: int
    token_hash: str

    @property
    def expired(self) -> bool:
        return self.expires_at <= time.time()


def _sign(secret: bytes, payload: str) -> str:
    digest = hmac.new(secret, f"interview-link:{payload}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hash_token(token: str) -> str:
    """The stored form of a link token."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link_token(
    secret: bytes, *, workspace_id: UUID, interview_id: int, ttl_s: float
) -> tuple[str, LinkClaims]:
    """A new token and its claims (store `claims.token_hash` and `claims.expires_at`)."""
    expires = int(time.time() + ttl_s)
    payload = f"iv1.{workspace_id.hex}.{interview_id}.{expires}.{secrets.token_urlsafe(16)}"
    token = f"{payload}.{_sign(secret, payload)}"
    return token, LinkClaims(workspace_id, interview_id, expires, hash_token(token))


def verify_link_token(secret: bytes, token: str) -> LinkClaims | None:
    """Claims of an authentic token (expired or not), or None for anything forged."""
    match = _TOKEN.match(token)
    if not match:
        return None
    payload = token.rsplit(".", 1)[0]
    if not hmac.compare_digest(match[5], _sign(secret, payload)):
        return None
    return LinkClaims(UUID(hex=match[1]), int(match[2]), int(match[3]), hash_token(token))
