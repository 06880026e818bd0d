"""Reading a workspace's HH responses through its stored session (pipelines/hh_import/
browser.py runs it and keeps the state): each watched vacancy's responses list, then the
resume page of each response not imported yet, stored under the HH API import's keys and
screened.

One response's failure is counted and the run goes on; what is about the session (a dead
login, the day's pages spent) stops it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import hh_negotiations
from db.pool import transaction
from pipelines.engine_set import Engines
from pipelines.hh_import.heartbeat import Heartbeat
from pipelines.hh_import.scraped_profile import profile_of_scraped, render_scraped
from pipelines.hh_import.store import ReadResponse, store_response
from pipelines.hh_import.sync import SyncCounts
from pipelines.vacancy_flow import screen_application
from scraper.browser.errors import LoginExpired, PageBudgetExhausted, ScraperError
from scraper.browser.hh_pages import HhEmployerPages, context_with_cookies
from scraper.browser.human import Pacing
from scraper.browser.launch import open_browser
from scraper.browser.models import ScrapedResponse, ScrapedResume

log = logging.getLogger(__name__)
STOPPING = (LoginExpired, PageBudgetExhausted)  # about the session, not one response
_NO_VACANCY = "no vacancy with this HH id here: import it through the HH API first"


@dataclass(frozen=True)
class PreparedSync:
    """A run that may go: its row, the session and what to read (`prepare_sync`)."""

    workspace_id: UUID
    run_id: int
    base_url: str
    daily_pages: int
    targets: tuple[tuple[str, int | None], ...]  # (HH vacancy id, vacancy id here or None)
    sealed: bytes = field(repr=False)  # tells, after the run, whether cookies were replaced
    cookies_json: str = field(repr=False)


def account_of(workspace_id: UUID) -> str:
    """The scraping account (page budget, one page at a time) of the workspace's session."""
    return f"hh:{workspace_id}"


async def read_responses(
    pool: ConnectionPool, engines: Engines, job: PreparedSync, pacing: Pacing, counts: SyncCounts
) -> None:
    """Each watched vacancy's responses into the product, counted in `counts` as they go (a
    stopped run keeps what it did). Raises what stops the session: `LoginExpired`,
    `PageBudgetExhausted`, and `ScraperError`s of the browser itself."""
    if not job.targets:
        return
    beat = Heartbeat(pool, job.workspace_id, job.run_id)
    account, day = account_of(job.workspace_id), pacing.clock().date()
    if await pacing.budget.used(account, day) >= pacing.daily_pages:  # no browser for nothing
        raise PageBudgetExhausted(account, pacing.daily_pages, day)
    async with open_browser() as browser:
        context = await context_with_cookies(browser, job.cookies_json)
        try:
            pages = HhEmployerPages(context, pacing, account=account, base_url=job.base_url)
            for hh_id, vacancy_id in job.targets:
                if vacancy_id is None:
                    counts.failed_with(f"vacancy {hh_id}", LookupError(_NO_VACANCY))
                    continue
                try:
                    listed = await pages.responses(hh_id, with_resumes=False)
                except STOPPING:
                    raise
                except ScraperError as e:  # this vacancy only
                    counts.failed_with(f"vacancy {hh_id}", e)
                    continue
                for response in listed:
                    try:
                        outcome, screened = await _response(pool, engines, job, pages, hh_id,
                                                            vacancy_id, response)  # fmt: skip
                    except STOPPING:
                        raise
                    except Exception as e:  # this response only
                        name = response.negotiation_id or response.resume_id
                        log.warning("HH response %s not imported by browser: %s", name, e)
                        counts.failed_with(f"response {name}", e)
                        continue
                    setattr(counts, outcome, getattr(counts, outcome) + 1)
                    counts.screened += screened
                    await asyncio.to_thread(beat)
        finally:
            await context.close()


async def _response(
    pool: ConnectionPool,
    engines: Engines,
    job: PreparedSync,
    pages: HhEmployerPages,
    hh_vacancy_id: str,
    vacancy_id: int,
    response: ScrapedResponse,
) -> tuple[str, bool]:
    """("new" | "updated" | "unchanged", screened)."""
    nid = response.negotiation_id
    if not nid:
        raise ValueError("HH's list gives no response id for this resume (no `t=` in its link)")
    stored = await asyncio.to_thread(_stored, pool, job.workspace_id, nid)
    if stored is not None and stored.application_id is not None:
        return "unchanged", False
    resume = await pages.resume(response.resume_url)
    application_id, created, changed = await asyncio.to_thread(
        _store, pool, engines, job.workspace_id, hh_vacancy_id, vacancy_id, response, resume
    )
    if created or changed:
        await asyncio.to_thread(
            screen_application, pool, engines, workspace_id=job.workspace_id,
            application_id=application_id,
        )  # fmt: skip
    return ("new" if created else "updated"), created or changed


def _stored(
    pool: ConnectionPool, workspace_id: UUID, nid: str
) -> hh_negotiations.HHNegotiation | None:
    with transaction(pool, workspace_id=workspace_id) as conn:
        return hh_negotiations.get(conn, negotiation_id=nid)


def _store(
    pool: ConnectionPool,
    engines: Engines,
    workspace_id: UUID,
    hh_vacancy_id: str,
    vacancy_id: int,
    response: ScrapedResponse,
    resume: ScrapedResume,
) -> tuple[int, bool, bool]:
    """Stored under the API import's keys (pipelines.hh_import.store); HH's state and actions
    are unknown here: the next API sync fills them."""
    assert response.negotiation_id
    read = ReadResponse(
        negotiation_id=response.negotiation_id, resume_id=response.resume_id,
        vacancy_id=vacancy_id, vacancy_external_id=hh_vacancy_id, text=render_scraped(resume),
        profile=lambda text: profile_of_scraped(resume, text),
    )  # fmt: skip
    return store_response(pool, engines, workspace_id, read)
