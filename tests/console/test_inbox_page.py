"""The Inbox page against the real API: a strong candidate's notification shows in the chosen
language with the unread count in the sidebar, opens the candidate, and is read after; the
notification settings save channels and keep the Slack URL out of the page."""

from __future__ import annotations

import pytest

from db import screenings
from db.pool import transaction
from serve_apps import accounts
from tests.console.pages import ok, page_text, signed_in, stay_after_switch
from tests.db import factories

OWNER = ("ines@inbox.test", "ines-password-1")


@pytest.fixture(scope="module")
def inbox_space(pool):  # type: ignore[no-untyped-def]
    owner = accounts.create_user_account(pool, email=OWNER[0], password=OWNER[1])
    space = accounts.create_workspace(pool, name="Inbox Co", owner_id=owner.id)
    with transaction(pool, workspace_id=space.id) as conn:
        app = factories.application(
            conn, space, candidate_id=factories.candidate(conn, space, full_name="Мария Иванова").id
        )
        screenings.record_screening(
            conn, workspace_id=space.id, application_id=app.id, score=93,
            recommendation="strongly_recommend", engine="offline",
        )  # fmt: skip
    return {"space": space, "candidate_id": app.candidate_id}


def _save(at):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == "Save")


def test_a_notification_is_read_by_opening_its_candidate(api_url, inbox_space, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    at = ok(signed_in(api_url, monkeypatch, OWNER, "inbox", lang="ru"))
    text = page_text(at)
    assert "Сильный кандидат: Мария Иванова" in text and "93" in text
    assert "Непрочитанных: 1" in text
    at = ok(at.run())  # the sidebar counts the workspace the page chose
    titles = [p["page_name"] for p in at._registered_pages.values()]  # noqa: SLF001
    assert "Уведомления (1)" in titles
    open_key = next(b.key for b in at.button if (b.key or "").startswith("ib_open_"))
    at.button(key=open_key).click().run()
    at = ok(stay_after_switch(at, "candidate", candidate=str(inbox_space["candidate_id"])).run())
    assert "Мария Иванова" in page_text(at)
    titles = [p["page_name"] for p in at._registered_pages.values()]  # noqa: SLF001
    assert "Уведомления" in titles  # read: no count any more


def test_channel_settings_are_saved_without_showing_the_slack_url(
    api_url, inbox_space, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    at = ok(signed_in(api_url, monkeypatch, OWNER, "inbox"))
    assert "no mail server" in page_text(at)  # this installation has no SMTP settings
    at.checkbox(key="ib_slack_report.flagged").check()
    at = ok(_save(at).click().run())  # Slack chosen and no URL
    assert "no webhook URL is set" in page_text(at)
    at.text_input(key="ib_slack_url").input("https://hooks.slack.test/services/T/B/hidden-part")
    at = ok(_save(at).click().run())
    assert "Saved." in page_text(at)
    assert "A Slack webhook is set" in page_text(at)
    assert at.checkbox(key="ib_slack_report.flagged").value is True
    assert "hidden-part" not in str([w.value for w in at.text_input])
