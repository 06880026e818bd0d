"""HH by browser against the fake boards site through real headless Chromium: a recruiter logs
in once, the cookies are saved sealed, a read imports and screens every response under HH's
ids (resume hash, negotiation id), a second read opens no resume and changes nothing, the
daily page budget stops a read, and an ended session asks the owners for a new login."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from psycopg_pool import ConnectionPool

from db import import_runs, integrations, vacancies
from db.pool import transaction
from db.settings import Settings
from pipelines.engine_set import Engines, offline_engines
from pipelines.hh_import import browser
from pipelines.hh_import.page_budget import DbPageBudget
from pipelines.hh_import.scraped_profile import profile_of_scraped, render_scraped
from scraper.browser.errors import PageBudgetExhausted, ScraperError
from scraper.browser.hh_pages import export_cookies
from scraper.browser.human import Pacing
from scraper.browser.launch import HH_PROFILE, new_context, open_browser
from scraper.browser.models import ScrapedResume
from serve_apps import accounts as people
from tests.fakes.boards.hh import HH_VACANCY_ID, RECRUITER_LOGIN, RESUMES
from tests.fakes.boards.site import FakeBoards

VACANCY_TEXT = (
    "Ищем Python-разработчика в команду платёжных сервисов. Требования: опыт коммерческой "
    "разработки на Python от 3 лет, Django или FastAPI, PostgreSQL, понимание микросервисной "
    "архитектуры, умение писать тесты. Будет плюсом: Go, асинхронное программирование "
    "(asyncio), опыт работы с очередями сообщений. Условия: удалённая работа, гибкий график."
)
TABLES = ("candidates", "resumes", "applications", "screenings", "hh_negotiations")


async def _log_in(site: FakeBoards) -> str:
    """The recruiter signs in at HH in a browser and exports its cookies."""
    async with open_browser(timeout_s=30) as chromium:
        context = await new_context(chromium, HH_PROFILE)
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


@pytest.fixture(scope="module")
def site() -> Iterator[FakeBoards]:
    with FakeBoards() as boards:
        yield boards


@pytest.fixture(scope="module")
def engines() -> Engines:
    return offline_engines()


@pytest.fixture(scope="module")
def site_settings(settings: Settings, site: FakeBoards) -> Settings:
    return settings.model_copy(update={"hh_site_url": site.base_url})


@pytest.fixture(scope="module")
def space(pool: ConnectionPool) -> Any:
    """A workspace whose HH vacancy 555 came in by the HH API (so it is watched by default)."""
    owner = people.create_user_account(pool, email="owner@hh-browser.test", password="pw-12345678")
    workspace = people.create_workspace(pool, name="Browser Co", owner_id=owner.id)
    with transaction(pool, workspace_id=workspace.id) as conn:
        vacancies.upsert_external_vacancy(
            conn, workspace_id=workspace.id, source="hh", external_id=HH_VACANCY_ID,
            title="Python-разработчик", description=VACANCY_TEXT,
        )  # fmt: skip
    return workspace


def _count(pool: ConnectionPool, space: Any) -> dict[str, int]:
    with transaction(pool, workspace_id=space.id) as conn:
        return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}  # noqa: S608


def test_garbage_is_refused_and_cookies_are_kept_sealed(
    pool: ConnectionPool, site_settings: Settings, site: FakeBoards, space: Any
) -> None:
    elsewhere = json.dumps([{"name": "x", "value": "y", "domain": "example.com"}])
    for garbage in ("not json", "[]", '{"a": 1}', elsewhere):
        with pytest.raises(ScraperError) as refused:
            browser.save_cookies(pool, site_settings, space.id, garbage, None)
        assert refused.value.code == "hh_cookies_invalid"
    with pytest.raises(browser.BrowserNotConnected):
        browser.sync_by_browser(pool, offline_engines(), site_settings, space.id)

    cookies_json = asyncio.run(_log_in(site))
    token = json.loads(cookies_json)[0]["value"]
    browser.save_cookies(pool, site_settings, space.id, cookies_json, None)
    with transaction(pool, workspace_id=space.id) as conn:
        row = integrations.require(conn, kind=browser.KIND)
        shown = browser.state(conn, workspace_id=space.id)
    assert row.status == "connected" and row.secrets_encrypted is not None
    assert token.encode() not in bytes(row.secrets_encrypted)
    assert token not in json.dumps(row.settings)
    assert shown is not None and shown.vacancy_ids == [HH_VACANCY_ID] and shown.watching_imported


def test_a_read_imports_and_screens_and_a_second_changes_nothing(
    pool: ConnectionPool, engines: Engines, site_settings: Settings, site: FakeBoards, space: Any
) -> None:
    site.requests.clear()
    first = browser.sync_by_browser(pool, engines, site_settings, space.id, pacing=Pacing.off())
    assert (first["new"], first["screened"], first["failed"]) == (len(RESUMES), len(RESUMES), 0)
    with transaction(pool, workspace_id=space.id) as conn:
        rows = conn.execute(
            "select a.external_id, a.source, a.score, r.external_id, r.source, c.email, "
            "c.telegram_username, n.resume_external_id, n.vacancy_external_id "
            "from applications a join resumes r on r.id = a.resume_id "
            "join candidates c on c.id = a.candidate_id "
            "join hh_negotiations n on n.application_id = a.id order by a.external_id"
        ).fetchall()
        (run,) = import_runs.recent(conn, source="hh")
    assert [r[0] for r in rows] == [r.topic_id for r in RESUMES]  # the negotiation ids
    assert [r[3] for r in rows] == [r.hash for r in RESUMES] == [r[7] for r in rows]
    assert all(r[1] == r[4] == "hh" and r[2] is not None and r[8] == HH_VACANCY_ID for r in rows)
    assert [(r[5], r[6]) for r in rows] == [(r.email, r.telegram) for r in RESUMES]
    assert (run.kind, run.status, run.counts["via"]) == ("responses", "done", "browser")

    before, resumes_read = _count(pool, space), len(site.paths("/resume/"))
    again = browser.sync_by_browser(pool, engines, site_settings, space.id, pacing=Pacing.off())
    assert (again["unchanged"], again["new"], again["updated"]) == (len(RESUMES), 0, 0)
    assert _count(pool, space) == before
    assert len(site.paths("/resume/")) == resumes_read  # known responses cost no resume page
    with transaction(pool, workspace_id=space.id) as conn:
        shown = browser.state(conn, workspace_id=space.id)
    assert shown is not None and shown.pages_today == 2 + len(RESUMES) + 2  # lists, resumes


def test_the_daily_page_budget_stops_a_read(
    pool: ConnectionPool, engines: Engines, site_settings: Settings, space: Any
) -> None:
    account, day = browser.account_of(space.id), datetime.now(UTC).date()
    budget = DbPageBudget(pool, space.id)
    used = asyncio.run(budget.used(account, day))
    assert asyncio.run(budget.take(account, day, used + 1)) == used + 1
    with pytest.raises(PageBudgetExhausted):  # one statement counts or refuses
        asyncio.run(budget.take(account, day, used + 1))

    browser.configure(pool, space.id, vacancy_ids=None, daily_pages=used + 1)
    stopped = browser.sync_by_browser(pool, engines, site_settings, space.id, pacing=Pacing.off())
    assert stopped["error"]["code"] == "page_budget_exhausted"
    with transaction(pool, workspace_id=space.id) as conn:
        assert integrations.require(conn, kind=browser.KIND).status == "connected"
        assert import_runs.recent(conn, source="hh")[0].status == "failed"
    browser.configure(pool, space.id, vacancy_ids=None, daily_pages=browser.DEFAULT_DAILY_PAGES)


def test_an_ended_session_asks_the_owners_for_a_new_login(
    pool: ConnectionPool, engines: Engines, site_settings: Settings, site: FakeBoards, space: Any
) -> None:
    site.expire_sessions()  # HH ended the session on its side
    result = browser.sync_by_browser(pool, engines, site_settings, space.id, pacing=Pacing.off())
    assert result["error"]["code"] == "hh_login_expired"
    with transaction(pool, workspace_id=space.id) as conn:
        row = integrations.require(conn, kind=browser.KIND)
        told = conn.execute(
            "select m.role, n.subject->>'reason' from notifications n "
            "join memberships m on m.user_id = n.user_id and m.workspace_id = n.workspace_id "
            "where n.kind = 'hh.reconnect_needed'"
        ).fetchall()
    assert row.status == "reconnect_needed" and "cookies" in (row.last_error or "")
    assert [role for role, _ in told] == ["owner"] and "HH" in told[0][1]
    with pytest.raises(browser.BrowserNotConnected, match="expired"):
        browser.sync_by_browser(pool, engines, site_settings, space.id, pacing=Pacing.off())

    assert browser.forget(pool, space.id, None)
    with transaction(pool, workspace_id=space.id) as conn:
        row = integrations.require(conn, kind=browser.KIND)
    assert row.status == "disconnected" and row.secrets_encrypted is None


def test_a_scraped_resume_keeps_the_pages_own_fields() -> None:
    page = ScrapedResume(
        resume_id="abc", url="https://hh.ru/resume/abc", name="Иванова Мария",
        title="Python-разработчик", phone="+7 (916) 555-01-01", email="Maria@Example.com",
        telegram="@maria_dev", skills=("Python", "Django"),
        text="Python-разработчик\n\nОпыт работы\nЯндекс, Python-разработчик\n"
        "Январь 2021 — настоящее время\nСервисы платежей на FastAPI.",
    )  # fmt: skip
    text = render_scraped(page)
    profile = profile_of_scraped(page, text)
    assert text.startswith("Иванова Мария\n+7 (916) 555-01-01\nMaria@Example.com\n")
    assert (profile.full_name, profile.phone, profile.email, profile.telegram_username) == (
        "Иванова Мария", "+79165550101", "maria@example.com", "maria_dev",
    )  # fmt: skip
    assert {"Python", "Django", "FastAPI"} <= set(profile.skills)
    assert profile.engine == "hh_page" and profile.language == "ru"
