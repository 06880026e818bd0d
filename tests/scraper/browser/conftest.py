"""Fixtures for the browser scrapers: the fake boards site, one event loop and one headless
Chromium per test module (launching is the slow part; contexts are cheap and per test)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import AsyncExitStack

import pytest
from playwright.async_api import Browser

from scraper.browser.launch import open_browser
from tests.fakes.boards.site import FakeBoards


@pytest.fixture(scope="module")
def site() -> Iterator[FakeBoards]:
    """Djinni-like and HH-like pages on 127.0.0.1."""
    with FakeBoards() as boards:
        yield boards


@pytest.fixture(scope="module")
def runner() -> Iterator[asyncio.Runner]:
    """One event loop for the module: the browser's connection lives on it between tests."""
    with asyncio.Runner() as loop:
        yield loop


@pytest.fixture(scope="module")
def browser(runner: asyncio.Runner) -> Iterator[Browser]:
    """Headless Chromium, chosen and launched as the product does (`open_browser`)."""
    stack = AsyncExitStack()
    launched = runner.run(stack.enter_async_context(open_browser(timeout_s=30)))
    yield launched
    runner.run(stack.aclose())
