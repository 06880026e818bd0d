"""A real HTTP server on 127.0.0.1 that behaves like Calendly's API v2 for lead generation, and
sends Calendly's signed webhooks.

    with FakeCalendly() as cal:
        client = CalendlyClient(cal.token, base_url=cal.api_url)
        link = client.scheduling_link(cal.event_type)
        cal.book(link + "?utm_content=lead-7", name="Ann", email="ann@acme.test", start=...)

API (Calendly's documented shapes): `GET /users/me` → `{"resource": {uri,
current_organization, ...}}`; `POST /scheduling_links` {max_event_count: 1, owner, owner_type:
"EventType"} → 201 `{"resource": {booking_url, owner, owner_type}}`; `POST
/webhook_subscriptions` {url, events, organization, scope, signing_key} → 201 `{"resource":
{uri, callback_url, events, scope, organization, state, ...}}`, 409 for a URL already
subscribed. Errors are `{"title", "message"[, "details"]}`; a wrong token is 401, and
`fail_next(status)` answers the next requests with an error (429 with Retry-After).

Webhooks: `book` uses a link once (a single-use link refuses a second booking) and POSTs
`invitee.created`; `cancel` POSTs `invitee.canceled` with the `cancellation` object. Bodies are
`{"created_at", "created_by", "event", "payload": <invitee with scheduled_event, tracking>}`,
signed `Calendly-Webhook-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with the
subscription's signing key. `deliveries` records (url, body bytes, headers, status).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from tests.fakes.served import ServedApp

EVENTS = ("invitee.created", "invitee.canceled", "invitee_no_show.created",
          "invitee_no_show.deleted", "routing_form_submission.created")  # fmt: skip
SIGNATURE_HEADER = "Calendly-Webhook-Signature"


def calendly_time(at: datetime) -> str:
    """Calendly's timestamps: UTC with microseconds and a Z."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sign(key: str, body: bytes, t: int | None = None) -> str:
    """The signature header's value for `body` signed with `key` at `t` (now by default)."""
    t = int(time.time()) if t is None else t
    digest = hmac.new(key.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def _error(
    status: int,
    title: str,
    message: str,
    *,
    details: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"title": title, "message": message}
    if details:
        body["details"] = details
    return JSONResponse(body, status_code=status, headers=headers)


@dataclass
class Link:
    """A single-use scheduling link and whether it was used."""

    code: str
    owner: str
    used_by: str | None = None


@dataclass
class Delivery:
    """One webhook POST: where, the exact body, the headers and the receiver's status."""

    url: str
    body: bytes
    headers: dict[str, str]
    status: int | None


@dataclass
class _State:
    links: dict[str, Link] = field(default_factory=dict)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    invitees: dict[str, dict[str, Any]] = field(default_factory=dict)


class FakeCalendly:
    """The fake Calendly, started in a daemon thread by `with FakeCalendly() as cal:`."""

    def __init__(self) -> None:
        self.token = "cal_pat_" + secrets.token_urlsafe(24)
        uid = secrets.token_hex(8).upper()
        self.user = f"https://api.calendly.com/users/U{uid}"
        self.organization = f"https://api.calendly.com/organizations/O{uid}"
        self.event_type = f"https://api.calendly.com/event_types/E{uid}"
        self.requests: list[tuple[str, str, dict[str, Any] | None]] = []
        self.deliveries: list[Delivery] = []
        self.state = _State()
        self._failures: deque[int] = deque()
        self._lock = threading.Lock()
        self._port: int | None = None
        self.app = self._build_app()
        self._served = ServedApp(self.app, "fake-calendly")

    @property
    def api_url(self) -> str:
        """Stands for https://api.calendly.com."""
        if self._port is None:
            raise RuntimeError("FakeCalendly is not started")
        return f"http://127.0.0.1:{self._port}"

    def fail_next(self, status: int = 503, times: int = 1) -> None:
        """The next `times` API requests answer `status` (429 says Retry-After: 7)."""
        with self._lock:
            self._failures.extend([status] * times)

    # ---- the API ---------------------------------------------------------------------------

    async def _gate(self, request: Request, call_next: Any) -> Response:
        body = await request.body()
        parsed = json.loads(body) if body else None
        self.requests.append((request.method, request.url.path, parsed))
        if request.url.path.startswith("/d/"):  # the booking page is public
            return await call_next(request)
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return _error(401, "Unauthenticated", "The access token is invalid")
        with self._lock:
            status = self._failures.popleft() if self._failures else None
        if status == 429:
            return _error(429, "Too Many Requests", "Rate limit exceeded",
                          headers={"Retry-After": "7"})  # fmt: skip
        if status is not None:
            return _error(status, "Internal Server Error", "Something went wrong")
        return await call_next(request)

    def _build_app(self) -> FastAPI:
        app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
        app.middleware("http")(self._gate)

        @app.get("/users/me")
        async def me() -> dict[str, Any]:
            now = calendly_time(datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC))
            return {"resource": {
                "uri": self.user, "name": "Olga Sales", "slug": "olga-sales",
                "email": "olga@staffing.test", "scheduling_url": f"{self.api_url}/olga-sales",
                "timezone": "Europe/Kyiv", "avatar_url": None, "created_at": now,
                "updated_at": now, "current_organization": self.organization,
                "resource_type": "User", "locale": "en",
            }}  # fmt: skip

        @app.post("/scheduling_links")
        async def scheduling_link(request: Request) -> Response:
            body = await request.json()
            bad = [p for p, ok in (
                ("max_event_count", body.get("max_event_count") == 1),
                ("owner", body.get("owner") == self.event_type),
                ("owner_type", body.get("owner_type") == "EventType"),
            ) if not ok]  # fmt: skip
            if bad:
                details = [{"parameter": p, "message": "is invalid"} for p in bad]
                return _error(400, "Invalid Argument", "The supplied parameters are invalid.",
                              details=details)  # fmt: skip
            code = secrets.token_hex(6)
            with self._lock:
                self.state.links[code] = Link(code, body["owner"])
            resource = {"booking_url": f"{self.api_url}/d/{code}/intro-call",
                        "owner": body["owner"], "owner_type": "EventType"}  # fmt: skip
            return JSONResponse({"resource": resource}, status_code=201)

        @app.post("/webhook_subscriptions")
        async def subscribe(request: Request) -> Response:
            body = await request.json()
            events = body.get("events")
            bad = [p for p, ok in (
                ("url", str(body.get("url") or "").startswith(("http://", "https://"))),
                ("events", isinstance(events, list) and events and set(events) <= set(EVENTS)),
                ("organization", body.get("organization") == self.organization),
                ("scope", body.get("scope") in ("organization", "user")),
            ) if not ok]  # fmt: skip
            if bad:
                details = [{"parameter": p, "message": "is invalid"} for p in bad]
                return _error(400, "Invalid Argument", "The supplied parameters are invalid.",
                              details=details)  # fmt: skip
            with self._lock:
                if any(s["callback_url"] == body["url"]
                       for s in self.state.subscriptions.values()):  # fmt: skip
                    return _error(409, "Already Exists", "Hook with this url already exists")
                uri = f"https://api.calendly.com/webhook_subscriptions/W{secrets.token_hex(8)}"
                now = calendly_time(datetime.now(UTC))
                self.state.subscriptions[uri] = {
                    "uri": uri, "callback_url": body["url"], "created_at": now,
                    "updated_at": now, "retry_started_at": None, "state": "active",
                    "events": events, "scope": body["scope"],
                    "organization": self.organization,
                    "user": self.user if body["scope"] == "user" else None,
                    "creator": self.user,
                    "signing_key": body.get("signing_key") or secrets.token_urlsafe(32),
                }  # fmt: skip
                shown = {k: v for k, v in self.state.subscriptions[uri].items()
                         if k != "signing_key"}  # fmt: skip
            return JSONResponse({"resource": shown}, status_code=201)

        return app

    # ---- what invitees do ------------------------------------------------------------------

    def book(
        self,
        booking_url: str,
        *,
        name: str,
        email: str,
        start: datetime,
        minutes: int = 30,
        timezone: str = "Europe/Berlin",
    ) -> dict[str, Any]:
        """An invitee books through `booking_url` (its utm_* parameters become `tracking`):
        the invitee, after `invitee.created` was POSTed to every subscription. A used
        single-use link raises ValueError, as Calendly's page refuses it."""
        parts = urlsplit(booking_url)
        code = parts.path.split("/")[2] if parts.path.startswith("/d/") else ""
        with self._lock:
            link = self.state.links.get(code)
            if link is None:
                raise ValueError(f"no scheduling link {booking_url}")
            if link.used_by is not None:
                raise ValueError("this single-use link was used already")
            event_uuid, invitee_uuid = secrets.token_hex(8).upper(), secrets.token_hex(8).upper()
            event_uri = f"https://api.calendly.com/scheduled_events/{event_uuid}"
            link.used_by = uri = f"{event_uri}/invitees/{invitee_uuid}"
        query = parse_qs(parts.query)
        tracking = {k: (query.get(k) or [None])[0] for k in (
            "utm_campaign", "utm_source", "utm_medium", "utm_content", "utm_term")}  # fmt: skip
        now = calendly_time(datetime.now(UTC))
        invitee = {
            "cancel_url": f"{self.api_url}/cancellations/{invitee_uuid}",
            "created_at": now, "email": email, "event": event_uri, "first_name": None,
            "last_name": None, "name": name, "new_invitee": None, "old_invitee": None,
            "no_show": None, "payment": None, "questions_and_answers": [],
            "reconfirmation": None,
            "reschedule_url": f"{self.api_url}/reschedulings/{invitee_uuid}",
            "rescheduled": False, "routing_form_submission": None, "status": "active",
            "text_reminder_number": None, "timezone": timezone,
            "tracking": {**tracking, "salesforce_uuid": None}, "updated_at": now, "uri": uri,
            "scheduled_event": {
                "uri": event_uri, "name": "Intro call", "meeting_notes_plain": None,
                "meeting_notes_html": None, "status": "active",
                "start_time": calendly_time(start),
                "end_time": calendly_time(start + timedelta(minutes=minutes)),
                "event_type": link.owner,
                "location": {"type": "google_conference", "status": "pushed",
                             "join_url": "https://meet.google.com/abc-defg-hij"},
                "invitees_counter": {"total": 1, "active": 1, "limit": 1},
                "created_at": now, "updated_at": now,
                "event_memberships": [{"user": self.user, "user_email": "olga@staffing.test",
                                       "user_name": "Olga Sales"}],
                "event_guests": [], "cancellation": None,
            },
        }  # fmt: skip
        with self._lock:
            self.state.invitees[uri] = invitee
        self.deliver("invitee.created", invitee)
        return invitee

    def cancel(
        self, invitee_uri: str, *, reason: str, canceler_type: str = "invitee"
    ) -> dict[str, Any]:
        """The invitee (or host) cancels: the invitee as canceled, after `invitee.canceled`."""
        with self._lock:
            invitee = self.state.invitees[invitee_uri]
            now = calendly_time(datetime.now(UTC))
            cancellation = {"canceled_by": invitee["name"] if canceler_type == "invitee"
                            else "Olga Sales", "reason": reason,
                            "canceler_type": canceler_type, "created_at": now}  # fmt: skip
            invitee.update(status="canceled", updated_at=now, cancellation=cancellation)
            invitee["scheduled_event"].update(status="canceled", cancellation=cancellation)
        self.deliver("invitee.canceled", invitee)
        return invitee

    def deliver(self, event: str, invitee: dict[str, Any]) -> list[int | None]:
        """POST `event` about `invitee` to every subscription that asked for it, signed with
        its key; the receivers' statuses (None: no answer)."""
        statuses: list[int | None] = []
        for sub in list(self.state.subscriptions.values()):
            if event not in sub["events"]:
                continue
            body = json.dumps({"created_at": calendly_time(datetime.now(UTC)),
                               "created_by": self.user, "event": event,
                               "payload": invitee}).encode()  # fmt: skip
            headers = {"Content-Type": "application/json",
                       SIGNATURE_HEADER: sign(sub["signing_key"], body)}  # fmt: skip
            statuses.append(self.post(sub["callback_url"], body, headers))
        return statuses

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int | None:
        """One webhook POST as Calendly makes it (also to replay one exactly)."""
        status: int | None
        try:
            status = httpx.post(url, content=body, headers=headers, timeout=15.0).status_code
        except httpx.HTTPError:
            status = None  # Calendly would retry later
        self.deliveries.append(Delivery(url, body, headers, status))
        return status

    def signing_key(self, callback_url: str) -> str:
        """The key the subscription to `callback_url` signs with."""
        for sub in self.state.subscriptions.values():
            if sub["callback_url"] == callback_url:
                return str(sub["signing_key"])
        raise KeyError(callback_url)

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeCalendly:
        """Serve on a free 127.0.0.1 port from a daemon thread; returns once it listens."""
        self._port = self._served.start()
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self._served.stop()

    def __enter__(self) -> FakeCalendly:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
