"""Credentials: password hashes, workspace API keys, signed session tokens.

- Passwords: argon2id (argon2-cffi), rehashed on login when parameters change.
- API keys: `sel_<workspace hex>_<secret>`. The workspace part lets the server enter the right
  tenant context before looking the key up (RLS hides every other workspace's keys); only the
  SHA-256 of the whole key is stored, which is enough for 240 random bits.
- Session tokens: HMAC-SHA256 signed `user id + session id + expiry`; on every request the
  user is re-checked (exists, active) and the session row must be live (`db.sessions`), so
  signing out and a password change end tokens before they expire.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
_KEY_RE = re.compile(r"^sel_([0-9a-f]{32})_([A-Za-z0-9_-]{20,})$")
_TOKEN_PREFIX = "sst_"
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether the password matches; malformed hashes simply do not match."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the stored hash uses outdated parameters."""
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str) -> str | None:
    """Why a new password is unacceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password must be at least {MIN_PASSWORD_LENGTH} characters"
    return None


@dataclass(frozen=True)
class IssuedKey:
    """A new API key: `plaintext` is shown once, the rest is stored."""

    plaintext: str
    prefix: str
    key_hash: str


def hash_api_key(plaintext: str) -> str:
    """The stored form of an API key."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


def new_api_key(workspace_id: UUID) -> IssuedKey:
    """Generate a key bound to a workspace."""
    secret = secrets.token_urlsafe(30)
    plaintext = f"sel_{workspace_id.hex}_{secret}"
    return IssuedKey(plaintext, f"sel_…{secret[-6:]}", hash_api_key(plaintext))


def parse_api_key(text: str) -> tuple[UUID, str] | None:
    """(workspace id, key hash) for a well-formed key, else None."""
    match = _KEY_RE.match(text.strip())
    if not match:
        return None
    return UUID(hex=match[1]), hash_api_key(text.strip())


def is_api_key(text: str) -> bool:
    """Whether a bearer credential looks like an API key rather than a session token."""
    return text.startswith("sel_")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class SessionClaims:
    """What a valid session token says: whose it is and which session row it belongs to."""

    user_id: int
    session_id: UUID


def issue_session_token(
    user_id: int, secret_key: bytes, *, ttl_s: float, session_id: UUID
) -> tuple[str, int]:
    """A signed token for a user's session and its expiry (unix seconds)."""
    expires = int(time.time() + ttl_s)
    claims = {"u": user_id, "s": session_id.hex, "e": expires}
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = _b64(hmac.new(secret_key, body.encode(), hashlib.sha256).digest())
    return f"{_TOKEN_PREFIX}{body}.{signature}", expires


def verify_session_token(token: str, secret_key: bytes) -> SessionClaims | None:
    """The claims of a well-signed, unexpired token, else None. Whether its session is still
    live (not signed out, password not changed since) is the database's to say."""
    if not token.startswith(_TOKEN_PREFIX):
        return None
    body, _, signature = token[len(_TOKEN_PREFIX) :].partition(".")
    expected = _b64(hmac.new(secret_key, body.encode(), hashlib.sha256).digest())
    if not signature or not hmac.compare_digest(signature, expected):
        return None
    try:
        claims = json.loads(_unb64(body))
        user_id, expires = int(claims["u"]), int(claims["e"])
        session_id = UUID(hex=claims["s"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    if expires <= time.time():
        return None
    return SessionClaims(user_id, session_id)
