"""The "HeadHunter by browser" section of the Integrations page against the real API: an owner
pastes the cookies of their browser signed in to HH, sees the session saved (never the cookies)
and a read offered; a login HH ended shows as the reason to paste fresh cookies."""

from __future__ import annotations

import json
import time

import pytest

from db import integrations
from db.pool import transaction
from pipelines.hh_import.browser import KIND
from serve_apps import accounts
from tests.console.pages import ok, page_text, signed_in

OWNER = ("irina@hh-browser-page.test", "irina-password-1")
TOKEN = "hh-browser-page-token-value"
COOKIES = json.dumps(
    [{"name": "hhtoken", "value": TOKEN, "domain": ".hh.ru", "path": "/",
      "expires": time.time() + 86400}]
)  # fmt: skip


@pytest.fixture(scope="module")
def space(pool):  # type: ignore[no-untyped-def]
    owner = accounts.create_user_account(pool, email=OWNER[0], password=OWNER[1])
    return accounts.create_workspace(pool, name="HH Browser Page Co", owner_id=owner.id)


def test_an_owner_pastes_cookies_and_sees_the_session(api_url, space, pool, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    at = ok(signed_in(api_url, monkeypatch, OWNER, "integrations"))
    assert "No HH session saved." in page_text(at)
    assert "igb_sync" not in {b.key for b in at.button}

    at.text_area(key="igb_cookies").input(COOKIES)
    save = next(b for b in at.get("form_submit_button") if b.label == "Save the HH session")
    at = ok(save.click().run())
    text = page_text(at)
    assert "HH session saved" in text and TOKEN not in text
    assert "HH pages opened today: 0 of 300" in text
    assert "igb_sync" in {b.key for b in at.button}

    with transaction(pool, workspace_id=space.id) as conn:  # a read met HH's login page
        integrations.set_status(conn, kind=KIND, status="reconnect_needed",
                                error="HH's login has expired: paste fresh HH cookies")  # fmt: skip
    at = ok(at.run())
    assert "HH asks to log in again: HH's login has expired" in page_text(at)
    assert "igb_sync" not in {b.key for b in at.button}
