"""Webhook signing: what verifies, and what does not."""

from __future__ import annotations

from pipelines.outbox import signing

SECRET = b"s3cret-endpoint-key"
BODY = b'{"event":"application.created","id":"evt-1"}'


def test_signature_verifies_within_the_window() -> None:
    headers = signing.signed_headers(SECRET, "evt-1", BODY, timestamp=1_700_000_000)
    ts, sig = headers[signing.TIMESTAMP_HEADER], headers[signing.SIGNATURE_HEADER]
    assert headers[signing.EVENT_ID_HEADER] == "evt-1" and sig.startswith("v1=")
    assert signing.verify(SECRET, ts, BODY, sig, now=1_700_000_000 + 299)


def test_tampering_a_stale_timestamp_or_another_secret_fail() -> None:
    ts = 1_700_000_000
    sig = signing.sign(SECRET, ts, BODY)
    assert not signing.verify(SECRET, ts, BODY.replace(b"evt-1", b"evt-2"), sig, now=ts)
    assert not signing.verify(SECRET, ts + 1, BODY, sig, now=ts)  # timestamp is signed too
    assert not signing.verify(b"other", ts, BODY, sig, now=ts)
    assert not signing.verify(SECRET, ts, BODY, sig, now=ts + 301)
    assert not signing.verify(SECRET, "not-a-number", BODY, sig, now=ts)
