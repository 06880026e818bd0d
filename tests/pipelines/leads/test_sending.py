"""Sending lead responses through the outbox, against real local boards: the fake Djinni in
headless Chromium (one launch for the module), the fake HH's `POST /negotiations`, a local SMTP
server. Each board gets the response exactly once even when the dispatcher dies mid-send; the
daily cap defers the 21st Djinni response to tomorrow without spending an attempt; a response
that fails for good is marked so; what cannot be sent is refused with a code."""

from __future__ import annotations

import email
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from psycopg_pool import ConnectionPool

from db import lead_responses, leadgen_profiles, leads, outbox
from db.outbox import OutboxItem
from db.pool import transaction
from db.settings import Settings
from pipelines.leads import djinni_session, sending
from pipelines.leads.sending import SendRefused, failure_hook, send_response
from pipelines.outbox import dispatch_due
from pipelines.outbox.channels.email import SmtpConfig
from pipelines.outbox.channels.lead_board import DjinniChannel, LeadEmailChannel
from pipelines.outbox.channels.lead_hh import LeadHHChannel
from scraper.browser.djinni_apply import SharedBrowser
from scraper.browser.human import Pacing
from tests.fakes.boards.djinni import VACANCIES
from tests.fakes.boards.site import FakeBoards
from tests.fakes.hh import applicant
from tests.fakes.hh.fixtures import configured_for_hh
from tests.fakes.hh.server import FakeHH
from tests.pipelines.hh_import.connect import connect_workspace
from tests.pipelines.outbox.receivers import SmtpRecorder, smtp_server

RESUME_ID = "a1b2c3resume"


@pytest.fixture(scope="module")
def mail() -> Iterator[tuple[int, SmtpRecorder]]:
    recorder = SmtpRecorder()
    with smtp_server(recorder) as port:
        yield port, recorder


@pytest.fixture(scope="module")
def lead_settings(
    settings: Settings, hh: FakeHH, site: FakeBoards, mail: tuple[int, SmtpRecorder]
) -> Settings:
    return configured_for_hh(settings, hh).model_copy(update={
        "djinni_url": site.base_url, "smtp_host": "127.0.0.1", "smtp_port": mail[0],
        "smtp_security": "plain", "smtp_from": "robot@selectio.test"})  # fmt: skip


@pytest.fixture(scope="module")
def channels(
    pool: ConnectionPool, lead_settings: Settings, shared: SharedBrowser
) -> dict[str, Any]:
    smtp = SmtpConfig.from_settings(lead_settings)
    assert smtp is not None
    return {
        "lead.djinni": DjinniChannel(
            pool, lead_settings, pacing=Pacing.off, browser=shared, timeout_s=60
        ),  # fmt: skip
        "lead.hh": LeadHHChannel(pool, lead_settings),
        "email.lead": LeadEmailChannel(pool, smtp),
    }


def _space(pool: ConnectionPool, s: Settings, hh: FakeHH, site: FakeBoards, name: str) -> Any:
    """A workspace connected to HH, signed in to Djinni, selling with an HH resume."""
    owner, ws = connect_workspace(pool, s, hh, name)
    cookie = {"name": "sessionid", "value": site.djinni.open_session(), "domain": "127.0.0.1",
              "path": "/", "expires": -1, "httpOnly": True}  # fmt: skip
    djinni_session.save_cookies(pool, s, ws.id, json.dumps([cookie]), owner.id)
    with transaction(pool, workspace_id=ws.id) as conn:
        leadgen_profiles.save_profile(conn, workspace_id=ws.id, updated_by=owner.id,
                                      sender_name="Olga from Staffing",
                                      sender_email="olga@staffing.test")  # fmt: skip
        conn.execute("update leadgen_profiles set hh_resume_id = %s", (RESUME_ID,))
    return ws


def _lead(
    pool: ConnectionPool, ws: Any, *, source: str, external_id: str, channel: str,
    url: str | None = None, contact: dict[str, str] | None = None, approve: bool = True,
) -> int:  # fmt: skip
    with transaction(pool, workspace_id=ws.id) as conn:
        lead, _ = leads.upsert_lead(conn, workspace_id=ws.id, source=source,
                                    external_id=external_id, url=url, title="Python team",
                                    company="Acme", contact=contact)  # fmt: skip
        lead_responses.save_draft(conn, workspace_id=ws.id, lead_id=lead.id, variant_id=None,
                                  language="en", body=f"Hello from us about {external_id}.",
                                  engine="test", channel=channel, subject="Our team")  # fmt: skip
        if approve:
            lead_responses.approve(conn, lead_id=lead.id, approved_by=None)
    return lead.id


def _die_mid_send(pool: ConnectionPool, ws: Any) -> OutboxItem:
    """A dispatcher claims the item under a short lease (and will die without marking it)."""
    with transaction(pool, workspace_id=ws.id) as conn:
        [item] = outbox.claim_due(conn, owner="dead", lease=timedelta(seconds=0.3))
    return item


def _dispatch(pool: ConnectionPool, channels: dict[str, Any], ws: Any, **kwargs: Any) -> Any:
    """One pass as the automation job makes it (its per-message lease covers the browser)."""
    return dispatch_due(pool, channels, workspace_id=ws.id, lease_s=120.0, **kwargs)


def _after(pool: ConnectionPool, ws: Any, lead_id: int, item_id: int) -> tuple[Any, ...]:
    with transaction(pool, workspace_id=ws.id) as conn:
        response = lead_responses.get_for_lead(conn, lead_id=lead_id)
        lead = leads.get_lead(conn, lead_id=lead_id)
        sent = [e for e in leads.list_events(conn, lead_id=lead_id) if e.kind == "message_out"]
        item = outbox.get_item(conn, item_id=item_id)
    assert response is not None
    return response.status, lead.status, sent, (item.status, item.attempts)


def test_djinni_gets_one_application_when_the_dispatcher_dies_after_delivering(
    pool: ConnectionPool, lead_settings: Settings, hh: FakeHH, site: FakeBoards,
    channels: dict[str, Any],
) -> None:  # fmt: skip
    ws = _space(pool, lead_settings, hh, site, "Djinni Sender")
    vacancy = VACANCIES[0]
    lead_id = _lead(pool, ws, source="djinni", external_id=str(vacancy.id), channel="djinni",
                    url=site.base_url + vacancy.path)  # fmt: skip
    assert send_response(pool, lead_settings, ws.id, lead_id).status == "queued"
    assert send_response(pool, lead_settings, ws.id, lead_id).status == "queued"  # once

    item = _die_mid_send(pool, ws)
    channels["lead.djinni"].deliver(item)  # applied and recorded; no mark: the dispatcher died
    time.sleep(0.35)
    counts = _dispatch(pool, channels, ws)

    assert counts.sent == 1
    mine = [a for a in site.djinni.applications if a.vacancy_id == str(vacancy.id)]
    assert len(mine) == 1 and mine[0].message == f"Hello from us about {vacancy.id}."
    status, lead_status, sent, item_state = _after(pool, ws, lead_id, item.id)
    assert (status, lead_status, item_state) == ("sent", "responded", ("sent", 2))
    assert len(sent) == 1 and sent[0].external_id == f"outbox:{item.id}"
    assert sent[0].body == f"Hello from us about {vacancy.id}."


def test_djinni_is_not_applied_twice_when_the_dispatcher_dies_before_recording(
    pool: ConnectionPool, lead_settings: Settings, hh: FakeHH, site: FakeBoards,
    channels: dict[str, Any],
) -> None:  # fmt: skip
    ws = _space(pool, lead_settings, hh, site, "Djinni Crash")
    vacancy = VACANCIES[1]
    lead_id = _lead(pool, ws, source="djinni", external_id=str(vacancy.id), channel="djinni",
                    url=site.base_url + vacancy.path)  # fmt: skip
    send_response(pool, lead_settings, ws.id, lead_id)
    item = _die_mid_send(pool, ws)
    channel = channels["lead.djinni"]
    channel.send(item, sending.prepare_delivery(pool, item))  # Djinni took it; nothing recorded
    time.sleep(0.35)
    _dispatch(pool, channels, ws)

    assert [a.vacancy_id for a in site.djinni.applications].count(str(vacancy.id)) == 1
    assert site.djinni.refused == []  # the page showed the application: no second submit
    status, lead_status, sent, item_state = _after(pool, ws, lead_id, item.id)
    assert (status, lead_status, item_state) == ("sent", "responded", ("sent", 2))
    assert sent[0].data["delivered_as"] == f"djinni:{vacancy.id}:already"


def test_hh_gets_one_negotiation_when_the_dispatcher_dies_mid_send(
    pool: ConnectionPool, lead_settings: Settings, hh: FakeHH, site: FakeBoards,
    channels: dict[str, Any],
) -> None:  # fmt: skip
    ws = _space(pool, lead_settings, hh, site, "HH Sender")
    lead_id = _lead(pool, ws, source="hh", external_id="9312001", channel="hh")
    queued = send_response(pool, lead_settings, ws.id, lead_id)
    item = _die_mid_send(pool, ws)
    assert (item.kind, item.idempotency_key) == ("lead.hh", f"lead-response:{queued.id}")
    channels["lead.hh"].send(item, sending.prepare_delivery(pool, item))  # HH took it
    time.sleep(0.35)
    _dispatch(pool, channels, ws)

    taken = [a for a in applicant.applications(hh) if a.vacancy_id == "9312001"]
    assert [(a.resume_id, a.message) for a in taken] == [
        (RESUME_ID, "Hello from us about 9312001.")
    ]
    assert applicant.refusals(hh).count(("9312001", RESUME_ID)) == 1  # the repeat HH refused
    status, lead_status, sent, item_state = _after(pool, ws, lead_id, item.id)
    assert (status, lead_status, item_state) == ("sent", "responded", ("sent", 2))
    assert sent[0].data["delivered_as"] == f"hh:9312001:{RESUME_ID}:already"


def test_email_goes_once_from_the_profiles_sender_when_the_dispatcher_dies_mid_send(
    pool: ConnectionPool, lead_settings: Settings, hh: FakeHH, site: FakeBoards,
    channels: dict[str, Any], mail: tuple[int, SmtpRecorder],
) -> None:  # fmt: skip
    ws = _space(pool, lead_settings, hh, site, "Mail Sender")
    lead_id = _lead(pool, ws, source="linkedin", external_id="li-1", channel="linkedin",
                    contact={"email": "cto@acme.test"})  # fmt: skip
    send_response(pool, lead_settings, ws.id, lead_id)
    before = len(mail[1].messages)
    item = _die_mid_send(pool, ws)
    assert item.kind == "email.lead"  # no LinkedIn session kept: the contact's e-mail
    channels["email.lead"].deliver(item)
    time.sleep(0.35)
    _dispatch(pool, channels, ws)

    [raw] = mail[1].messages[before:]
    message = email.message_from_bytes(raw)
    assert message["To"] == "cto@acme.test" and message["Subject"] == "Our team"
    assert message["From"] == "Olga from Staffing <olga@staffing.test>"
    assert message["Reply-To"] == "olga@staffing.test"
    status, lead_status, _, item_state = _after(pool, ws, lead_id, item.id)
    assert (status, lead_status, item_state) == ("sent", "responded", ("sent", 2))


def test_the_21st_djinni_response_of_the_day_waits_for_tomorrow_unattempted(
    pool: ConnectionPool, lead_settings: Settings, hh: FakeHH, site: FakeBoards,
    channels: dict[str, Any],
) -> None:  # fmt: skip
    ws = _space(pool, lead_settings, hh, site, "Capped Sender")
    with transaction(pool, workspace_id=ws.id) as conn:
        leadgen_profiles.save_profile(conn, workspace_id=ws.id, updated_by=None,
                                      meeting_timezone="Asia/Tokyo")  # fmt: skip
    for n in range(20):  # twenty went out today already
        lead_id = _lead(pool, ws, source="djinni", external_id=f"sent-{n}", channel="djinni",
                        url=f"{site.base_url}/jobs/{n}-x/")  # fmt: skip
        with transaction(pool, workspace_id=ws.id) as conn:
            done, _ = outbox.enqueue(conn, workspace_id=ws.id, kind="lead.djinni",
                                     idempotency_key=f"earlier-{n}", payload={})  # fmt: skip
            outbox.cancel(conn, item_id=done.id)  # not for this test's dispatcher
            lead_responses.mark_queued(conn, lead_id=lead_id, outbox_id=done.id)
            lead_responses.mark_sent(conn, lead_id=lead_id)
    vacancy = VACANCIES[2]
    lead_id = _lead(pool, ws, source="djinni", external_id=str(vacancy.id), channel="djinni",
                    url=site.base_url + vacancy.path)  # fmt: skip
    send_response(pool, lead_settings, ws.id, lead_id)
    applied = len(site.djinni.applications)

    counts = _dispatch(pool, channels, ws)

    assert (counts.claimed, counts.deferred, counts.sent) == (1, 1, 0)
    assert len(site.djinni.applications) == applied  # the browser never went
    with transaction(pool, workspace_id=ws.id) as conn:
        response = lead_responses.get_for_lead(conn, lead_id=lead_id)
        assert response is not None
        item = outbox.get_item(conn, item_id=response.outbox_id)  # type: ignore[arg-type]
    tokyo = datetime.now(UTC).astimezone(ZoneInfo("Asia/Tokyo"))
    midnight = datetime.combine(tokyo.date() + timedelta(days=1), datetime.min.time(),
                                tzinfo=ZoneInfo("Asia/Tokyo"))  # fmt: skip
    assert (item.status, item.attempts, item.available_at) == ("pending", 0, midnight)
    assert "20 of 20 djinni responses sent today" in (item.last_error or "")
    assert response.status == "queued"


def test_a_response_that_fails_for_good_is_marked_and_noted_and_the_lead_stays(
    pool: ConnectionPool, lead_settings: Settings, hh: FakeHH, site: FakeBoards,
    channels: dict[str, Any],
) -> None:  # fmt: skip
    ws = _space(pool, lead_settings, hh, site, "Failing Sender")
    lead_id = _lead(pool, ws, source="djinni", external_id="999", channel="djinni",
                    url=f"{site.base_url}/jobs/999-closed-vacancy/")  # fmt: skip
    send_response(pool, lead_settings, ws.id, lead_id)
    told: list[OutboxItem] = []

    counts = _dispatch(pool, channels, ws, on_failed=failure_hook(pool, told.append))

    assert counts.failed == 1 and [i.kind for i in told] == ["lead.djinni"]
    with transaction(pool, workspace_id=ws.id) as conn:
        response = lead_responses.get_for_lead(conn, lead_id=lead_id)
        lead = leads.get_lead(conn, lead_id=lead_id)
        events = leads.list_events(conn, lead_id=lead_id)
    assert response is not None and response.status == "failed"
    assert "takes no applications" in (response.error or "")
    assert lead.status == "new"
    assert [e.data.get("failed") for e in events if e.kind == "note"] == [True]


def test_what_cannot_be_sent_is_refused_with_a_code(
    pool: ConnectionPool, lead_settings: Settings, hh: FakeHH, site: FakeBoards
) -> None:
    ws = _space(pool, lead_settings, hh, site, "Refusing Sender")
    linkedin = _lead(pool, ws, source="linkedin", external_id="li-2", channel="linkedin")
    with pytest.raises(SendRefused) as no_channel:
        send_response(pool, lead_settings, ws.id, linkedin)
    assert no_channel.value.code == "linkedin_not_connected"  # no session, no e-mail
    assert "LinkedIn session" in no_channel.value.message

    draft = _lead(pool, ws, source="hh", external_id="777", channel="hh", approve=False)
    with pytest.raises(SendRefused) as unapproved:
        send_response(pool, lead_settings, ws.id, draft)
    with pytest.raises(SendRefused) as not_auto:  # no fit, no threshold
        send_response(pool, lead_settings, ws.id, draft, auto=True)
    assert (unapproved.value.code, not_auto.value.code) == \
        ("response_not_approved", "auto_send_not_allowed")  # fmt: skip

    with transaction(pool, workspace_id=ws.id) as conn:
        leadgen_profiles.save_profile(conn, workspace_id=ws.id, updated_by=None,
                                      auto_send_threshold=80)  # fmt: skip
        leads.save_analysis(conn, lead_id=draft, language="en", analysis={}, fit_score=85,
                            fit_reasons=[], bench_matches=[], dedupe_key=None)  # fmt: skip
    auto = send_response(pool, lead_settings, ws.id, draft, auto=True)
    assert (auto.status, auto.approved_by) == ("queued", None)

    with transaction(pool, workspace_id=ws.id) as conn:
        conn.execute("update leadgen_profiles set hh_resume_id = null")
    other = _lead(pool, ws, source="hh", external_id="778", channel="hh")
    with pytest.raises(SendRefused) as no_resume:
        send_response(pool, lead_settings, ws.id, other)
    assert no_resume.value.code == "hh_resume_missing"
    with transaction(pool, workspace_id=ws.id) as conn:
        failed = lead_responses.get_for_lead(conn, lead_id=other)
    assert failed is not None and failed.status == "failed"
    assert (failed.error or "").startswith("hh_resume_missing")
