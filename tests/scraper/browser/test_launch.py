"""Choosing the scrapers' Chromium (Playwright's own, then Debian's, then PATH, as the PDF
reports choose) and the user agent a context presents."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.browser import launch
from scraper.browser.launch import DJINNI_PROFILE, chromium_executable, user_agent


def _executable(path: Path) -> str:
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return str(path)


def test_playwright_first_then_debian_then_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = _executable(tmp_path / "playwright-chrome")
    debian = _executable(tmp_path / "debian-chromium")
    on_path = _executable(tmp_path / "chromium")
    monkeypatch.setattr(launch, "DEBIAN_CHROMIUM", debian)
    monkeypatch.setattr(launch.shutil, "which", lambda name: on_path)
    assert chromium_executable(own) == own
    assert chromium_executable(str(tmp_path / "not-downloaded")) == debian
    monkeypatch.setattr(launch, "DEBIAN_CHROMIUM", str(tmp_path / "no-debian"))
    assert chromium_executable(None) == on_path
    monkeypatch.setattr(launch.shutil, "which", lambda name: None)
    assert chromium_executable(None) is None


def test_the_user_agent_is_desktop_chrome_of_the_running_major_version() -> None:
    agent = user_agent("156.0.8078.114", DJINNI_PROFILE)
    assert agent == (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/156.0.0.0 Safari/537.36"
    )
