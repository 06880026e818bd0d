"""Djinni pages to vacancies without a browser: the JSON-LD and the DOM of one vacancy give
equal `BoardVacancy`s, JSON-LD wins over the DOM, broken JSON-LD falls back to the DOM, and
listings yield vacancy URLs and the next page."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone

import pytest

from scraper.browser.djinni import external_id, parse_listing, parse_vacancy, search_url
from scraper.browser.errors import ScraperError
from scraper.browser.jsonld import posting_to_vacancy
from scraper.browser.text import parse_salary
from tests.fakes.boards.djinni import VACANCIES, listing_page, posting, vacancy_page

BASE = "https://djinni.co"


@pytest.mark.parametrize("vacancy", VACANCIES, ids=lambda v: f"{v.id}-{v.jsonld or 'dom'}")
def test_json_ld_and_dom_only_pages_give_the_same_vacancy(vacancy) -> None:  # type: ignore[no-untyped-def]
    url = BASE + vacancy.path
    from_json_ld = parse_vacancy(vacancy_page(vacancy, jsonld=True, dom=False), url)
    from_dom = parse_vacancy(vacancy_page(vacancy, jsonld=False, dom=True), url)

    for f in fields(from_dom):
        assert getattr(from_json_ld, f.name) == getattr(from_dom, f.name), f.name
    assert from_dom.title == vacancy.title
    assert from_dom.company == vacancy.company
    assert from_dom.external_id == str(vacancy.id)
    assert from_dom.skills == vacancy.skills
    assert from_dom.remote is vacancy.remote
    assert from_dom.description and "<" not in from_dom.description


def test_the_first_vacancy_in_full() -> None:
    v = VACANCIES[0]
    got = parse_vacancy(vacancy_page(v, jsonld=True, dom=True), BASE + v.path)
    assert (got.salary_min, got.salary_max, got.salary_currency, got.salary_period) == (
        4000,
        5500,
        "USD",
        "month",
    )
    assert (got.employment_type, got.remote, got.location) == ("full_time", True, "Ukraine")
    assert got.published_at == datetime(2025, 3, 12, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    assert got.description.splitlines() == [
        "We build payment infrastructure for 40 banks.",
        "What you will do:",
        "Design Python services",
        "Own PostgreSQL schemas & migrations",
        "Remote-first team, async communication.",
    ]


def test_an_office_vacancy_from_the_dom_reads_its_city_and_published_date() -> None:
    v = next(v for v in VACANCIES if v.jsonld is None and not v.remote)
    got = parse_vacancy(vacancy_page(v, jsonld=False), BASE + v.path)
    assert (got.location, got.remote, got.employment_type) == ("Kyiv, Ukraine", False, "contract")
    assert (got.salary_min, got.salary_max) == (3000, None)
    assert got.published_at == datetime(2025, 3, 10, tzinfo=UTC)


def test_json_ld_wins_over_the_dom() -> None:
    v = VACANCIES[0]
    page = vacancy_page(v).replace('<h1 class="d-flex align-items-center">', "<h1>Stale DOM title ")
    assert parse_vacancy(page, BASE + v.path).title == v.title


def test_broken_json_ld_falls_back_to_the_dom() -> None:
    v = VACANCIES[0]
    broken = '<script type="application/ld+json">{"@type": "JobPosting", "title": </script>'
    page = vacancy_page(v, jsonld=False).replace("<title>", broken + "<title>")
    got = parse_vacancy(page, BASE + v.path)
    assert got == parse_vacancy(vacancy_page(v, jsonld=True, dom=False), BASE + v.path)


def test_a_page_without_a_vacancy_is_an_error_with_a_stable_code() -> None:
    with pytest.raises(ScraperError) as error:
        parse_vacancy("<html><body><p>Access denied</p></body></html>", BASE + "/jobs/1-x/")
    assert error.value.code == "vacancy_unparsed"


def test_json_ld_variants_other_boards_use() -> None:
    data = posting(VACANCIES[2]) | {
        "baseSalary": {"@type": "MonetaryAmount", "currency": "eur", "value": 4200},
        "jobLocation": [
            {"@type": "Place", "address": {"addressLocality": "Berlin", "addressCountry": "DE"}},
            {"@type": "Place", "address": "Remote, EU"},
        ],
        "skills": [{"@type": "DefinedTerm", "name": "Go"}, "SQL; Go"],
        "description": "&lt;p&gt;Escaped &amp;lt;b&amp;gt; twice&lt;/p&gt;",
        "identifier": "JP-7",
        "datePosted": "2025-01-02T03:04:05",
    }
    got = posting_to_vacancy(data, source="other", url="https://example.test/job")
    assert got is not None
    assert (got.salary_min, got.salary_max, got.salary_currency) == (4200, 4200, "EUR")
    assert got.location == "Berlin, DE; Remote, EU"
    assert got.skills == ("Go", "SQL")
    assert got.external_id == "JP-7"
    assert got.published_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert "twice" in got.description
    assert json.dumps(data)  # the fixture itself stays plain JSON


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$4000-5500", (4000, 5500, "USD")),
        ("$4 000 – 5 500", (4000, 5500, "USD")),
        ("from $3000", (3000, None, "USD")),
        ("від $3000", (3000, None, "USD")),
        ("up to $5k", (None, 5000, "USD")),
        ("до 150 000 ₽", (None, 150000, "RUB")),
        ("€4500", (4500, 4500, "EUR")),
        ("за домовленістю", (None, None, None)),
    ],
)
def test_printed_salaries(text: str, expected: tuple[object, ...]) -> None:
    assert parse_salary(text) == expected


def test_a_listing_gives_vacancy_urls_and_the_next_page() -> None:
    first = parse_listing(
        listing_page(1, {"all_keywords": ["python"]}), BASE + "/jobs/?all_keywords=python"
    )
    assert first.vacancy_urls == [BASE + v.path for v in VACANCIES[:3]]
    assert first.next_url == BASE + "/jobs/?all_keywords=python&page=2"
    last = parse_listing(listing_page(2, {}), BASE + "/jobs/?page=2")
    assert last.vacancy_urls == [BASE + v.path for v in VACANCIES[3:]]
    assert last.next_url is None


def test_search_urls_and_ids() -> None:
    assert search_url("python developer", "kyiv") == (
        "https://djinni.co/jobs/?all_keywords=python+developer&search_type=full-text&location=kyiv"
    )
    assert external_id("https://djinni.co/jobs/712345-senior-python-developer/") == "712345"
    assert external_id("https://djinni.co/jobs/?page=2") is None
