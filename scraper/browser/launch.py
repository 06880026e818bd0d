"""The one place scrapers open headless Chromium and their browser contexts.

The executable is chosen as the PDF reports choose theirs (`pipelines/analysis/pdf.py`,
`find_chromium`): Playwright's own download when installed, else Debian's `/usr/bin/chromium`,
else `chromium` on PATH. Here the async Playwright object already knows its download's path,
so no sync Playwright is started inside the event loop.

A context looks like one person's desktop Chrome: a stable user agent without "Headless", the
locale, time zone and viewport of the board's audience. Keep a profile per account unchanged
across runs; a fingerprint that changes daily is itself a signal.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scraper.browser.errors import ScraperError

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext

log = logging.getLogger(__name__)

DEBIAN_CHROMIUM = "/usr/bin/chromium"
# Hides `navigator.webdriver`, the first thing bot checks read.
_ARGS = ["--disable-blink-features=AutomationControlled", "--no-first-run"]


@dataclass(frozen=True)
class BrowserProfile:
    """What a context tells sites about its "person": language, time zone, screen, OS."""

    locale: str
    timezone_id: str
    viewport: tuple[int, int] = (1366, 768)
    os_token: str = "Windows NT 10.0; Win64; x64"


HH_PROFILE = BrowserProfile(locale="ru-RU", timezone_id="Europe/Moscow")
DJINNI_PROFILE = BrowserProfile(locale="uk-UA", timezone_id="Europe/Kyiv", viewport=(1440, 900))
LINKEDIN_PROFILE = BrowserProfile(locale="en-US", timezone_id="Europe/London", viewport=(1440, 900))


def chromium_executable(playwright_path: str | None) -> str | None:
    """The first executable of Playwright's Chromium, Debian's, and `chromium` on PATH."""
    for path in (playwright_path, DEBIAN_CHROMIUM, shutil.which("chromium")):
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


@asynccontextmanager
async def open_browser(
    *, executable_path: str | None = None, timeout_s: float = 30
) -> AsyncIterator[Browser]:
    """A headless Chromium for the block, closed (with its driver) however the block ends.
    Raises ScraperError("browser_missing") when there is no Chromium to launch."""
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        executable = executable_path or chromium_executable(_own_chromium(playwright))
        if executable is None:
            raise ScraperError(
                "browser_missing",
                "no Chromium found: run `playwright install chromium` or `apt install chromium`",
            )
        try:
            browser = await playwright.chromium.launch(
                executable_path=executable, headless=True, args=_ARGS, timeout=timeout_s * 1000
            )
        except PlaywrightError as e:
            raise ScraperError("browser_missing", f"Chromium did not start: {e}") from e
        log.info("scraper browser: Chromium %s at %s", browser.version, executable)
        try:
            yield browser
        finally:
            await browser.close()


def _own_chromium(playwright: object) -> str | None:
    try:
        return playwright.chromium.executable_path  # type: ignore[attr-defined,no-any-return]
    except Exception as e:  # no driver metadata for this platform
        log.debug("Playwright's Chromium path unknown: %s", e)
        return None


async def new_context(
    browser: Browser, profile: BrowserProfile = HH_PROFILE, *, timeout_s: float = 30
) -> BrowserContext:
    """A fresh context (no cookies) dressed as `profile`; the caller closes it."""
    width, height = profile.viewport
    context = await browser.new_context(
        user_agent=user_agent(browser.version, profile),
        locale=profile.locale,
        timezone_id=profile.timezone_id,
        viewport={"width": width, "height": height},
        screen={"width": width, "height": height},
        extra_http_headers={"Accept-Language": _accept_language(profile.locale)},
    )
    context.set_default_timeout(timeout_s * 1000)
    return context


def user_agent(version: str, profile: BrowserProfile) -> str:
    """Desktop Chrome's user agent for the running major version, as Chrome reduces it."""
    major = version.split(".")[0] or "130"
    return (
        f"Mozilla/5.0 ({profile.os_token}) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{major}.0.0.0 Safari/537.36"
    )


def _accept_language(locale: str) -> str:
    language = locale.split("-")[0]
    if language == "en":
        return f"{locale},en;q=0.9"
    return f"{locale},{language};q=0.9,en-US;q=0.8,en;q=0.7"
