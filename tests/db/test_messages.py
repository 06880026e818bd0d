"""Messages repository: idempotent recording of redelivered messages, chronological logs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from psycopg_pool import ConnectionPool

from db import messages
from db.errors import InvalidValue, NotFound
from db.pool import transaction
from tests.db import factories


def test_redelivered_message_is_recorded_once(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        person = factories.candidate(conn, ws)
        first, created = messages.record_message(
            conn,
            workspace_id=ws.id,
            direction="inbound",
            chat_id="1001",
            external_id="42",
            candidate_id=person.id,
            text="Здравствуйте",
            media={"voice": {"duration": 3}},
        )
    with transaction(pool, workspace_id=ws.id) as conn:
        again, created_again = messages.record_message(
            conn,
            workspace_id=ws.id,
            direction="inbound",
            chat_id="1001",
            external_id="42",
            candidate_id=person.id,
            text="Здравствуйте",
        )
        # The same id in the other direction or another chat is a different message.
        _, echo_created = messages.record_message(
            conn, workspace_id=ws.id, direction="outbound", chat_id="1001", external_id="42"
        )
        _, other_chat_created = messages.record_message(
            conn, workspace_id=ws.id, direction="inbound", chat_id="2002", external_id="42"
        )
        stored = messages.list_for_chat(conn, chat_id="1001")
    assert created and not created_again and again == first
    assert first.media == {"voice": {"duration": 3}}
    assert echo_created and other_chat_created
    assert [(m.direction, m.external_id) for m in stored] == [
        ("inbound", "42"),
        ("outbound", "42"),
    ]


def test_messages_without_external_id_are_never_merged(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        a, a_created = messages.record_message(
            conn, workspace_id=ws.id, direction="outbound", chat_id="7", text="hi"
        )
        b, b_created = messages.record_message(
            conn, workspace_id=ws.id, direction="outbound", chat_id="7", text="hi"
        )
    assert a_created and b_created and a.id != b.id


def test_lists_are_chronological_and_keep_the_latest(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    base = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    with transaction(pool, workspace_id=ws.id) as conn:
        person = factories.candidate(conn, ws)
        # Recorded out of order: listing follows sent_at, not insertion.
        for minute, chat in ((2, "c1"), (0, "c1"), (1, "c2"), (3, "c1")):
            messages.record_message(
                conn,
                workspace_id=ws.id,
                direction="inbound",
                chat_id=chat,
                external_id=f"m{minute}",
                candidate_id=person.id,
                text=f"minute {minute}",
                sent_at=base + timedelta(minutes=minute),
            )
        everything = messages.list_for_candidate(conn, candidate_id=person.id)
        chat = messages.list_for_chat(conn, chat_id="c1")
        latest_two = messages.list_for_chat(conn, chat_id="c1", limit=2)
        other_channel = messages.list_for_chat(conn, chat_id="c1", channel="email")
    assert [m.text for m in everything] == [f"minute {i}" for i in range(4)]
    assert [m.text for m in chat] == ["minute 0", "minute 2", "minute 3"]
    assert [m.text for m in latest_two] == ["minute 2", "minute 3"]
    assert other_channel == []


def test_invalid_messages(pool: ConnectionPool) -> None:
    ws, other = factories.workspace(pool), factories.workspace(pool)
    with transaction(pool, workspace_id=other.id) as conn:
        stranger = factories.candidate(conn, other)
    with transaction(pool, workspace_id=ws.id) as conn:
        with pytest.raises(InvalidValue):
            messages.record_message(conn, workspace_id=ws.id, direction="sideways")
        with pytest.raises(InvalidValue):
            messages.record_message(conn, workspace_id=ws.id, direction="inbound", external_id="1")
        with pytest.raises(NotFound):
            messages.record_message(
                conn,
                workspace_id=ws.id,
                direction="inbound",
                chat_id="1",
                external_id="1",
                candidate_id=stranger.id,
            )
        assert messages.list_for_chat(conn, chat_id="1") == []
