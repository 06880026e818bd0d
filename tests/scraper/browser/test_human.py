"""Human-like pacing on a fake page (no browser): reading time grows with the text, the daily
budget ends with `page_budget_exhausted`, an account opens one page at a time while two
accounts run side by side, and `Pacing.off()` waits for nothing."""

from __future__ import annotations

import asyncio
import pickle
import random
from datetime import UTC, date, datetime

import pytest

from scraper.browser.budget import MemoryPageBudget
from scraper.browser.errors import LoginExpired, PageBudgetExhausted, ScraperError
from scraper.browser.human import Pacing, curve, read, scroll_through, visit


class FakeMouse:
    def __init__(self, log: list[tuple[object, ...]]) -> None:
        self._log = log

    async def move(self, x: float, y: float) -> None:
        self._log.append(("move", x, y))

    async def wheel(self, dx: float, dy: float) -> None:
        self._log.append(("wheel", dy))


class FakePage:
    """The slice of Playwright's `Page` the pacing uses; `goto` yields while "loading" and,
    when `rendezvous` is set, waits until every page sharing it has started loading."""

    def __init__(
        self, text: str = "", *, height: int = 3000, rendezvous: asyncio.Barrier | None = None
    ) -> None:
        self.log: list[tuple[object, ...]] = []
        self.mouse = FakeMouse(self.log)
        self.viewport_size = {"width": 1280, "height": 800}
        self._text = text
        self._height = height
        self._rendezvous = rendezvous

    async def goto(self, url: str, wait_until: str = "load") -> None:
        self.log.append(("start", url))
        if self._rendezvous is not None:
            await asyncio.wait_for(self._rendezvous.wait(), timeout=5)
        for _ in range(5):
            await asyncio.sleep(0)
        self.log.append(("end", url))

    async def inner_text(self, selector: str) -> str:
        return self._text

    async def evaluate(self, script: str) -> list[int]:
        return [self._height, self.viewport_size["height"]]


def recording(pacing_sleeps: list[float]):  # type: ignore[no-untyped-def]
    async def sleep(seconds: float) -> None:
        pacing_sleeps.append(seconds)

    return sleep


def test_reading_time_grows_with_the_text() -> None:
    pacing = Pacing(rng=random.Random(7), max_reading_s=10_000)
    short, long = "word " * 50, "word " * 500
    pauses_short = [pacing.reading_pause(short) for _ in range(20)]
    pauses_long = [pacing.reading_pause(long) for _ in range(20)]
    assert max(pauses_short) < min(pauses_long)
    # 500 words at 240 words a minute: 125 s, ± the 25 % jitter
    assert all(125 * 0.75 <= p <= 125 * 1.25 for p in pauses_long)
    assert Pacing(max_reading_s=30).reading_pause(long) <= 30


def test_read_waits_the_reading_time_in_chunks_and_moves_the_mouse() -> None:
    sleeps: list[float] = []
    pacing = Pacing(rng=random.Random(1), sleep=recording(sleeps), words_per_minute=600)
    page = FakePage("слово " * 200)  # 20 s at 600 words a minute, ± jitter
    spent = asyncio.run(read(page, pacing))  # type: ignore[arg-type]
    assert 15 <= spent <= 25
    assert sum(s for s in sleeps if s > pacing.mouse_step_s) == pytest.approx(spent)
    assert any(entry[0] == "move" for entry in page.log)


def test_scrolling_goes_down_in_uneven_steps_with_pauses() -> None:
    sleeps: list[float] = []
    pacing = Pacing(rng=random.Random(3), sleep=recording(sleeps))
    page = FakePage(height=4000)
    steps = asyncio.run(scroll_through(page, pacing))  # type: ignore[arg-type]
    wheel = [e[1] for e in page.log if e[0] == "wheel"]
    assert steps == len(wheel) >= 6 and len(set(wheel)) > 1
    assert sum(wheel) >= 4000 - 800
    assert len(sleeps) == steps and all(0.4 <= s <= 1.6 for s in sleeps)


def test_the_mouse_follows_a_curve_to_its_target() -> None:
    points = curve((100, 100), (700, 400), 25, random.Random(5), jitter_px=2)
    assert len(points) == 25 and points[-1] == (700, 400)
    straight = [(100 + 600 * i / 25, 100 + 300 * i / 25) for i in range(1, 26)]
    off_line = max(abs(p[1] - s[1]) for p, s in zip(points, straight, strict=True))
    assert off_line > 5  # not a straight line


def test_the_daily_budget_ends_with_a_stable_code_and_renews_the_next_day() -> None:
    today = datetime(2025, 3, 14, 12, tzinfo=UTC)
    clock = [today]
    budget = MemoryPageBudget()
    pacing = Pacing.off(daily_pages=2, budget=budget, clock=lambda: clock[0])
    page = FakePage()

    async def run() -> None:
        await visit(page, "https://x.test/1", pacing, account="ann")  # type: ignore[arg-type]
        await visit(page, "https://x.test/2", pacing, account="ann")  # type: ignore[arg-type]
        with pytest.raises(PageBudgetExhausted) as error:
            await visit(page, "https://x.test/3", pacing, account="ann")  # type: ignore[arg-type]
        assert error.value.code == "page_budget_exhausted" and error.value.retryable
        assert (error.value.account, error.value.limit) == ("ann", 2)
        await visit(page, "https://x.test/4", pacing, account="bob")  # type: ignore[arg-type]
        clock[0] = today.replace(day=15)
        await visit(page, "https://x.test/5", pacing, account="ann")  # type: ignore[arg-type]

    asyncio.run(run())
    assert [e[1] for e in page.log if e[0] == "start"] == [
        "https://x.test/1",
        "https://x.test/2",
        "https://x.test/4",
        "https://x.test/5",
    ]
    assert asyncio.run(budget.used("ann", date(2025, 3, 15))) == 1


def test_one_account_opens_one_page_at_a_time() -> None:
    pacing = Pacing.off()
    page = FakePage()

    async def run() -> None:
        await asyncio.gather(
            *(visit(page, f"https://x.test/{i}", pacing, account="ann") for i in range(3))  # type: ignore[arg-type]
        )

    asyncio.run(run())
    kinds = [e[0] for e in page.log]
    assert kinds == ["start", "end"] * 3  # never two loads interleaved


def test_a_turn_holds_the_account_across_several_actions() -> None:
    pacing = Pacing.off()
    order: list[str] = []

    async def view(name: str) -> None:
        async with pacing.turn("ann"):
            order.append(f"{name} in")
            await visit(FakePage(), "https://x.test/", pacing, account="ann")  # type: ignore[arg-type]
            await asyncio.sleep(0)
            order.append(f"{name} out")

    async def run() -> None:
        await asyncio.gather(view("a"), view("b"))

    asyncio.run(run())
    assert order == ["a in", "a out", "b in", "b out"]


def test_two_accounts_load_pages_in_parallel() -> None:
    pacing = Pacing.off()

    async def run() -> list[FakePage]:
        barrier = asyncio.Barrier(2)  # each load waits until the other has started
        pages = [FakePage(rendezvous=barrier), FakePage(rendezvous=barrier)]
        await asyncio.gather(
            visit(pages[0], "https://x.test/a", pacing, account="ann"),  # type: ignore[arg-type]
            visit(pages[1], "https://x.test/b", pacing, account="bob"),  # type: ignore[arg-type]
        )
        return pages

    pages = asyncio.run(run())
    assert all([e[0] for e in p.log] == ["start", "end"] for p in pages)


def test_pacing_off_waits_for_nothing_but_still_counts() -> None:
    sleeps: list[float] = []
    pacing = Pacing.off(sleep=recording(sleeps), daily_pages=5)
    page = FakePage("word " * 5000, height=20_000)

    async def run() -> tuple[float, int]:
        await visit(page, "https://x.test/", pacing, account="ann")  # type: ignore[arg-type]
        return await read(page, pacing), await scroll_through(page, pacing)  # type: ignore[arg-type]

    assert asyncio.run(run()) == (0.0, 0)
    assert sleeps == []
    assert pacing.action_delay() == 0 and pacing.reading_pause("word " * 5000) == 0
    assert [e[0] for e in page.log] == ["start", "end"]  # no mouse, no wheel
    assert asyncio.run(pacing.budget.used("ann", pacing.clock().date())) == 1


def test_errors_survive_pickling_as_ray_sends_them() -> None:
    errors = [
        PageBudgetExhausted("ann", 5, date(2025, 3, 14)),
        LoginExpired("https://hh.ru/account/login?backurl=x"),
        ScraperError("jobspy_missing", "install it", retryable=False),
    ]
    for error in errors:
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert (copy.code, copy.message, copy.retryable) == (
            error.code,
            error.message,
            error.retryable,
        )
