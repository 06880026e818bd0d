"""Fixtures of the lead-generation tests that reach job boards: the fake boards site and one
headless Chromium per module, on an event loop of its own thread (as a worker runs the
browser channels)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import AsyncExitStack

import pytest

from scraper.browser.launch import open_browser
from scraper.browser.signed_in import SharedBrowser
from tests.fakes.boards.site import FakeBoards


@pytest.fixture(scope="module")
def site() -> Iterator[FakeBoards]:
    with FakeBoards() as boards:
        yield boards


@pytest.fixture(scope="module")
def shared() -> Iterator[SharedBrowser]:
    """One headless Chromium for the module, on an event loop of its own thread."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    stack = AsyncExitStack()
    launch = stack.enter_async_context(open_browser(timeout_s=30))
    browser = asyncio.run_coroutine_threadsafe(launch, loop).result(60)
    yield SharedBrowser(loop, browser)
    asyncio.run_coroutine_threadsafe(stack.aclose(), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)
