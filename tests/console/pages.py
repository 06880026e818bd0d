"""Driving the console in AppTest: sign in as someone and land on one page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "console" / "app.py")


def signed_in(
    api_url: str,
    monkeypatch: pytest.MonkeyPatch,
    who: tuple[str, str],
    page: str | None = None,
    lang: str = "en",
) -> AppTest:
    """The console after `who` signs in (in `lang`), on `page` (its URL path) if given."""
    monkeypatch.setenv("SELECTIO_API_URL", api_url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    choose_language(at, lang)
    if page:  # opened at the page's address: signing in there shows that page
        _point_at(at, page)
        at.run()
    at.text_input(key="login_email").input(who[0])
    at.text_input(key="login_password").input(who[1])
    return at.button[-1].click().run()


def choose_language(at: AppTest, lang: str) -> AppTest:
    """Pick `lang` with the sidebar switch, as a person does (a pick on the sign-in page wins
    over the language saved in the user's profile, so the switch must actually move)."""
    if at.radio(key="lang").value != lang:  # one move is a pick
        return at.radio(key="lang").set_value(lang).run()
    other = "en" if lang == "ru" else "ru"
    at.radio(key="lang").set_value(other).run()
    return at.radio(key="lang").set_value(lang).run()


def go_to(at: AppTest, page: str, **params: str) -> AppTest:
    """Switch the signed-in console to the page at URL path `page` (with `params` in its URL)."""
    _point_at(at, page, **params)
    return at.run()


def stay_after_switch(at: AppTest, page: str, **params: str) -> AppTest:
    """After a run that called `st.switch_page`: keep AppTest on that page and URL for the next
    runs, as a browser does (AppTest itself goes back to the page it was pointed at)."""
    _point_at(at, page, **params)
    return at


def _point_at(at: AppTest, page: str, **params: str) -> None:
    at._page_hash = next(h for h, p in at._registered_pages.items() if p["url_pathname"] == page)
    for name, value in params.items():
        at.query_params[name] = value


def ok(at: AppTest) -> AppTest:
    """The app after a run that raised nothing (else the exception is the failure)."""
    assert not at.exception, at.exception
    return at


def page_text(at: AppTest, *, tables: bool = False) -> str:
    """Everything written on the page (titles, text, captions, alerts; tables too if asked),
    for looking for a phrase."""
    parts = [x.value for x in at.title]
    parts += [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for kind in ("info", "success", "warning", "error") for e in at.get(kind)]
    if tables:
        parts += [str(d.value.to_dict()) for d in at.dataframe]
    return "\n".join(str(p) for p in parts)
