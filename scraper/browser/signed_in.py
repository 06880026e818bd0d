"""A board's pages behind a person's signed-in account: the exported cookies, a context that
carries them, and a browser to run the work in (shared by a worker, or launched per call).

Boards without an API for what a company does there (Djinni's applications, LinkedIn's
messages) are used the way a person uses them: the person signs in in their own browser and
exports its cookies (a cookie list, or a Playwright storage state), which are loaded here into
a fresh headless context. Each board's module (djinni_apply.py, linkedin_message.py) adds its
own markup and its own error class on `BoardError`.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from scraper.browser.launch import BrowserProfile, new_context, open_browser

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext

T = TypeVar("T")


class BoardError(Exception):
    """A board refused or failed; `code` is stable (`<board>_…`), `retryable` says whether the
    same call may pass later with nobody doing anything."""

    def __init__(self, code: str, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.code, self.message, self.retryable = code, message, retryable

    def __reduce__(self) -> tuple[Any, ...]:  # Ray rebuilds errors on the caller's side
        return (_rebuild, (type(self), self.code, self.message, self.retryable))


def _rebuild(cls: type[BoardError], code: str, message: str, retryable: bool) -> BoardError:
    return cls(code, message, retryable=retryable)


def load_cookies(
    cookies_json: str, *, host: str, site: str, error: type[BoardError] = BoardError
) -> list[dict[str, Any]]:
    """Exported cookies (a list, or a storage state's `cookies`) for `host`, unexpired;
    `error("<site>_cookies_invalid")` for anything else."""
    code = f"{site.lower()}_cookies_invalid"
    try:
        data = json.loads(cookies_json)
    except ValueError as e:
        raise error(code, f"the {site} cookies are not JSON") from e
    if isinstance(data, dict):
        data = data.get("cookies")
    if not isinstance(data, list) or not all(
        isinstance(c, dict) and "name" in c and "value" in c and ("domain" in c or "url" in c)
        for c in data
    ):
        raise error(code, f"the {site} cookies are not a cookie list")
    now = time.time()
    live = [c for c in data if not (isinstance(c.get("expires"), int | float)
                                    and 0 < c["expires"] <= now)]  # fmt: skip
    if not any(for_host(c, host) for c in live):
        raise error(
            code, f"none of these cookies is a live one of {host}: sign in at {site} and "
            "export again",
        )  # fmt: skip
    return live


def for_host(cookie: dict[str, Any], host: str) -> bool:
    """Whether the browser sends `cookie` to `host` (its domain, or a parent domain)."""
    domain = str(cookie.get("domain") or urlsplit(str(cookie.get("url") or "")).hostname or "")
    domain = domain.lstrip(".").lower()
    return bool(domain) and (host == domain or host.endswith("." + domain))


async def cookie_context(
    browser: Browser, cookies: list[dict[str, Any]], profile: BrowserProfile
) -> BrowserContext:
    """A context dressed as `profile`, carrying `cookies` (loaded already); the caller closes
    it."""
    context = await new_context(browser, profile)
    try:
        await context.add_cookies(cookies)  # type: ignore[arg-type]
    except Exception:
        await context.close()
        raise
    return context


@dataclass(frozen=True)
class SharedBrowser:
    """A Chromium already running on an event loop in another thread (a worker's long-lived
    browser, or a test's): work is handed to that loop instead of launching one per call."""

    loop: asyncio.AbstractEventLoop
    browser: Browser


def run_with_browser(
    work: Callable[[Browser], Awaitable[T]],
    *,
    shared: SharedBrowser | None,
    timeout_s: float,
    site: str = "the board",
    error: type[BoardError] = BoardError,
) -> T:
    """Run `work` with a browser, blocking, within `timeout_s`: on the shared one's loop, or
    on a fresh loop with a Chromium launched for it. Running over is a retryable
    `error("page_failed")`."""
    late = error("page_failed", f"{site} took over {timeout_s:.0f} s", retryable=True)
    if shared is not None:
        future = asyncio.run_coroutine_threadsafe(work(shared.browser), shared.loop)
        try:
            return future.result(timeout_s)
        except TimeoutError:
            future.cancel()
            raise late from None

    async def own() -> T:
        async with open_browser() as browser:
            return await work(browser)

    try:
        return asyncio.run(asyncio.wait_for(own(), timeout_s))
    except TimeoutError:
        raise late from None
