"""Errors of the browser scrapers, each with a stable `code` the API and the console can show.

Scrapes run inside Ray tasks and actors, so every error defines `__reduce__`: an exception
whose constructor takes keyword arguments cannot be rebuilt on the caller's side otherwise.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

ScraperErrorCode = Literal[
    "page_budget_exhausted",
    "hh_login_expired",
    "hh_cookies_invalid",
    "jobspy_missing",
    "jobspy_failed",
    "browser_missing",
    "vacancy_unparsed",
    "page_failed",
]


class ScraperError(Exception):
    """A scrape failed; `code` is stable, `retryable` says whether the same call can succeed
    later without a person doing something (a new login, installing a package)."""

    def __init__(self, code: ScraperErrorCode, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.code: ScraperErrorCode = code
        self.message = message
        self.retryable = retryable

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.code, self.message, self.retryable))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


def _rebuild(
    cls: type[ScraperError], code: ScraperErrorCode, message: str, retryable: bool
) -> ScraperError:
    error = Exception.__new__(cls)
    ScraperError.__init__(error, code, message, retryable=retryable)
    return error


class PageBudgetExhausted(ScraperError):
    """The account has opened its daily number of pages; more today would look like a bot.
    Retryable: the budget renews the next day."""

    def __init__(self, account: str, limit: int, day: date) -> None:
        super().__init__(
            "page_budget_exhausted",
            f"account {account!r} has opened its {limit} pages for {day.isoformat()}",
            retryable=True,
        )
        self.account = account
        self.limit = limit
        self.day = day

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.account, self.limit, self.day))


class LoginExpired(ScraperError):
    """HH sent the browser to its login page: the stored cookies no longer sign the recruiter
    in, and only a new login (by a person) helps."""

    def __init__(self, url: str) -> None:
        super().__init__("hh_login_expired", f"HH asks to log in again (at {url.split('?')[0]})")
        self.url = url

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.url,))
