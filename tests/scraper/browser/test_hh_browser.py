"""HH employer pages through real headless Chromium against the fake boards site: a recruiter
logs in once, the cookies go out as JSON and come back into a fresh context that reads the
responses (both pages) and every resume; missing, expired and server-ended sessions all end
in `hh_login_expired`."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import date

import pytest
from playwright.async_api import Browser

from scraper.browser.errors import LoginExpired
from scraper.browser.hh_pages import HhEmployerPages, context_with_cookies, export_cookies
from scraper.browser.human import Pacing
from scraper.browser.launch import HH_PROFILE, new_context
from scraper.browser.models import ScrapedResponse
from tests.fakes.boards.hh import HH_VACANCY_ID, RECRUITER_LOGIN, RESUMES
from tests.fakes.boards.site import FakeBoards


async def _log_in(browser: Browser, site: FakeBoards) -> str:
    """What the product does once per workspace: a login, then the cookies as JSON."""
    context = await new_context(browser, HH_PROFILE)
    try:
        page = await context.new_page()
        await page.goto(site.base_url + "/account/login")
        await page.fill('[data-qa="login-input-username"]', RECRUITER_LOGIN[0])
        await page.fill('[data-qa="login-input-password"]', RECRUITER_LOGIN[1])
        await page.click('[data-qa="account-login-submit"]')
        await page.wait_for_url("**/employer/vacancies")
        return await export_cookies(context)
    finally:
        await context.close()


async def _responses(
    browser: Browser, site: FakeBoards, cookies_json: str, **kwargs: object
) -> list[ScrapedResponse]:
    context = await context_with_cookies(browser, cookies_json)
    try:
        pages = HhEmployerPages(context, Pacing.off(), account="ws-1", base_url=site.base_url)
        return await pages.responses(HH_VACANCY_ID, **kwargs)  # type: ignore[arg-type]
    finally:
        await context.close()


def test_stored_cookies_read_every_response_and_resume(
    runner: asyncio.Runner, browser: Browser, site: FakeBoards
) -> None:
    cookies_json = runner.run(_log_in(browser, site))
    assert [c["name"] for c in json.loads(cookies_json)] == ["hhtoken"]

    site.requests.clear()
    responses = runner.run(_responses(browser, site, cookies_json))

    assert [r.resume_id for r in responses] == [r.hash for r in RESUMES]
    assert [r.negotiation_id for r in responses] == [r.topic_id for r in RESUMES]
    assert responses[0].responded_on == date(2025, 3, 12)
    resumes = [r.resume for r in responses]
    assert all(resumes)
    assert [(x.name, x.phone, x.email) for x in resumes if x] == [
        (r.name, r.phone, r.email) for r in RESUMES
    ]
    assert [x.telegram for x in resumes if x] == ["@maria_dev", None, "@jsmith_py"]
    assert "Микросервисы на Go" in (resumes[1].text if resumes[1] else "")
    listing = f"/employer/vacancyresponses?vacancyId={HH_VACANCY_ID}"
    assert site.paths("/employer/") == [listing, listing + "&page=1"]
    assert len(site.paths("/resume/")) == len(RESUMES)


def test_without_cookies_the_login_page_means_login_expired(
    runner: asyncio.Runner, browser: Browser, site: FakeBoards
) -> None:
    with pytest.raises(LoginExpired) as error:
        runner.run(_responses(browser, site, "[]"))
    assert error.value.code == "hh_login_expired"
    assert "/account/login" in error.value.url


def test_expired_cookies_and_ended_sessions_mean_login_expired(
    runner: asyncio.Runner, browser: Browser, site: FakeBoards
) -> None:
    token = site.open_session()
    cookie = {"name": "hhtoken", "value": token, "domain": "127.0.0.1", "path": "/"}
    expired = json.dumps([cookie | {"expires": time.time() - 60}])
    with pytest.raises(LoginExpired):
        runner.run(_responses(browser, site, expired))

    live = json.dumps([cookie | {"expires": time.time() + 3600}])
    assert len(runner.run(_responses(browser, site, live, with_resumes=False, limit=1))) == 1
    site.expire_sessions()  # HH ended the session on its side
    with pytest.raises(LoginExpired) as error:
        runner.run(_responses(browser, site, live, with_resumes=False))
    assert error.value.code == "hh_login_expired"
