"""A client of Calendly's API v2 (https://api.calendly.com) for the meetings leads book.

What lead generation needs, with the workspace's personal access token (Bearer):

- `GET /users/me`: the token's user and organization (a webhook subscription names it);
- `POST /scheduling_links` {max_event_count: 1, owner: <event type URI>, owner_type:
  "EventType"}: a single-use booking link per lead (`resource.booking_url`); `lead_link`
  appends `utm_content=lead-<id>`, which Calendly hands back in the invitee's `tracking`, so
  the webhook finds the lead (pipelines/leads/calendly_hooks.py);
- `POST /webhook_subscriptions` {url, events, organization, scope: "organization",
  signing_key}: Calendly then POSTs `invitee.created` / `invitee.canceled`, signed with the
  key we chose.

Failures are `CalendlyError`s with stable codes: `calendly_unauthorized` (401/403: a token
revoked or without the scope), `calendly_rate_limited` (429, with Retry-After),
`calendly_unavailable` (5xx, no answer), `calendly_refused` (any other 4xx). The token never
reaches a message or a log line.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

log = logging.getLogger(__name__)

CALENDLY_API_URL = "https://api.calendly.com"
EVENTS = ("invitee.created", "invitee.canceled")


class CalendlyError(Exception):
    """Calendly refused or failed; `code` is stable, `message` safe to show."""

    code = "calendly_refused"
    retryable = False

    def __init__(
        self, message: str, *, status: int | None = None, retry_after_s: float | None = None
    ) -> None:
        super().__init__(message)
        self.message, self.status, self.retry_after_s = message, status, retry_after_s


class CalendlyUnauthorized(CalendlyError):
    """The token is revoked, wrong, or lacks the scope: a person must fix it."""

    code = "calendly_unauthorized"


class CalendlyRateLimited(CalendlyError):
    """Too many requests; `retry_after_s` says how long Calendly asks to wait."""

    code = "calendly_rate_limited"
    retryable = True


class CalendlyUnavailable(CalendlyError):
    """Calendly did not answer, or answered 5xx: may pass on its own."""

    code = "calendly_unavailable"
    retryable = True


@dataclass(frozen=True)
class CalendlyUser:
    """The token's user: its URI and its organization's (what subscriptions are scoped by)."""

    uri: str
    organization: str
    name: str
    email: str | None
    timezone: str | None
    scheduling_url: str | None


def api_url(settings: object) -> str:
    """Calendly's base URL from the settings (`calendly_api_url`), else the real one."""
    return str(settings.calendly_api_url or CALENDLY_API_URL).rstrip("/")


def lead_link(booking_url: str, lead_id: int) -> str:
    """`booking_url` with `utm_content=lead-<id>` (replacing one already there)."""
    parts = urlsplit(booking_url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "utm_content"]
    query.append(("utm_content", f"lead-{lead_id}"))
    return urlunsplit(parts._replace(query=urlencode(query)))


class CalendlyClient:
    """One workspace's Calendly account (blocking; use as `with`)."""

    def __init__(
        self, token: str, *, base_url: str = CALENDLY_API_URL, timeout_s: float = 15.0
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(
            timeout=timeout_s,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )

    def __enter__(self) -> CalendlyClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.close()

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        try:
            response = self._http.request(method, self.base_url + path, json=body)
        except httpx.HTTPError as e:
            raise CalendlyUnavailable(f"Calendly cannot be reached ({type(e).__name__})") from e
        if response.status_code < 400:
            return response.json() if response.content else None
        raise error_for(response)

    def me(self) -> CalendlyUser:
        """The token's user (`GET /users/me`)."""
        r = (self._request("GET", "/users/me") or {}).get("resource") or {}
        if not r.get("uri") or not r.get("current_organization"):
            raise CalendlyError("Calendly's /users/me answer has no user or organization")
        return CalendlyUser(
            uri=r["uri"], organization=r["current_organization"], name=r.get("name") or "",
            email=r.get("email"), timezone=r.get("timezone"),
            scheduling_url=r.get("scheduling_url"),
        )  # fmt: skip

    def scheduling_link(self, event_type_uri: str) -> str:
        """A single-use booking link for the event type (`POST /scheduling_links`)."""
        body = {"max_event_count": 1, "owner": event_type_uri, "owner_type": "EventType"}
        resource = (self._request("POST", "/scheduling_links", body) or {}).get("resource") or {}
        url = resource.get("booking_url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise CalendlyError("Calendly's scheduling link answer has no booking_url")
        return url

    def subscribe(self, *, url: str, organization: str, signing_key: str) -> str:
        """Have Calendly POST the organization's invitee events to `url`, signed with
        `signing_key`; the subscription's URI (an existing one for the same URL counts)."""
        body = {"url": url, "events": list(EVENTS), "organization": organization,
                "scope": "organization", "signing_key": signing_key}  # fmt: skip
        try:
            answer = self._request("POST", "/webhook_subscriptions", body) or {}
        except CalendlyError as e:
            if e.status == 409:  # "Hook with this url already exists"
                return url
            raise
        return str((answer.get("resource") or {}).get("uri") or url)


def error_for(response: httpx.Response) -> CalendlyError:
    """The error a Calendly answer stands for (its `title` and `message` kept, no token)."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    said = ""
    if isinstance(body, dict):
        said = ": ".join(str(body[k]) for k in ("title", "message") if body.get(k))[:300]
    status = response.status_code
    described = f"HTTP {status}" + (f", {said}" if said else "")
    if status in (401, 403):
        return CalendlyUnauthorized(f"Calendly refused the token ({described})", status=status)
    if status == 429:
        wait = _seconds(response.headers.get("Retry-After")) or _seconds(
            response.headers.get("X-RateLimit-Reset")
        )
        return CalendlyRateLimited(f"Calendly asks to slow down ({described})", status=status,
                                   retry_after_s=wait)  # fmt: skip
    if status >= 500:
        return CalendlyUnavailable(f"Calendly is unavailable ({described})", status=status)
    return CalendlyError(f"Calendly refused the request ({described})", status=status)


def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def connect_webhooks(
    token: str, signing_key: str, callback_url: str, *, base_url: str = CALENDLY_API_URL
) -> str:
    """Subscribe the token's organization to invitee events at `callback_url` (the workspace's
    `/api/v1/hooks/calendly/<workspace>`); the subscription's URI."""
    with CalendlyClient(token, base_url=base_url) as client:
        user = client.me()
        uri = client.subscribe(url=callback_url, organization=user.organization,
                               signing_key=signing_key)  # fmt: skip
    log.info("Calendly webhooks subscribed for organization %s", user.organization)
    return uri
