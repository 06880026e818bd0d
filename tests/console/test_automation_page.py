"""The Automation page against the real API: schedules, a run started now and listed, a failed
message sent again; a viewer reads all of it without the buttons."""

from __future__ import annotations

import pytest

from db import outbox
from db.pool import transaction
from serve_apps import accounts
from tests.console.pages import ok, page_text, signed_in

OWNER = ("otto@auto.test", "otto-password-1")
VIEWER = ("vera@auto.test", "vera-password-1")


@pytest.fixture(scope="module")
def auto_space(pool):  # type: ignore[no-untyped-def]
    owner = accounts.create_user_account(pool, email=OWNER[0], password=OWNER[1])
    space = accounts.create_workspace(pool, name="Auto Co", owner_id=owner.id)
    accounts.create_user_account(pool, email=VIEWER[0], password=VIEWER[1])
    accounts.add_member(pool, workspace_id=space.id, email=VIEWER[0], role="viewer")
    with transaction(pool, workspace_id=space.id) as conn:
        item, _ = outbox.enqueue(
            conn, workspace_id=space.id, kind="email.invite", idempotency_key="invite:1",
            payload={"to": "anna@example.org", "subject": "Interview", "text": "Link"},
        )  # fmt: skip
        outbox.claim_due(conn, limit=5)
        outbox.mark_failed(conn, item_id=item.id, error="e-mail is not configured")
    return space


def test_runs_are_started_and_failed_messages_sent_again(api_url, auto_space, monkeypatch) -> None:
    at = ok(signed_in(api_url, monkeypatch, OWNER, "automation"))
    schedules = at.dataframe[0].value
    assert "send the outbox" in list(schedules["Work"])
    assert "No runs in this workspace yet" in page_text(at)
    at.selectbox(key="au_kind").set_value("retention")
    at = ok(at.button(key="au_run_now").click().run())
    assert "Queued: the Orchestrator starts it within seconds." in page_text(at)
    runs = next(d.value for d in at.dataframe if "Outcome" in d.value.columns)
    assert list(zip(runs["Work"], runs["Outcome"], strict=True)) == [
        ("erase data past retention", "queued")
    ]
    failed = next(d.value for d in at.dataframe if "Attempts" in d.value.columns)
    assert list(failed["Error"]) == ["e-mail is not configured"]
    at = ok(at.button(key="au_retry").click().run())
    assert "queued to be sent again" in page_text(at)
    assert "No failed messages." in page_text(at)


def test_a_viewer_reads_without_buttons(api_url, auto_space, monkeypatch) -> None:
    at = ok(signed_in(api_url, monkeypatch, VIEWER, "automation"))
    assert at.dataframe, "schedules and runs are shown"
    keys = {b.key for b in at.button}
    assert not keys & {"au_run_now", "au_retry"}


def test_an_owner_adds_an_endpoint_sees_its_secret_once_and_sends_a_test(  # type: ignore[no-untyped-def]
    api_url, auto_space, monkeypatch
) -> None:
    at = ok(signed_in(api_url, monkeypatch, OWNER, "automation"))
    assert "No endpoints yet." in page_text(at)
    at.text_input(key="wh_url").input("https://ats.example.org/selectio")
    at.text_input(key="wh_desc").input("Our ATS")
    at = ok(next(b for b in at.button if b.label == "Add").click().run())
    secret = [c.value for c in at.code]
    assert len(secret) == 1 and secret[0].startswith("whsec_")
    endpoints = next(d.value for d in at.dataframe if "Events" in d.value.columns)
    assert list(endpoints["URL"]) == ["https://ats.example.org/selectio"]
    at.selectbox(key="wh_action").set_value("ping")
    at = ok(at.button(key="wh_do").click().run())
    assert "A test event is queued" in page_text(at)
    assert not at.code  # the secret was shown once
    deliveries = next(d.value for d in at.dataframe if "Last answer" in d.value.columns)
    assert list(zip(deliveries["Events"], deliveries["Status"], strict=True)) == [
        ("ping", "pending")
    ]
    # The owner also gives this workspace its own nightly retention run.
    at.selectbox(key="au_edit_kind").set_value("retention")
    at = ok(at.run())
    at.radio(key="au_mode_retention").set_value("cron")
    at = ok(at.run())
    at.text_input(key="au_cron_retention").input("30 2 * * *")
    at.text_input(key="au_tz_retention").input("Europe/Moscow")
    at = ok(at.button(key="au_save").click().run())
    assert "Schedule saved." in page_text(at)
    plan = at.dataframe[0].value
    own = plan[plan["Where"] == "this workspace"]
    assert list(zip(own["Work"], own["Every"], strict=True)) == [
        ("erase data past retention", "cron 30 2 * * * (Europe/Moscow)")
    ]
