"""Djinni (djinni.co): listing pages to vacancy URLs, vacancy pages to `BoardVacancy`.

Djinni has no public API. Parsing is pure (`parse_listing`, `parse_vacancy` take HTML text)
so it is tested without a browser; `DjinniSource` only fetches rendered pages, paced.

A vacancy is read from its schema.org `JobPosting` JSON-LD first (typed and steadier than
CSS classes) and from the DOM when there is none. The DOM selectors follow Djinni's markup
(2024-2025); each names alternatives, because Djinni renames classes now and then:

- title: the page's `h1`, without the salary badge inside it (`span.public-salary-item`)
- salary: `.public-salary-item` ("$4000-5500", "from $3000", "up to $5000"; monthly)
- company: `a.job-details--title` (the company link under the title)
- description: `.job-post__description`, else `.job-post-description`
- location: `.location-text`
- facts ("Full Remote", "Office Work", "Full-time", ...): `.job-additional-info--item-text`
- skills: badges in `.job-additional-info--skills`
- date: `time[datetime]`, else "Published 12 March 2025" in `.job-post__published`
- listing: every link to `/jobs/<id>-<slug>/`; the next page is the pagination link to
  `page=<current + 1>`
"""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import lxml.html
from lxml.etree import _Element

from scraper.browser.errors import ScraperError
from scraper.browser.human import Pacing, read, scroll_through, visit
from scraper.browser.jsonld import job_postings, posting_to_vacancy
from scraper.browser.models import BoardVacancy
from scraper.browser.text import (
    clean,
    element_text,
    employment_type,
    parse_datetime,
    parse_salary,
    split_skills,
)

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page

log = logging.getLogger(__name__)

SOURCE = "djinni"
DJINNI_URL = "https://djinni.co"
_VACANCY_PATH = re.compile(r"^/jobs/(\d+)-[^/]+/?$")


def _cls(name: str) -> str:
    """XPath test for one CSS class (lxml has no CSS selectors without `cssselect`)."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


X_TITLE = "//h1"
X_SALARY = f"//*[{_cls('public-salary-item')}]"
X_COMPANY = f"//a[{_cls('job-details--title')}]"
X_DESCRIPTION = f"//*[{_cls('job-post__description')} or {_cls('job-post-description')}]"
X_LOCATION = f"//*[{_cls('location-text')}]"
X_FACTS = f"//*[{_cls('job-additional-info--item-text')}]"
X_SKILLS = f"//*[{_cls('job-additional-info--skills')}]//*[{_cls('badge')}]"
X_TIME = "//time[@datetime]"
X_PUBLISHED = f"//*[{_cls('job-post__published')}]"
X_PAGINATION = f"//*[{_cls('pagination')}]//a[@href]"

_REMOTE = re.compile(r"remote|віддален|удален", re.I)
_ON_SITE = re.compile(r"\boffice\b|hybrid|офіс|офис|гібрид|гибрид", re.I)
_PUBLISHED = re.compile(r"(\d{1,2} [A-Z][a-z]+ \d{4}|[A-Z][a-z]+ \d{1,2}, \d{4})")


@dataclass(frozen=True)
class ListingPage:
    """Vacancy URLs on one listing page, and the next page's URL (None on the last)."""

    vacancy_urls: list[str]
    next_url: str | None


def parse_listing(html: str, url: str) -> ListingPage:
    """Absolute vacancy URLs in page order (no repeats) and the next page of the listing."""
    doc = lxml.html.fromstring(html)
    found: dict[str, None] = {}
    for href in doc.xpath("//a/@href"):
        absolute = urljoin(url, href)
        if _VACANCY_PATH.match(urlsplit(absolute).path):
            found[absolute.split("?")[0].split("#")[0]] = None
    current = _page_number(url) or 1
    next_url = None
    for href in doc.xpath(X_PAGINATION + "/@href"):
        if _page_number(urljoin(url, href)) == current + 1:
            next_url = urljoin(url, href)
            break
    return ListingPage(list(found), next_url)


def _page_number(url: str) -> int | None:
    values = parse_qs(urlsplit(url).query).get("page")
    return int(values[0]) if values and values[0].isdigit() else None


def external_id(url: str) -> str | None:
    """Djinni's vacancy id from its URL (`/jobs/712345-senior-python-developer/`)."""
    match = _VACANCY_PATH.match(urlsplit(url).path)
    return match.group(1) if match else None


def parse_vacancy(html: str, url: str) -> BoardVacancy:
    """The vacancy on a Djinni page: JSON-LD first, the DOM second. Raises
    ScraperError("vacancy_unparsed") when neither yields a title."""
    doc = lxml.html.fromstring(html)
    vacancy_id = external_id(url)
    for posting in job_postings(doc):
        vacancy = posting_to_vacancy(posting, source=SOURCE, url=url, external_id=vacancy_id)
        if vacancy is not None:
            return vacancy
    vacancy = parse_vacancy_dom(doc, url)
    if vacancy is None:
        raise ScraperError("vacancy_unparsed", f"no vacancy found on {url}")
    return vacancy


def parse_vacancy_dom(doc: _Element, url: str) -> BoardVacancy | None:
    """The vacancy from Djinni's markup (see the module's selectors), None without a title."""
    title = _title(doc)
    if not title:
        return None
    salary = _first_text(doc, X_SALARY)
    low, high, currency = parse_salary(salary) if salary else (None, None, None)
    facts = [element_text(e) for e in doc.xpath(X_FACTS)]
    description = doc.xpath(X_DESCRIPTION)
    return BoardVacancy(
        source=SOURCE,
        external_id=external_id(url) or url,
        url=url,
        title=title,
        company=_first_text(doc, X_COMPANY),
        location=_first_text(doc, X_LOCATION),
        description=element_text(description[0]) if description else "",
        salary_min=low,
        salary_max=high,
        salary_currency=currency,
        salary_period="month" if low is not None or high is not None else None,
        employment_type=employment_type(facts),
        remote=_remote(facts),
        published_at=_published(doc),
        skills=split_skills([element_text(e) for e in doc.xpath(X_SKILLS)]),
    )


def _title(doc: _Element) -> str | None:
    headings = doc.xpath(X_TITLE)
    if not headings:
        return None
    heading = copy.deepcopy(headings[0])
    for badge in heading.xpath(f".//*[{_cls('public-salary-item')}]"):
        badge.drop_tree()
    return clean(element_text(heading).replace("\n", " "))


def _first_text(doc: _Element, xpath: str) -> str | None:
    for element in doc.xpath(xpath):
        text = clean(element_text(element).replace("\n", " "))
        if text:
            return text
    return None


def _remote(facts: list[str]) -> bool | None:
    if any(_REMOTE.search(f) for f in facts):
        return True
    if any(_ON_SITE.search(f) for f in facts):
        return False
    return None


def _published(doc: _Element) -> datetime | None:
    for value in doc.xpath(X_TIME + "/@datetime"):
        if parsed := parse_datetime(value):
            return parsed
    text = _first_text(doc, X_PUBLISHED) or ""
    if match := _PUBLISHED.search(text):
        for pattern in ("%d %B %Y", "%B %d, %Y"):
            try:
                return datetime.strptime(match.group(1), pattern).replace(tzinfo=UTC)
            except ValueError:
                continue
    return None


# ---- the browser --------------------------------------------------------------------------------


def search_url(query: str, location: str | None, *, base_url: str = DJINNI_URL) -> str:
    """Djinni's job search: full-text keywords and, optionally, its location slug ("kyiv")."""
    params = {"all_keywords": query, "search_type": "full-text"}
    if location:
        params["location"] = location
    return f"{base_url.rstrip('/')}/jobs/?{urlencode(params)}"


async def listing_urls(
    page: Page, start_url: str, pacing: Pacing, *, account: str, max_pages: int, limit: int
) -> list[str]:
    """Vacancy URLs from the listing at `start_url`, following its pagination."""
    urls: dict[str, None] = {}
    url: str | None = start_url
    for _ in range(max_pages):
        if url is None or len(urls) >= limit:
            break
        async with pacing.turn(account):
            await visit(page, url, pacing, account=account)
            await scroll_through(page, pacing)
            listing = parse_listing(await page.content(), page.url)
        urls.update(dict.fromkeys(listing.vacancy_urls))
        url = listing.next_url
    return list(urls)[:limit]


async def read_vacancy(page: Page, url: str, pacing: Pacing, *, account: str) -> BoardVacancy:
    """Open one vacancy page, read it like a person, and parse it."""
    async with pacing.turn(account):
        await visit(page, url, pacing, account=account)
        await read(page, pacing)
        html = await page.content()
    return parse_vacancy(html, page.url)


class DjinniSource:
    """`BoardSource` over Djinni's public pages in one browser context, one page at a time.

    A vacancy that cannot be parsed is logged and skipped; budget exhaustion and page
    failures end the search (the caller decides when to try again).
    """

    def __init__(
        self,
        context: BrowserContext,
        pacing: Pacing,
        *,
        account: str = "djinni",
        base_url: str = DJINNI_URL,
        max_listing_pages: int = 5,
    ) -> None:
        self._context = context
        self._pacing = pacing
        self._account = account
        self._base_url = base_url
        self._max_listing_pages = max_listing_pages

    async def search(self, query: str, location: str | None, limit: int) -> list[BoardVacancy]:
        """Up to `limit` vacancies for `query` (and a Djinni location slug)."""
        page = await self._context.new_page()
        try:
            urls = await listing_urls(
                page,
                search_url(query, location, base_url=self._base_url),
                self._pacing,
                account=self._account,
                max_pages=self._max_listing_pages,
                limit=limit,
            )
            vacancies: list[BoardVacancy] = []
            for url in urls:
                try:
                    vacancies.append(
                        await read_vacancy(page, url, self._pacing, account=self._account)
                    )
                except ScraperError as e:
                    if e.code != "vacancy_unparsed":
                        raise
                    log.warning("djinni: skipped %s: %s", url, e.message)
            return vacancies
        finally:
            await page.close()
