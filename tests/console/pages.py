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
    at.radio(key="lang").set_value(lang).run()
    at.text_input(key="login_email").input(who[0])
    at.text_input(key="login_password").input(who[1])
    at = at.button[-1].click().run()
    return go_to(at, page) if page else at


def go_to(at: AppTest, page: str) -> AppTest:
    """Switch the signed-in console to the page at URL path `page`."""
    at._page_hash = next(h for h, p in at._registered_pages.items() if p["url_pathname"] == page)
    return at.run()
