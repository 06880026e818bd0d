"""The outbox dispatcher against a real local HTTP receiver: webhooks and Slack."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from psycopg_pool import ConnectionPool

from db import outbox
from db.errors import InvalidTransition
from db.outbox import OutboxItem
from db.pool import transaction
from pipelines.outbox import RetryPolicy, dispatch_due, signing
from pipelines.outbox.channels.slack import SlackChannel
from pipelines.outbox.channels.webhook import WebhookChannel
from tests.db import factories
from tests.pipelines.outbox.receivers import http_receiver

SECRET = b"endpoint-secret"


def _channels() -> dict:
    return {
        "webhook": WebhookChannel(lambda item: SECRET, timeout_s=5, allow_private=True),
        "slack": SlackChannel(allow_private=True),
    }


def _enqueue(pool: ConnectionPool, ws, url: str, keys: list[str], kind: str = "webhook") -> None:
    with transaction(pool, workspace_id=ws) as conn:
        for key in keys:
            payload = {"url": url + "/hook", "event": "application.created", "data": {"n": key}}
            outbox.enqueue(conn, workspace_id=ws, kind=kind, idempotency_key=key, payload=payload)


def _items(pool: ConnectionPool, ws) -> dict[str, OutboxItem]:
    with transaction(pool, workspace_id=ws) as conn:
        return {i.idempotency_key: i for i in outbox.list_items(conn, limit=1000)}


def test_webhooks_are_delivered_signed_and_marked(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool).id
    with http_receiver() as (url, got):
        _enqueue(pool, ws, url, ["evt-a", "evt-b"])
        counts = dispatch_due(pool, _channels(), workspace_id=ws, limit=10)
        again = dispatch_due(pool, _channels(), workspace_id=ws, limit=10)
    assert (counts.claimed, counts.sent, again.claimed) == (2, 2, 0)
    assert {i.status for i in _items(pool, ws).values()} == {"sent"}
    for path, headers, body in got.requests:
        ts, sig = headers["x-selectio-timestamp"], headers["x-selectio-signature"]
        assert path == "/hook" and headers["content-type"] == "application/json"
        assert json.loads(body)["id"] == headers["x-selectio-event-id"]
        assert signing.verify(SECRET, ts, body, sig)
        assert not signing.verify(SECRET, ts, body.replace(b'"n"', b'"m"'), sig)
    assert sorted(got.header_values("x-selectio-event-id")) == ["evt-a", "evt-b"]


def test_concurrent_dispatchers_deliver_every_item_exactly_once(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool).id
    keys = [f"evt-{n}" for n in range(60)]
    channels = _channels()
    with http_receiver() as (url, got):
        _enqueue(pool, ws, url, keys)

        def work() -> None:
            while dispatch_due(pool, channels, workspace_id=ws, limit=4).claimed:
                pass

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    assert Counter(got.header_values("x-selectio-event-id")) == Counter(keys)
    assert {i.status for i in _items(pool, ws).values()} == {"sent"}


def test_a_dispatcher_killed_before_marking_causes_one_repeat_with_the_same_key(
    pool: ConnectionPool,
) -> None:
    ws = factories.workspace(pool).id
    channels = _channels()
    with http_receiver() as (url, got):
        _enqueue(pool, ws, url, ["evt-crash"])
        with transaction(pool, workspace_id=ws) as conn:  # the dispatcher that will "die"
            [item] = outbox.claim_due(conn, owner="dead", lease=timedelta(seconds=0.3))
        channels["webhook"].deliver(item)  # delivered, then killed before the mark
        held = dispatch_due(pool, channels, workspace_id=ws)  # the lease still holds
        time.sleep(0.35)
        taken_over = dispatch_due(pool, channels, workspace_id=ws)
        after = dispatch_due(pool, channels, workspace_id=ws)
    assert (held.claimed, taken_over.sent, after.claimed) == (0, 1, 0)
    assert got.header_values("x-selectio-event-id") == ["evt-crash", "evt-crash"]
    assert got.requests[0][2] == got.requests[1][2]  # the same body: a receiver dedupes it
    final = _items(pool, ws)["evt-crash"]
    assert (final.status, final.attempts) == ("sent", 2)
    with pytest.raises(InvalidTransition):  # the dead one's late mark changes nothing
        with transaction(pool, workspace_id=ws) as conn:
            outbox.mark_sent(conn, item_id=item.id, owner="dead")


def test_retries_back_off_then_fail_with_the_reason(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool).id
    policy = RetryPolicy(max_attempts=4, base_delay_s=0.04, jitter=0.5)
    failed: list[OutboxItem] = []
    delays: list[float] = []
    with http_receiver() as (url, got):
        got.status_for = lambda n: 503
        _enqueue(pool, ws, url, ["evt-flaky"])
        deadline = time.monotonic() + 10
        while not failed and time.monotonic() < deadline:
            counts = dispatch_due(
                pool, _channels(), workspace_id=ws, policy=policy, on_failed=failed.append
            )
            if counts.retried:
                item = _items(pool, ws)["evt-flaky"]
                delays.append((item.available_at - item.updated_at).total_seconds())
            time.sleep(0.01)
    assert len(delays) == 3 and all(b >= a for a, b in zip(delays, delays[1:], strict=False))
    assert delays[-1] > delays[0] and 0.02 <= delays[0] <= 0.04
    [item] = failed
    assert (item.status, item.attempts, item.last_error) == ("failed", 4, "HTTP 503: ok")
    assert got.header_values("x-selectio-event-id") == ["evt-flaky"] * 4


def test_final_errors_fail_at_once_and_never_stop_the_pass(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool).id
    with http_receiver() as (url, got):
        got.status_for = lambda n: 400 if n == 1 else 200
        _enqueue(pool, ws, url, ["bad-request"])
        _enqueue(pool, ws, url, ["fax"], kind="fax.send")
        _enqueue(pool, ws, url, ["no-secret"], kind="webhook.unsigned")
        _enqueue(pool, ws, url, ["fine"])
        channels = _channels() | {
            "webhook.unsigned": WebhookChannel(lambda item: None, allow_private=True)
        }
        counts = dispatch_due(pool, channels, workspace_id=ws, limit=10)
    items = _items(pool, ws)
    assert (counts.failed, counts.sent) == (3, 1)
    assert items["fax"].last_error == "no outbox channel handles kind 'fax.send'"
    assert items["no-secret"].last_error == "no signing secret for this webhook endpoint"
    assert items["bad-request"].last_error == "HTTP 400: ok"
    assert items["fine"].status == "sent"


def test_items_the_lease_cannot_cover_are_given_back(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool).id
    _enqueue(pool, ws, "http://127.0.0.1:9", ["slow"])
    counts = dispatch_due(pool, _channels(), workspace_id=ws, lease_s=2)  # channel: 5 s
    item = _items(pool, ws)["slow"]
    assert (counts.released, item.status, item.attempts) == (1, "pending", 0)


def test_slack_posts_the_message_to_the_item_or_workspace_url(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool).id
    with http_receiver() as (url, got):
        slack = SlackChannel(
            default_url=lambda workspace: f"{url}/workspace/{workspace}", allow_private=True
        )
        with transaction(pool, workspace_id=ws) as conn:
            outbox.enqueue(
                conn,
                workspace_id=ws,
                kind="slack.notify",
                idempotency_key="s1",
                payload={"text": "Interview done", "webhook_url": f"{url}/own"},
            )
            outbox.enqueue(
                conn, workspace_id=ws, kind="slack", idempotency_key="s2", payload={"text": "Hi"}
            )
        counts = dispatch_due(pool, {"slack": slack}, workspace_id=ws)
    assert counts.sent == 2
    sent = sorted((path, json.loads(body)) for path, _, body in got.requests)
    assert sent == [("/own", {"text": "Interview done"}), (f"/workspace/{ws}", {"text": "Hi"})]
