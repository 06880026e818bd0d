"""Saved job-board searches against the fake boards site through real headless Chromium: a
Djinni search stores every vacancy as a lead with its JSON-LD or DOM fields and its full text,
listing the leads that wait for their analysis, a second run refreshes the leads (no
duplicates) and keeps the status a recruiter gave one, the daily page
budget stops a run and keeps what it read, a LinkedIn search without python-jobspy fails on the
search (no exception), and the schedule finds the workspaces with enabled searches."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from psycopg_pool import ConnectionPool

from db import board_searches, import_runs, leads, page_budgets, schedules
from db.pool import transaction
from db.settings import Settings
from pipelines.automation.base import JobContext
from pipelines.automation.runner import POOL_JOBS
from pipelines.boards import searches
from pipelines.boards.store import lead_payload
from scraper.browser.djinni import parse_vacancy
from scraper.browser.human import Pacing
from serve_apps import accounts
from tests.fakes.boards.djinni import VACANCIES, vacancy_page
from tests.fakes.boards.site import FakeBoards


@pytest.fixture(scope="module")
def site() -> Iterator[FakeBoards]:
    with FakeBoards() as boards:
        yield boards


@pytest.fixture(scope="module")
def board_settings(settings: Settings, site: FakeBoards) -> Settings:
    return settings.model_copy(update={"djinni_url": site.base_url})


@pytest.fixture(scope="module")
def space(pool: ConnectionPool) -> Any:
    owner = accounts.create_user_account(pool, email="owner@boards.test", password="pw-12345678")
    return accounts.create_workspace(pool, name="Boards Co", owner_id=owner.id)


def _save(pool: ConnectionPool, space: Any, board: str, query: str, **more: Any) -> int:
    with transaction(pool, workspace_id=space.id) as conn:
        return board_searches.create(
            conn, workspace_id=space.id, board=board, query=query, **more
        ).id


def _search(pool: ConnectionPool, space: Any, search_id: int) -> board_searches.BoardSearch:
    with transaction(pool, workspace_id=space.id) as conn:
        return board_searches.get(conn, search_id=search_id)


def _leads(pool: ConnectionPool, space: Any, source: str) -> dict[str, leads.Lead]:
    with transaction(pool, workspace_id=space.id) as conn:
        return {lead.external_id: lead for lead in leads.list_leads(conn, source=source)}


def _last_run(pool: ConnectionPool, space: Any, source: str) -> import_runs.ImportRun:
    with transaction(pool, workspace_id=space.id) as conn:
        return import_runs.recent(conn, source=source, limit=1)[0]


def test_a_djinni_search_stores_leads_and_a_rerun_refreshes_them(
    pool: ConnectionPool, board_settings: Settings, site: FakeBoards, space: Any
) -> None:
    search_id = _save(pool, space, "djinni", "python", max_results=10)
    first = searches.run_search(pool, board_settings, space.id, search_id, pacing=Pacing.off())
    assert (first["found"], first["new"], first["updated"]) == (len(VACANCIES), len(VACANCIES), 0)
    assert "error" not in first
    found = _leads(pool, space, "djinni")
    for v in VACANCIES:  # JSON-LD pages and DOM-only pages alike, every field kept
        expected = parse_vacancy(vacancy_page(v, jsonld=False), site.base_url + v.path)
        lead = found[str(v.id)]
        assert (lead.url, lead.title, lead.company) == (expected.url, expected.title,
                                                        expected.company)  # fmt: skip
        assert lead.payload == lead_payload(expected) and lead.status == "new"
        assert lead.description == expected.description and lead.contact == {}
    senior = found["101"].payload
    assert (senior["salary_min"], senior["salary_max"], senior["salary_currency"]) == (
        4000, 5500, "USD"
    )  # fmt: skip
    assert "Python" in senior["skills"] and senior["published_at"].startswith("2025-03-12")
    assert "payment" in found["101"].description and "description" not in senior
    assert sorted(first["lead_ids"]) == sorted(lead.id for lead in found.values())
    run = _last_run(pool, space, "djinni")
    assert (run.kind, run.status, run.counts["new"], run.counts["search_id"]) == (
        "vacancies", "done", len(VACANCIES), search_id
    )  # fmt: skip

    with transaction(pool, workspace_id=space.id) as conn:
        leads.set_lead_status(conn, lead_id=found["101"].id, status="responded")
    again = searches.run_search(pool, board_settings, space.id, search_id, pacing=Pacing.off())
    assert (again["found"], again["new"], again["updated"]) == (len(VACANCIES), 0, len(VACANCIES))
    assert sorted(again["lead_ids"]) == sorted(first["lead_ids"])  # none analysed meanwhile
    refreshed = _leads(pool, space, "djinni")
    assert {k: lead.id for k, lead in refreshed.items()} == {k: v.id for k, v in found.items()}
    assert refreshed["101"].status == "responded" and refreshed["102"].status == "new"
    saved = _search(pool, space, search_id)
    assert (saved.last_found, saved.last_error) == (len(VACANCIES), None)
    assert saved.last_run_at is not None


def test_the_page_budget_stops_a_run_and_keeps_what_it_read(
    pool: ConnectionPool, board_settings: Settings, site: FakeBoards, space: Any
) -> None:
    search_id = _save(pool, space, "djinni", "python", location="kyiv", max_results=10)
    pacing = Pacing.off()
    account, day = searches.account_of(space.id), pacing.clock().date()
    with transaction(pool, workspace_id=space.id) as conn:
        used = page_budgets.used(conn, account=account, day=day)
    # Two listing pages and one vacancy, then the budget is spent.
    stopped = searches.run_search(pool, board_settings, space.id, search_id,
                                  pacing=Pacing.off(daily_pages=used + 3))  # fmt: skip
    assert stopped["error"]["code"] == "page_budget_exhausted" and stopped["found"] == 1
    saved = _search(pool, space, search_id)
    assert saved.last_found == 1 and (saved.last_error or "").startswith("page_budget_exhausted")
    assert _last_run(pool, space, "djinni").status == "failed"

    site.requests.clear()  # a spent budget opens no page at all
    refused = searches.run_search(pool, board_settings, space.id, search_id,
                                  pacing=Pacing.off(daily_pages=used + 3))  # fmt: skip
    assert refused["error"]["code"] == "page_budget_exhausted" and site.paths() == []


def test_a_linkedin_search_without_jobspy_fails_on_the_search(
    pool: ConnectionPool, board_settings: Settings, space: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "jobspy", None)  # absent, whatever is installed
    search_id = _save(pool, space, "linkedin", "python developer", location="Berlin")
    result = searches.run_search(pool, board_settings, space.id, search_id)
    assert result["error"]["code"] == "jobspy_missing" and result["found"] == 0
    saved = _search(pool, space, search_id)
    assert (saved.last_error or "").startswith("jobspy_missing") and saved.last_found == 0
    run = _last_run(pool, space, "board")
    assert (run.status, run.counts["board"]) == ("failed", "linkedin")
    assert (run.error or "").startswith("jobspy_missing")


def test_a_running_board_refuses_a_second_run(
    pool: ConnectionPool, board_settings: Settings, space: Any
) -> None:
    search_id = _save(pool, space, "indeed", "data engineer")
    with transaction(pool, workspace_id=space.id) as conn:
        run_id = import_runs.start(conn, workspace_id=space.id, source="board", kind="vacancies")
    with pytest.raises(import_runs.AlreadyRunning):
        searches.check_ready(pool, space.id, search_id)
    result = searches.run_search(pool, board_settings, space.id, search_id)
    assert result["error"]["code"] == "import_running"
    assert _search(pool, space, search_id).last_run_at is None  # it never began
    with transaction(pool, workspace_id=space.id) as conn:
        import_runs.finish(conn, run_id=run_id, counts={})


def test_the_schedule_runs_the_enabled_searches(
    pool: ConnectionPool, board_settings: Settings, space: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "jobspy", None)
    with transaction(pool, workspace_id=space.id) as conn:
        listed = board_searches.list_searches(conn)
        for search in listed:  # only the LinkedIn search stays on
            board_searches.set_enabled(conn, search_id=search.id,
                                       enabled=search.board == "linkedin")  # fmt: skip
        due = schedules.due_work(conn, kinds=["board_searches"], max_interview_s=3600)
    assert [(d.workspace_id, d.kind, d.due_count) for d in due] == [(space.id, "board_searches", 1)]

    submitted: list[tuple[UUID, str, tuple[str, ...]]] = []

    class Dispatcher:
        def submit_import(self, workspace_id: UUID, source: str, kinds: tuple[str, ...]) -> None:
            submitted.append((workspace_id, source, kinds))

    context = JobContext(dispatcher=Dispatcher(), max_interview_s=3600)  # type: ignore[arg-type]
    assert POOL_JOBS["board_searches"](pool, workspace_id=space.id, context=context) == {
        "started": 1
    }
    assert submitted == [(space.id, "boards", ())]
    ran = searches.run_searches(pool, board_settings, space.id)
    assert (ran["searches"], ran["failed"]) == (1, 1)
    assert ran["runs"][0]["board"] == "linkedin"
