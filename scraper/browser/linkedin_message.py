"""LinkedIn behind a signed-in account: a message to the person who posted a job.

LinkedIn has no API for writing to a job's poster; a person does it from the job page, where
the "Meet the hiring team" card carries a "Message" button that opens a conversation with the
poster. This module does the same, paced (scraper/browser/human.py), one page at a time per
account: open `<base>/jobs/view/<id>/` signed in, read it, click Message, type the text, send.
The conversation box shows what was written to that person before, which makes a repeat safe:
when it already holds this text the message counts as delivered (a dispatcher killed after
sending must not write twice).

Parsing is pure (`is_login_page`, `poster_of`, `sent_before` take HTML); selectors, each with
alternatives, as LinkedIn's markup names them:

- the hiring team: `.job-details-people-who-can-help__section--two-pane` or
  `.hirer-card__container`; the poster `.hirer-card__hirer-information` with a link to
  `/in/<profile>`; the button `button[aria-label^="Message"]` in that section
- the conversation: `.msg-overlay-conversation-bubble` (hidden until the button is clicked),
  earlier messages in `.msg-s-event-listitem__body`, the editor
  `.msg-form__contenteditable[contenteditable]`, the button `.msg-form__send-button`
- signed out: a redirect to `/login`, `/authwall`, `/uas/login` or `/checkpoint`, or the
  sign-in form (`#session_key`) on the page
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qs, urlsplit

import lxml.html

from scraper.browser.human import Pacing, click, read, type_text, visit
from scraper.browser.launch import LINKEDIN_PROFILE
from scraper.browser.signed_in import BoardError, cookie_context, for_host, load_cookies
from scraper.browser.text import clean, element_text

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page

SESSION_COOKIE = "li_at"
LOGIN_PATHS = ("/login", "/authwall", "/uas/login", "/checkpoint")


def _cls(name: str) -> str:
    return f"contains(concat(' ', @class, ' '), ' {name} ')"


_TEAM = f"{_cls('job-details-people-who-can-help__section--two-pane')} or " \
    f"{_cls('hirer-card__container')}"  # fmt: skip
X_POSTER = f"//*[{_TEAM}]//*[{_cls('hirer-card__hirer-information')}]"
X_MESSAGE_BUTTON = f"//*[{_TEAM}]//button[starts-with(@aria-label, 'Message')]"
X_SENT = f"//*[{_cls('msg-s-event-listitem__body')}]"
SEL_MESSAGE_BUTTON = (".job-details-people-who-can-help__section--two-pane "
                      "button[aria-label^='Message'], .hirer-card__container "
                      "button[aria-label^='Message']")  # fmt: skip
SEL_EDITOR = ".msg-overlay-conversation-bubble .msg-form__contenteditable[contenteditable]"
SEL_SEND = ".msg-overlay-conversation-bubble .msg-form__send-button"
_JOB_PATH = re.compile(r"/jobs/view/(?:[^/?#]*?-)?(\d+)")
NO_POSTER = ("the LinkedIn job shows nobody from the hiring team to message: apply on LinkedIn "
             "by hand, or add the contact's e-mail and send the response again")  # fmt: skip


class LinkedInError(BoardError):
    """LinkedIn refused or failed; `code` is stable (`linkedin_login_expired`,
    `linkedin_no_poster`, `linkedin_cookies_invalid`, `linkedin_send_refused`, `page_failed`)."""


@dataclass(frozen=True)
class Poster:
    """Who posted the job: their name and profile path (`/in/<slug>`)."""

    name: str
    profile: str | None


@dataclass(frozen=True)
class MessageResult:
    """'sent' now, or 'already' (the conversation held this text); the job and its poster."""

    status: Literal["sent", "already"]
    job_id: str
    poster: Poster


# ---- cookies and pages ------------------------------------------------------------------------


def load_linkedin_cookies(cookies_json: str, *, host: str) -> list[dict[str, Any]]:
    """Exported cookies for `host`, unexpired, with the `li_at` session cookie among them;
    `LinkedInError("linkedin_cookies_invalid")` for anything else."""
    live = load_cookies(cookies_json, host=host, site="LinkedIn", error=LinkedInError)
    if not any(c.get("name") == SESSION_COOKIE and for_host(c, host) for c in live):
        raise LinkedInError("linkedin_cookies_invalid",
                            f"no live {SESSION_COOKIE} session cookie of {host} among these: "
                            "sign in at LinkedIn and export the cookies again")  # fmt: skip
    return live


async def signed_in_context(browser: Browser, cookies_json: str, *, host: str) -> BrowserContext:
    """A LinkedIn-dressed context carrying the account's cookies; the caller closes it."""
    return await cookie_context(browser, load_linkedin_cookies(cookies_json, host=host),
                                LINKEDIN_PROFILE)  # fmt: skip


def job_id_of(url: str | None) -> str | None:
    """The job's id in a LinkedIn job URL (`/jobs/view/<id>`, `/jobs/view/<slug>-<id>`, or a
    search with `currentJobId`), else None."""
    if not url:
        return None
    found = _JOB_PATH.search(urlsplit(url).path)
    if found:
        return found.group(1)
    current = parse_qs(urlsplit(url).query).get("currentJobId", [""])[0]
    return current if current.isdigit() else None


def job_page(base_url: str, job_id: str) -> str:
    """The job's page on the site the account is signed in to."""
    return f"{base_url.rstrip('/')}/jobs/view/{job_id}/"


def is_login_page(url: str, html: str) -> bool:
    """Whether LinkedIn shows its login wall instead of what was asked for."""
    if urlsplit(url).path.rstrip("/").startswith(LOGIN_PATHS):
        return True
    return 'id="session_key"' in html


def poster_of(html: str) -> Poster | None:
    """The job's poster, when the page offers to message them."""
    doc = lxml.html.fromstring(html)
    found, button = doc.xpath(X_POSTER), doc.xpath(X_MESSAGE_BUTTON)
    if not found or not button:
        return None
    links = found[0].xpath(".//a[contains(@href, '/in/')]/@href")
    profile = urlsplit(links[0]).path if links else None
    name = clean(element_text(found[0].xpath(".//strong")[0])) if found[0].xpath(".//strong") \
        else clean(element_text(found[0]))  # fmt: skip
    return Poster(name=name, profile=profile)


def sent_before(html: str, text: str) -> bool:
    """Whether the conversation with the poster already holds `text` (spacing aside)."""
    wanted = " ".join(text.split())
    doc = lxml.html.fromstring(html)
    return any(" ".join(element_text(e).split()) == wanted for e in doc.xpath(X_SENT))


# ---- acting -----------------------------------------------------------------------------------


async def message_poster(
    page: Page, url: str, text: str, pacing: Pacing, *, account: str
) -> MessageResult:
    """Write `text` to the poster of the job at `url`, or find it written already."""
    job_id = job_id_of(url) or url
    async with pacing.turn(account):
        await visit(page, url, pacing, account=account)
        html = await page.content()
        if is_login_page(page.url, html):
            raise LinkedInError("linkedin_login_expired", "LinkedIn asks to log in again")
        poster = poster_of(html)
        if poster is None:
            raise LinkedInError("linkedin_no_poster", NO_POSTER)
        if sent_before(html, text):
            return MessageResult("already", job_id, poster)
        await read(page, pacing)
        await click(page, SEL_MESSAGE_BUTTON, pacing)
        await click(page, SEL_EDITOR, pacing)
        await type_text(page, SEL_EDITOR, text, pacing)
        await click(page, SEL_SEND, pacing)
        html = await _settled(page, text)
    if is_login_page(page.url, html):
        raise LinkedInError("linkedin_login_expired", "LinkedIn asks to log in again")
    if sent_before(html, text):
        return MessageResult("sent", job_id, poster)
    said = clean(element_text(lxml.html.fromstring(html)))[:200] if html.strip() else "no page"
    raise LinkedInError("linkedin_send_refused", f"LinkedIn did not take the message: {said}",
                        retryable=True)  # fmt: skip


async def _settled(page: Page, text: str, *, timeout_s: float = 15.0) -> str:
    """The page once the sent text shows in the conversation (LinkedIn appends it in place; a
    plainer page reloads), or as it stands after `timeout_s`."""
    from playwright.async_api import Error as PlaywrightError

    deadline = asyncio.get_running_loop().time() + timeout_s
    html = ""
    while True:
        try:
            await page.wait_for_load_state("domcontentloaded")
            html = await page.content()
        except PlaywrightError:  # navigating right now: look again
            html = ""
        if (html and sent_before(html, text)) or asyncio.get_running_loop().time() > deadline:
            return html
        await asyncio.sleep(0.2)
