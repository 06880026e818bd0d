"""HeadHunter by browser, for workspaces without HH's paid API access: an owner saves the
cookies of their browser signed in to HH (sealed; never shown again), chooses what to watch,
recruiters read the responses now, and the session's state says when HH wants a new login.

A read runs at a person's pace, for minutes to hours: `POST /sync` checks and starts the run,
then reads in a thread of this process (Playwright is async; the run has its own event loop)
and answers at once; the run's row shows its progress and end.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from psycopg_pool import ConnectionPool
from pydantic import BaseModel, Field

from db import import_runs
from db.pool import transaction
from db.settings import Settings
from pipelines.hh_import import browser
from scraper.browser.errors import ScraperError
from serve_apps.deps import (
    WORKSPACE_ERRORS,
    AppDispatcher,
    AppSettings,
    CurrentWorkspace,
    Pool,
)
from serve_apps.errors import BODY_ERRORS, ApiError, error_doc

log = logging.getLogger(__name__)
router = APIRouter(
    prefix="/integrations/hh-browser", tags=["integrations"], responses=WORKSPACE_ERRORS
)
MAX_COOKIES_CHARS = 200_000


class BrowserRunOut(BaseModel):
    status: str = Field(description="running, done or failed")
    via: str | None = Field(description="browser, or api for the HH API's runs")
    counts: dict[str, Any]
    error: str | None
    started_at: datetime
    finished_at: datetime | None


class BrowserOut(BaseModel):
    status: str = Field(
        description="disconnected, connected, reconnect_needed (HH wants a new login: paste "
        "fresh cookies) or error; `disconnected` when never saved"
    )
    site_url: str = Field(description="HH's site the cookies are for")
    vacancy_ids: list[str] = Field(description="the HH vacancy ids whose responses are read")
    watching_imported: bool = Field(
        description="the ids are the active vacancies the HH API imported (none chosen)"
    )
    daily_pages: int = Field(description="HH pages the session may open per day")
    pages_today: int
    cookies_saved_at: datetime | None = None
    last_error: str | None = None
    runs: list[BrowserRunOut] = Field(default_factory=list, description="the latest reads")


class CookiesIn(BaseModel):
    cookies: str = Field(
        min_length=2,
        max_length=MAX_COOKIES_CHARS,
        description="the cookies JSON exported from a browser signed in to HH (a list of "
        "cookies, or a Playwright storage state)",
    )


class WatchIn(BaseModel):
    vacancy_ids: list[str] | None = Field(
        default=None, max_length=browser.MAX_WATCHED,
        description="HH vacancy ids; none: the active vacancies the HH API imported",
    )  # fmt: skip
    daily_pages: int = Field(default=browser.DEFAULT_DAILY_PAGES, ge=1, le=browser.MAX_DAILY_PAGES)


def _out(pool: ConnectionPool, settings: Settings, workspace_id: UUID) -> BrowserOut:
    with transaction(pool, workspace_id=workspace_id) as conn:
        found = browser.state(conn, workspace_id=workspace_id)
        runs = import_runs.recent(conn, source="hh", limit=30)
    shown = [
        BrowserRunOut(via=r.counts.get("via") or (None if r.status == "running" else "api"),
                      **{k: getattr(r, k) for k in ("status", "counts", "error", "started_at",
                                                    "finished_at")})
        for r in runs if r.kind == "responses"
    ][:10]  # fmt: skip
    if found is None:
        return BrowserOut(
            status="disconnected", site_url=settings.hh_site_url, vacancy_ids=[],
            watching_imported=True, daily_pages=browser.DEFAULT_DAILY_PAGES, pages_today=0,
            runs=shown,
        )  # fmt: skip
    return BrowserOut(
        status=found.status, site_url=found.base_url or settings.hh_site_url,
        vacancy_ids=found.vacancy_ids, watching_imported=found.watching_imported,
        daily_pages=found.daily_pages, pages_today=found.pages_today,
        cookies_saved_at=found.cookies_saved_at, last_error=found.last_error, runs=shown,
    )  # fmt: skip


@router.get("", response_model=BrowserOut)
def status(access: CurrentWorkspace, pool: Pool, settings: AppSettings) -> BrowserOut:
    """The workspace's HH session (never its cookies), what it watches and its latest reads."""
    return _out(pool, settings, access.workspace_id)


@router.put("/cookies", response_model=BrowserOut,
            responses={**BODY_ERRORS, 403: error_doc("owners only (`role_too_low`)"),
                       422: error_doc("not live cookies of HH's site "
                                      "(`hh_cookies_invalid`)")})  # fmt: skip
def save_cookies(
    body: CookiesIn, access: CurrentWorkspace, pool: Pool, settings: AppSettings
) -> BrowserOut:
    """Keep the HH session of the owner's browser (sealed; the reply never shows it)."""
    access.require("owner")
    try:
        browser.save_cookies(
            pool, settings, access.workspace_id, body.cookies, access.principal.user_id,
            api_key_id=access.principal.api_key_id,
        )  # fmt: skip
    except ScraperError as e:
        error = ApiError(e.message, code=e.code)
        error.status = 422
        raise error from e
    return _out(pool, settings, access.workspace_id)


@router.put("/settings", response_model=BrowserOut,
            responses={**BODY_ERRORS, 403: error_doc("owners only"),
                       404: error_doc("no session saved yet")})  # fmt: skip
def watch(body: WatchIn, access: CurrentWorkspace, pool: Pool, settings: AppSettings) -> BrowserOut:
    """Which HH vacancies to read, and how many HH pages a day the session may open."""
    access.require("owner")
    browser.configure(pool, access.workspace_id, vacancy_ids=body.vacancy_ids,
                      daily_pages=body.daily_pages)  # fmt: skip
    return _out(pool, settings, access.workspace_id)


@router.delete("", response_model=BrowserOut, responses={403: error_doc("owners only")})
def forget(access: CurrentWorkspace, pool: Pool, settings: AppSettings) -> BrowserOut:
    """Drop the stored HH session; reading stops until new cookies are saved."""
    access.require("owner")
    browser.forget(pool, access.workspace_id, access.principal.user_id,
                   api_key_id=access.principal.api_key_id)  # fmt: skip
    return _out(pool, settings, access.workspace_id)


@router.post("/sync", status_code=202, response_model=BrowserOut,
             responses={403: error_doc("needs the recruiter role"),
                        409: error_doc("no live session (`hh_browser_not_connected`), or HH "
                                       "responses are being imported already "
                                       "(`import_running`)")})  # fmt: skip
def sync(
    access: CurrentWorkspace, pool: Pool, settings: AppSettings, dispatcher: AppDispatcher
) -> BrowserOut:
    """Read the watched vacancies' responses now: a worker does it (Ray in the product), the
    run's row and the session's state say how it went."""
    access.require("recruiter")
    browser.check_ready(pool, access.workspace_id)
    try:
        dispatcher.submit_import(access.workspace_id, "hh_browser", ("responses",))
    except ScraperError as e:  # an inline read (tools, tests) that stopped
        raise ApiError(e.message, code=e.code) from e
    return _out(pool, settings, access.workspace_id)
