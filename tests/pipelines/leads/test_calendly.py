"""Meetings through Calendly, end to end on loopback: the response's single-use link made by the
fake Calendly, the invitee booking it, Calendly's signed webhook POSTed to the product's real
route, and the lead moving to meeting; bad signatures, repeats and cancellations."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from psycopg_pool import ConnectionPool

from db import lead_meetings, lead_responses, leadgen_profiles, leads, outbox
from db.pool import transaction
from db.secret_box import SecretBox
from db.settings import Settings
from pipelines.leads.calendly import CalendlyClient, connect_webhooks
from pipelines.leads.sending import SendRefused, send_response
from serve_apps import accounts as people
from tests.conftest import served_api
from tests.fakes.calendly import SIGNATURE_HEADER, FakeCalendly, sign

SIGNING_KEY = "whsec-lead-tests-1"
START = datetime(2030, 5, 6, 10, 0, tzinfo=UTC)  # 13:00 in Kyiv


@pytest.fixture(scope="module")
def cal() -> Iterator[FakeCalendly]:
    with FakeCalendly() as fake:
        yield fake


@pytest.fixture(scope="module")
def lead_settings(settings: Settings, cal: FakeCalendly) -> Settings:
    return settings.model_copy(
        update={"calendly_api_url": cal.api_url, "smtp_host": "127.0.0.1", "smtp_from": "x@y.test"}
    )


@pytest.fixture(scope="module")
def api(pool: ConnectionPool, lead_settings: Settings) -> Iterator[str]:
    """The product's API served for real (its base URL): Calendly posts to its route."""
    with served_api(pool, lead_settings) as url:
        yield url


@pytest.fixture(scope="module")
def space(pool: ConnectionPool, lead_settings: Settings, cal: FakeCalendly, api: str) -> Any:
    """A workspace with an owner, a profile in Kyiv time, Calendly connected and subscribed."""
    owner = people.create_user_account(pool, email="owner@cal.test", password="pw-12345678")
    ws = people.create_workspace(pool, name="Calendly Staffing", owner_id=owner.id)
    with transaction(pool, workspace_id=ws.id) as conn:
        leadgen_profiles.save_profile(conn, workspace_id=ws.id, updated_by=owner.id,
                                      meeting_timezone="Europe/Kyiv",
                                      calendly_event_type=cal.event_type)  # fmt: skip
        leadgen_profiles.set_calendly_secrets(
            conn, workspace_id=ws.id, token=cal.token, signing_key=SIGNING_KEY,
            box=SecretBox(lead_settings.resolved_secret_key()),
        )  # fmt: skip
    connect_webhooks(cal.token, SIGNING_KEY, f"{api}/api/v1/hooks/calendly/{ws.id}",
                     base_url=cal.api_url)  # fmt: skip
    return ws


def _lead(pool: ConnectionPool, ws: Any, name: str, body: str) -> int:
    """A lead with an approved e-mail response."""
    with transaction(pool, workspace_id=ws.id) as conn:
        lead, _ = leads.upsert_lead(
            conn, workspace_id=ws.id, source="djinni", external_id=name, title=f"{name} role",
            company=f"{name} Corp", contact={"email": f"cto@{name.lower()}.test"},
        )  # fmt: skip
        lead_responses.save_draft(conn, workspace_id=ws.id, lead_id=lead.id, variant_id=None,
                                  language="en", body=body, engine="test", channel="email",
                                  subject="Your vacancy")  # fmt: skip
        lead_responses.approve(conn, lead_id=lead.id, approved_by=None)
    return lead.id


def _state(pool: ConnectionPool, ws: Any, lead_id: int) -> tuple[str, list[str], list[Any]]:
    with transaction(pool, workspace_id=ws.id) as conn:
        status = leads.get_lead(conn, lead_id=lead_id).status
        kinds = [e.kind for e in leads.list_events(conn, lead_id=lead_id)]
        meetings = lead_meetings.list_for_lead(conn, lead_id=lead_id)
    return status, kinds, meetings


def _told(pool: ConnectionPool, ws: Any, kind: str) -> list[dict[str, Any]]:
    with transaction(pool, workspace_id=ws.id) as conn:
        rows = conn.execute("select subject, body from notifications where kind = %s order by id",
                            (kind,)).fetchall()  # fmt: skip
    return [{**r[0], "body": r[1]} for r in rows]


def _sent_link(pool: ConnectionPool, ws: Any, lead_id: int) -> str:
    with transaction(pool, workspace_id=ws.id) as conn:
        body = lead_responses.get_for_lead(conn, lead_id=lead_id).body  # type: ignore[union-attr]
    return next(w for w in body.split() if "/d/" in w)


def test_a_signed_booking_moves_the_lead_to_meeting_and_tells_the_team(
    pool: ConnectionPool, lead_settings: Settings, cal: FakeCalendly, space: Any
) -> None:
    lead_id = _lead(pool, space, "Acme", "Hello! Book a call: {booking_link} Thanks.")
    queued = send_response(pool, lead_settings, space.id, lead_id)
    link = _sent_link(pool, space, lead_id)
    assert queued.status == "queued" and "{booking_link}" not in queued.body
    assert parse_qs(urlsplit(link).query)["utm_content"] == [f"lead-{lead_id}"]
    with transaction(pool, workspace_id=space.id) as conn:  # the lead got its own link
        assert [m.status for m in lead_meetings.list_for_lead(conn, lead_id=lead_id)] == \
            ["link_sent"]  # fmt: skip
        leads.advance(conn, lead_id=lead_id, status="responded")  # as the delivery would

    invitee = cal.book(link, name="Ann Lee", email="ann@elsewhere.test", start=START)

    assert cal.deliveries[-1].status == 200
    status, kinds, meetings = _state(pool, space, lead_id)
    assert status == "meeting" and kinds.count("meeting") == 1
    [meeting] = meetings  # the link's row became the meeting
    assert (meeting.status, meeting.invitee_uri, meeting.timezone) == \
        ("scheduled", invitee["uri"], "Europe/Berlin")  # fmt: skip
    assert (meeting.start_at, meeting.end_at.minute) == (START, 30)  # type: ignore[union-attr]
    [told] = _told(pool, space, "lead.meeting_booked")
    assert told["start"] == "2030-05-06 13:00 (Europe/Kyiv)" and told["invitee"] == "Ann Lee"
    assert "Ann Lee booked a meeting" in told["body"]


def test_a_repeated_webhook_changes_nothing_and_a_cancel_moves_the_meeting(
    pool: ConnectionPool, lead_settings: Settings, cal: FakeCalendly, space: Any
) -> None:
    lead_id = _lead(pool, space, "Globex", "Hi, pick a time: {booking_link}")
    send_response(pool, lead_settings, space.id, lead_id)
    invitee = cal.book(_sent_link(pool, space, lead_id), name="Bo", email="bo@globex.test",
                       start=START)  # fmt: skip
    before = _state(pool, space, lead_id), len(_told(pool, space, "lead.meeting_booked"))

    first = cal.deliveries[-1]
    again = httpx.post(first.url, content=first.body, headers=first.headers)  # Calendly's retry
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    assert (_state(pool, space, lead_id), len(_told(pool, space, "lead.meeting_booked"))) == before

    cal.cancel(invitee["uri"], reason="We hired someone")
    status, kinds, [meeting] = _state(pool, space, lead_id)
    assert (meeting.status, meeting.cancel_reason) == ("canceled", "We hired someone")
    assert status == "meeting" and kinds.count("meeting") == 2  # booked, then cancelled
    [told] = _told(pool, space, "lead.meeting_canceled")
    assert told["reason"] == "We hired someone" and told["lead_id"] == lead_id


def test_bad_signatures_are_refused_and_change_nothing(
    pool: ConnectionPool, lead_settings: Settings, cal: FakeCalendly, space: Any
) -> None:
    lead_id = _lead(pool, space, "Initech", "Call me: {booking_link}")
    send_response(pool, lead_settings, space.id, lead_id)
    with CalendlyClient(cal.token, base_url=cal.api_url) as client:  # nobody subscribed to it
        spare = client.scheduling_link(cal.event_type)
    subscription = next(iter(cal.state.subscriptions.values()))["callback_url"]
    subscriptions = dict(cal.state.subscriptions)
    cal.state.subscriptions.clear()  # booked without Calendly delivering: we POST ourselves
    invitee = cal.book(spare + f"?utm_content=lead-{lead_id}", name="Eve", email="e@x.test",
                       start=START)  # fmt: skip
    cal.state.subscriptions.update(subscriptions)
    body = json.dumps({"event": "invitee.created", "payload": invitee,
                       "created_at": "2030-01-01T00:00:00.000000Z"}).encode()  # fmt: skip
    forged = [
        ({}, "calendly_signature_missing"),
        ({SIGNATURE_HEADER: sign("not-the-key", body)}, "calendly_signature_invalid"),
        ({SIGNATURE_HEADER: sign(SIGNING_KEY, body + b" ")}, "calendly_signature_invalid"),
        ({SIGNATURE_HEADER: sign(SIGNING_KEY, body, int(time.time()) - 600)},
         "calendly_timestamp_stale"),
    ]  # fmt: skip
    for headers, code in forged:
        answer = httpx.post(subscription, content=body, headers=headers)
        assert (answer.status_code, answer.json()["error"]["code"]) == (401, code)
    signed = {SIGNATURE_HEADER: sign(SIGNING_KEY, body)}
    nobody = subscription.replace(str(space.id), "00000000-0000-0000-0000-000000000000")
    other = httpx.post(nobody, content=body, headers=signed)
    assert (other.status_code, other.json()["error"]["code"]) == (403, "calendly_not_configured")
    status, kinds, meetings = _state(pool, space, lead_id)
    assert status == "new"
    assert "meeting" not in kinds and [m.status for m in meetings] == ["link_sent"]

    good = httpx.post(subscription, content=body, headers=signed)
    assert good.json() == {"status": "scheduled", "lead_id": lead_id}


def test_without_calendly_the_plain_link_goes_and_with_neither_nothing_is_queued(
    pool: ConnectionPool, lead_settings: Settings, cal: FakeCalendly, space: Any
) -> None:
    cal.fail_next(503)
    with transaction(pool, workspace_id=space.id) as conn:
        leadgen_profiles.save_profile(conn, workspace_id=space.id, updated_by=None,
                                      booking_url="https://book.example.test/olga")  # fmt: skip
    lead_id = _lead(pool, space, "Umbrella", "Book: {booking_link}")
    sent = send_response(pool, lead_settings, space.id, lead_id)
    assert f"https://book.example.test/olga?utm_content=lead-{lead_id}" in sent.body

    with transaction(pool, workspace_id=space.id) as conn:
        leadgen_profiles.save_profile(conn, workspace_id=space.id, updated_by=None,
                                      booking_url=None)  # fmt: skip
    lead_id = _lead(pool, space, "Hooli", "Book: {booking_link}")
    cal.fail_next(401)
    with pytest.raises(SendRefused) as refused:
        send_response(pool, lead_settings, space.id, lead_id)
    assert refused.value.code == "booking_link_failed"
    assert "calendly_unauthorized" in refused.value.message
    with transaction(pool, workspace_id=space.id) as conn:
        response = lead_responses.get_for_lead(conn, lead_id=lead_id)
        queued = [i for i in outbox.list_items(conn) if i.payload.get("lead_id") == lead_id]
    assert response is not None and response.status == "failed" and queued == []


def test_a_plain_link_booking_is_matched_by_the_invitees_email(
    pool: ConnectionPool, cal: FakeCalendly, space: Any
) -> None:
    lead_id = _lead(pool, space, "Wayne", "Hello")
    with CalendlyClient(cal.token, base_url=cal.api_url) as client:
        plain = client.scheduling_link(cal.event_type)  # no utm_content: a link shared by hand
    cal.book(plain, name="Bruce", email="CTO@wayne.test", start=START)
    status, _, [meeting] = _state(pool, space, lead_id)
    assert (status, meeting.invitee_email) == ("meeting", "CTO@wayne.test")
