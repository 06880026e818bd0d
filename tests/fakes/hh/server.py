"""A real HTTP server on 127.0.0.1 that behaves like HeadHunter's API for the product's HH
client: OAuth, the employer's vacancies, responses, resumes and webhooks, and the rules HH
enforces (User-Agent, 10 requests/s, captcha, token lifetime, paid access).

    with FakeHH(World.sample(1)) as hh:
        client = HHClient(api_url=hh.api_url, oauth_url=hh.oauth_url,
                          client_id=hh.client_id, client_secret=hh.client_secret, ...)
        ...
        assert hh.refreshes == 1
        assert hh.world.actions[0].action == "interview"

Knobs: `rate_limit_per_s` (None: off), `captcha_next(n)`, `fail_next(status, times)`,
`expire_access_tokens()`, `advance(seconds)` (the server's clock), `no_paid_access`,
`resume_quota_exceeded`, `resume_views_left`, `messages_in_a_row_limit`,
`deny_authorization`. Records: `requests` (method, path, query, headers), `refreshes`,
`resume_views`, `world.actions`, `webhook_deliveries`. Browser pages (`/oauth/authorize`,
`/account/captcha`) skip the API's User-Agent and rate checks, like hh.ru's own pages.
"""

from __future__ import annotations

import math
import re
import secrets
import threading
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from tests.fakes.hh.data import Message, Negotiation, Resume, World, hh_time
from tests.fakes.hh.errors import HHError
from tests.fakes.hh.oauth import OAuthState
from tests.fakes.served import ServedApp

# `AppName/1.0 (contact@example.com)`: the form the docs ask for; anything else is refused.
_USER_AGENT = re.compile(r"^[^/\s][^/]*/\S+ \([^\s()@]+@[^\s()@]+\.[^\s()@]+\)$")
_BROWSER_PAGES = ("/oauth/authorize", "/account/captcha")
_TOKEN_PATHS = ("/oauth/token", "/token")


class Recorded(NamedTuple):
    """One request as the server saw it (header names lower-case)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


class FakeHH:
    """The fake HH, started in a background thread by `with FakeHH(...) as hh:`."""

    def __init__(
        self,
        world: World | None = None,
        *,
        rate_limit_per_s: float | None = 10.0,
        redirect_uri: str | None = None,
    ) -> None:
        self.world = world or World.sample(0)
        self.client_id = "FAKE" + secrets.token_hex(14).upper()
        self.client_secret = secrets.token_hex(24).upper()
        self._clock_offset = timedelta(0)
        self.oauth = OAuthState(self.client_id, self.client_secret, redirect_uri, self.now)
        self.rate_limit_per_s = rate_limit_per_s
        self.no_paid_access = False
        self.resume_quota_exceeded = False
        self.resume_views_left: int | None = None
        self.messages_in_a_row_limit: int | None = None
        self.requests: list[Recorded] = []
        self.resume_views: list[tuple[str, str | None]] = []
        self.resumes_seen: set[str] = set()
        self.webhooks: dict[str, dict[str, Any]] = {}
        self.webhook_deliveries: list[tuple[str, dict[str, Any], int | None]] = []
        self.captchas_solved = 0
        self._captchas = 0
        self._failures: deque[int] = deque()
        self._bucket = float(rate_limit_per_s or 1)
        self._bucket_rate = rate_limit_per_s
        self._bucket_at = time.monotonic()
        self._lock = threading.Lock()
        self._port: int | None = None
        self.app = self._build_app()
        self._served = ServedApp(self.app, "fake-hh")

    # --- addresses and clock -------------------------------------------------------------

    @property
    def api_url(self) -> str:
        """Stands for https://api.hh.ru (no trailing slash)."""
        if self._port is None:
            raise RuntimeError("FakeHH is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def oauth_url(self) -> str:
        """Stands for https://hh.ru: `{oauth_url}/oauth/authorize`, `{oauth_url}/oauth/token`."""
        return self.api_url

    @property
    def refreshes(self) -> int:
        """How many refresh tokens were redeemed."""
        return self.oauth.refreshes

    @property
    def deny_authorization(self) -> bool:
        """When set, the consent page answers `error=access_denied`."""
        return self.oauth.deny_authorization

    @deny_authorization.setter
    def deny_authorization(self, value: bool) -> None:
        self.oauth.deny_authorization = value

    def now(self) -> datetime:
        """The server's clock: real time plus whatever `advance` added."""
        return datetime.now(UTC) + self._clock_offset

    def advance(self, seconds: float = 0, *, days: float = 0) -> None:
        """Move the server's clock forward (tokens expire after 14 days of it)."""
        self._clock_offset += timedelta(seconds=seconds, days=days)

    # --- knobs ----------------------------------------------------------------------------

    def captcha_next(self, n: int = 1) -> None:
        """The next `n` API requests answer 403 `captcha_required` (until the page is visited)."""
        with self._lock:
            self._captchas += n

    def fail_next(self, status: int = 503, times: int = 1) -> None:
        """The next `times` API requests answer `status` (503 as JSON, others as HTML)."""
        with self._lock:
            self._failures.extend([status] * times)

    def expire_access_tokens(self) -> None:
        """Every access token issued so far is expired now (403 oauth / token_expired)."""
        self.oauth.expire_access_tokens()

    def issue_tokens(self) -> dict[str, Any]:
        """A token pair without the browser dance, for tests about something else."""
        return self.oauth.issue()

    # --- the applicant's side and webhooks ------------------------------------------------

    def add_response(
        self,
        vacancy_id: str,
        resume: Resume | None = None,
        *,
        letter: str | None = None,
        notify: bool = True,
    ) -> Negotiation:
        """A candidate responds now; subscribed webhooks hear of it (HH's two events)."""
        n = self.world.add_response(vacancy_id, resume, letter=letter, now=self.now())
        if notify:
            common = {
                "employer_id": self.world.employer.id,
                "resume_id": n.resume_id,
                "topic_id": n.id,
                "vacancy_id": vacancy_id,
            }
            self.notify(
                "NEW_NEGOTIATION_VACANCY", {**common, "negotiation_date": hh_time(n.created_at)}
            )
            self.notify(
                "NEW_RESPONSE_OR_INVITATION_VACANCY",
                {**common, "response_date": hh_time(n.created_at)},
            )
        return n

    def applicant_reply(self, negotiation_id: str, text: str) -> Message:
        """The candidate writes in the response's chat."""
        n = self.world.negotiation(negotiation_id)
        if n is None:
            raise KeyError(negotiation_id)
        return self.world.add_message(n, "applicant", text, self.now())

    def notify(self, action_type: str, payload: dict[str, Any]) -> list[int | None]:
        """POST HH's callback body to every subscription that asked for `action_type`."""
        statuses: list[int | None] = []
        for sub in list(self.webhooks.values()):
            if action_type not in {a["type"] for a in sub["actions"]}:
                continue
            body = {
                "id": secrets.token_hex(16),
                "subscription_id": sub["id"],
                "action_type": action_type,
                "user_id": self.world.manager.user_id,
                "payload": payload,
            }
            status: int | None
            try:
                status = httpx.post(sub["url"], json=body, timeout=2.0).status_code
            except httpx.HTTPError:
                status = None  # HH would retry later; the test sees the failed delivery
            self.webhook_deliveries.append((sub["url"], body, status))
            statuses.append(status)
        return statuses

    # --- the gate every request passes ----------------------------------------------------

    def _take_token(self) -> int:
        """0 if the request may pass, else the seconds to put in `Retry-After`."""
        rate = self.rate_limit_per_s
        if not rate:
            return 0
        with self._lock:
            now = time.monotonic()
            if rate != self._bucket_rate:  # a test changed the limit: start with a full bucket
                self._bucket, self._bucket_rate = max(rate, 1.0), rate
            self._bucket = min(max(rate, 1.0), self._bucket + (now - self._bucket_at) * rate)
            self._bucket_at = now
            if self._bucket >= 1:
                self._bucket -= 1
                return 0
            return max(1, math.ceil((1 - self._bucket) / rate))

    def _injected(self) -> Response | None:
        with self._lock:
            status = self._failures.popleft() if self._failures else None
            captcha = status is None and self._captchas > 0
            if captcha:
                self._captchas -= 1
        if status == 503:
            return HHError(503, "service_unavailable").response()
        if status is not None:
            return HTMLResponse(f"<html><body><h1>{status}</h1></body></html>", status)
        if captcha:
            url = f"{self.api_url}/account/captcha?state={secrets.token_urlsafe(12)}"
            return HHError(
                403, "captcha_required", "captcha_required", error_fields={"captcha_url": url}
            ).response()
        return None

    async def _gate(self, request: Request, call_next: Any) -> Response:
        path = request.url.path
        self.requests.append(
            Recorded(request.method, path, dict(request.query_params), dict(request.headers))
        )
        if path in _BROWSER_PAGES:
            return await call_next(request)
        agent = request.headers.get("hh-user-agent")
        if agent is None:
            agent = request.headers.get("user-agent")
        if not agent:
            return HHError(400, "bad_user_agent", "unset").response()
        if not _USER_AGENT.match(agent):
            return HHError(400, "bad_user_agent", "blacklisted").response()
        wait = self._take_token()
        if wait:
            return HHError(429, "too_many_requests", headers={"Retry-After": str(wait)}).response()
        if path not in _TOKEN_PATHS and (injected := self._injected()) is not None:
            return injected
        return await call_next(request)

    def _build_app(self) -> FastAPI:
        from tests.fakes.hh import api, applicant, negotiations, oauth, public_search

        app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
        app.state.hh = self
        app.middleware("http")(self._gate)

        async def hh_error(_: Request, exc: Exception) -> Response:
            assert isinstance(exc, HHError)
            return exc.response()

        async def http_error(_: Request, exc: Exception) -> Response:
            assert isinstance(exc, StarletteHTTPException)
            kind = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "bad_request")
            return HHError(exc.status_code, kind).response()

        app.add_exception_handler(HHError, hh_error)
        app.add_exception_handler(StarletteHTTPException, http_error)
        app.include_router(oauth.router)
        app.include_router(public_search.router)  # before api's /vacancies/{id}
        app.include_router(api.router)
        app.include_router(negotiations.router)
        app.include_router(applicant.router)  # POST /negotiations, the applicant's side

        @app.get("/account/captcha")
        async def captcha(request: Request) -> Response:
            """Solving the captcha lifts the pending ones and goes back to `backurl`."""
            with self._lock:
                self._captchas = 0
                self.captchas_solved += 1
            backurl = request.query_params.get("backurl")
            if backurl:
                return RedirectResponse(backurl, status_code=302)
            return HTMLResponse("<html><body>Капча пройдена</body></html>")

        return app

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> FakeHH:
        """Serve on a free 127.0.0.1 port from a daemon thread; returns once it listens."""
        self._port = self._served.start()
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self._served.stop()

    def __enter__(self) -> FakeHH:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
