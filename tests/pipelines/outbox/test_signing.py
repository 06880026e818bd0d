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


def test_targets_on_the_servers_own_network_are_recognised(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import socket

    from pipelines.outbox.channels.http import private_target

    answers = {
        "metadata.corp": "169.254.169.254",
        "db.corp": "10.1.2.3",
        "ats.example": "93.184.216.34",
    }

    def resolve(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], 0))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    for url in (
        "http://127.0.0.1:5432/",
        "https://[::1]/x",
        "http://localhost/",
        "http://10.9.8.7/",
        "http://metadata.corp/latest",
        "https://db.corp/hook",
        "http://0.0.0.0:80/",
    ):
        assert private_target(url), url
    assert private_target("https://ats.example/hook") is None
    assert private_target("https://nowhere.example/hook") is None  # fails later, on its own
    assert private_target("https://db.corp/hook", resolve=False) is None  # names: at send time
