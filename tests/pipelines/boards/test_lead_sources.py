"""Board searches that need no browser, end to end into leads: HeadHunter's public search
against the fake HH (details, contacts and the full text stored; a re-run refreshes and lists
only what changed for analysis; a captcha or an unknown area ends the run with a clear reason
on the search) and LinkedIn and Indeed through the JobSpy-compatible fake; the contact a lead
is answered through."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from psycopg_pool import ConnectionPool

from db import board_searches, import_runs, leads
from db.pool import transaction
from db.settings import Settings
from pipelines.boards import searches
from pipelines.boards.store import lead_contact
from scraper.browser.models import BoardVacancy
from serve_apps import accounts
from tests.fakes.hh.fixtures import configured_for_hh
from tests.fakes.hh.public_search import catalog
from tests.fakes.hh.server import FakeHH
from tests.fakes.jobspy import FakeJobspy

MOSCOW_PYTHON = ("93010001", "93010006", "93010010")


@pytest.fixture(scope="module")
def hh() -> Iterator[FakeHH]:
    """A fake HH of this module's own (the tests change its catalog)."""
    with FakeHH() as fake:
        yield fake


@pytest.fixture(scope="module")
def hh_settings(settings: Settings, hh: FakeHH) -> Settings:
    return configured_for_hh(settings, hh)


@pytest.fixture(scope="module")
def space(pool: ConnectionPool) -> Any:
    owner = accounts.create_user_account(pool, email="owner@sources.test", password="pw-12345678")
    return accounts.create_workspace(pool, name="Sources Co", owner_id=owner.id)


def _save(pool: ConnectionPool, space: Any, board: str, query: str, **more: Any) -> int:
    with transaction(pool, workspace_id=space.id) as conn:
        return board_searches.create(
            conn, workspace_id=space.id, board=board, query=query, **more
        ).id


def _leads(pool: ConnectionPool, space: Any, source: str) -> dict[str, leads.Lead]:
    with transaction(pool, workspace_id=space.id) as conn:
        return {lead.external_id: lead for lead in leads.list_leads(conn, source=source)}


def _search(pool: ConnectionPool, space: Any, search_id: int) -> board_searches.BoardSearch:
    with transaction(pool, workspace_id=space.id) as conn:
        return board_searches.get(conn, search_id=search_id)


def test_an_hh_search_stores_leads_with_their_text_and_contacts(
    pool: ConnectionPool, hh_settings: Settings, space: Any
) -> None:
    search_id = _save(pool, space, "hh", "python", location="Москва", max_results=20)
    first = searches.run_search(pool, hh_settings, space.id, search_id)
    assert "error" not in first, first
    assert (first["board"], first["found"], first["new"], first["updated"]) == ("hh", 3, 3, 0)
    found = _leads(pool, space, "hh")
    assert sorted(found) == sorted(MOSCOW_PYTHON)
    assert sorted(first["lead_ids"]) == sorted(lead.id for lead in found.values())

    senior = found["93010001"]
    assert (senior.url, senior.title, senior.company, senior.status) == (
        "https://hh.ru/vacancy/93010001", "Senior Python-разработчик (FastAPI)", "Северный Код",
        "new",
    )  # fmt: skip
    assert senior.contact == {"name": "Анна Смирнова", "email": "hr@severcode.ru",
                              "phone": "+7 (495) 123-45-67"}  # fmt: skip
    assert senior.description.startswith("Северный Код делает платёжную платформу")
    assert "• Развивать схемы PostgreSQL и очереди Kafka" in senior.description
    payload = senior.payload
    assert (payload["salary_min"], payload["salary_max"], payload["salary_currency"]) == (
        350_000, 450_000, "RUB"
    )  # fmt: skip
    assert payload["salary_gross"] is False and payload["skills"][:2] == ["Python", "FastAPI"]
    assert payload["area"] == {"id": "1", "name": "Москва"}
    assert (payload["schedule"], payload["experience"]) == ("Удаленная работа", "Более 6 лет")
    assert "description" not in payload and "contact_email" not in payload
    assert found["93010006"].contact == {"name": "Игорь Петров"}
    assert found["93010010"].contact == {}

    with transaction(pool, workspace_id=space.id) as conn:
        (run,) = import_runs.recent(conn, source="hh_search", limit=1)
    assert (run.status, run.counts["board"], run.counts["search_id"]) == ("done", "hh", search_id)
    saved = _search(pool, space, search_id)
    assert (saved.last_found, saved.last_error) == (3, None)


def test_a_rerun_refreshes_the_leads_and_lists_only_the_changed_for_analysis(
    pool: ConnectionPool, hh: FakeHH, hh_settings: Settings, space: Any
) -> None:
    (search,) = [s for s in _listed(pool, space) if s.board == "hh"]
    before = _leads(pool, space, "hh")
    with transaction(pool, workspace_id=space.id) as conn:
        for lead in before.values():  # analysed since the first run
            leads.save_analysis(conn, lead_id=lead.id, language="ru", analysis={}, fit_score=60,
                                fit_reasons=[], bench_matches=[], dedupe_key=None)  # fmt: skip
        leads.set_status(conn, lead_id=before["93010006"].id, status="qualified")
    catalog(hh).get("93010001").description = "<p>Теперь ещё и <b>Rust</b>.</p>"

    again = searches.run_search(pool, hh_settings, space.id, search.id)
    assert (again["found"], again["new"], again["updated"]) == (3, 0, 3)
    assert again["lead_ids"] == [before["93010001"].id]  # the only one whose text changed
    after = _leads(pool, space, "hh")
    assert {k: v.id for k, v in after.items()} == {k: v.id for k, v in before.items()}
    assert after["93010001"].description == "Теперь ещё и Rust."
    assert after["93010001"].analyzed_at is None and after["93010010"].analyzed_at is not None
    assert after["93010006"].status == "qualified"


def _listed(pool: ConnectionPool, space: Any) -> list[board_searches.BoardSearch]:
    with transaction(pool, workspace_id=space.id) as conn:
        return board_searches.list_searches(conn)


def test_a_captcha_or_an_unknown_area_fails_the_run_with_the_reason_on_the_search(
    pool: ConnectionPool, hh: FakeHH, hh_settings: Settings, space: Any
) -> None:
    search_id = _save(pool, space, "hh", "kubernetes")
    hh.captcha_next(1)
    stopped = searches.run_search(pool, hh_settings, space.id, search_id)
    assert stopped["error"]["code"] == "hh_captcha_required"
    assert (stopped["found"], stopped["lead_ids"]) == (0, [])
    saved = _search(pool, space, search_id)
    assert (saved.last_error or "").startswith(
        f"hh_captcha_required: HH asks a person to pass a captcha before searching again: "
        f"open {hh.api_url}/account/captcha?state="
    )
    with transaction(pool, workspace_id=space.id) as conn:
        assert import_runs.recent(conn, source="hh_search", limit=1)[0].status == "failed"
    passed = searches.run_search(pool, hh_settings, space.id, search_id)
    assert (passed["found"], passed["new"]) == (2, 2)
    assert _search(pool, space, search_id).last_error is None

    nowhere = _save(pool, space, "hh", "python", location="Атлантида")  # saved past the API
    refused = searches.run_search(pool, hh_settings, space.id, nowhere)
    assert refused["error"]["code"] == "hh_area_unknown" and refused["found"] == 0
    assert (_search(pool, space, nowhere).last_error or "").startswith("hh_area_unknown: ")


def test_linkedin_and_indeed_searches_store_leads_through_the_jobspy_fake(
    pool: ConnectionPool, settings: Settings, space: Any
) -> None:
    fake = FakeJobspy()
    linkedin = _save(pool, space, "linkedin", "python")
    indeed = _save(pool, space, "indeed", "python developer", location="Austin")
    ran = searches.run_searches(pool, settings, space.id, [linkedin, indeed],
                                scrape_jobs=fake.scrape_jobs)  # fmt: skip
    assert (ran["searches"], ran["found"], ran["new"], ran["failed"]) == (2, 3, 3, 0)
    on_linkedin, on_indeed = _leads(pool, space, "linkedin"), _leads(pool, space, "indeed")
    assert sorted(ran["lead_ids"]) == sorted(
        lead.id for lead in [*on_linkedin.values(), *on_indeed.values()]
    )
    assert [r["lead_ids"] for r in ran["runs"]][1] == [on_indeed["in-5e409e577046abcd"].id]
    senior = on_linkedin["li-4012345678"]
    assert (senior.url, senior.company) == (
        "https://www.linkedin.com/jobs/view/4012345678", "Contoso Payments"
    )  # fmt: skip
    assert "* Build Python services on FastAPI" in senior.description
    assert senior.contact == {"email": "jobs@contoso.example"}
    assert senior.payload["job_level"] == "mid-senior level"
    data = on_linkedin["li-4012349999"]
    assert data.contact == {"email": "talent@northwind.example"}
    assert data.payload["emails"] == ["talent@northwind.example", "cto@northwind.example"]
    assert on_indeed["in-5e409e577046abcd"].description.startswith("Django and Celery")
    assert [c["site_name"] for c in fake.calls] == [["linkedin"], ["indeed"]]

    fake.fail_next("LinkedIn response status code 429")
    failed = searches.run_search(pool, settings, space.id, linkedin, scrape_jobs=fake.scrape_jobs)
    assert failed["error"]["code"] == "jobspy_failed" and failed["lead_ids"] == []
    assert (_search(pool, space, linkedin).last_error or "").startswith("jobspy_failed: ")
    assert len(_leads(pool, space, "linkedin")) == 2  # what the first run found stays


def test_a_lead_is_answered_through_whom_the_board_names_else_an_e_mail_in_its_text() -> None:
    text = "Пишіть рекрутеру: olena.k@acme-payments.example. Дякуємо!"
    written = BoardVacancy("djinni", "1", "https://djinni.co/jobs/1-x/", "Dev", description=text)
    assert lead_contact(written) == {"email": "olena.k@acme-payments.example"}
    named = replace(written, contact_name="Olena", contact_email="hr@acme.example",
                    contact_phone="+380 44 000 00 00")  # fmt: skip
    assert lead_contact(named) == {"name": "Olena", "email": "hr@acme.example",
                                   "phone": "+380 44 000 00 00"}  # fmt: skip
    assert lead_contact(replace(written, description="no address here")) == {}
