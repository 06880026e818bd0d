"""Human-like pacing for browser scrapers: pauses between actions, reading time that grows
with the text, scrolling in uneven steps, mouse moves along curves, a daily page budget per
account, and one page at a time per account.

Boards and HH ban accounts that read hundreds of pages a minute in parallel; a recruiter reads
one page, for as long as its text takes, a few hundred pages a day. `Pacing` holds the
numbers and the per-account state (budget, locks); `visit`, `read` and `scroll_through` act on
a Playwright page. `Pacing.off()` drops every delay and gesture for tests but still counts
the budget and still serialises an account's pages, so those rules stay tested.

State: the budget lives behind `PageBudget` (in memory by default, see `budget.py`); the
locks are in-process, so one account must be scraped by one process.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import re
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scraper.browser.budget import MemoryPageBudget, PageBudget
from scraper.browser.errors import ScraperError

if TYPE_CHECKING:
    from playwright.async_api import Page, Response

log = logging.getLogger(__name__)

Point = tuple[float, float]
_WORD = re.compile(r"\w+")


class AccountLocks:
    """One page at a time per account: an asyncio lock per account, re-entrant within one
    task so a scraper can hold an account across visit, read and scroll while `visit` itself
    also takes it (and a bare `visit` is still exclusive)."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._owners: dict[str, tuple[asyncio.Task[Any] | None, list[int]]] = {}

    @asynccontextmanager
    async def hold(self, account: str) -> AsyncIterator[None]:
        """Hold `account` until the block ends; other tasks wait for it."""
        task = asyncio.current_task()
        owner = self._owners.get(account)
        if owner is not None and owner[0] is task:
            owner[1][0] += 1
            try:
                yield
            finally:
                owner[1][0] -= 1
            return
        lock = self._locks.setdefault(account, asyncio.Lock())
        async with lock:
            self._owners[account] = (task, [1])
            try:
                yield
            finally:
                del self._owners[account]

    def held(self, account: str) -> bool:
        """Whether some task holds `account` now."""
        return account in self._owners


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Pacing:
    """How fast a scraper may act, and the per-account state that enforces it.

    Delays are seconds drawn uniformly from `(low, high)`; reading takes `words /
    words_per_minute` minutes ± `reading_jitter`, at most `max_reading_s`. `gestures` turns
    mouse moves and scrolling on. The budget day is the UTC date of `clock()`.
    """

    action_delay_s: tuple[float, float] = (1.5, 4.5)
    long_break_chance: float = 0.04  # now and then a person looks away for a while
    long_break_s: tuple[float, float] = (8.0, 25.0)
    words_per_minute: float = 240.0
    reading_jitter: float = 0.25
    max_reading_s: float = 40.0
    scroll_step_px: tuple[int, int] = (240, 620)
    scroll_pause_s: tuple[float, float] = (0.4, 1.6)
    max_scroll_steps: int = 30
    mouse_steps: tuple[int, int] = (15, 35)
    mouse_jitter_px: float = 2.5
    mouse_step_s: float = 0.012
    gestures: bool = True
    daily_pages: int = 250
    budget: PageBudget = field(default_factory=MemoryPageBudget)
    locks: AccountLocks = field(default_factory=AccountLocks)
    rng: random.Random = field(default_factory=random.Random)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    clock: Callable[[], datetime] = _utc_now

    @classmethod
    def off(cls, **overrides: Any) -> Pacing:
        """No delays and no gestures (for tests); the budget and the per-account lock stay."""
        settings: dict[str, Any] = {
            "action_delay_s": (0.0, 0.0),
            "long_break_chance": 0.0,
            "max_reading_s": 0.0,
            "scroll_pause_s": (0.0, 0.0),
            "mouse_step_s": 0.0,
            "gestures": False,
        }
        return cls(**(settings | overrides))

    def action_delay(self) -> float:
        """Seconds to wait before the next action (a click, opening a page)."""
        if self.long_break_chance and self.rng.random() < self.long_break_chance:
            return self.rng.uniform(*self.long_break_s)
        return self.rng.uniform(*self.action_delay_s)

    def reading_pause(self, text: str) -> float:
        """Seconds a person would spend reading `text`: proportional to its word count."""
        if self.max_reading_s <= 0 or self.words_per_minute <= 0:
            return 0.0
        words = len(_WORD.findall(text))
        jitter = self.rng.uniform(1 - self.reading_jitter, 1 + self.reading_jitter)
        return min(self.max_reading_s, words / self.words_per_minute * 60 * jitter)

    async def wait(self, seconds: float) -> None:
        """Sleep `seconds` (nothing at all for zero, so `off()` never yields to a timer)."""
        if seconds > 0:
            await self.sleep(seconds)

    async def take_page(self, account: str) -> int:
        """Count one page against the account's budget for today (raises
        `PageBudgetExhausted` past `daily_pages`); returns the pages used today."""
        return await self.budget.take(account, self.clock().date(), self.daily_pages)

    def turn(self, account: str) -> AbstractAsyncContextManager[None]:
        """The account's turn: hold it across visit, read and scroll of one page."""
        return self.locks.hold(account)


# ---- actions on a page ------------------------------------------------------------------------

_mouse_at: weakref.WeakKeyDictionary[Any, Point] = weakref.WeakKeyDictionary()


async def visit(
    page: Page, url: str, pacing: Pacing, *, account: str, wait_until: str = "domcontentloaded"
) -> Response | None:
    """Open `url` as `account` would: in the account's turn, counted against its budget,
    after a pause; the mouse then drifts somewhere on the page."""
    from playwright.async_api import Error as PlaywrightError

    async with pacing.turn(account):
        await pacing.take_page(account)
        await pacing.wait(pacing.action_delay())
        try:
            response = await page.goto(url, wait_until=wait_until)  # type: ignore[arg-type]
        except PlaywrightError as e:
            raise ScraperError("page_failed", f"{url} did not load: {e}", retryable=True) from e
        if pacing.gestures:
            await move_mouse(page, _somewhere(page, pacing), pacing)
        return response


async def read(page: Page, pacing: Pacing) -> float:
    """Stay on the page for as long as its text takes to read, moving the mouse now and then;
    returns the seconds spent."""
    if pacing.max_reading_s <= 0:
        return 0.0
    pause = pacing.reading_pause(await page.inner_text("body"))
    left = pause
    while left > 0:
        chunk = min(left, pacing.rng.uniform(2.0, 6.0))
        await pacing.wait(chunk)
        left -= chunk
        if pacing.gestures and left > 0:
            await move_mouse(page, _somewhere(page, pacing), pacing)
    return pause


async def scroll_through(page: Page, pacing: Pacing) -> int:
    """Scroll to the bottom in uneven wheel steps with pauses (lazy lists load this way too);
    returns the steps taken."""
    if not pacing.gestures:
        return 0
    height, viewport = await page.evaluate(
        "() => [document.documentElement.scrollHeight, window.innerHeight]"
    )
    position, steps = 0, 0
    while position + viewport < height and steps < pacing.max_scroll_steps:
        step = pacing.rng.randint(*pacing.scroll_step_px)
        if steps and pacing.rng.random() < 0.08:
            step = -step // 3  # a glance back up
        await page.mouse.wheel(0, step)
        position, steps = max(0, position + step), steps + 1
        await pacing.wait(pacing.rng.uniform(*pacing.scroll_pause_s))
    return steps


async def move_mouse(page: Page, target: Point, pacing: Pacing) -> None:
    """Move the mouse to `target` along a jittered curve, not in one jump."""
    start = _mouse_at.get(page) or _somewhere(page, pacing)
    steps = pacing.rng.randint(*pacing.mouse_steps)
    for x, y in curve(start, target, steps, pacing.rng, jitter_px=pacing.mouse_jitter_px):
        await page.mouse.move(x, y)
        await pacing.wait(pacing.mouse_step_s)
    _mouse_at[page] = target


def curve(
    start: Point, end: Point, steps: int, rng: random.Random, *, jitter_px: float = 0.0
) -> list[Point]:
    """`steps` points from near `start` to exactly `end` on a cubic Bézier with random control
    points, eased (slow, fast, slow) and jittered by up to `jitter_px`, like a hand."""
    (x0, y0), (x3, y3) = start, end
    distance = math.hypot(x3 - x0, y3 - y0)
    spread = max(20.0, distance / 3)
    x1, y1 = x0 + (x3 - x0) / 3 + rng.uniform(-spread, spread), y0 + rng.uniform(-spread, spread)
    x2 = x0 + 2 * (x3 - x0) / 3 + rng.uniform(-spread, spread)
    y2 = y3 + rng.uniform(-spread, spread)
    points: list[Point] = []
    for i in range(1, steps + 1):
        t = (1 - math.cos(math.pi * i / steps)) / 2  # ease in and out
        u = 1 - t
        x = u**3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x3
        y = u**3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y3
        if i < steps and jitter_px:
            x, y = x + rng.uniform(-jitter_px, jitter_px), y + rng.uniform(-jitter_px, jitter_px)
        points.append((x, y))
    return points


def _somewhere(page: Page, pacing: Pacing) -> Point:
    """A random point in the middle of the viewport, where a reader's mouse rests."""
    size = page.viewport_size or {"width": 1280, "height": 800}
    return (
        pacing.rng.uniform(0.2, 0.8) * size["width"],
        pacing.rng.uniform(0.2, 0.8) * size["height"],
    )


async def click(page: Page, selector: str, pacing: Pacing) -> None:
    """Move to the element like a hand, pause, click."""
    target = page.locator(selector).first
    if pacing.gestures:
        box = await target.bounding_box()
        if box is not None:
            spot = (box["x"] + box["width"] * pacing.rng.uniform(0.3, 0.7),
                    box["y"] + box["height"] * pacing.rng.uniform(0.3, 0.7))  # fmt: skip
            await move_mouse(page, spot, pacing)
    await pacing.wait(pacing.action_delay())
    await target.click()


async def type_text(
    page: Page, selector: str, text: str, pacing: Pacing, *, typed_chars: int = 60
) -> None:
    """Write `text` into the focused field as a person sending a prepared message does: the
    first words key by key at a typist's uneven pace, the rest pasted (a whole letter typed
    key by key would outlast the send's timeout). The typed part stops at the first line
    break, since Enter sends on some boards. Without gestures the text is filled at once."""
    field = page.locator(selector).first
    if not pacing.gestures:
        await field.fill(text)
        return
    head = text[:typed_chars].split("\n", 1)[0]
    for char in head:
        await page.keyboard.type(char)
        await pacing.wait(pacing.rng.uniform(0.05, 0.25))
    if len(head) < len(text):
        await pacing.wait(pacing.action_delay())
        await page.keyboard.insert_text(text[len(head) :])
