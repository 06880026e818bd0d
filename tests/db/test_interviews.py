"""Interviews repository: links, the status machine, epochs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from psycopg_pool import ConnectionPool

from db import interviews
from db.errors import Conflict, InvalidTransition, InvalidValue, NotFound
from db.pool import transaction
from tests.db import factories


def test_create_and_get_round_trip(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        app = factories.application(conn, ws)
        created = interviews.create_interview(
            conn,
            workspace_id=ws.id,
            application_id=app.id,
            channel="telegram",
            language="en",
            plan={"questions": ["Tell me about yourself"]},
        )
    with transaction(pool, workspace_id=ws.id) as conn:
        loaded = interviews.get_interview(conn, interview_id=created.id)
    assert loaded == created
    assert (loaded.status, loaded.epoch, loaded.channel, loaded.language) == (
        "created",
        0,
        "telegram",
        "en",
    )
    assert loaded.plan == {"questions": ["Tell me about yourself"]}


def test_create_validates_channel_and_application(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        app = factories.application(conn, ws)
        with pytest.raises(InvalidValue):
            interviews.create_interview(
                conn, workspace_id=ws.id, application_id=app.id, channel="sms"
            )
        with pytest.raises(NotFound):
            interviews.create_interview(
                conn, workspace_id=ws.id, application_id=app.id + 999, channel="voice"
            )


def test_link_lookup_honours_expiry_and_revocation(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    soon = datetime.now(UTC) + timedelta(hours=1)
    with transaction(pool, workspace_id=ws.id) as conn:
        interview = factories.interview(conn, ws)
        assert interviews.find_by_link_hash(conn, link_token_hash="h1") is None
        interviews.set_link(conn, interview_id=interview.id, link_token_hash="h1", expires_at=soon)
        found = interviews.find_by_link_hash(conn, link_token_hash="h1")
        later = interviews.find_by_link_hash(
            conn, link_token_hash="h1", now=soon + timedelta(seconds=1)
        )
        revoked = interviews.revoke_link(conn, interview_id=interview.id)
        after_revoke = interviews.find_by_link_hash(conn, link_token_hash="h1")
        renewed = interviews.set_link(
            conn, interview_id=interview.id, link_token_hash="h2", expires_at=soon
        )
        new_link = interviews.find_by_link_hash(conn, link_token_hash="h2")
        old_link = interviews.find_by_link_hash(conn, link_token_hash="h1")
    assert found is not None and found.id == interview.id
    assert later is None
    assert revoked.link_revoked_at is not None and after_revoke is None
    assert renewed.link_revoked_at is None
    assert new_link is not None and new_link.id == interview.id and old_link is None


def test_link_hash_is_unique(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    soon = datetime.now(UTC) + timedelta(hours=1)
    with transaction(pool, workspace_id=ws.id) as conn:
        a, b = factories.interview(conn, ws), factories.interview(conn, ws)
        interviews.set_link(conn, interview_id=a.id, link_token_hash="same", expires_at=soon)
        with pytest.raises(Conflict):
            interviews.set_link(conn, interview_id=b.id, link_token_hash="same", expires_at=soon)
        with pytest.raises(NotFound):
            interviews.set_link(conn, interview_id=b.id + 999, link_token_hash="x", expires_at=soon)


def test_active_then_completed_sets_timestamps_and_reconnect_is_no_op(
    pool: ConnectionPool,
) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        interview = factories.interview(conn, ws)
        active = interviews.set_interview_status(conn, interview_id=interview.id, status="active")
    with transaction(pool, workspace_id=ws.id) as conn:
        reconnect = interviews.set_interview_status(
            conn, interview_id=interview.id, status="active"
        )
    with transaction(pool, workspace_id=ws.id) as conn:
        done = interviews.set_interview_status(conn, interview_id=interview.id, status="completed")
    assert interview.started_at is None
    assert active.started_at is not None and active.ended_at is None
    assert reconnect == active
    assert done.status == "completed" and done.started_at == active.started_at
    assert done.ended_at is not None and done.ended_at >= done.started_at


@pytest.mark.parametrize("path", [[], ["active"]])
def test_failed_needs_reason_and_ends_interview(pool: ConnectionPool, path: list[str]) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        interview = factories.interview(conn, ws)
        for status in path:
            interviews.set_interview_status(conn, interview_id=interview.id, status=status)
        with pytest.raises(InvalidValue):
            interviews.set_interview_status(conn, interview_id=interview.id, status="failed")
        failed = interviews.set_interview_status(
            conn, interview_id=interview.id, status="failed", reason="candidate never joined"
        )
    assert (failed.status, failed.failure_reason) == ("failed", "candidate never joined")
    assert failed.ended_at is not None


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ([], "completed"),
        ([], "created"),
        (["active"], "created"),
        (["active", "completed"], "active"),
        (["active", "completed"], "completed"),
        (["active", "completed"], "failed"),
        (["failed"], "active"),
    ],
)
def test_refused_transitions(pool: ConnectionPool, path: list[str], target: str) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        interview = factories.interview(conn, ws)
        for status in path:
            interviews.set_interview_status(
                conn, interview_id=interview.id, status=status, reason="r"
            )
        before = interviews.get_interview(conn, interview_id=interview.id)
        with pytest.raises(InvalidTransition) as info:
            interviews.set_interview_status(
                conn, interview_id=interview.id, status=target, reason="r"
            )
        after = interviews.get_interview(conn, interview_id=interview.id)
    assert (info.value.current, info.value.requested) == (before.status, target)
    assert after == before


def test_bump_epoch_increments_atomically(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        interview = factories.interview(conn, ws)
    with transaction(pool, workspace_id=ws.id) as conn:
        first = interviews.bump_epoch(conn, interview_id=interview.id)
    with transaction(pool, workspace_id=ws.id) as conn:
        second = interviews.bump_epoch(conn, interview_id=interview.id)
        stored = interviews.get_interview(conn, interview_id=interview.id).epoch
        with pytest.raises(NotFound):
            interviews.bump_epoch(conn, interview_id=interview.id + 999)
    assert (first, second, stored) == (1, 2, 2)


def test_list_filters(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        app = factories.application(conn, ws)
        a = factories.interview(conn, ws, application_id=app.id)
        b = factories.interview(conn, ws, application_id=app.id, channel="telegram")
        c = factories.interview(conn, ws)
        interviews.set_interview_status(conn, interview_id=b.id, status="active")
        assert [i.id for i in interviews.list_interviews(conn)] == [c.id, b.id, a.id]
        assert [i.id for i in interviews.list_interviews(conn, application_id=app.id)] == [
            b.id,
            a.id,
        ]
        assert [i.id for i in interviews.list_interviews(conn, status="active")] == [b.id]
        assert [
            i.id for i in interviews.list_interviews(conn, status="created", application_id=app.id)
        ] == [a.id]
