"""Replies to leads: one reply recorded twice is one event and one notification; the Djinni
inbox read in headless Chromium (one launch for the module) records recruiters' answers for the
leads whose vacancies they are about, and reading again records nothing new."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from psycopg_pool import ConnectionPool

from db import leads
from db.pool import transaction
from db.settings import Settings
from pipelines.leads import djinni_session
from pipelines.leads.replies import excerpt, read_djinni_inbox, record_reply
from scraper.browser.djinni_apply import DjinniError, SharedBrowser
from scraper.browser.human import Pacing
from serve_apps import accounts as people
from tests.fakes.boards.djinni import VACANCIES
from tests.fakes.boards.djinni_account import DJINNI_LOGIN
from tests.fakes.boards.site import FakeBoards


@pytest.fixture(scope="module")
def space(pool: ConnectionPool) -> Any:
    owner = people.create_user_account(pool, email="owner@replies.test", password="pw-12345678")
    return people.create_workspace(pool, name="Replies Staffing", owner_id=owner.id)


def _lead(pool: ConnectionPool, ws: Any, external_id: str, source: str = "djinni") -> int:
    with transaction(pool, workspace_id=ws.id) as conn:
        lead, _ = leads.upsert_lead(conn, workspace_id=ws.id, source=source,
                                    external_id=external_id, title="Data Engineer",
                                    company="Northwind")  # fmt: skip
        leads.advance(conn, lead_id=lead.id, status="responded")
    return lead.id


def _replied(pool: ConnectionPool, ws: Any, lead_id: int) -> tuple[str, list[str], list[Any]]:
    with transaction(pool, workspace_id=ws.id) as conn:
        lead = leads.get_lead(conn, lead_id=lead_id)
        bodies = [e.body for e in leads.list_events(conn, lead_id=lead_id)
                  if e.kind == "message_in"]  # fmt: skip
        told = conn.execute(
            "select subject from notifications where kind = 'lead.replied' "
            "and (subject ->> 'lead_id')::bigint = %s order by id",
            (lead_id,),
        ).fetchall()
    return lead.status, bodies, [r[0] for r in told]


def test_a_reply_recorded_twice_notifies_once(pool: ConnectionPool, space: Any) -> None:
    lead_id = _lead(pool, space, "mail-1", source="linkedin")
    text = "Thanks for reaching out! " + "We need two seniors by June. " * 20
    at = datetime(2030, 1, 2, 9, 0, tzinfo=UTC)
    first = record_reply(pool, space.id, lead_id, text=text, external_id="mail:<x@acme>",
                         received_at=at)  # fmt: skip
    again = record_reply(pool, space.id, lead_id, text=text, external_id="mail:<x@acme>",
                         received_at=at)  # fmt: skip
    assert (first, again) == (True, False)
    status, bodies, told = _replied(pool, space, lead_id)
    assert status == "replied" and bodies == [text.strip()]
    assert len(told) == 1 and told[0]["excerpt"] == excerpt(text)
    assert told[0]["excerpt"].endswith("…") and len(told[0]["excerpt"]) <= 281

    # A reply logged by hand has no external id: each is its own.
    record_reply(pool, space.id, lead_id, text="Called back", external_id=None, received_at=None)
    assert len(_replied(pool, space, lead_id)[2]) == 2


def test_the_djinni_inbox_records_each_recruiter_answer_once(
    pool: ConnectionPool, settings: Settings, site: FakeBoards, shared: SharedBrowser,
    space: Any,
) -> None:  # fmt: skip
    s = settings.model_copy(update={"djinni_url": site.base_url})
    with pytest.raises(djinni_session.DjinniNotConnected):
        read_djinni_inbox(pool, s, space.id, pacing=Pacing.off(), browser=shared)
    cookie = {"name": "sessionid", "value": site.djinni.open_session(), "domain": "127.0.0.1",
              "path": "/"}  # fmt: skip
    djinni_session.save_cookies(pool, s, space.id, json.dumps([cookie]), None)
    answered, stranger = VACANCIES[2], VACANCIES[3]
    lead_id = _lead(pool, space, str(answered.id))
    site.djinni.apply(DJINNI_LOGIN[0], answered, "Our letter")
    site.djinni.apply(DJINNI_LOGIN[0], stranger, "Sent by hand, no lead")
    site.djinni.add_reply(str(answered.id), "Interesting, what are your rates?")
    site.djinni.add_reply(str(answered.id), "And can you start in May?")
    site.djinni.add_reply(str(stranger.id), "Who are you?")

    first = read_djinni_inbox(pool, s, space.id, pacing=Pacing.off(), browser=shared)
    assert (first.messages, first.recorded, first.unmatched) == (3, 2, 1)
    status, bodies, told = _replied(pool, space, lead_id)
    assert status == "replied"
    assert bodies == ["Interesting, what are your rates?", "And can you start in May?"]
    assert len(told) == 2

    site.requests.clear()
    second = read_djinni_inbox(pool, s, space.id, pacing=Pacing.off(), browser=shared)
    assert (second.messages, second.recorded) == (1, 0)  # the stranger's thread only
    assert site.paths("/my/inbox/") == ["/my/inbox/", site.paths("/my/inbox/5")[0]]

    site.djinni.add_reply(str(answered.id), "Let's talk on Monday")
    third = read_djinni_inbox(pool, s, space.id, pacing=Pacing.off(), browser=shared)
    assert (third.recorded, third.repeats) == (1, 2)  # the thread is read whole again
    assert _replied(pool, space, lead_id)[1][-1] == "Let's talk on Monday"
    assert len(_replied(pool, space, lead_id)[2]) == 3

    site.djinni.expire_sessions()
    with pytest.raises(DjinniError) as expired:
        read_djinni_inbox(pool, s, space.id, pacing=Pacing.off(), browser=shared)
    assert expired.value.code == "djinni_login_expired"
    with pytest.raises(djinni_session.DjinniNotConnected):  # waits for a new export now
        djinni_session.cookies_of(pool, s, space.id)
