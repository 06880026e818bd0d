"""What the scrapers hand to the product: vacancies from job boards and responses (with their
resumes) from HH's employer pages, as plain frozen dataclasses, plus the `BoardSource`
interface every job-board scraper implements.

Values are normalised here, not by the callers: employment types are one of
`EMPLOYMENT_TYPES`, salary periods one of `SALARY_PERIODS`, currencies ISO 4217 codes, and
dates timezone-aware.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, Protocol

EmploymentType = Literal["full_time", "part_time", "contract", "temporary", "internship", "other"]
SalaryPeriod = Literal["hour", "day", "week", "month", "year"]
EMPLOYMENT_TYPES: tuple[EmploymentType, ...] = (
    "full_time",
    "part_time",
    "contract",
    "temporary",
    "internship",
    "other",
)
SALARY_PERIODS: tuple[SalaryPeriod, ...] = ("hour", "day", "week", "month", "year")


@dataclass(frozen=True)
class BoardVacancy:
    """One vacancy as a job board publishes it; `(source, external_id)` identifies it.

    The contact is whom the board names for the vacancy (HH's `contacts`, jobspy's `emails`):
    a person to answer rather than a form. `details` holds what only one board says (HH: area,
    schedule, experience, a gross salary), JSON-ready, kept with the lead as it is."""

    source: str  # "djinni", "linkedin", "indeed", "hh", ...
    external_id: str
    url: str
    title: str
    company: str | None = None
    location: str | None = None
    description: str = ""  # plain text, a line per paragraph or list item
    salary_min: float | None = None
    salary_max: float | None = None
    salary_currency: str | None = None
    salary_period: SalaryPeriod | None = None
    employment_type: EmploymentType | None = None
    remote: bool | None = None  # None: the board does not say
    published_at: datetime | None = None
    skills: tuple[str, ...] = ()
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class ScrapedResume:
    """A resume page on HH's employer side, as a recruiter with access sees it."""

    resume_id: str
    url: str
    name: str | None
    title: str | None
    phone: str | None = None
    email: str | None = None
    telegram: str | None = None  # "@handle"
    text: str = ""  # the resume's sections as plain text, for screening
    skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScrapedResponse:
    """One candidate's response to a vacancy, from the vacancy's responses list; `resume` is
    filled when the resume page was read too."""

    negotiation_id: str | None  # HH's topic id (`t=` in the resume link)
    resume_id: str
    resume_url: str
    name: str | None
    title: str | None
    responded_on: date | None
    resume: ScrapedResume | None = None


class BoardSource(Protocol):
    """A job board the product can search: Djinni through the browser, LinkedIn or Indeed
    through jobspy, HeadHunter through its public API. Implementations pace themselves;
    `limit` bounds the vacancies returned."""

    async def search(self, query: str, location: str | None, limit: int) -> list[BoardVacancy]:
        """Vacancies matching `query` (and `location`, in the board's own terms)."""
        ...
