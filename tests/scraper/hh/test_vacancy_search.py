"""HH's public vacancy search through the fake HH over real HTTP: areas by name or id, the
listing paged and each vacancy's details read (text, skills, salary, contacts), no token but
the app's User-Agent, HH's 2,000-deep limit, a 429 waited out as `Retry-After` says, and a
captcha that stops the search with a page for a person to open."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from db.settings import Settings
from scraper.hh.errors import HHCaptchaRequired
from scraper.hh.vacancy_search import HHAreaUnknown, HHVacancySearch, area_id, vacancy_of
from tests.conftest import TEST_SECRET
from tests.fakes.hh.public_search import catalog
from tests.fakes.hh.server import FakeHH

AGENT = "SelectioTests/1.0 (tests@selectio.local)"


@pytest.fixture(scope="module")
def hh() -> Iterator[FakeHH]:
    """The fake HH with its public catalog (its own: tests here change the catalog)."""
    with FakeHH() as fake:
        yield fake


@pytest.fixture(scope="module")
def hh_settings(tmp_path_factory: pytest.TempPathFactory, hh: FakeHH) -> Settings:
    """Settings that reach the fake HH (no database: the search needs none)."""
    return Settings(
        home=Path(tmp_path_factory.mktemp("home")), database_url="postgresql://unused/none",
        secret_key=TEST_SECRET, hh_api_url=hh.api_url, hh_app_name="SelectioTests/1.0",
        hh_contact_email="tests@selectio.local", hh_requests_per_s=9.0, _env_file=None,
    )  # fmt: skip


def _search(settings: Settings, query: str, location: str | None, limit: int, **kw: int) -> list:
    return asyncio.run(HHVacancySearch(settings, **kw).search(query, location, limit))


def test_areas_are_named_in_russian_or_english_or_given_by_id() -> None:
    assert [area_id(x) for x in ("Москва", " санкт-петербург ", "Russia", "КАЗАХСТАН")] == [
        "1", "2", "113", "40"
    ]  # fmt: skip
    assert (area_id("Беларусь"), area_id("2759"), area_id(None), area_id("  ")) == (
        "16", "2759", None, None
    )  # fmt: skip
    with pytest.raises(HHAreaUnknown) as error:
        area_id("Narnia")
    assert error.value.code == "hh_area_unknown" and "Москва" in error.value.message


def test_a_search_pages_through_the_listing_and_reads_every_vacancy(
    hh: FakeHH, hh_settings: Settings
) -> None:
    served = catalog(hh).served
    served.clear()
    hh.requests.clear()
    found = _search(hh_settings, "python", None, 50, per_page=2)
    assert [v.external_id for v in found] == [
        "93010010", "93010009", "93010006", "93010004", "93010002", "93010001"
    ]  # fmt: skip
    listings = [r for r in hh.requests if r.path == "/vacancies"]
    assert [(r.query["page"], r.query["per_page"]) for r in listings] == [
        ("0", "2"), ("1", "2"), ("2", "2")
    ]  # fmt: skip
    assert listings[0].query["text"] == "python" and "area" not in listings[0].query
    details = [path for _, path, _ in served if path != "/vacancies"]
    assert sorted(details) == sorted(f"/vacancies/{v.external_id}" for v in found)
    # Public: the app's name on every request, no token.
    assert all(r.headers.get("hh-user-agent") == AGENT for r in hh.requests)
    assert not any("authorization" in r.headers for r in hh.requests)

    senior = next(v for v in found if v.external_id == "93010001")
    assert (senior.source, senior.title, senior.company, senior.location) == (
        "hh", "Senior Python-разработчик (FastAPI)", "Северный Код", "Москва"
    )  # fmt: skip
    assert senior.url == "https://hh.ru/vacancy/93010001"
    assert (senior.salary_min, senior.salary_max, senior.salary_currency) == (
        350_000, 450_000, "RUB"
    )  # fmt: skip
    assert (senior.salary_period, senior.employment_type, senior.remote) == (
        "month", "full_time", True
    )  # fmt: skip
    assert senior.skills == ("Python", "FastAPI", "PostgreSQL", "Kafka")
    assert "• Проектировать сервисы на Python и FastAPI" in senior.description.splitlines()
    assert "<" not in senior.description
    assert (senior.contact_name, senior.contact_email, senior.contact_phone) == (
        "Анна Смирнова", "hr@severcode.ru", "+7 (495) 123-45-67"
    )  # fmt: skip
    assert senior.details["area"] == {"id": "1", "name": "Москва"}
    assert (senior.details["schedule"], senior.details["experience"]) == (
        "Удаленная работа", "Более 6 лет"
    )  # fmt: skip
    assert senior.details["salary_gross"] is False
    english = next(v for v in found if v.external_id == "93010002")
    assert english.description.startswith("Volga Analytics builds demand forecasting")
    assert (english.contact_email, english.contact_phone) == ("talent@volga-analytics.com", None)
    qa = next(v for v in found if v.external_id == "93010006")
    assert (qa.salary_currency, qa.contact_name, qa.contact_email) == (None, "Игорь Петров", None)


def test_the_area_and_the_limit_bound_the_search(hh: FakeHH, hh_settings: Settings) -> None:
    moscow = _search(hh_settings, "python", "Москва", 50)
    assert {v.external_id for v in moscow} == {"93010001", "93010006", "93010010"}
    kazakhstan = _search(hh_settings, "steppe", "Kazakhstan", 50)  # its cities too
    assert {v.location for v in kazakhstan} == {"Алматы", "Астана"}
    minsk = _search(hh_settings, "react", "1002", 50)
    assert [(v.salary_currency, v.salary_min) for v in minsk] == [("BYN", 5000)]

    hh.requests.clear()
    assert len(_search(hh_settings, "python", None, 2)) == 2
    (listing,) = [r for r in hh.requests if r.path == "/vacancies"]
    assert listing.query["per_page"] == "2"  # no more asked than wanted
    assert len(hh.requests) == 3


def test_hh_lists_no_deeper_than_2000(hh: FakeHH) -> None:
    with httpx.Client(base_url=hh.api_url, headers={"HH-User-Agent": AGENT}) as http:
        assert http.get("/vacancies", params={"page": 19, "per_page": 100}).status_code == 200
        deep = http.get("/vacancies", params={"page": 20, "per_page": 100})
        too_many = http.get("/vacancies", params={"per_page": 101})
    assert deep.status_code == 400 and deep.json()["errors"][0]["value"] == "page"
    assert too_many.status_code == 400


def test_a_429_is_waited_out_as_retry_after_says(hh: FakeHH, hh_settings: Settings) -> None:
    public = catalog(hh)
    public.served.clear()
    public.refuse_next(1, retry_after_s=1)
    found = _search(hh_settings, "grpc", None, 10)
    assert [v.title for v in found] == ["Go-разработчик"]
    (refused_at, path, status), (again_at, again, ok) = public.served[:2]
    assert (path, status, again, ok) == ("/vacancies", 429, "/vacancies", 200)
    assert again_at - refused_at >= 1.0  # not sooner than HH asked


def test_a_captcha_stops_the_search_with_the_page_to_open(
    hh: FakeHH, hh_settings: Settings
) -> None:
    hh.captcha_next(1)
    with pytest.raises(HHCaptchaRequired) as error:
        _search(hh_settings, "python", None, 10)
    assert error.value.code == "hh_captcha_required"
    assert f"open {hh.api_url}/account/captcha?state=" in error.value.message
    assert len(_search(hh_settings, "kubernetes", None, 10)) == 2  # once passed, it searches


def test_an_unusual_vacancy_still_reads() -> None:
    """HH's newer fields (work format, salary mode), a phone without `formatted`, no name."""
    vacancy = vacancy_of({
        "id": 5, "name": "Сменный инженер", "alternate_url": None, "employer": None,
        "salary_range": {"from": 900, "to": None, "currency": "USD", "gross": True,
                         "mode": {"id": "HOUR"}},
        "work_format": [{"id": "ON_SITE", "name": "На месте работодателя"}],
        "employment_form": {"id": "PROJECT"},
        "contacts": {"phones": [{"country": "7", "city": "812", "number": "555-12-12"}]},
    })  # fmt: skip
    assert vacancy is not None
    assert (vacancy.url, vacancy.company, vacancy.salary_period) == (
        "https://hh.ru/vacancy/5", None, "hour"
    )  # fmt: skip
    assert (vacancy.remote, vacancy.employment_type, vacancy.contact_phone) == (
        False, "contract", "+7 (812) 555-12-12"
    )  # fmt: skip
    assert vacancy.details["work_format"] == ["На месте работодателя"]
    assert vacancy_of({"id": "6", "name": "  "}) is None
