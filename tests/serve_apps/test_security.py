"""Credential primitives: password hashing, API key format, signed session tokens."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from uuid import uuid4

from serve_apps import security


def test_password_hash_verifies_only_the_right_password() -> None:
    stored = security.hash_password("s3cret-passphrase")
    assert stored.startswith("$argon2id$")
    assert "s3cret-passphrase" not in stored
    assert security.verify_password(stored, "s3cret-passphrase")
    assert not security.verify_password(stored, "s3cret-passphrasE")
    assert not security.verify_password("not-a-hash", "s3cret-passphrase")


def test_short_passwords_are_refused() -> None:
    assert security.password_problem("short") is not None
    assert security.password_problem("long enough") is None


def test_api_key_carries_its_workspace_and_is_stored_as_hash() -> None:
    workspace_id = uuid.uuid4()
    issued = security.new_api_key(workspace_id)
    assert issued.plaintext not in issued.key_hash
    assert issued.plaintext[-6:] in issued.prefix
    parsed = security.parse_api_key(issued.plaintext)
    assert parsed == (workspace_id, issued.key_hash)
    assert security.new_api_key(workspace_id).plaintext != issued.plaintext


def test_malformed_api_keys_do_not_parse() -> None:
    assert security.parse_api_key("sel_nothex_abc") is None
    assert security.parse_api_key("sel_" + "0" * 32 + "_short") is None
    assert security.parse_api_key("Bearer whatever") is None


def test_session_token_round_trip_and_tampering() -> None:
    secret = b"k" * 40
    session = uuid4()
    token, expires = security.issue_session_token(42, secret, ttl_s=60, session_id=session)
    assert security.verify_session_token(token, secret) == security.SessionClaims(42, session)
    assert security.verify_session_token(token, b"other" * 10) is None
    body, signature = token.split(".")
    forged_body = security._b64(b'{"u":1,"e":9999999999}')
    assert security.verify_session_token(f"sst_{forged_body}.{signature}", secret) is None
    assert security.verify_session_token(token[:-2], secret) is None


def test_expired_session_token_is_rejected() -> None:
    token, _ = security.issue_session_token(7, b"k" * 40, ttl_s=-1, session_id=uuid4())
    assert security.verify_session_token(token, b"k" * 40) is None


def test_a_token_without_a_session_is_rejected() -> None:
    """Tokens signed before sessions existed name none: they cannot be signed out, so no."""
    secret = b"k" * 40
    body = security._b64(b'{"u":7,"e":9999999999}')
    signature = security._b64(hmac.new(secret, body.encode(), hashlib.sha256).digest())
    assert security.verify_session_token(f"sst_{body}.{signature}", secret) is None
