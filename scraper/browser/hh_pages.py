"""HH (hh.ru) employer pages behind a recruiter's login, for workspaces without paid API
access: a vacancy's responses list and each responder's resume page.

The browser runs with the recruiter's cookies, which the product keeps per workspace (sealed;
that is the product's job): `export_cookies` after a login, `context_with_cookies` before a
scrape. When HH sends the browser to its login page (redirect to `/account/login`, or a login
form on the page) the cookies are dead and `LoginExpired` ("hh_login_expired") asks for a new
login; nothing else can fix that, so it is not retried.

Parsing is pure and keyed on HH's `data-qa` attributes, which HH keeps for its own tests and
changes far less often than classes:

- responses list: `resume-serp__resume` (one response, with `data-resume-id`), its link
  `serp-item__title` (`/resume/<hash>?vacancyId=…&t=<topic id>`: the topic id is the
  negotiation id), `resume-serp__resume-fullname`, `resume-serp__resume-title`,
  `resume-serp__resume-response-date` ("12 марта 2025", "вчера"), next page `pager-next`
- resume: `resume-personal-name`, `resume-block-title-position`, `resume-block-salary`,
  contacts `resume-contact-phone` (or `resume-contacts-phone`), `resume-contact-email`,
  Telegram `resume-communication-method-telegram` (or any t.me link among the contacts),
  sections `resume-block-experience`, `resume-block-skills-content`, `skills-table`
  (`bloko-tag__text`), `resume-block-education`, `resume-block-language-item`
- login: `login-input-username`, `account-login-form`
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import lxml.html
from lxml.etree import _Element

from scraper.browser.errors import LoginExpired, ScraperError
from scraper.browser.human import Pacing, read, scroll_through, visit
from scraper.browser.launch import HH_PROFILE, BrowserProfile, new_context
from scraper.browser.models import ScrapedResponse, ScrapedResume
from scraper.browser.text import clean, element_text, split_skills

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page

log = logging.getLogger(__name__)

HH_URL = "https://hh.ru"
LOGIN_PATH = "/account/login"
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split()
    )
}
_RU_DATE = re.compile(r"(\d{1,2})\s+([а-я]+)(?:\s+(\d{4}))?", re.I)
# "@handle" only when no word precedes it: an e-mail address is no Telegram handle.
_TELEGRAM = re.compile(r"(?:t\.me/|telegram\.me/|(?<![\w.@])@)([A-Za-z][A-Za-z0-9_]{3,31})")
_RESUME_PATH = re.compile(r"^/resume/([0-9a-f]+)", re.I)


def _qa(name: str) -> str:
    return f'//*[@data-qa="{name}"]'


# ---- login --------------------------------------------------------------------------------------


def is_login_page(url: str, html: str) -> bool:
    """Whether HH shows its login page instead of what was asked for."""
    if urlsplit(url).path.startswith(LOGIN_PATH):
        return True
    return 'data-qa="login-input-username"' in html or 'data-qa="account-login-form"' in html


async def export_cookies(context: BrowserContext) -> str:
    """The context's cookies as JSON, for the product to seal and keep per workspace."""
    return json.dumps(await context.cookies(), ensure_ascii=False)


def load_cookies(cookies_json: str) -> list[dict[str, Any]]:
    """Cookies from `export_cookies` (or a Playwright storage state's `cookies`), without the
    ones already expired. Raises ScraperError("hh_cookies_invalid") for anything else."""
    try:
        data = json.loads(cookies_json)
    except ValueError as e:
        raise ScraperError("hh_cookies_invalid", "stored HH cookies are not JSON") from e
    if isinstance(data, dict):
        data = data.get("cookies")
    if not isinstance(data, list) or not all(
        isinstance(c, dict) and "name" in c and "value" in c and ("domain" in c or "url" in c)
        for c in data
    ):
        raise ScraperError("hh_cookies_invalid", "stored HH cookies are not a list of cookies")
    now = time.time()
    return [c for c in data if not _expired(c.get("expires"), now)]


def _expired(expires: object, now: float) -> bool:
    # Playwright writes -1 for session cookies; those live as long as the context.
    return isinstance(expires, int | float) and 0 < expires <= now


async def context_with_cookies(
    browser: Browser, cookies_json: str, *, profile: BrowserProfile = HH_PROFILE
) -> BrowserContext:
    """A new context signed in with the stored cookies; the caller closes it."""
    from playwright.async_api import Error as PlaywrightError

    cookies = load_cookies(cookies_json)
    context = await new_context(browser, profile)
    try:
        await context.add_cookies(cookies)  # type: ignore[arg-type]
    except PlaywrightError as e:
        await context.close()
        raise ScraperError("hh_cookies_invalid", f"HH cookies refused: {e}") from e
    return context


# ---- parsing ------------------------------------------------------------------------------------


def parse_responses(
    html: str, url: str, *, today: date | None = None
) -> tuple[list[ScrapedResponse], str | None]:
    """The responses on one page of a vacancy's responses list, and the next page's URL."""
    doc = lxml.html.fromstring(html)
    today = today or date.today()
    responses = []
    for item in doc.xpath(_qa("resume-serp__resume")):
        links = item.xpath(f".{_qa('serp-item__title')}[@href]") or item.xpath(
            ".//a[contains(@href, '/resume/')]"
        )
        if not links:
            continue
        resume_url = urljoin(url, links[0].get("href"))
        resume_id = item.get("data-resume-id") or _resume_id(resume_url)
        if not resume_id:
            continue
        topic = parse_qs(urlsplit(resume_url).query).get("t")
        date_text = _text(item, "resume-serp__resume-response-date")
        responses.append(
            ScrapedResponse(
                negotiation_id=topic[0] if topic else None,
                resume_id=resume_id,
                resume_url=resume_url,
                name=_text(item, "resume-serp__resume-fullname"),
                title=_text(item, "resume-serp__resume-title") or clean(links[0].text_content()),
                responded_on=parse_ru_date(date_text, today) if date_text else None,
            )
        )
    pager = doc.xpath(_qa("pager-next") + "/@href")
    return responses, urljoin(url, pager[0]) if pager else None


def parse_resume(html: str, url: str) -> ScrapedResume:
    """A resume page's person, contacts and sections. Raises ScraperError("page_failed")
    when the page is no resume (no name and no title)."""
    doc = lxml.html.fromstring(html)
    name = _text(doc, "resume-personal-name")
    title = _text(doc, "resume-block-title-position")
    if not name and not title:
        raise ScraperError("page_failed", f"no resume on {url.split('?')[0]}")
    skills = split_skills(
        [element_text(e) for e in doc.xpath(f"{_qa('skills-table')}{_qa('bloko-tag__text')}")]
    )
    sections = [
        title,
        _text(doc, "resume-block-salary"),
        *_blocks(doc, "resume-block-experience"),
        *_blocks(doc, "resume-block-skills-content"),
        ", ".join(skills),
        *_blocks(doc, "resume-block-education"),
        ", ".join(filter(None, map(_one_line, doc.xpath(_qa("resume-block-language-item"))))),
    ]
    email_links = doc.xpath(f"{_qa('resume-contact-email')}//a[starts-with(@href, 'mailto:')]")
    email = _text(doc, "resume-contact-email")
    if email_links:
        email = email_links[0].get("href")[len("mailto:") :].split("?")[0] or email
    return ScrapedResume(
        resume_id=_resume_id(url) or url,
        url=url.split("?")[0],
        name=name,
        title=title,
        phone=_text(doc, "resume-contact-phone") or _text(doc, "resume-contacts-phone"),
        email=email,
        telegram=_telegram(doc),
        text="\n\n".join(s for s in sections if s),
        skills=skills,
    )


def parse_ru_date(text: str, today: date) -> date | None:
    """HH's response dates: "12 марта 2025", "12 марта" (this year, or last year when that
    would be in the future), "сегодня", "вчера"."""
    lowered = text.lower()
    if "сегодня" in lowered:
        return today
    if "вчера" in lowered:
        return today - timedelta(days=1)
    match = _RU_DATE.search(lowered)
    if not match or match.group(2) not in _MONTHS:
        return None
    day, month = int(match.group(1)), _MONTHS[match.group(2)]
    year = int(match.group(3)) if match.group(3) else today.year
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    if not match.group(3) and found > today:
        found = found.replace(year=year - 1)
    return found


def _text(root: _Element, qa: str) -> str | None:
    """The first non-empty text, on one line, of the elements under `root` marked `qa`."""
    for element in root.xpath(f".{_qa(qa)}"):
        if text := _one_line(element):
            return text
    return None


def _one_line(element: _Element) -> str | None:
    return clean(element_text(element).replace("\n", " "))


def _blocks(doc: _Element, qa: str) -> list[str]:
    return [t for t in (element_text(e) for e in doc.xpath(_qa(qa))) if t]


def _resume_id(url: str) -> str | None:
    match = _RESUME_PATH.match(urlsplit(url).path)
    return match.group(1) if match else None


def _telegram(doc: _Element) -> str | None:
    """ "@handle" from the Telegram contact link, else any t.me link or @handle among the
    contacts."""
    candidates = doc.xpath(f"{_qa('resume-communication-method-telegram')}/@href")
    candidates += doc.xpath(f"{_qa('resume-block-contacts')}//a[contains(@href, 't.me/')]/@href")
    candidates += [element_text(e) for e in doc.xpath(_qa("resume-block-contacts"))]
    for candidate in candidates:
        match = _TELEGRAM.search(candidate)
        if match:
            return "@" + match.group(1)
    return None


# ---- the browser --------------------------------------------------------------------------------


class HhEmployerPages:
    """A recruiter's HH employer pages in one signed-in context, one page at a time, paced.

    `account` names the recruiter for the page budget and the per-account lock; use the
    workspace's HH login, so that two workspaces sharing nothing also share no budget.
    """

    def __init__(
        self, context: BrowserContext, pacing: Pacing, *, account: str, base_url: str = HH_URL
    ) -> None:
        self._context = context
        self._pacing = pacing
        self._account = account
        self._base_url = base_url.rstrip("/")

    def responses_url(self, vacancy_id: str) -> str:
        """The first page of a vacancy's responses list."""
        query = urlencode({"vacancyId": vacancy_id})
        return f"{self._base_url}/employer/vacancyresponses?{query}"

    async def responses(
        self, vacancy_id: str, *, limit: int | None = None, with_resumes: bool = True
    ) -> list[ScrapedResponse]:
        """The vacancy's responses (up to `limit`), each with its resume when `with_resumes`.
        Raises LoginExpired when HH asks to log in again."""
        page = await self._context.new_page()
        try:
            found: list[ScrapedResponse] = []
            url: str | None = self.responses_url(vacancy_id)
            while url and (limit is None or len(found) < limit):
                html = await self._open(page, url, scroll=True)
                batch, url = parse_responses(html, page.url)
                found.extend(batch)
            found = found[:limit] if limit is not None else found
            if not with_resumes:
                return found
            return [replace(r, resume=await self._resume(page, r.resume_url)) for r in found]
        finally:
            await page.close()

    async def resume(self, url: str) -> ScrapedResume:
        """One resume page. Raises LoginExpired when HH asks to log in again."""
        page = await self._context.new_page()
        try:
            return await self._resume(page, url)
        finally:
            await page.close()

    async def _resume(self, page: Page, url: str) -> ScrapedResume:
        html = await self._open(page, urljoin(self._base_url + "/", url), scroll=False)
        return parse_resume(html, page.url)

    async def _open(self, page: Page, url: str, *, scroll: bool) -> str:
        async with self._pacing.turn(self._account):
            await visit(page, url, self._pacing, account=self._account)
            html = await page.content()
            if is_login_page(page.url, html):
                log.warning("hh: login expired for account %s", self._account)
                raise LoginExpired(page.url)
            if scroll:
                await scroll_through(page, self._pacing)
            else:
                await read(page, self._pacing)
            return await page.content()
