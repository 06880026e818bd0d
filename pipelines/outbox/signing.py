"""Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>", shared by outbound and inbound.

The sender puts three headers on every delivery: the event id (the outbox idempotency key, the
same on every repeat, so receivers drop duplicates by it), the Unix timestamp of this attempt,
and `v1=<hex digest>` of HMAC-SHA256(secret, f"{timestamp}." + body). A receiver recomputes the
digest over the raw body it got, compares in constant time and refuses timestamps outside its
window (5 minutes by default), which bounds replays of a captured delivery.
"""

from __future__ import annotations

import hashlib
import hmac
import time

EVENT_ID_HEADER = "X-Selectio-Event-Id"
TIMESTAMP_HEADER = "X-Selectio-Timestamp"
SIGNATURE_HEADER = "X-Selectio-Signature"
SCHEME = "v1"
DEFAULT_TOLERANCE_S = 300


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    """The signature header value for `body` sent at `timestamp` (Unix seconds)."""
    digest = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"{SCHEME}={digest}"


def signed_headers(secret: bytes, event_id: str, body: bytes, timestamp: int) -> dict[str, str]:
    """The headers of one signed delivery of `body`."""
    return {
        EVENT_ID_HEADER: event_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, body),
    }


def verify(
    secret: bytes,
    timestamp: str | int,
    body: bytes,
    signature: str,
    *,
    now: float | None = None,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
) -> bool:
    """True if `signature` signs `body` at `timestamp` and the timestamp is within the window."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - ts) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, ts, body).encode(), signature.encode())
