"""Djinni (djinni.co) behind a signed-in account: answering a vacancy and reading the inbox.

A company answers another company's vacancy on Djinni the way a person does: open the vacancy
page signed in, read it, click "Apply", write the letter, send. Djinni then shows the page as
applied and refuses a second application, which is what makes a repeat safe: a vacancy that
already shows this account's application counts as answered (a dispatcher killed after
submitting must not apply twice). Recruiters' answers arrive in the inbox, one thread per
vacancy.

Parsing is pure (`apply_state`, `parse_inbox`, `parse_thread` take HTML); the browser part
only acts, paced (scraper/browser/human.py), one page at a time per account. Selectors, each
with alternatives, as Djinni's markup names them:

- applied: `.job-post__applied` or `[data-applied="true"]`; apply: the toggle
  `.js-inbox-toggle-reply-form`, the form `#apply_form` with `textarea[name="message"]` and its
  submit button; signed out: a link to `/login` instead of the button
- login page: path `/login`, or `#signin_form` / a password input on the page
- inbox `/my/inbox/`: `.inbox-thread` links with `data-thread-id`, `data-job-id`,
  `data-last-message-id`; a thread: `.inbox-message` with `data-message-id`, `data-author`
  (recruiter or me), `time[datetime]`, text in `.inbox-message__text`
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar
from urllib.parse import urljoin, urlsplit

import lxml.html

from scraper.browser.djinni import external_id
from scraper.browser.human import Pacing, click, read, visit
from scraper.browser.launch import DJINNI_PROFILE
from scraper.browser.signed_in import BoardError, SharedBrowser, cookie_context, load_cookies
from scraper.browser.signed_in import run_with_browser as run_in_browser
from scraper.browser.text import clean, element_text, parse_datetime

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page

T = TypeVar("T")
ApplyState = Literal["applied", "open", "signed_out", "closed"]

X_APPLIED = "//*[contains(concat(' ', @class, ' '), ' job-post__applied ') or @data-applied='true']"
X_TOGGLE = "//*[contains(concat(' ', @class, ' '), ' js-inbox-toggle-reply-form ')]"
X_FORM = "//form[@id='apply_form']"
X_LOGIN_LINK = "//a[starts-with(@href, '/login') or contains(@href, '/login?')]"
SEL_TOGGLE = ".js-inbox-toggle-reply-form"
SEL_MESSAGE = "#apply_form textarea[name='message']"
SEL_SUBMIT = "#apply_form [type='submit']"
INBOX_PATH = "/my/inbox/"


class DjinniError(BoardError):
    """Djinni refused or failed; `code` is stable, `retryable` says whether the same call may
    pass later with nobody doing anything."""


@dataclass(frozen=True)
class ApplyResult:
    """'applied' now, or 'already' (the page showed this account's application)."""

    status: Literal["applied", "already"]
    vacancy_id: str | None


@dataclass(frozen=True)
class ThreadRef:
    """One inbox thread: its page, the vacancy it is about, its newest message's id."""

    thread_id: str
    job_id: str | None
    url: str
    last_message_id: str | None


@dataclass(frozen=True)
class InboxMessage:
    """A message in a thread; `from_recruiter` False for the account's own."""

    thread_id: str
    job_id: str | None
    message_id: str
    text: str
    sent_at: datetime | None
    from_recruiter: bool


# ---- cookies and pages ------------------------------------------------------------------------


def load_djinni_cookies(cookies_json: str, *, host: str) -> list[dict[str, Any]]:
    """Exported cookies (a list, or a storage state's `cookies`) for `host`, unexpired.
    `DjinniError("djinni_cookies_invalid")` for anything else."""
    return load_cookies(cookies_json, host=host, site="Djinni", error=DjinniError)


async def signed_in_context(browser: Browser, cookies_json: str, *, host: str) -> BrowserContext:
    """A Djinni-dressed context carrying the account's cookies; the caller closes it."""
    return await cookie_context(browser, load_djinni_cookies(cookies_json, host=host),
                                DJINNI_PROFILE)  # fmt: skip


def is_login_page(url: str, html: str) -> bool:
    """Whether Djinni shows its login page instead of what was asked for."""
    if urlsplit(url).path.rstrip("/") == "/login":
        return True
    return 'id="signin_form"' in html


def apply_state(html: str) -> ApplyState:
    """Where the vacancy page stands for this account."""
    doc = lxml.html.fromstring(html)
    if doc.xpath(X_APPLIED):
        return "applied"
    if doc.xpath(X_FORM) or doc.xpath(X_TOGGLE):
        return "open"
    if doc.xpath(X_LOGIN_LINK):
        return "signed_out"
    return "closed"


def parse_inbox(html: str, url: str) -> list[ThreadRef]:
    """The threads listed on an inbox page, in page order."""
    doc = lxml.html.fromstring(html)
    threads = []
    for item in doc.xpath("//*[contains(concat(' ', @class, ' '), ' inbox-thread ')]"):
        thread_id = item.get("data-thread-id")
        href = item.get("href") or (item.xpath(".//a/@href") or [None])[0]
        if not thread_id or not href:
            continue
        threads.append(ThreadRef(thread_id, item.get("data-job-id"), urljoin(url, href),
                                 item.get("data-last-message-id")))  # fmt: skip
    return threads


def parse_thread(html: str, thread: ThreadRef) -> list[InboxMessage]:
    """The messages of one thread, oldest first."""
    doc = lxml.html.fromstring(html)
    job = (doc.xpath("//*[@data-job-id]/@data-job-id") or [thread.job_id])[0]
    out = []
    for item in doc.xpath("//*[contains(concat(' ', @class, ' '), ' inbox-message ')]"):
        message_id = item.get("data-message-id")
        if not message_id:
            continue
        body = item.xpath(".//*[contains(concat(' ', @class, ' '), ' inbox-message__text ')]")
        stamp = item.xpath(".//time/@datetime")
        out.append(InboxMessage(
            thread_id=thread.thread_id, job_id=job, message_id=message_id,
            text=clean(element_text(body[0])) if body else "",
            sent_at=parse_datetime(stamp[0]) if stamp else None,
            from_recruiter=item.get("data-author") != "me",
        ))  # fmt: skip
    return out


# ---- acting -----------------------------------------------------------------------------------


async def apply(page: Page, url: str, letter: str, pacing: Pacing, *, account: str) -> ApplyResult:
    """Answer the vacancy at `url` with `letter`, or find it answered already."""
    vacancy_id = external_id(url)
    async with pacing.turn(account):
        await visit(page, url, pacing, account=account)
        html = await page.content()
        state = "signed_out" if is_login_page(page.url, html) else apply_state(html)
        if state == "applied":
            return ApplyResult("already", vacancy_id)
        if state == "signed_out":
            raise DjinniError("djinni_login_expired", "Djinni asks to log in again")
        if state == "closed":
            raise DjinniError("djinni_apply_unavailable",
                              "the vacancy takes no applications (closed or removed)")  # fmt: skip
        await read(page, pacing)
        if not await page.locator(SEL_MESSAGE).first.is_visible():
            await click(page, SEL_TOGGLE, pacing)
        await click(page, SEL_MESSAGE, pacing)
        await page.locator(SEL_MESSAGE).first.fill(letter)  # a prepared letter is pasted
        async with page.expect_navigation():
            await click(page, SEL_SUBMIT, pacing)
        html = await page.content()
    if apply_state(html) == "applied":
        return ApplyResult("applied", vacancy_id)
    said = clean(element_text(lxml.html.fromstring(html)))[:200]
    raise DjinniError("djinni_apply_refused", f"Djinni did not take the application: {said}")


async def read_inbox(
    page: Page, base_url: str, pacing: Pacing, *, account: str, known: set[str]
) -> list[InboxMessage]:
    """Recruiters' messages in threads whose newest message is not in `known` (message ids
    already recorded), thread by thread."""
    inbox = base_url.rstrip("/") + INBOX_PATH
    async with pacing.turn(account):
        await visit(page, inbox, pacing, account=account)
        html = await page.content()
    if is_login_page(page.url, html):
        raise DjinniError("djinni_login_expired", "Djinni asks to log in again")
    found: list[InboxMessage] = []
    for thread in parse_inbox(html, page.url):
        if thread.last_message_id is not None and thread.last_message_id in known:
            continue
        async with pacing.turn(account):
            await visit(page, thread.url, pacing, account=account)
            await read(page, pacing)
            found += [m for m in parse_thread(await page.content(), thread) if m.from_recruiter]
    return found


def run_with_browser(
    work: Callable[[Browser], Awaitable[T]], *, shared: SharedBrowser | None, timeout_s: float
) -> T:
    """Run `work` with a browser within `timeout_s` (signed_in.py); running over is a
    retryable `DjinniError("page_failed")`."""
    return run_in_browser(work, shared=shared, timeout_s=timeout_s, site="Djinni",
                          error=DjinniError)  # fmt: skip
