"""Outbox repository: idempotent enqueue, exclusive claiming, retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from psycopg_pool import ConnectionPool

from db import outbox
from db.errors import InvalidTransition, InvalidValue, NotFound
from db.pool import transaction
from tests.db import factories


def test_double_enqueue_returns_existing_row(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        first, created = outbox.enqueue(
            conn,
            workspace_id=ws.id,
            kind="telegram.welcome",
            idempotency_key="welcome:candidate:1",
            payload={"chat_id": "1", "text": "Привет"},
        )
    with transaction(pool, workspace_id=ws.id) as conn:
        again, created_again = outbox.enqueue(
            conn,
            workspace_id=ws.id,
            kind="telegram.welcome",
            idempotency_key="welcome:candidate:1",
            payload={"chat_id": "1", "text": "different"},
        )
        rows = outbox.list_items(conn)
    assert created and not created_again
    assert again == first and again.payload == {"chat_id": "1", "text": "Привет"}
    assert len(rows) == 1


def test_same_key_in_another_workspace_is_separate(pool: ConnectionPool) -> None:
    a, b = factories.workspace(pool), factories.workspace(pool)
    for ws in (a, b):
        with transaction(pool, workspace_id=ws.id) as conn:
            _, created = outbox.enqueue(
                conn, workspace_id=ws.id, kind="k", idempotency_key="same", payload={}
            )
            assert created


def test_key_length_is_checked(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        for key in ("", "x" * 201):
            with pytest.raises(InvalidValue):
                outbox.enqueue(conn, workspace_id=ws.id, kind="k", idempotency_key=key, payload={})


def test_claim_due_takes_only_due_pending_items_oldest_first(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    now = datetime.now(UTC)
    with transaction(pool, workspace_id=ws.id) as conn:
        items = {
            key: outbox.enqueue(
                conn,
                workspace_id=ws.id,
                kind="k",
                idempotency_key=key,
                payload={},
                available_at=now + delay,
            )[0]
            for key, delay in (
                ("later", timedelta(hours=1)),
                ("b", timedelta(minutes=-1)),
                ("a", timedelta(minutes=-2)),
            )
        }
        gone, _ = outbox.enqueue(
            conn, workspace_id=ws.id, kind="k", idempotency_key="gone", payload={}
        )
        outbox.cancel(conn, item_id=gone.id)
    with transaction(pool, workspace_id=ws.id) as conn:
        claimed = outbox.claim_due(conn, limit=10, now=now)
        nothing_left = outbox.claim_due(conn, limit=10, now=now)
        future = outbox.claim_due(conn, limit=10, now=now + timedelta(hours=2))
    assert [i.idempotency_key for i in claimed] == ["a", "b"]
    assert all(i.status == "sending" and i.attempts == 1 for i in claimed)
    assert nothing_left == []
    assert [i.id for i in future] == [items["later"].id]


def test_concurrent_claims_never_share_an_item(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        for n in range(6):
            outbox.enqueue(conn, workspace_id=ws.id, kind="k", idempotency_key=f"k{n}", payload={})
    with (
        transaction(pool, workspace_id=ws.id) as first,
        transaction(pool, workspace_id=ws.id) as second,
    ):
        a = outbox.claim_due(first, limit=4)
        b = outbox.claim_due(second, limit=4)  # does not wait for `first`: skips its rows
        c = outbox.claim_due(second, limit=4)
    ids_a, ids_b = {i.id for i in a}, {i.id for i in b}
    assert len(ids_a) == 4 and len(ids_b) == 2
    assert not ids_a & ids_b
    assert c == []
    with transaction(pool, workspace_id=ws.id) as conn:
        assert {i.status for i in outbox.list_items(conn)} == {"sending"}


def test_sent_failed_retry_and_cancel(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        ok, _ = outbox.enqueue(conn, workspace_id=ws.id, kind="k", idempotency_key="ok", payload={})
        flaky, _ = outbox.enqueue(
            conn, workspace_id=ws.id, kind="k", idempotency_key="flaky", payload={}
        )
        with pytest.raises(InvalidTransition):  # never claimed
            outbox.mark_sent(conn, item_id=ok.id)
    with transaction(pool, workspace_id=ws.id) as conn:
        outbox.claim_due(conn, limit=10)
        sent = outbox.mark_sent(conn, item_id=ok.id, external_id="tg:555")
        retry = outbox.mark_failed(
            conn, item_id=flaky.id, error="FloodWait 30s", retry_in=timedelta(seconds=30)
        )
        assert outbox.claim_due(conn, limit=10) == []  # not due yet
        later = datetime.now(UTC) + timedelta(minutes=1)
        [reclaimed] = outbox.claim_due(conn, limit=10, now=later)
        dead = outbox.mark_failed(conn, item_id=flaky.id, error="chat not found")
        with pytest.raises(InvalidTransition):
            outbox.cancel(conn, item_id=sent.id)
        cancelled = outbox.cancel(conn, item_id=dead.id)
        with pytest.raises(NotFound):
            outbox.get_item(conn, item_id=ok.id + 999)
        by_status = [i.id for i in outbox.list_items(conn, status="cancelled")]
    assert (sent.status, sent.external_id, sent.sent_at is not None) == ("sent", "tg:555", True)
    assert (retry.status, retry.last_error, retry.attempts) == ("pending", "FloodWait 30s", 1)
    assert retry.available_at > flaky.available_at
    assert reclaimed.id == flaky.id and reclaimed.attempts == 2
    assert (dead.status, dead.last_error) == ("failed", "chat not found")
    assert cancelled.status == "cancelled" and by_status == [flaky.id]


def test_requeue_stuck_returns_lost_items(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        item, _ = outbox.enqueue(
            conn, workspace_id=ws.id, kind="k", idempotency_key="x", payload={}
        )
    with transaction(pool, workspace_id=ws.id) as conn:
        outbox.claim_due(conn, limit=1)
    with transaction(pool, workspace_id=ws.id) as conn:
        assert outbox.requeue_stuck(conn, older_than=timedelta(hours=1)) == 0
        assert outbox.requeue_stuck(conn, older_than=timedelta(0)) == 1
        back = outbox.get_item(conn, item_id=item.id)
    assert (back.status, back.attempts) == ("pending", 1)


def test_expired_lease_is_claimed_again_and_the_old_holder_cannot_mark(
    pool: ConnectionPool,
) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        item, _ = outbox.enqueue(
            conn, workspace_id=ws.id, kind="k", idempotency_key="lease", payload={}
        )
    lease = timedelta(minutes=1)
    with transaction(pool, workspace_id=ws.id) as conn:
        [mine] = outbox.claim_due(conn, limit=5, owner="a", lease=lease)
        assert outbox.claim_due(conn, limit=5, owner="b", lease=lease) == []  # lease held
        later = datetime.now(UTC) + timedelta(minutes=2)
        [theirs] = outbox.claim_due(conn, limit=5, owner="b", lease=lease, now=later)
        with pytest.raises(outbox.LeaseLost):
            outbox.mark_sent(conn, item_id=item.id, owner="a")
        sent = outbox.mark_sent(conn, item_id=item.id, owner="b")
    assert (mine.lease_owner, mine.attempts) == ("a", 1)
    assert (theirs.lease_owner, theirs.attempts) == ("b", 2)
    assert (sent.status, sent.lease_owner, sent.lease_until) == ("sent", None, None)
    with pytest.raises(InvalidValue):
        with transaction(pool, workspace_id=ws.id) as conn:
            outbox.claim_due(conn, owner="a")  # an owner without a lease


def test_release_gives_an_unattempted_item_back(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        outbox.enqueue(conn, workspace_id=ws.id, kind="k", idempotency_key="r", payload={})
    with transaction(pool, workspace_id=ws.id) as conn:
        [item] = outbox.claim_due(conn, owner="a", lease=timedelta(minutes=1))
        with pytest.raises(outbox.LeaseLost):
            outbox.release(conn, item_id=item.id, owner="b")
        back = outbox.release(conn, item_id=item.id, owner="a")
    assert (back.status, back.attempts, back.lease_owner) == ("pending", 0, None)
