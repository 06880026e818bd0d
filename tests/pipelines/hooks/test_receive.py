"""Inbound webhooks on a real database: a signed event is stored raw and acted on once; a
tampered body, a stale timestamp, a replayed event id (even two copies at once), a missing id,
an unknown or paused hook are each refused or ignored with their own code, and a handler that
fails leaves the event stored with the reason."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from psycopg_pool import ConnectionPool

from db import inbound_hooks
from db.pool import transaction
from db.secret_box import SecretBox
from pipelines.hooks.receive import (
    HookEventIdMissing,
    HookNotFound,
    HookSignatureInvalid,
    HookTimestampStale,
    receive,
)
from pipelines.outbox.signing import signed_headers
from tests.db import factories

BOX = SecretBox(b"hooks-test-secret-" + b"y" * 32)
SECRET = "whsec_test_inbound"


@pytest.fixture(scope="module")
def hook(pool: ConnectionPool) -> inbound_hooks.InboundHook:
    space = factories.workspace(pool)
    with transaction(pool, workspace_id=space.id) as conn:
        return inbound_hooks.create_hook(
            conn, workspace_id=space.id, source="generic",
            seal=lambda i: BOX.seal(SECRET, purpose=inbound_hooks.secret_purpose(i)),
        )  # fmt: skip


def _post(pool, hook, event_id: str, body: bytes, *, at: float | None = None, handlers=None, **kw):  # type: ignore[no-untyped-def]
    at = time.time() if at is None else at
    headers = signed_headers(SECRET.encode(), event_id, body, int(at))
    headers.update(kw.pop("override", {}))
    extra = {"handlers": handlers} if handlers is not None else {}
    return receive(pool, BOX, public_id=hook.public_id, headers=headers, body=body, **extra)


def _events(pool, hook) -> list[inbound_hooks.InboundEvent]:  # type: ignore[no-untyped-def]
    with transaction(pool, workspace_id=hook.workspace_id) as conn:
        return inbound_hooks.list_events(conn, hook_id=hook.id)


def test_a_signed_event_is_stored_raw_then_a_repeat_is_ignored(pool, hook) -> None:  # type: ignore[no-untyped-def]
    body = json.dumps({"event": "candidate.created", "name": "Анна"}).encode()
    seen: list[tuple[str, bytes]] = []

    def handler(p, ws, event, raw):  # type: ignore[no-untyped-def]
        with transaction(p, workspace_id=ws) as conn:  # stored and committed before acting
            stored = inbound_hooks.event_body(conn, event_row_id=event.id)
        seen.append((event.event_id, stored))
        return "processed"

    first = _post(pool, hook, "evt-1", body, handlers={"generic": handler})
    again = _post(pool, hook, "evt-1", body, handlers={"generic": handler})
    assert (first.duplicate, first.status) == (False, "processed")
    assert (again.duplicate, again.status) == (True, "duplicate")
    assert seen == [("evt-1", body)]  # acted on once, on the stored bytes
    (event,) = [e for e in _events(pool, hook) if e.event_id == "evt-1"]
    assert event.status == "processed" and event.size == len(body)
    assert "x-selectio-signature" not in event.headers  # the signature is not kept


def test_two_copies_at_once_store_and_act_once(pool, hook) -> None:  # type: ignore[no-untyped-def]
    acted: list[str] = []
    handlers = {"generic": lambda p, ws, e, raw: acted.append(e.event_id) or "processed"}
    with ThreadPoolExecutor(4) as workers:
        results = list(workers.map(
            lambda _: _post(pool, hook, "evt-race", b'{"n": 1}', handlers=handlers), range(4)
        ))  # fmt: skip
    assert sorted(r.duplicate for r in results) == [False, True, True, True]
    assert acted == ["evt-race"]


def test_forged_stale_and_incomplete_deliveries_are_refused(pool, hook) -> None:  # type: ignore[no-untyped-def]
    body = b'{"event": "x"}'
    headers = signed_headers(SECRET.encode(), "evt-t", body, int(time.time()))
    with pytest.raises(HookSignatureInvalid):  # body changed after signing
        receive(pool, BOX, public_id=hook.public_id, headers=headers, body=b'{"event": "y"}')
    with pytest.raises(HookSignatureInvalid):  # signed with another secret
        wrong = signed_headers(b"another-secret", "evt-w", body, int(time.time()))
        receive(pool, BOX, public_id=hook.public_id, headers=wrong, body=body)
    with pytest.raises(HookTimestampStale):  # a captured delivery replayed 6 minutes later
        _post(pool, hook, "evt-old", body, at=time.time() - 360)
    with pytest.raises(HookEventIdMissing):
        _post(pool, hook, "", body)
    with pytest.raises(HookNotFound):
        receive(pool, BOX, public_id="generic-nothing-here-at-all", headers=headers, body=body)
    assert {e.event_id for e in _events(pool, hook)}.isdisjoint({"evt-t", "evt-w", "evt-old"})


def test_a_paused_hook_answers_as_missing_and_a_failing_handler_keeps_the_event(pool, hook) -> None:  # type: ignore[no-untyped-def]
    def broken(p, ws, event, raw):  # type: ignore[no-untyped-def]
        raise ValueError("cannot parse the candidate")

    result = _post(pool, hook, "evt-bad", b"not json", handlers={"generic": broken})
    assert result.status == "failed"
    (event,) = [e for e in _events(pool, hook) if e.event_id == "evt-bad"]
    assert event.status == "failed" and "cannot parse the candidate" in (event.error or "")
    with transaction(pool, workspace_id=hook.workspace_id) as conn:
        inbound_hooks.set_enabled(conn, hook_id=hook.id, enabled=False)
    try:
        with pytest.raises(HookNotFound):
            _post(pool, hook, "evt-paused", b"{}")
    finally:
        with transaction(pool, workspace_id=hook.workspace_id) as conn:
            inbound_hooks.set_enabled(conn, hook_id=hook.id, enabled=True)
    other = factories.workspace(pool)
    with transaction(pool, workspace_id=other.id) as conn:
        assert inbound_hooks.list_events(conn) == []
