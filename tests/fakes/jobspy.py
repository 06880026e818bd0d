"""A stand-in for `jobspy.scrape_jobs` (python-jobspy, not installed here): the same keyword
arguments, and a pandas DataFrame shaped as jobspy builds it — its column order
(`jobspy.util.desired_order`), ids prefixed by board (`li-`, `in-`), `job_type` and `emails`
joined with ", ", dates as `datetime.date`, missing values as NaN/None, rows sorted by site
then newest first, and an empty frame without columns when nothing is found.

    fake = FakeJobspy()
    JobspySource(("linkedin",), scrape_jobs=fake.scrape_jobs)
    fake.fail_next("LinkedIn response status code 429")   # what jobspy raises when refused
    fake.calls                                            # each call's keyword arguments

`scrape_jobs` at module level searches the sample postings, for code that wants a function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

COLUMNS = [
    "id", "site", "job_url", "job_url_direct", "title", "company", "location", "date_posted",
    "job_type", "salary_source", "interval", "min_amount", "max_amount", "currency",
    "is_remote", "job_level", "job_function", "listing_type", "emails", "description",
    "company_industry", "company_url", "company_logo", "company_url_direct",
    "company_addresses", "company_num_employees", "company_revenue", "company_description",
    "skills", "experience_range", "company_rating", "company_reviews_count", "vacancy_count",
    "work_from_home_type",
]  # fmt: skip


@dataclass
class FakePosting:
    """One posting on LinkedIn or Indeed, as jobspy's scrapers fill a `JobPost`."""

    site: str  # "linkedin" | "indeed"
    board_id: str  # the board's own id (LinkedIn's job id, Indeed's `jk`)
    title: str
    company: str
    location: str
    description: str  # markdown, jobspy's default `description_format`
    date_posted: date
    job_type: list[str] = field(default_factory=lambda: ["fulltime"])
    compensation: tuple[str, float, float | None, str] | None = None  # interval, min, max, cur
    is_remote: bool = False
    emails: list[str] = field(default_factory=list)
    job_level: str | None = None
    company_industry: str | None = None

    @property
    def id(self) -> str:
        return f"{'li' if self.site == 'linkedin' else 'in'}-{self.board_id}"

    @property
    def job_url(self) -> str:
        if self.site == "linkedin":
            return f"https://www.linkedin.com/jobs/view/{self.board_id}"
        return f"https://www.indeed.com/viewjob?jk={self.board_id}"

    def row(self) -> dict[str, Any]:
        interval, low, high, currency = self.compensation or (None, None, None, None)
        return {
            "id": self.id, "site": self.site, "job_url": self.job_url,
            "job_url_direct": None, "title": self.title, "company": self.company,
            "location": self.location, "date_posted": self.date_posted,
            "job_type": ", ".join(self.job_type) or None,
            "salary_source": "direct_data" if self.compensation else None,
            "interval": interval, "min_amount": low, "max_amount": high, "currency": currency,
            "is_remote": self.is_remote, "job_level": self.job_level,
            "listing_type": None, "emails": ", ".join(self.emails) or None,
            "description": self.description, "company_industry": self.company_industry,
            "company_url": f"https://www.{self.site}.com/company/{_slug(self.company)}",
        }  # fmt: skip


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def sample_postings() -> list[FakePosting]:
    """LinkedIn and Indeed postings for Python, data and frontend work in Europe and the US."""
    return [
        FakePosting(
            "linkedin", "4012345678", "Senior Python Engineer", "Contoso Payments",
            "Berlin, BE, DE",
            "**About Contoso**\n\nWe run card payments for 300 merchants.\n\n"
            "**What you will do**\n\n* Build Python services on FastAPI\n* Own PostgreSQL "
            "schemas\n\n**Contact** Write to jobs@contoso.example with your GitHub.",
            date(2025, 3, 11), compensation=("yearly", 85_000.0, 110_000.0, "EUR"),
            is_remote=True, emails=["jobs@contoso.example"], job_level="mid-senior level",
            company_industry="Financial Services",
        ),
        FakePosting(
            "linkedin", "4012349999", "Python Data Engineer", "Northwind Traders",
            "Amsterdam, North Holland, NL",
            "Airflow and dbt pipelines in Python for a retail group.\n\n"
            "* Spark on Kubernetes\n* Data contracts with analysts",
            date(2025, 3, 10), job_type=["fulltime", "contract"],
            emails=["talent@northwind.example", "cto@northwind.example"],
            job_level="associate", company_industry="Retail",
        ),
        FakePosting(
            "linkedin", "4012350000", "Frontend Engineer (React)", "Fabrikam",
            "Warsaw, Masovian, PL", "React and TypeScript for a logistics dashboard.",
            date(2025, 3, 9), is_remote=True,
        ),
        FakePosting(
            "indeed", "5e409e577046abcd", "Python Developer", "Litware",
            "Austin, TX, US",
            "Django and Celery services for insurance quotes. Python 3.12, AWS.",
            date(2025, 3, 8), compensation=("hourly", 60.0, 75.0, "USD"),
        ),
        FakePosting(
            "indeed", "7a1b2c3d4e5f6789", "Data Analyst", "Adventure Works",
            "Seattle, WA, US", "SQL and Power BI reporting.", date(2025, 3, 7),
        ),
    ]  # fmt: skip


class FakeJobspy:
    """`scrape_jobs` over postings a test can change; records each call."""

    def __init__(self, postings: list[FakePosting] | None = None) -> None:
        self.postings = sample_postings() if postings is None else postings
        self.calls: list[dict[str, Any]] = []
        self._failures: list[str] = []

    def fail_next(self, message: str) -> None:
        """The next call raises a bare Exception, as jobspy does when a board refuses."""
        self._failures.append(message)

    def scrape_jobs(
        self,
        site_name: str | list[str] | None = None,
        search_term: str | None = None,
        location: str | None = None,
        results_wanted: int = 15,
        hours_old: int | None = None,
        is_remote: bool = False,
        country_indeed: str = "usa",
        description_format: str = "markdown",
        linkedin_fetch_description: bool | None = False,
        **kwargs: Any,
    ) -> pd.DataFrame:
        """Postings of the sites whose title or text holds every word of `search_term` and
        whose location holds `location`; at most `results_wanted` per site."""
        self.calls.append({"site_name": site_name, "search_term": search_term,
                           "location": location, "results_wanted": results_wanted,
                           "hours_old": hours_old, "is_remote": is_remote,
                           "country_indeed": country_indeed,
                           "description_format": description_format,
                           "linkedin_fetch_description": linkedin_fetch_description,
                           **kwargs})  # fmt: skip
        if self._failures:
            raise Exception(self._failures.pop(0))
        sites = [site_name] if isinstance(site_name, str) else list(site_name or [])
        words = re.findall(r"\w+", (search_term or "").lower())
        rows: list[dict[str, Any]] = []
        for site in sites:
            found = [
                p for p in self.postings
                if p.site == site
                and all(w in f"{p.title} {p.description}".lower() for w in words)
                and (not location or location.lower() in p.location.lower())
                and (not is_remote or p.is_remote)
            ][:results_wanted]  # fmt: skip
            rows += [p.row() for p in found]
        if not rows:
            return pd.DataFrame()
        frame = pd.DataFrame(rows).reindex(columns=COLUMNS)
        return frame.sort_values(by=["site", "date_posted"], ascending=[True, False]).reset_index(
            drop=True
        )


def scrape_jobs(**kwargs: Any) -> pd.DataFrame:
    """`jobspy.scrape_jobs` over the sample postings."""
    return FakeJobspy().scrape_jobs(**kwargs)
