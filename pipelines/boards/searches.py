"""Running a workspace's saved job-board searches: Djinni in headless Chromium at a person's
pace, LinkedIn and Indeed through python-jobspy, HeadHunter through its public vacancy search;
each find becomes a lead (store.py) with its full text.

Hard state (Postgres): the searches (`board_searches`, each with its last outcome), the runs
(`import_runs`, kind 'vacancies', source 'djinni' for Djinni and 'board' for jobspy's boards
and HH's search; one run of a source at a time per workspace, so one Djinni account reads one
page at a time), the leads, and the Djinni pages opened per day (`scraper_page_budgets`,
account `djinni:<workspace>`). Nothing is kept in memory between runs.

Djinni's vacancies and HH's pages are stored as soon as they are read, so a run stopped by the
daily page budget, a page that would not load or HH's captcha keeps what it read. A run's
`ScraperError` or `HHError` (jobspy missing, the budget spent, a captcha, a board that
refused) ends it failed, with the reason on the search: never an exception for the caller.
A run's result lists the leads waiting for their analysis (`lead_ids`: new, or their text
changed), for the caller to analyse right after. Runs are blocking (each has its own event
loop): call them from a worker thread or a Ray task.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import board_searches, import_runs
from db.board_searches import BoardSearch
from db.pool import transaction
from db.settings import Settings
from pipelines.boards.store import LeadSink
from pipelines.hh_import.heartbeat import Heartbeat
from pipelines.hh_import.page_budget import DbPageBudget
from scraper.browser.djinni import listing_urls, read_vacancy, search_url
from scraper.browser.errors import PageBudgetExhausted, ScraperError
from scraper.browser.human import Pacing
from scraper.browser.jobspy_source import JobspySource, ScrapeJobs
from scraper.browser.launch import DJINNI_PROFILE, new_context, open_browser
from scraper.hh.errors import HHError
from scraper.hh.vacancy_search import HHVacancySearch

log = logging.getLogger(__name__)
KIND = "vacancies"
# HH's search shares 'board' until import_runs.source allows 'hh_search' ('hh' is the
# employer's own sync, which must not block a search nor be blocked by one).
RUN_SOURCES = {"djinni": "djinni", "linkedin": "board", "indeed": "board", "hh": "hh_search"}
DJINNI_PAGE_SIZE = 15  # vacancies on one Djinni listing page
BEAT_EVERY_S = 60.0  # well within import_runs.STALE_AFTER, whatever one page or jobspy takes


def default_pacing() -> Pacing:
    """A person's pace for the browser (tests replace this with `Pacing.off`)."""
    return Pacing()


def account_of(workspace_id: UUID) -> str:
    """The scraping account (page budget, one page at a time) of the workspace's Djinni reads."""
    return f"djinni:{workspace_id}"


def check_ready(pool: ConnectionPool, workspace_id: UUID, search_id: int) -> BoardSearch:
    """The search, if it can run now: `NotFound`, or `AlreadyRunning` while a run of its
    board's source goes on (refused before the run is handed to a worker)."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        search = board_searches.get(conn, search_id=search_id)
        if import_runs.running(conn, source=RUN_SOURCES[search.board], kind=KIND):
            raise import_runs.AlreadyRunning(f"a {search.board} search is running already")
    return search


def run_searches(
    pool: ConnectionPool,
    settings: Settings,
    workspace_id: UUID,
    search_ids: Collection[int] | None = None,
    *,
    pacing: Pacing | None = None,
    djinni_url: str | None = None,
    scrape_jobs: ScrapeJobs | None = None,
) -> dict[str, Any]:
    """Run the given searches (None: every enabled one) in turn: `searches`, `found`, `new`,
    `updated`, `failed`, `lead_ids` (every run's, in order) and `runs` (each run's result).
    One search's failure, even a bug, never stops the others."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        if search_ids is None:
            ids = [s.id for s in board_searches.list_searches(conn, enabled=True)]
        else:
            ids = [s.id for s in board_searches.list_searches(conn) if s.id in set(search_ids)]
    results: list[dict[str, Any]] = []
    for search_id in ids:
        try:
            result = run_search(pool, settings, workspace_id, search_id, pacing=pacing,
                                djinni_url=djinni_url, scrape_jobs=scrape_jobs)  # fmt: skip
        except Exception as e:  # recorded on the run by run_search; the next search goes on
            log.exception("board search %s in workspace %s failed", search_id, workspace_id)
            error = {"code": "unexpected", "message": type(e).__name__}
            result = {"search_id": search_id, "error": error}
        results.append(result)
    totals = {k: sum(r.get(k, 0) for r in results) for k in ("found", "new", "updated")}
    failed = sum(1 for r in results if "error" in r)
    lead_ids = list(dict.fromkeys(i for r in results for i in r.get("lead_ids", [])))
    return {"searches": len(results), **totals, "failed": failed, "lead_ids": lead_ids,
            "runs": results}  # fmt: skip


def run_search(
    pool: ConnectionPool,
    settings: Settings,
    workspace_id: UUID,
    search_id: int,
    *,
    pacing: Pacing | None = None,
    djinni_url: str | None = None,
    scrape_jobs: ScrapeJobs | None = None,
) -> dict[str, Any]:
    """Run one saved search now and record it (the run's row, the search's last outcome):
    `search_id`, `board`, `found`, `new`, `updated`, `lead_ids` (leads waiting for their
    analysis), with `error` ({code, message}) when something stopped it. `pacing` gets the
    workspace's Djinni page budget, kept in Postgres, whatever budget it had; `scrape_jobs`
    stands in for jobspy's."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        search = board_searches.get(conn, search_id=search_id)
    result: dict[str, Any] = {"search_id": search.id, "board": search.board}
    try:
        with transaction(pool, workspace_id=workspace_id) as conn:
            run_id = import_runs.start(conn, workspace_id=workspace_id,
                                       source=RUN_SOURCES[search.board], kind=KIND)  # fmt: skip
    except import_runs.AlreadyRunning as e:  # that run records itself; this one never began
        return {**result, "error": {"code": e.code, "message": e.message}}
    pacing = replace(pacing or default_pacing(), budget=DbPageBudget(pool, workspace_id))
    sink = LeadSink(pool, workspace_id, search.board)
    beat = Heartbeat(pool, workspace_id, run_id)
    error: ScraperError | HHError | None = None
    where = _Where(settings, djinni_url or settings.djinni_url, account_of(workspace_id),
                   scrape_jobs)  # fmt: skip
    try:
        asyncio.run(_alive(beat, _find(search, sink, pacing, where)))
    except (ScraperError, HHError) as e:
        error = e
        log.warning("board search %s in %s stopped: %s", search.id, workspace_id, e.code)
    except Exception as e:  # a bug: the run and the search say so, and the caller sees it
        _record(pool, workspace_id, run_id, search, sink, f"unexpected {type(e).__name__}")
        raise
    _record(pool, workspace_id, run_id, search, sink,
            f"{error.code}: {error.message}" if error else None)  # fmt: skip
    result.update(sink.counts.as_dict(), lead_ids=list(sink.lead_ids))
    if error is not None:
        result["error"] = {"code": error.code, "message": error.message}
    return result


def _record(
    pool: ConnectionPool,
    workspace_id: UUID,
    run_id: int,
    search: BoardSearch,
    sink: LeadSink,
    error: str | None,
) -> None:
    counts = {"search_id": search.id, "board": search.board, **sink.counts.as_dict()}
    with transaction(pool, workspace_id=workspace_id) as conn:
        import_runs.finish(conn, run_id=run_id, counts=counts, error=error)
        board_searches.record_run(conn, search_id=search.id, found=sink.counts.found,
                                  error=error)  # fmt: skip


async def _alive(beat: Callable[[], None], work: Any) -> None:
    """Run `work` while the run's row beats, so a long paced read is never taken for a dead
    one."""

    async def keep_beating() -> None:
        while True:
            await asyncio.sleep(BEAT_EVERY_S)
            try:
                await asyncio.to_thread(beat)
            except Exception:  # the database is away for a moment; the next beat may pass
                log.exception("a board search could not beat")

    beating = asyncio.create_task(keep_beating())
    try:
        await work
    finally:
        beating.cancel()


@dataclass(frozen=True)
class _Where:
    """Where a run reads its board: the settings (HH's address), Djinni's address and
    scraping account, and jobspy's stand-in (None: jobspy itself)."""

    settings: Settings
    djinni_url: str
    account: str
    scrape_jobs: ScrapeJobs | None


async def _find(search: BoardSearch, sink: LeadSink, pacing: Pacing, where: _Where) -> None:
    if search.board == "djinni":
        await _read_djinni(search, sink, pacing, where.djinni_url, where.account)
        return
    if search.board == "hh":
        hh = HHVacancySearch(where.settings)
        async for page in hh.pages(search.query, search.location, search.max_results):
            await asyncio.to_thread(sink.add, page)  # kept if HH stops the search later
        return
    source = JobspySource(sites=(search.board,), scrape_jobs=where.scrape_jobs)
    found = await source.search(search.query, search.location, search.max_results)
    await asyncio.to_thread(sink.add, found)


async def _read_djinni(
    search: BoardSearch, sink: LeadSink, pacing: Pacing, base_url: str, account: str
) -> None:
    """Djinni's listing for the search, then each vacancy, stored as soon as it is read (what
    `DjinniSource.search` does, minus holding everything until the end)."""
    day = pacing.clock().date()
    if await pacing.budget.used(account, day) >= pacing.daily_pages:  # no browser for nothing
        raise PageBudgetExhausted(account, pacing.daily_pages, day)
    async with open_browser() as browser:
        context = await new_context(browser, DJINNI_PROFILE)
        try:
            page = await context.new_page()
            urls = await listing_urls(
                page, search_url(search.query, search.location, base_url=base_url), pacing,
                account=account, max_pages=-(-search.max_results // DJINNI_PAGE_SIZE) + 1,
                limit=search.max_results,
            )  # fmt: skip
            for url in urls:
                try:
                    vacancy = await read_vacancy(page, url, pacing, account=account)
                except ScraperError as e:
                    if e.code != "vacancy_unparsed":
                        raise
                    log.warning("djinni: skipped %s: %s", url, e.message)
                    continue
                await asyncio.to_thread(sink.add, [vacancy])
        finally:
            await context.close()
