"""LinkedIn, Indeed, Glassdoor, ZipRecruiter, Google and the rest through `python-jobspy`, as a
`BoardSource`.

jobspy scrapes those boards over HTTP with browser fingerprints and returns a pandas
DataFrame (columns `id, site, job_url, title, company, location, date_posted, job_type,
interval, min_amount, max_amount, currency, is_remote, description, emails, skills, …`); this
module maps its rows to `BoardVacancy`. jobspy is optional and imported lazily: without it,
`search` raises ScraperError("jobspy_missing") with the install hint. Anything with
`scrape_jobs`'s signature may stand in for it (tests/fakes/jobspy.py, a wrapper adding proxies
per account). Its blocking call runs in a thread, so the event loop stays free.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from scraper.browser.errors import ScraperError
from scraper.browser.models import BoardVacancy
from scraper.browser.text import (
    clean,
    employment_type,
    parse_datetime,
    salary_period,
    split_skills,
)

log = logging.getLogger(__name__)

ScrapeJobs = Callable[..., Any]  # jobspy.scrape_jobs: keyword arguments in, DataFrame out
DEFAULT_SITES = ("linkedin", "indeed")
# jobspy's columns kept with the lead as they are (board-specific, no `BoardVacancy` field).
DETAIL_COLUMNS = ("job_url_direct", "job_level", "job_function", "listing_type",
                  "company_industry", "company_url", "work_from_home_type")  # fmt: skip
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def load_jobspy() -> ScrapeJobs:
    """`jobspy.scrape_jobs`, or ScraperError("jobspy_missing") when it is not installed."""
    try:
        from jobspy import scrape_jobs
    except ImportError as e:
        raise ScraperError(
            "jobspy_missing",
            "LinkedIn and Indeed search needs python-jobspy: pip install python-jobspy",
        ) from e
    return scrape_jobs  # type: ignore[no-any-return]


class JobspySource:
    """`BoardSource` over jobspy's boards (`sites`: "linkedin", "indeed", "glassdoor", ...).

    `scrape_jobs` replaces `jobspy.scrape_jobs` (tests, or a wrapper adding proxies per
    account). jobspy paces nothing itself: keep `limit` small and searches infrequent.
    """

    def __init__(
        self,
        sites: Sequence[str] = DEFAULT_SITES,
        *,
        country_indeed: str = "usa",
        hours_old: int | None = None,
        proxies: list[str] | None = None,
        linkedin_fetch_description: bool = True,
        scrape_jobs: ScrapeJobs | None = None,
    ) -> None:
        self._sites = list(sites)
        self._options: dict[str, Any] = {
            "country_indeed": country_indeed,
            "hours_old": hours_old,
            "proxies": proxies,
            "linkedin_fetch_description": linkedin_fetch_description,
            "description_format": "markdown",
            "verbose": 0,
        }
        self._scrape_jobs = scrape_jobs

    async def search(self, query: str, location: str | None, limit: int) -> list[BoardVacancy]:
        """Up to `limit` vacancies across the sites (jobspy's `results_wanted` is per site)."""
        scrape = self._scrape_jobs or load_jobspy()
        try:
            frame = await asyncio.to_thread(
                scrape,
                site_name=self._sites,
                search_term=query,
                location=location,
                results_wanted=limit,
                **self._options,
            )
        except Exception as e:  # jobspy raises bare Exceptions for blocked or failed boards
            raise ScraperError(
                "jobspy_failed", f"jobspy search failed: {type(e).__name__}: {e}", retryable=True
            ) from e
        return frame_to_vacancies(frame)[:limit]


def frame_to_vacancies(frame: Any) -> list[BoardVacancy]:
    """Every usable row of a jobspy DataFrame (rows without a title or URL are skipped)."""
    if frame is None or len(frame) == 0:
        return []
    vacancies = [row_to_vacancy(row) for row in frame.to_dict("records")]
    return [v for v in vacancies if v is not None]


def row_to_vacancy(row: Mapping[str, Any]) -> BoardVacancy | None:
    """One jobspy row as a vacancy; NaN, NaT and None all read as missing."""
    get = _getter(row)
    url = clean(get("job_url"))
    title = clean(get("title"))
    if not url or not title:
        return None
    remote = get("is_remote")
    description = get("description")
    emails = _EMAIL.findall(raw) if isinstance(raw := get("emails"), str) else []
    details = {key: value for key in DETAIL_COLUMNS if isinstance(value := get(key), str)}
    return BoardVacancy(
        source=clean(get("site")) or "jobspy",
        external_id=clean(str(get("id") or "")) or url,
        url=url,
        title=title,
        company=clean(get("company")),
        location=clean(get("location")),
        description=description.strip() if isinstance(description, str) else "",
        salary_min=_float(get("min_amount")),
        salary_max=_float(get("max_amount")),
        salary_currency=clean(get("currency")),
        salary_period=salary_period(get("interval")),
        employment_type=employment_type(get("job_type")),
        remote=None if remote is None else bool(remote),
        published_at=parse_datetime(get("date_posted")),
        skills=split_skills(get("skills")),
        contact_email=emails[0] if emails else None,
        details={**details, "emails": emails} if len(emails) > 1 else details,
    )


def _getter(row: Mapping[str, Any]) -> Callable[[str], Any]:
    def get(key: str) -> Any:
        value = row.get(key)
        try:
            if value is None or value != value:  # NaN and NaT are not equal to themselves
                return None
        except (TypeError, ValueError):  # pandas.NA refuses to be a bool
            return None
        return value

    return get


def _float(value: Any) -> float | None:
    """numpy and Python numbers alike (numpy's int64 is no `int`)."""
    if value is None or isinstance(value, str | bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
