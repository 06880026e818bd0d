"""The console keeps a signed-in session and the language across reloads (the URL carries
them), and sends the recruiter back to sign-in, saying why, when the API session ends."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from serve_apps import accounts

APP = str(Path(__file__).resolve().parents[2] / "console" / "app.py")
PASSWORD = "sam-password-1"


@pytest.fixture(scope="module")
def sam(pool):  # type: ignore[no-untyped-def]
    user = accounts.create_user_account(pool, email="sam@reload.test", password=PASSWORD)
    accounts.create_workspace(pool, name="Reload Co", owner_id=user.id)
    return user


def _open(api_url: str, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    """The console as a browser opens a URL: a fresh session with these query parameters."""
    monkeypatch.setenv("SELECTIO_API_URL", api_url)
    at = AppTest.from_file(APP, default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _signed_in(api_url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    at = _open(api_url, monkeypatch)
    at.text_input(key="login_email").input("sam@reload.test")
    at.text_input(key="login_password").input(PASSWORD)
    at = at.button[-1].click().run()
    assert at.session_state["token"], [e.value for e in at.error]
    return at


def test_a_reload_keeps_the_session_and_the_language(api_url, sam, monkeypatch) -> None:
    at = _signed_in(api_url, monkeypatch)
    at = at.radio(key="lang").set_value("en").run()
    key, lang = at.query_params["s"], at.query_params["lang"]
    assert lang == ["en"] or lang == "en"

    reloaded = _open(api_url, monkeypatch, s=_one(key), lang=_one(lang))
    assert not reloaded.exception, reloaded.exception
    assert reloaded.session_state["token"] == at.session_state["token"]
    assert reloaded.session_state["lang"] == "en"
    assert [t.value for t in reloaded.title] == ["Dashboard"]


def test_a_page_picked_in_the_sidebar_keeps_the_session_in_its_url(
    api_url, sam, monkeypatch
) -> None:
    at = _signed_in(api_url, monkeypatch)
    key = _one(at.query_params["s"])
    at.query_params.clear()  # what a click on a sidebar link does to the URL
    at._page_hash = next(h for h, p in at._registered_pages.items() if p["url_pathname"] == "team")
    at = at.run()
    assert _one(at.query_params["s"]) == key  # a reload of this page stays signed in


def test_a_signed_out_link_does_not_sign_anyone_in(api_url, sam, monkeypatch) -> None:
    at = _signed_in(api_url, monkeypatch)
    key = _one(at.query_params["s"])
    at = at.button(key=_sign_out_key(at)).click().run()
    assert at.session_state["token"] is None
    reopened = _open(api_url, monkeypatch, s=key)
    assert reopened.session_state["token"] is None
    assert reopened.text_input(key="login_email") is not None
    assert any("ended" in i.value or "завершён" in i.value for i in reopened.info)


def test_a_session_ended_elsewhere_returns_to_sign_in_with_a_notice(
    api_url, sam, monkeypatch
) -> None:
    at = _signed_in(api_url, monkeypatch)
    token = at.session_state["token"]
    ended = httpx.post(
        f"{api_url}/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert ended.status_code == 204
    at = at.run()  # the page calls the API again
    assert not at.exception, at.exception
    assert at.session_state["token"] is None
    assert at.text_input(key="login_email") is not None
    assert any("ended" in i.value or "завершён" in i.value for i in at.info)


def _one(value):  # type: ignore[no-untyped-def]
    return value[0] if isinstance(value, list) else value


def _sign_out_key(at: AppTest) -> str:
    labels = {"Sign out", "Выйти"}
    button = next(b for b in at.sidebar.button if b.label in labels)
    return button.key


def test_a_deep_link_opened_signed_out_lands_on_its_page_after_sign_in(
    api_url, sam, monkeypatch
) -> None:
    at = _open(api_url, monkeypatch)
    # AppTest.switch_page only knows file pages; ours are functions: open the address by hash.
    at._page_hash = next(h for h, p in at._registered_pages.items() if p["url_pathname"] == "team")
    at = at.run()
    assert at.text_input(key="login_email") is not None  # asks to sign in there, no 404
    at.text_input(key="login_email").input("sam@reload.test")
    at.text_input(key="login_password").input(PASSWORD)
    at = at.button[-1].click().run()
    assert not at.exception, at.exception
    # (in the language Sam chose earlier in this module: it follows the user)
    title = {"ru": "Команда и доступ", "en": "Team & access"}[at.session_state["lang"]]
    assert [t.value for t in at.title] == [title]


def test_the_language_follows_the_user_to_another_browser(api_url, sam, monkeypatch) -> None:
    at = _signed_in(api_url, monkeypatch)
    at = at.radio(key="lang").set_value("en").run()  # chosen once, signed in
    elsewhere = _open(api_url, monkeypatch)  # another browser: Russian by default
    assert elsewhere.session_state["lang"] == "ru"
    elsewhere.text_input(key="login_email").input("sam@reload.test")
    elsewhere.text_input(key="login_password").input(PASSWORD)
    elsewhere = elsewhere.button[-1].click().run()
    assert not elsewhere.exception, elsewhere.exception
    assert elsewhere.session_state["lang"] == "en"
    assert [t.value for t in elsewhere.title] == ["Dashboard"]
