"""The Team page: an owner invites by e-mail, the invitee accepts in the console and appears
among the members; an owner can revoke a pending invitation."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from serve_apps import accounts

APP = str(Path(__file__).resolve().parents[2] / "console" / "app.py")
OWNER = ("olga@team.test", "olga-password-1")
NEWCOMER = ("nick@team.test", "nick-password-1")


@pytest.fixture(scope="module")
def team_space(pool):  # type: ignore[no-untyped-def]
    owner = accounts.create_user_account(pool, email=OWNER[0], password=OWNER[1], full_name="Olga")
    accounts.create_workspace(pool, name="Team Co", owner_id=owner.id)
    newcomer = accounts.create_user_account(
        pool, email=NEWCOMER[0], password=NEWCOMER[1], full_name="Nick"
    )
    accounts.create_workspace(pool, name="Nick Home", owner_id=newcomer.id)
    return owner


def _team_page(api_url: str, monkeypatch: pytest.MonkeyPatch, who: tuple[str, str]) -> AppTest:
    monkeypatch.setenv("SELECTIO_API_URL", api_url)
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input(key="login_email").input(who[0])
    at.text_input(key="login_password").input(who[1])
    at = at.button[-1].click().run()
    at._page_hash = next(h for h, p in at._registered_pages.items() if p["url_pathname"] == "team")
    return at.run()


def _submit_invite(at: AppTest) -> AppTest:
    return at.get("form_submit_button")[0].click().run()


def test_invite_accept_and_revoke(api_url, team_space, monkeypatch) -> None:
    owner = _team_page(api_url, monkeypatch, OWNER)
    assert not owner.exception, owner.exception
    owner.text_input(key="invite_email").input(NEWCOMER[0])
    owner = _submit_invite(owner)
    assert not owner.exception, owner.exception
    assert any(NEWCOMER[0] in s.value for s in owner.success)

    newcomer = _team_page(api_url, monkeypatch, NEWCOMER)
    accept = next(b for b in newcomer.button if b.key and b.key.startswith("accept_"))
    newcomer = accept.click().run()
    assert not newcomer.exception, newcomer.exception
    assert any("Team Co" in s.value for s in newcomer.success)

    owner = owner.run()
    assert NEWCOMER[0] in owner.dataframe[0].value.to_string()  # now among the members

    owner.text_input(key="invite_email").input("ghost@team.test")
    owner = _submit_invite(owner)
    assert any("ghost@team.test" in s.value for s in owner.success)
    owner = owner.button(key="revoke").click().run()
    assert not owner.exception, owner.exception
    assert "ghost@team.test" not in str([df.value for df in owner.dataframe])
