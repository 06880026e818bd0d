"""Lead responses: one per lead, redrafted and edited until queued, then locked; daily counts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from db import lead_responses, leads, outbox, users
from db.errors import InvalidTransition, InvalidValue, NotFound
from db.lead_responses import ResponseLocked
from db.pool import transaction
from db.workspaces import Workspace
from tests.db import factories


def _lead(conn: psycopg.Connection, ws: Workspace, source: str = "site") -> leads.Lead:
    lead, _ = leads.upsert_lead(
        conn, workspace_id=ws.id, source=source, external_id=uuid.uuid4().hex, title="Go dev"
    )
    return lead


def _draft(
    conn: psycopg.Connection, ws: Workspace, lead_id: int, body: str = "Hello!", **kw: object
) -> lead_responses.LeadResponse:
    fields: dict[str, object] = {
        "language": "en",
        "engine": "offline",
        "channel": "email",
        "subject": "Go dev",
        "recipient": "hr@acme.io",
    }
    fields.update(kw)
    return lead_responses.save_draft(
        conn, workspace_id=ws.id, lead_id=lead_id, variant_id=None, body=body, **fields
    )


def _queue(conn: psycopg.Connection, ws: Workspace, response_id: int) -> int:
    item, _ = outbox.enqueue(
        conn,
        workspace_id=ws.id,
        kind="lead_response",
        idempotency_key=f"lead-response:{response_id}",
        payload={},
    )
    return item.id


def test_draft_edit_approve_queue_send(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool) as conn:
        person = users.create_user(conn, email=f"{uuid.uuid4().hex}@x.io", password_hash="h")
    with transaction(pool, workspace_id=ws.id) as conn:
        lead = _lead(conn, ws)
        first = _draft(conn, ws, lead.id, "First text")
        approved = lead_responses.approve(conn, response_id=first.id, approved_by=person.id)
        redrafted = _draft(conn, ws, lead.id, "Second text", engine="openai:gpt-4o-mini")
        edited = lead_responses.edit(conn, lead_id=lead.id, body="Edited", edited_by=person.id)
        again = lead_responses.approve(conn, lead_id=lead.id, approved_by=person.id)
        edited_after = lead_responses.edit(
            conn, response_id=first.id, subject="New subject", edited_by=person.id
        )
        final = lead_responses.approve(conn, response_id=first.id, approved_by=None)
        item_id = _queue(conn, ws, first.id)
        queued = lead_responses.mark_queued(conn, response_id=first.id, outbox_id=item_id)
        assert lead_responses.mark_queued(conn, lead_id=lead.id, outbox_id=item_id) == queued
        sent = lead_responses.mark_sent(conn, response_id=first.id)
        assert lead_responses.mark_sent(conn, response_id=first.id) == sent
        stored = lead_responses.get_for_lead(conn, lead_id=lead.id)
    assert (first.status, approved.status, approved.approved_by) == ("draft", "approved", person.id)
    assert (redrafted.id, redrafted.status, redrafted.approved_by) == (first.id, "draft", None)
    assert (redrafted.body, redrafted.engine) == ("Second text", "openai:gpt-4o-mini")
    assert (edited.body, edited.edited_by, edited.subject) == ("Edited", person.id, "Go dev")
    assert again.status == "approved"
    assert (edited_after.status, edited_after.approved_by) == ("draft", None)
    assert (edited_after.body, edited_after.subject) == ("Edited", "New subject")
    assert (final.status, final.approved_by) == ("approved", None)
    assert (queued.status, queued.outbox_id) == ("queued", item_id)
    assert sent.status == "sent" and sent.sent_at is not None
    assert stored == sent


def test_a_queued_or_sent_response_is_locked(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        lead = _lead(conn, ws)
        draft = _draft(conn, ws, lead.id)
        with pytest.raises(InvalidTransition):  # a draft is approved before it is queued
            lead_responses.mark_queued(conn, response_id=draft.id, outbox_id=_queue(conn, ws, 1))
        lead_responses.approve(conn, response_id=draft.id, approved_by=None)
        item_id = _queue(conn, ws, draft.id)
        lead_responses.mark_queued(conn, response_id=draft.id, outbox_id=item_id)
        with pytest.raises(ResponseLocked) as caught:
            _draft(conn, ws, lead.id, "Another text")
        with pytest.raises(ResponseLocked):
            lead_responses.edit(conn, response_id=draft.id, body="Sneaky", edited_by=None)
        with pytest.raises(InvalidTransition):
            lead_responses.mark_queued(conn, response_id=draft.id, outbox_id=_queue(conn, ws, 2))
        lead_responses.mark_sent(conn, response_id=draft.id)
        with pytest.raises(ResponseLocked):
            _draft(conn, ws, lead.id, "After sending")
        with pytest.raises(InvalidTransition):
            lead_responses.mark_failed(conn, response_id=draft.id, error="late")
        stored = lead_responses.get_for_lead(conn, lead_id=lead.id)
    assert caught.value.code == "response_locked"
    assert stored is not None and (stored.body, stored.status) == ("Hello!", "sent")


def test_a_failed_response_can_be_redrafted(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        lead = _lead(conn, ws)
        draft = _draft(conn, ws, lead.id)
        lead_responses.approve(conn, response_id=draft.id, approved_by=None)
        lead_responses.mark_queued(conn, response_id=draft.id, outbox_id=_queue(conn, ws, draft.id))
        failed = lead_responses.mark_failed(conn, response_id=draft.id, error="  board said no  ")
        redrafted = _draft(conn, ws, lead.id, "Try again")
    assert (failed.status, failed.error) == ("failed", "board said no")
    assert (redrafted.status, redrafted.error, redrafted.outbox_id) == ("draft", None, None)


def test_drafts_refuse_bad_values_and_unknown_responses(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        lead = _lead(conn, ws)
        for bad in ({"channel": "fax"}, {"language": "de"}, {"engine": ""}):
            with pytest.raises(InvalidValue):
                _draft(conn, ws, lead.id, **bad)
        with pytest.raises(InvalidValue):
            _draft(conn, ws, lead.id, "   ")
        with pytest.raises(NotFound):
            lead_responses.approve(conn, lead_id=lead.id, approved_by=None)
        with pytest.raises(InvalidValue):
            lead_responses.approve(conn, approved_by=None)
        assert lead_responses.get_for_lead(conn, lead_id=lead.id) is None


def test_sent_today_counts_per_channel_since_local_midnight(pool: ConnectionPool) -> None:
    ws, other = factories.workspace(pool), factories.workspace(pool)
    zone = "Pacific/Kiritimati"  # UTC+14: its midnight is far from UTC's
    now = datetime.now(UTC)
    midnight = datetime.now(ZoneInfo(zone)).replace(hour=0, minute=0, second=0, microsecond=0)
    today = midnight + (now - midnight) / 2
    yesterday = midnight - timedelta(seconds=30)
    for workspace in (ws, other):
        with transaction(pool, workspace_id=workspace.id) as conn:
            for channel, sent_at in (
                ("djinni", today),
                ("djinni", today),
                ("djinni", yesterday),
                ("email", today),
                ("hh", None),
            ):
                lead = _lead(conn, workspace)
                draft = _draft(conn, workspace, lead.id, channel=channel)
                if sent_at is None:  # approved, never sent
                    lead_responses.approve(conn, response_id=draft.id, approved_by=None)
                    continue
                lead_responses.approve(conn, response_id=draft.id, approved_by=None)
                item = _queue(conn, workspace, draft.id)
                lead_responses.mark_queued(conn, response_id=draft.id, outbox_id=item)
                lead_responses.mark_sent(conn, response_id=draft.id, sent_at=sent_at)
    with transaction(pool, workspace_id=ws.id) as conn:
        counts = {c: lead_responses.sent_today(conn, c, zone) for c in lead_responses.CHANNELS}
        with pytest.raises(InvalidValue):
            lead_responses.sent_today(conn, "email", "Mars/Olympus")
    assert counts == {"djinni": 2, "linkedin": 0, "hh": 0, "email": 1}
