"""An HH API client that behaves as HH asks (its documentation, ../shared/reference/hh/).

Every request carries the app's `User-Agent` / `HH-User-Agent` ("AppName/1.0 (contact)"),
passes the process-wide rate limit (`ratelimit.limiter_for`), and is retried on 429 and 5xx
with exponential backoff and jitter, never sooner than HH's `Retry-After`. An expired access
token is refreshed once through the caller's `TokenSource` (which makes sure a refresh token,
usable once, is used once across processes) and the request repeated. Other refusals raise
the `errors.py` kinds: a captcha, paid access, a used-up quota are for a person, not retries.

Responses are followed where HH says: collections by their `url`, a resume by the response's
own resume URL (it carries the `topic_id`), an action by its own URL, method and arguments.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator
from typing import Any, Protocol

import httpx

from db.settings import Settings
from scraper.hh.errors import HHError, HHTokenExpired, HHUnavailable, error_for
from scraper.hh.models import Action, Collection, Me, Negotiation, Resume, Vacancy, VacancyBrief
from scraper.hh.ratelimit import limiter_for

log = logging.getLogger(__name__)
PER_PAGE = 50
MAX_PAGES = 200  # HH returns at most 2,000 items per listing


class TokenSource(Protocol):
    """Where the workspace's access token comes from (db-backed: scraper/hh/tokens.py)."""

    def current(self) -> str: ...

    def refreshed(self, expired: str) -> str:
        """A valid token after `expired` was refused as expired (refreshed at most once)."""
        ...


def user_agent(settings: Settings) -> str:
    return f"{settings.hh_app_name} ({settings.hh_contact_email})"


class HHClient:
    """One workspace's HH session (async; use as `async with`)."""

    def __init__(
        self,
        settings: Settings,
        tokens: TokenSource | None,
        *,
        backoff_s: float = 0.5,
        max_backoff_s: float = 60.0,
    ) -> None:
        self.settings, self.tokens = settings, tokens
        self.api_url = settings.hh_api_url.rstrip("/")
        self.backoff_s, self.max_backoff_s = backoff_s, max_backoff_s
        self._limiter = limiter_for(self.api_url, settings.hh_requests_per_s)
        agent = user_agent(settings)
        self._http = httpx.AsyncClient(
            timeout=settings.hh_timeout_s, follow_redirects=False,
            headers={"User-Agent": agent, "HH-User-Agent": agent, "Accept": "application/json"},
        )  # fmt: skip
        self.requests = 0

    async def __aenter__(self) -> HHClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._http.aclose()

    # ---- the transport ----

    def _url(self, path_or_url: str) -> str:
        return path_or_url if "://" in path_or_url else f"{self.api_url}{path_or_url}"

    async def request(
        self,
        method: str,
        path_or_url: str,
        *,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        """JSON of HH's answer (None for an empty one), after the retries described above."""
        token = await asyncio.to_thread(self.tokens.current) if self.tokens else None
        # HH's own URLs (a collection's) carry a query: paging adds to it, never replaces it.
        url = httpx.URL(self._url(path_or_url))
        if params:
            url = url.copy_merge_params(params)
        refreshed = False
        attempt = 0
        while True:
            await self._limiter.acquire()
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            self.requests += 1
            try:
                response = await self._http.request(
                    method, url, data=data, json=json, headers=headers
                )
            except httpx.TransportError as e:
                error: HHError = HHUnavailable(f"HH cannot be reached ({type(e).__name__})")
            else:
                if response.status_code < 400:
                    return response.json() if response.content else None
                error = error_for(response.status_code, _json(response),
                                  _retry_after(response))  # fmt: skip
            if isinstance(error, HHTokenExpired) and self.tokens and token and not refreshed:
                token = await asyncio.to_thread(self.tokens.refreshed, token)
                refreshed = True
                continue
            if error.retryable and attempt < self.settings.hh_max_retries:
                wait = self._wait(attempt, getattr(error, "retry_after_s", None))
                log.info("HH %s %s: %s; retrying in %.1f s", method, path_or_url, error.code, wait)
                await asyncio.sleep(wait)
                attempt += 1
                continue
            raise error

    def _wait(self, attempt: int, retry_after_s: float | None) -> float:
        """Exponential backoff with full jitter on top, never below HH's Retry-After."""
        base = min(self.max_backoff_s, self.backoff_s * 2**attempt)
        return max(retry_after_s or 0.0, base / 2 + random.uniform(0, base / 2))

    async def pages(
        self, path_or_url: str, params: dict[str, Any] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Every item of a paged listing, page after page."""
        page = 0
        while page < MAX_PAGES:
            body = await self.request(
                "GET", path_or_url, params={**(params or {}), "page": page, "per_page": PER_PAGE}
            )
            for item in body.get("items", []):
                yield item
            page += 1
            if page >= int(body.get("pages", 0)):
                return

    # ---- the employer's flow ----

    async def me(self) -> Me:
        return Me.model_validate(await self.request("GET", "/me"))

    async def vacancies(self, employer_id: str, *, archived: bool = False) -> list[VacancyBrief]:
        listing = f"/employers/{employer_id}/vacancies/{'archived' if archived else 'active'}"
        return [VacancyBrief.model_validate(item) async for item in self.pages(listing)]

    async def vacancy(self, vacancy_id: str) -> Vacancy:
        return Vacancy.model_validate(await self.request("GET", f"/vacancies/{vacancy_id}"))

    async def collections(self, vacancy_id: str) -> list[Collection]:
        body = await self.request("GET", "/negotiations", params={"vacancy_id": vacancy_id})
        return [Collection.model_validate(c) for c in body.get("collections", [])]

    async def responses(self, collection: Collection) -> AsyncIterator[Negotiation]:
        """The responses in one collection (its URL carries the vacancy)."""
        async for item in self.pages(collection.url):
            yield Negotiation.model_validate(item)

    async def resume(self, url: str) -> Resume:
        """A full resume by the URL the response gave (with its topic_id)."""
        return Resume.model_validate(await self.request("GET", url))

    async def act(self, action: Action, arguments: dict[str, str] | None = None) -> None:
        """Take one of a response's actions through its own URL and method."""
        args = dict(arguments or {})
        missing = [a.id for a in action.arguments if a.required and not args.get(a.id)]
        if missing:
            raise ValueError(f"HH action {action.id} needs {', '.join(missing)}")
        await self.request(action.method.upper(), action.url, data=args or None)

    async def subscribe(self, url: str, action_types: tuple[str, ...]) -> str:
        """HH notifies `url` of these events; the subscription's id."""
        body = await self.request("POST", "/webhook/subscriptions", json={
            "url": url, "actions": [{"type": t} for t in action_types]})  # fmt: skip
        return str(body["id"])

    async def unsubscribe(self, subscription_id: str) -> None:
        await self.request("DELETE", f"/webhook/subscriptions/{subscription_id}")

    async def send_message(self, negotiation_id: str, text: str) -> None:
        await self.request("POST", f"/negotiations/{negotiation_id}/messages",
                           data={"message": text})  # fmt: skip


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:  # HH's 5xx may come without JSON
        return None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
