"""Requests past what a replica can work on are answered at once: 503 `overloaded`.

Without this an overloaded replica queues: FastAPI runs sync routes in anyio's thread pool (40
threads), those wait for one of `db_pool_max` database connections, and past Serve's
`max_ongoing_requests` Serve's proxy queues too, then answers a plain 503 without
`Retry-After`. A client sees seconds of silence before anything says "busy". This ASGI
middleware, outermost in the app, counts the requests a replica is working on and answers any
over `Settings.api_max_in_flight` with 503 `{"error": {"code": "overloaded"}}` and
`Retry-After: 1`, before reading its body or touching the database.

Not every request is shed alike:
- health checks (`/health`, `/api/v1/health`) are never shed nor counted: a load balancer that
  sees a busy replica as dead takes it out and makes the overload worse;
- a candidate's interview (`/interview/...` page, `/api/v1/interview-links/...` signalling) is
  counted apart, with twice the limit: a burst of console reads never refuses a candidate's
  reconnect or ICE exchange, and candidates never take the recruiters' places. These requests
  are async and mostly wait on the interview's actor, so they are cheap to hold; new
  interviews are bounded on their own by the cluster's interview places (actors.placement)
  and each link's offers by its actor.
With the default 16 that is at most 16 + 32 requests in flight, under Serve's
`max_ongoing_requests` (64): Serve never queues a request for the replica before this decides.
The same middleware runs in each Serve proxy (serve_apps.proxy_shed), which refuses most of
the excess before it is routed; a refusal says where it was made (`X-Selectio-Shed-By`).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from serve_apps.errors import error_body

log = logging.getLogger(__name__)

Message = MutableMapping[str, Any]
Scope = MutableMapping[str, Any]
App = Callable[[Scope, Any, Any], Awaitable[None]]

RETRY_AFTER_S = 1
# The API's health checks, and Serve's own ones answered by its proxy (a balancer's probe)
NEVER_SHED = frozenset({"/health", "/api/v1/health", "/-/healthz", "/-/routes"})
CANDIDATES = ("/interview/", "/api/v1/interview-links/")
LOG_EVERY_S = 10.0  # one warning per this long while shedding, not one per request

SHED_BY = b"x-selectio-shed-by"  # "proxy" or "replica": where a refusal was made, for ops
_BODY = json.dumps(error_body("overloaded", "the service is busy; try again in a second")).encode()
_HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(_BODY)).encode()),
    (b"retry-after", str(RETRY_AFTER_S).encode()),
    (b"cache-control", b"no-store"),
]


def candidate_allowance(limit: int) -> int:
    """In-flight places of candidates' interview requests, apart from the `limit` of the rest."""
    return 2 * limit


class LoadShed:
    """ASGI middleware: at most `max_in_flight` requests worked on at once per replica (from
    `Settings.api_max_in_flight` when not given); the excess gets 503 `overloaded` at once."""

    def __init__(
        self, app: App, *, max_in_flight: int | None = None, where: str = "replica"
    ) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.where = where
        self._headers = [*_HEADERS, (SHED_BY, where.encode())]
        self.in_flight = {False: 0, True: 0}  # by "a candidate's"; only the event loop
        self.shed = 0
        self._shed_since_log = 0
        self._logged_at = 0.0

    def _limit(self, scope: Scope) -> int:
        if self.max_in_flight is not None:
            return self.max_in_flight
        return int(scope["app"].state.settings.api_max_in_flight)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path in NEVER_SHED:
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        candidate = path.startswith(CANDIDATES)
        if candidate:
            limit = candidate_allowance(limit)
        if self.in_flight[candidate] >= limit:
            await self._refuse(send, path)
            return
        self.in_flight[candidate] += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight[candidate] -= 1

    async def _refuse(self, send: Any, path: str) -> None:
        self.shed += 1
        self._shed_since_log += 1
        now = time.monotonic()
        if now - self._logged_at >= LOG_EVERY_S:
            log.warning(
                "overloaded (%s): %d requests refused since the last report (in flight: %d, "
                "candidates' %d; latest %s)", self.where, self._shed_since_log,
                self.in_flight[False], self.in_flight[True], path,
            )  # fmt: skip
            self._logged_at, self._shed_since_log = now, 0
        await send({"type": "http.response.start", "status": 503, "headers": self._headers})
        await send({"type": "http.response.body", "body": _BODY})
