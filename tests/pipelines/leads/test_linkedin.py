"""LinkedIn lead responses by browser, against the fake LinkedIn in headless Chromium (one launch
for the module): the job's poster gets the message once even when the dispatcher dies after
delivering or before recording; a job without a poster fails for good with the code's message;
a dead `li_at` marks the session `reconnect_needed` and the item waits for a person; without a
session the response goes by e-mail, or is refused `linkedin_not_connected`."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from psycopg_pool import ConnectionPool

from db import integrations, lead_responses, leadgen_profiles, leads, outbox
from db.outbox import OutboxItem
from db.pool import transaction
from db.settings import Settings
from pipelines.leads import board_session, linkedin_session, sending
from pipelines.leads.sending import SendRefused, failure_hook, send_response
from pipelines.outbox import dispatch_due
from pipelines.outbox.channels.lead_board import WAIT_FOR_PERSON_S
from pipelines.outbox.channels.lead_linkedin import LinkedInChannel
from scraper.browser.human import Pacing
from scraper.browser.linkedin_message import LinkedInError, job_id_of
from scraper.browser.signed_in import SharedBrowser
from serve_apps import accounts as people
from tests.fakes.boards.linkedin import JOBS
from tests.fakes.boards.site import FakeBoards

pytestmark = pytest.mark.e2e  # headless Chromium against the fake boards


@pytest.fixture(scope="module")
def li_settings(settings: Settings, site: FakeBoards) -> Settings:
    return settings.model_copy(update={
        "linkedin_url": site.base_url, "smtp_host": "127.0.0.1", "smtp_port": 2525,
        "smtp_security": "plain", "smtp_from": "robot@selectio.test"})  # fmt: skip


@pytest.fixture(scope="module")
def channels(pool: ConnectionPool, li_settings: Settings, shared: SharedBrowser) -> dict[str, Any]:
    return {"lead.linkedin": LinkedInChannel(pool, li_settings, pacing=Pacing.off,
                                             browser=shared, timeout_s=60)}  # fmt: skip


def _space(pool: ConnectionPool, s: Settings, site: FakeBoards, name: str, *,
           session: str | None = "live") -> Any:  # fmt: skip
    """A workspace selling as Olga; signed in to LinkedIn (`session` 'live' or 'dead') or not."""
    slug = name.lower().replace(" ", "-")
    owner = people.create_user_account(pool, email=f"owner@{slug}.test", password="pw-12345678")
    ws = people.create_workspace(pool, name=name, owner_id=owner.id)
    if session is not None:
        token = site.linkedin.open_session() if session == "live" else "AQEDdead"
        cookie = {"name": "li_at", "value": token, "domain": "127.0.0.1", "path": "/",
                  "expires": -1, "httpOnly": True, "secure": False}  # fmt: skip
        board_session.save_cookies(linkedin_session.BOARD, pool, s, ws.id, json.dumps([cookie]),
                                   owner.id)  # fmt: skip
    with transaction(pool, workspace_id=ws.id) as conn:
        leadgen_profiles.save_profile(conn, workspace_id=ws.id, updated_by=owner.id,
                                      sender_name="Olga from Staffing",
                                      sender_email="olga@staffing.test")  # fmt: skip
    return ws


def _lead(pool: ConnectionPool, ws: Any, job_id: str, *, contact: dict[str, str] | None = None
          ) -> int:  # fmt: skip
    with transaction(pool, workspace_id=ws.id) as conn:
        lead, _ = leads.upsert_lead(conn, workspace_id=ws.id, source="linkedin",
                                    external_id=f"li-{job_id}", title="Python team",
                                    url=f"https://www.linkedin.com/jobs/view/{job_id}",
                                    company="Acme", contact=contact)  # fmt: skip
        lead_responses.save_draft(conn, workspace_id=ws.id, lead_id=lead.id, variant_id=None,
                                  language="en", body=f"Hello from us about job {job_id}.\n"
                                  "We have a Python team free next month.",
                                  engine="test", channel="linkedin", subject="")  # fmt: skip
        lead_responses.approve(conn, lead_id=lead.id, approved_by=None)
    return lead.id


def _die_mid_send(pool: ConnectionPool, ws: Any) -> OutboxItem:
    with transaction(pool, workspace_id=ws.id) as conn:
        [item] = outbox.claim_due(conn, owner="dead", lease=timedelta(seconds=0.3))
    return item


def _dispatch(pool: ConnectionPool, channels: dict[str, Any], ws: Any, **kwargs: Any) -> Any:
    return dispatch_due(pool, channels, workspace_id=ws.id, lease_s=120.0, **kwargs)


def _state(pool: ConnectionPool, ws: Any, lead_id: int) -> tuple[Any, Any, list[Any]]:
    with transaction(pool, workspace_id=ws.id) as conn:
        response = lead_responses.get_for_lead(conn, lead_id=lead_id)
        assert response is not None and response.outbox_id is not None
        item = outbox.get_item(conn, item_id=response.outbox_id)
        sent = [e for e in leads.list_events(conn, lead_id=lead_id) if e.kind == "message_out"]
    return response, item, sent


def test_the_job_url_names_the_job() -> None:
    assert job_id_of("https://www.linkedin.com/jobs/view/3901000001") == "3901000001"
    assert job_id_of("https://www.linkedin.com/jobs/view/python-dev-at-acme-42/?ref=x") == "42"
    assert job_id_of("https://www.linkedin.com/jobs/search/?currentJobId=77") == "77"
    assert job_id_of("https://www.linkedin.com/company/acme/") is None
    with pytest.raises(LinkedInError) as no_session:
        linkedin_session.BOARD.load_cookies(
            json.dumps([{"name": "JSESSIONID", "value": "x", "domain": ".linkedin.com"}]),
            host="www.linkedin.com",
        )
    assert no_session.value.code == "linkedin_cookies_invalid"


def test_the_poster_gets_one_message_when_the_dispatcher_dies_after_delivering(
    pool: ConnectionPool, li_settings: Settings, site: FakeBoards, channels: dict[str, Any]
) -> None:
    ws = _space(pool, li_settings, site, "LinkedIn Sender")
    job = JOBS[0]
    lead_id = _lead(pool, ws, job.id)
    assert send_response(pool, li_settings, ws.id, lead_id).status == "queued"

    item = _die_mid_send(pool, ws)
    assert item.kind == "lead.linkedin" and item.payload["job_id"] == job.id
    channels["lead.linkedin"].deliver(item)  # written and recorded; the dispatcher died
    time.sleep(0.35)
    counts = _dispatch(pool, channels, ws)

    assert counts.sent == 1
    assert job.poster is not None
    [message] = site.linkedin.to(job.poster.slug)
    assert message.text == f"Hello from us about job {job.id}.\nWe have a Python team free " \
        "next month."  # fmt: skip
    response, stored, sent = _state(pool, ws, lead_id)
    assert (response.status, stored.status, stored.attempts) == ("sent", "sent", 2)
    assert [e.data["delivered_as"] for e in sent] == [f"linkedin:{job.id}:sent"]


def test_a_repeat_after_sending_finds_the_message_in_the_conversation(
    pool: ConnectionPool, li_settings: Settings, site: FakeBoards, channels: dict[str, Any]
) -> None:
    ws = _space(pool, li_settings, site, "LinkedIn Crash")
    job = JOBS[1]
    lead_id = _lead(pool, ws, job.id)
    send_response(pool, li_settings, ws.id, lead_id)
    item = _die_mid_send(pool, ws)
    channel = channels["lead.linkedin"]
    channel.send(item, sending.prepare_delivery(pool, item))  # LinkedIn took it; not recorded
    time.sleep(0.35)
    _dispatch(pool, channels, ws)

    assert job.poster is not None and len(site.linkedin.to(job.poster.slug)) == 1
    response, stored, sent = _state(pool, ws, lead_id)
    assert (response.status, stored.status) == ("sent", "sent")
    assert sent[0].data["delivered_as"] == f"linkedin:{job.id}:already"


def test_a_job_without_a_poster_fails_for_good_with_what_to_do(
    pool: ConnectionPool, li_settings: Settings, site: FakeBoards, channels: dict[str, Any]
) -> None:
    ws = _space(pool, li_settings, site, "LinkedIn No Poster")
    lead_id = _lead(pool, ws, JOBS[2].id)
    send_response(pool, li_settings, ws.id, lead_id)
    before = len(site.linkedin.messages)
    told: list[OutboxItem] = []

    counts = _dispatch(pool, channels, ws, on_failed=failure_hook(pool, told.append))

    assert counts.failed == 1 and [i.kind for i in told] == ["lead.linkedin"]
    assert len(site.linkedin.messages) == before
    response, stored, _ = _state(pool, ws, lead_id)
    assert (response.status, stored.status, stored.attempts) == ("failed", "failed", 1)
    assert "apply on LinkedIn by hand" in (response.error or "")
    assert "add the contact's e-mail" in (response.error or "")


def test_a_dead_login_marks_the_session_and_the_item_waits_for_a_person(
    pool: ConnectionPool, li_settings: Settings, site: FakeBoards, channels: dict[str, Any]
) -> None:
    ws = _space(pool, li_settings, site, "LinkedIn Dead", session="dead")
    lead_id = _lead(pool, ws, JOBS[0].id)
    send_response(pool, li_settings, ws.id, lead_id)
    before = len(site.linkedin.messages)

    counts = _dispatch(pool, channels, ws)

    assert (counts.sent, counts.failed) == (0, 0)
    assert len(site.linkedin.messages) == before
    response, stored, _ = _state(pool, ws, lead_id)
    assert (response.status, stored.status, stored.attempts) == ("queued", "pending", 1)
    assert "waits for a person" in (stored.last_error or "")
    assert stored.available_at >= datetime.now(UTC) + timedelta(seconds=WAIT_FOR_PERSON_S - 60)
    with transaction(pool, workspace_id=ws.id) as conn:
        row = integrations.get(conn, kind="linkedin")
    assert row is not None and row.status == "reconnect_needed"
    assert not board_session.is_connected(linkedin_session.BOARD, pool, ws.id)


def test_without_a_session_linkedin_goes_by_e_mail_or_is_refused(
    pool: ConnectionPool, li_settings: Settings, site: FakeBoards
) -> None:
    ws = _space(pool, li_settings, site, "LinkedIn Mail", session=None)
    mailed = _lead(pool, ws, JOBS[0].id, contact={"email": "cto@acme.test"})
    queued = send_response(pool, li_settings, ws.id, mailed)
    with transaction(pool, workspace_id=ws.id) as conn:
        item = outbox.get_item(conn, item_id=queued.outbox_id)  # type: ignore[arg-type]
    assert (item.kind, item.payload["to"]) == ("email.lead", "cto@acme.test")

    nowhere = _lead(pool, ws, JOBS[1].id)
    with pytest.raises(SendRefused) as refused:
        send_response(pool, li_settings, ws.id, nowhere)
    assert refused.value.code == "linkedin_not_connected"
    assert "lead-gen settings page" in refused.value.message
