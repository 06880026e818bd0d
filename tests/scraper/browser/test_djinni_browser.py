"""Djinni through real headless Chromium against the fake boards site: a search walks both
listing pages and reads every vacancy (JSON-LD pages and DOM-only pages alike), paced off;
the browser context does not look headless, and the gestures run on a real page."""

from __future__ import annotations

import asyncio
import random

from playwright.async_api import Browser

from scraper.browser.djinni import DjinniSource, parse_vacancy
from scraper.browser.human import Pacing, move_mouse, scroll_through, visit
from scraper.browser.launch import DJINNI_PROFILE, new_context
from scraper.browser.models import BoardVacancy
from tests.fakes.boards.djinni import VACANCIES, vacancy_page
from tests.fakes.boards.site import FakeBoards


async def _search(browser: Browser, site: FakeBoards, pacing: Pacing, limit: int):  # type: ignore[no-untyped-def]
    context = await new_context(browser, DJINNI_PROFILE)
    try:
        source = DjinniSource(context, pacing, account="djinni-1", base_url=site.base_url)
        return await source.search("python", None, limit)
    finally:
        await context.close()


def test_a_search_reads_both_listing_pages_and_every_vacancy(
    runner: asyncio.Runner, browser: Browser, site: FakeBoards
) -> None:
    site.requests.clear()
    pacing = Pacing.off()
    found: list[BoardVacancy] = runner.run(_search(browser, site, pacing, limit=10))

    expected = [
        parse_vacancy(vacancy_page(v, jsonld=False), site.base_url + v.path) for v in VACANCIES
    ]
    assert found == expected  # JSON-LD pages read like their DOM-only twins
    search = "/jobs/?all_keywords=python&search_type=full-text"
    assert site.paths() == [search, search + "&page=2", *(v.path for v in VACANCIES)]
    today = pacing.clock().date()
    assert runner.run(pacing.budget.used("djinni-1", today)) == 2 + len(VACANCIES)


def test_a_small_limit_stops_after_the_first_listing_page(
    runner: asyncio.Runner, browser: Browser, site: FakeBoards
) -> None:
    site.requests.clear()
    found = runner.run(_search(browser, site, Pacing.off(), limit=2))
    assert [v.external_id for v in found] == ["101", "102"]
    assert len(site.paths("/jobs/?")) == 1


def test_the_context_looks_like_desktop_chrome_and_gestures_run(
    runner: asyncio.Runner, browser: Browser, site: FakeBoards
) -> None:
    # Tiny but real delays: the gestures themselves, not their timing, are under test.
    pacing = Pacing(
        rng=random.Random(11),
        action_delay_s=(0, 0.01),
        long_break_chance=0,
        scroll_pause_s=(0, 0.01),
        scroll_step_px=(600, 900),
        mouse_step_s=0,
    )

    async def run() -> tuple[str, bool, str, int, float]:
        context = await new_context(browser, DJINNI_PROFILE)
        try:
            page = await context.new_page()
            await visit(page, site.base_url + "/jobs/", pacing, account="gestures")
            await move_mouse(page, (300, 200), pacing)
            steps = await scroll_through(page, pacing)
            agent, webdriver, language = await page.evaluate(
                "() => [navigator.userAgent, navigator.webdriver, navigator.language]"
            )
            scrolled = await page.evaluate("() => window.scrollY")
            return agent, webdriver, language, steps, scrolled
        finally:
            await context.close()

    agent, webdriver, language, steps, scrolled = runner.run(run())
    assert "Headless" not in agent and "Chrome/" in agent
    assert webdriver is False
    assert language == "uk-UA"
    assert steps > 0 and scrolled > 0
