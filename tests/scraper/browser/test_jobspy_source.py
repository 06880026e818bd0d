"""LinkedIn and Indeed through jobspy: its DataFrame rows (columns and value types as
`jobspy.scrape_jobs` returns them) become `BoardVacancy`s with their text and the e-mails to
answer, missing values read as None, the JobSpy-compatible fake answers through the same source,
and a missing jobspy is an error with a stable code."""

from __future__ import annotations

import asyncio
import builtins
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest

from scraper.browser.errors import ScraperError
from scraper.browser.jobspy_source import JobspySource, frame_to_vacancies, load_jobspy
from tests.fakes.jobspy import COLUMNS, FakeJobspy


def jobspy_frame() -> pd.DataFrame:
    rows: list[dict[str, Any]] = [
        {
            "id": "li-4012345678",
            "site": "linkedin",
            "job_url": "https://www.linkedin.com/jobs/view/4012345678",
            "title": "Senior Backend Engineer",
            "company": "Contoso",
            "location": "Berlin, BE, DE",
            "date_posted": date(2025, 3, 11),
            "job_type": "fulltime, contract",
            "interval": "yearly",
            "min_amount": 85000.0,
            "max_amount": 110000.0,
            "currency": "EUR",
            "is_remote": True,
            "description": "**About us**\n\nWe ship payments.",
            "skills": "Python, Kafka",
            "emails": "hiring@contoso.example, cto@contoso.example",
            "job_level": "mid-senior level",
        },
        {
            "id": "in-5e409e577046abcd",
            "site": "indeed",
            "job_url": "https://www.indeed.com/viewjob?jk=5e409e577046abcd",
            "title": "Data Analyst",
            "company": "Fabrikam",
            "location": "Austin, TX, US",
            "date_posted": None,
            "job_type": None,
            "interval": "hourly",
            "min_amount": np.int64(40),
            "max_amount": np.nan,
            "currency": "USD",
            "is_remote": np.bool_(False),
            "description": None,
            "skills": None,
        },
        {  # jobspy rows without a title are noise from a board's ads
            "id": "gd-1",
            "site": "glassdoor",
            "job_url": "https://www.glassdoor.com/job-listing/1",
            "title": None,
        },
    ]
    return pd.DataFrame(rows).reindex(columns=COLUMNS)


def test_jobspy_rows_become_board_vacancies() -> None:
    linkedin, indeed = frame_to_vacancies(jobspy_frame())

    assert (linkedin.source, linkedin.external_id) == ("linkedin", "li-4012345678")
    assert linkedin.url == "https://www.linkedin.com/jobs/view/4012345678"
    assert (linkedin.title, linkedin.company, linkedin.location) == (
        "Senior Backend Engineer",
        "Contoso",
        "Berlin, BE, DE",
    )
    assert (linkedin.salary_min, linkedin.salary_max, linkedin.salary_currency) == (
        85000,
        110000,
        "EUR",
    )
    assert (linkedin.salary_period, linkedin.employment_type, linkedin.remote) == (
        "year",
        "full_time",
        True,
    )
    assert linkedin.published_at == datetime(2025, 3, 11, tzinfo=UTC)
    assert linkedin.skills == ("Python", "Kafka")
    assert linkedin.description.startswith("**About us**")

    assert (indeed.source, indeed.salary_min, indeed.salary_max) == ("indeed", 40, None)
    assert (indeed.salary_period, indeed.remote, indeed.employment_type) == ("hour", False, None)
    assert (indeed.published_at, indeed.description, indeed.skills) == (None, "", ())
    assert type(indeed.salary_min) is float and type(indeed.remote) is bool
    # Whom to answer: the first e-mail jobspy found; every one, and the board's extras, kept.
    assert (linkedin.contact_email, indeed.contact_email) == ("hiring@contoso.example", None)
    assert linkedin.details == {
        "job_level": "mid-senior level",
        "emails": ["hiring@contoso.example", "cto@contoso.example"],
    }
    assert indeed.details == {}


def test_the_fake_answers_as_jobspy_does_through_the_same_source() -> None:
    fake = FakeJobspy()
    source = JobspySource(("linkedin",), scrape_jobs=fake.scrape_jobs)
    found = asyncio.run(source.search("python", None, 10))
    assert [v.external_id for v in found] == ["li-4012345678", "li-4012349999"]  # newest first
    senior = found[0]
    assert (senior.source, senior.company, senior.salary_currency, senior.remote) == (
        "linkedin", "Contoso Payments", "EUR", True
    )  # fmt: skip
    assert "Build Python services on FastAPI" in senior.description
    assert senior.contact_email == "jobs@contoso.example"
    assert (fake.calls[0]["site_name"], fake.calls[0]["linkedin_fetch_description"]) == (
        ["linkedin"], True
    )  # fmt: skip
    frame = fake.scrape_jobs(site_name=["linkedin", "indeed"], search_term="python")
    assert list(frame.columns) == COLUMNS and list(frame["site"]) == [
        "indeed", "linkedin", "linkedin"
    ]  # fmt: skip
    assert fake.scrape_jobs(site_name="indeed", search_term="cobol").empty
    in_austin = asyncio.run(JobspySource(("indeed",), scrape_jobs=fake.scrape_jobs).search(
        "python", "Austin", 10))  # fmt: skip
    assert [(v.salary_min, v.salary_period) for v in in_austin] == [(60.0, "hour")]


def test_an_empty_result_is_no_vacancies() -> None:
    assert frame_to_vacancies(pd.DataFrame()) == []


def test_search_calls_jobspy_in_a_thread_and_caps_the_total() -> None:
    calls: list[dict[str, Any]] = []

    def scrape(**kwargs: Any) -> pd.DataFrame:
        calls.append(kwargs)
        return jobspy_frame()

    source = JobspySource(("linkedin", "indeed"), hours_old=72, scrape_jobs=scrape)
    found = asyncio.run(source.search("backend engineer", "Berlin", limit=1))
    assert [v.source for v in found] == ["linkedin"]
    (call,) = calls
    assert call["site_name"] == ["linkedin", "indeed"]
    assert (call["search_term"], call["location"], call["results_wanted"]) == (
        "backend engineer",
        "Berlin",
        1,
    )
    assert call["hours_old"] == 72


def test_a_failing_board_is_a_retryable_error() -> None:
    def scrape(**kwargs: Any) -> pd.DataFrame:
        raise Exception("LinkedIn response status code 429")

    with pytest.raises(ScraperError) as error:
        asyncio.run(JobspySource(scrape_jobs=scrape).search("x", None, 5))
    assert (error.value.code, error.value.retryable) == ("jobspy_failed", True)


def test_without_jobspy_installed_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_import = builtins.__import__

    def no_jobspy(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "jobspy" or name.startswith("jobspy."):
            raise ImportError("No module named 'jobspy'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_jobspy)
    with pytest.raises(ScraperError) as error:
        load_jobspy()
    assert error.value.code == "jobspy_missing"
    assert "python-jobspy" in error.value.message
    with pytest.raises(ScraperError):
        asyncio.run(JobspySource().search("python", None, 5))
