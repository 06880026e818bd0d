"""Calendly's webhooks about leads' meetings: `invitee.created` books, `invitee.canceled` cancels.

Calendly POSTs to `/api/v1/hooks/calendly/<workspace>` (serve_apps/api/lead_hooks.py) the
events of the subscription made with the workspace's signing key. Before anything is read or
written, the signature is checked: `Calendly-Webhook-Signature: t=<unix>,v1=<hex>` where v1 is
HMAC-SHA256 over "<t>.<raw body>" with that key, compared in constant time, and t within
`TOLERANCE_S` of now (a replay of a captured request goes stale). A refusal changes nothing.

The lead is the one the booking link named (`tracking.utm_content` = "lead-<id>", put there
by pipelines/leads/sending.py), else the lead whose contact e-mail is the invitee's. A booking
becomes a 'scheduled' meeting, a `meeting` event in the history keyed by Calendly's invitee
URI (so the same webhook twice, or Calendly's retry, changes nothing), the lead's move to
'meeting' and a notification with the start in the profile's time zone. A cancellation keeps
the meeting as 'canceled' with the reason (the lead stays where it is: a person decides what a
cancelled call means), and tells the team unless it is half of a reschedule (Calendly then
sends the new booking too). All of it commits in one transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg_pool import ConnectionPool

from db import lead_meetings, leadgen_profiles, leads, notifications
from db.errors import NotFound
from db.lead_meetings import Booking
from db.pool import transaction
from db.secret_box import SealedValueInvalid, SecretBox
from db.settings import Settings
from pipelines.leads.caps import zone

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "Calendly-Webhook-Signature"
TOLERANCE_S = 180
_LEAD_TAG = re.compile(r"^lead-(\d{1,18})$")


class CalendlyHookRefused(Exception):
    """The delivery is refused and nothing changed; `code` is stable, `status` the answer."""

    status = 401
    code = "calendly_signature_invalid"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SignatureMissing(CalendlyHookRefused):
    code = "calendly_signature_missing"


class SignatureInvalid(CalendlyHookRefused):
    code = "calendly_signature_invalid"


class TimestampStale(CalendlyHookRefused):
    code = "calendly_timestamp_stale"


class NotConfigured(CalendlyHookRefused):
    status = 403
    code = "calendly_not_configured"


class PayloadInvalid(CalendlyHookRefused):
    status = 400
    code = "calendly_payload_invalid"


@dataclass(frozen=True)
class HookOutcome:
    """What the delivery did: 'scheduled', 'canceled', 'duplicate' (known already),
    'unmatched' (no lead for it) or 'ignored' (an event lead generation does not follow)."""

    status: str
    lead_id: int | None = None


def verify_signature(
    key: str, header: str | None, body: bytes, *, now: float | None = None,
    tolerance_s: float = TOLERANCE_S,
) -> None:  # fmt: skip
    """Raise unless `header` signs `body` with `key` within the tolerance."""
    if not header:
        raise SignatureMissing(f"no {SIGNATURE_HEADER} header")
    parts = dict(p.strip().split("=", 1) for p in header.split(",") if "=" in p)
    t, v1 = parts.get("t", ""), parts.get("v1", "")
    if not t.isdigit() or not v1:
        raise SignatureInvalid(f"{SIGNATURE_HEADER} is not t=<unix>,v1=<hex>")
    expected = hmac.new(key.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, v1.lower()):
        raise SignatureInvalid(f"{SIGNATURE_HEADER} does not sign this body")
    if abs((time.time() if now is None else now) - int(t)) > tolerance_s:
        raise TimestampStale(f"the signature's time is over {tolerance_s:.0f} s from now")


def handle_calendly(
    pool: ConnectionPool,
    settings: Settings,
    workspace_id: UUID,
    *,
    headers: Mapping[str, str],
    body: bytes,
) -> HookOutcome:
    """Check one delivery and act on it (see the module docstring); `CalendlyHookRefused`
    when it is not the workspace's Calendly speaking."""
    box = SecretBox(settings.resolved_secret_key())
    with transaction(pool, workspace_id=workspace_id) as conn:
        try:
            _, key = leadgen_profiles.calendly_secrets(conn, workspace_id=workspace_id, box=box)
        except SealedValueInvalid:
            key = None
    if not key:
        raise NotConfigured("this workspace has no Calendly signing key")
    lowered = {k.lower(): v for k, v in headers.items()}
    verify_signature(key, lowered.get(SIGNATURE_HEADER.lower()), body)
    try:
        data = json.loads(body)
        event, payload = str(data["event"]), data["payload"]
        assert isinstance(payload, dict)
    except (ValueError, KeyError, TypeError, AssertionError) as e:
        raise PayloadInvalid("the body is not a Calendly webhook event") from e
    if event not in ("invitee.created", "invitee.canceled") or not payload.get("uri"):
        return HookOutcome("ignored")
    with transaction(pool, workspace_id=workspace_id) as conn:
        lead = _find_lead(conn, payload)
        if lead is None:
            log.info("Calendly %s in %s matches no lead", event, workspace_id)
            return HookOutcome("unmatched")
        if event == "invitee.created":
            return _booked(conn, workspace_id, lead, payload)
        return _canceled(conn, workspace_id, lead, payload)


def _find_lead(conn: psycopg.Connection, payload: dict[str, Any]) -> leads.Lead | None:
    tag = str((payload.get("tracking") or {}).get("utm_content") or "")
    if match := _LEAD_TAG.match(tag):
        try:
            return leads.get_lead(conn, lead_id=int(match.group(1)))
        except NotFound:
            pass  # another workspace's lead, or deleted: try the e-mail
    email = str(payload.get("email") or "").strip()
    if not email:
        return None
    row = conn.execute(
        """
        select id from leads where lower(contact ->> 'email') = lower(%s)
        order by status in ('lost', 'archived'), id desc limit 1
        """,
        (email,),
    ).fetchone()
    return leads.get_lead(conn, lead_id=row[0]) if row else None


def _at(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _booking(payload: dict[str, Any]) -> Booking:
    event = payload.get("scheduled_event") or {}
    return Booking(
        invitee_uri=str(payload["uri"]), event_uri=event.get("uri") or payload.get("event"),
        invitee_name=payload.get("name"), invitee_email=payload.get("email"),
        start_at=_at(event.get("start_time")), end_at=_at(event.get("end_time")),
        timezone=payload.get("timezone"),
    )  # fmt: skip


def _shown(at: datetime | None, tz: str) -> str:
    if at is None:
        return ""
    place = zone(tz)
    return f"{at.astimezone(place):%Y-%m-%d %H:%M} ({place.key})"


def _key(kind: str, invitee_uri: str) -> str:
    return f"{kind}:{hashlib.sha256(invitee_uri.encode()).hexdigest()[:32]}"


def _booked(
    conn: psycopg.Connection, workspace_id: UUID, lead: leads.Lead, payload: dict[str, Any]
) -> HookOutcome:
    booking = _booking(payload)
    tz = leadgen_profiles.get_profile(conn).meeting_timezone
    start = _shown(booking.start_at, tz)
    event = leads.add_event(
        conn, lead_id=lead.id, kind="meeting", external_id=booking.invitee_uri,
        body=f"Meeting booked by {booking.invitee_name or booking.invitee_email} for {start}",
        data={"status": "scheduled", "start_at": _iso(booking.start_at),
              "end_at": _iso(booking.end_at), "timezone": booking.timezone,
              "invitee_email": booking.invitee_email, "event_uri": booking.event_uri},
    )  # fmt: skip
    if event is None:
        return HookOutcome("duplicate", lead.id)
    lead_meetings.schedule(conn, workspace_id=workspace_id, lead_id=lead.id, booking=booking)
    leads.advance(conn, lead_id=lead.id, status="meeting")
    notifications.notify(
        conn, workspace_id=workspace_id, kind="lead.meeting_booked",
        dedupe_key=_key("lead-meeting-booked", booking.invitee_uri),
        subject={"lead_id": lead.id, "company": lead.company or lead.title, "title": lead.title,
                 "invitee": booking.invitee_name or booking.invitee_email, "start": start},
    )  # fmt: skip
    return HookOutcome("scheduled", lead.id)


def _canceled(
    conn: psycopg.Connection, workspace_id: UUID, lead: leads.Lead, payload: dict[str, Any]
) -> HookOutcome:
    booking = _booking(payload)
    cancellation = payload.get("cancellation") or {}
    reason = str(cancellation.get("reason") or "").strip() or None
    rescheduled = bool(payload.get("rescheduled"))
    tz = leadgen_profiles.get_profile(conn).meeting_timezone
    start = _shown(booking.start_at, tz)
    by = cancellation.get("canceler_type") or "invitee"
    event = leads.add_event(
        conn, lead_id=lead.id, kind="meeting", external_id=f"{booking.invitee_uri}#canceled",
        body=("Meeting rescheduled" if rescheduled else f"Meeting on {start} cancelled by {by}")
        + (f": {reason}" if reason else ""),
        data={"status": "canceled", "reason": reason, "canceler_type": by,
              "rescheduled": rescheduled, "start_at": _iso(booking.start_at)},
    )  # fmt: skip
    if event is None:
        return HookOutcome("duplicate", lead.id)
    shown_reason = "rescheduled" if rescheduled and not reason else reason
    lead_meetings.cancel(conn, workspace_id=workspace_id, lead_id=lead.id, booking=booking,
                         reason=shown_reason)  # fmt: skip
    if not rescheduled:
        notifications.notify(
            conn, workspace_id=workspace_id, kind="lead.meeting_canceled",
            dedupe_key=_key("lead-meeting-canceled", booking.invitee_uri),
            subject={"lead_id": lead.id, "company": lead.company or lead.title,
                     "title": lead.title, "start": start, "reason": reason or "",
                     "invitee": booking.invitee_name or booking.invitee_email},
        )  # fmt: skip
    return HookOutcome("canceled", lead.id)


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None
