"""Sending a lead's response: queued once in the outbox, then recorded when it really left.

`send_response` takes the approved response (or a draft on the auto-send path, for a lead at
or above the profile's `auto_send_threshold`), fills the `{booking_link}` placeholder, and
queues ONE outbox item under the key `lead-response:<response id>`, in the same transaction as
the response's move to 'queued'. The way out follows the response's channel:

- djinni → 'lead.djinni': the workspace's signed-in Djinni account applies on the vacancy page
  (pipelines/outbox/channels/lead_board.py);
- hh → 'lead.hh': HeadHunter's `POST /negotiations` with the profile's HH resume
  (pipelines/outbox/channels/lead_hh.py);
- email → 'email.lead': the installation's SMTP, From the profile's sender;
- linkedin → 'lead.linkedin' when the workspace keeps a LinkedIn session and the lead's URL
  names the job: the signed-in account messages the job's poster
  (pipelines/outbox/channels/lead_linkedin.py); else by e-mail when the lead (or the response)
  has the contact's address; else the send is refused (`linkedin_not_connected`).

The booking link is a single-use Calendly scheduling link made for this lead when the profile
has a Calendly token and event type, else the profile's plain `booking_url`; either carries
`utm_content=lead-<id>`, which Calendly's webhook hands back (pipelines/leads/calendly_hooks.py).
When Calendly fails, the plain link stands in; with none, nothing is queued and the send is
refused with the reason.

The channels call `prepare_delivery` before sending (the per-board daily cap: `NotYet` until
the next local midnight; a response recorded as sent by this very item: nothing is sent again)
and `record_sent` as soon as the board took it: the response 'sent', a `message_out` event
(external id `outbox:<item id>`) with the text, the lead 'responded', in one transaction. The
dispatcher's `on_failed` (`failure_hook`) marks a response failed for good, with the error,
and notes it in the lead's history; the lead stays where it is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
from psycopg_pool import ConnectionPool

from db import integrations, lead_meetings, lead_responses, leadgen_profiles, leads, outbox
from db.errors import Conflict, NotFound
from db.lead_responses import LeadResponse
from db.leadgen_profiles import LeadgenProfile
from db.outbox import OutboxItem
from db.pool import transaction
from db.secret_box import SealedValueInvalid, SecretBox
from db.settings import Settings
from pipelines.leads import board_session, caps, djinni_session, linkedin_session
from pipelines.leads.calendly import CalendlyClient, CalendlyError, api_url, lead_link
from pipelines.outbox.channels.email import SmtpConfig
from pipelines.outbox.errors import DeliveryError, NotYet
from scraper.browser.linkedin_message import job_id_of

log = logging.getLogger(__name__)

PLACEHOLDER = "{booking_link}"
KINDS = {"djinni": "lead.djinni", "linkedin": "lead.linkedin", "hh": "lead.hh",
         "email": "email.lead"}  # fmt: skip
LEAD_KINDS = frozenset(KINDS.values())


class SendRefused(Conflict):
    """The response cannot be queued as things stand; `code` says why."""

    code = "send_refused"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def idempotency_key(response_id: int) -> str:
    """The outbox key of a response: one item per response, however often it is sent."""
    return f"lead-response:{response_id}"


@dataclass(frozen=True)
class _Route:
    kind: str
    payload: dict[str, Any]


# ---- queueing --------------------------------------------------------------------------------


def send_response(
    pool: ConnectionPool,
    settings: Settings,
    workspace_id: UUID,
    lead_id: int,
    *,
    actor_user_id: int | None = None,
    auto: bool = False,
) -> LeadResponse:
    """Queue the lead's response once (see the module docstring); a response already queued
    or sent is returned as it is. `SendRefused` says why nothing was queued (an approved
    response is then marked failed with that reason)."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        lead = leads.get_lead(conn, lead_id=lead_id)
        response = lead_responses.get_for_lead(conn, lead_id=lead_id)
        if response is None:
            raise NotFound(f"lead {lead_id} has no response drafted")
        if response.status in ("queued", "sent"):
            return response
        profile = leadgen_profiles.get_profile(conn)
        _check_may_go(response, lead, profile, auto)
        token = _calendly_token(conn, settings, workspace_id) if PLACEHOLDER in response.body \
            else None  # fmt: skip
    try:
        route = _route(pool, settings, workspace_id, lead, response, profile)
        link = _booking_link(settings, profile, token, lead_id) \
            if PLACEHOLDER in response.body else None  # fmt: skip
    except SendRefused as e:
        if response.status == "approved":
            with transaction(pool, workspace_id=workspace_id) as conn:
                lead_responses.mark_failed(conn, lead_id=lead_id, error=f"{e.code}: {e.message}")
        raise
    with transaction(pool, workspace_id=workspace_id) as conn:
        current = lead_responses.get_for_lead(conn, lead_id=lead_id)
        assert current is not None  # a response is never deleted alone
        if current.status in ("queued", "sent"):
            return current  # another send won meanwhile
        if current.status == "draft" and auto:
            current = lead_responses.approve(conn, lead_id=lead_id, approved_by=None)
        if current.status != "approved" or current.id != response.id:
            raise SendRefused(
                "response_not_approved", f"the response changed meanwhile (it is {current.status})"
            )
        if link is not None:
            _fill(conn, current.id, current.body.replace(PLACEHOLDER, link))
            lead_meetings.link_sent(conn, workspace_id=workspace_id, lead_id=lead_id,
                                    booking_url=link)  # fmt: skip
        item, created = outbox.enqueue(
            conn, workspace_id=workspace_id, kind=route.kind,
            idempotency_key=idempotency_key(current.id), payload=route.payload,
        )  # fmt: skip
        if not created and item.status == "failed":  # a failed send, approved again
            item = outbox.retry(conn, item_id=item.id)
        queued = lead_responses.mark_queued(conn, lead_id=lead_id, outbox_id=item.id)
    log.info("lead %s in %s: response queued as %s (outbox %s, by %s)", lead_id, workspace_id,
             route.kind, item.id, actor_user_id or ("auto" if auto else "?"))  # fmt: skip
    return queued


def _check_may_go(
    response: LeadResponse, lead: leads.Lead, profile: LeadgenProfile, auto: bool
) -> None:
    if response.status == "approved":
        return
    threshold = profile.auto_send_threshold
    if auto and response.status == "draft":
        if threshold is not None and lead.fit_score is not None and lead.fit_score >= threshold:
            return
        raise SendRefused("auto_send_not_allowed",
                          f"lead {lead.id}'s fit {lead.fit_score} is under the auto-send "
                          f"threshold ({threshold})")  # fmt: skip
    raise SendRefused("response_not_approved",
                      f"the response is {response.status}: approve it before sending")  # fmt: skip


def _calendly_token(conn: psycopg.Connection, settings: Settings, workspace_id: UUID) -> str | None:
    box = SecretBox(settings.resolved_secret_key())
    try:
        token, _ = leadgen_profiles.calendly_secrets(conn, workspace_id=workspace_id, box=box)
    except SealedValueInvalid:
        log.warning("workspace %s: the Calendly token does not open; using the plain link",
                    workspace_id)  # fmt: skip
        return None
    return token


def _route(
    pool: ConnectionPool,
    settings: Settings,
    workspace_id: UUID,
    lead: leads.Lead,
    response: LeadResponse,
    profile: LeadgenProfile,
) -> _Route:
    """The outbox kind and payload for the response's channel, or why it cannot go."""
    base = {"response_id": response.id, "lead_id": lead.id, "board": response.channel}
    if response.channel == "djinni":
        if not lead.url:
            raise SendRefused("no_channel", "the Djinni lead has no vacancy URL to apply on")
        if not djinni_session.is_connected(pool, workspace_id):
            raise SendRefused(
                "djinni_not_connected", "connect the workspace's Djinni account first (its cookies)"
            )
        return _Route(KINDS["djinni"], {**base, "url": lead.url})
    if response.channel == "hh":
        with transaction(pool, workspace_id=workspace_id) as conn:
            resume_id = leadgen_profiles.get_profile(conn).hh_resume_id
            connected = integrations.get(conn, kind="hh")
        if not resume_id:
            raise SendRefused(
                "hh_resume_missing", "set the HH resume to answer with in the lead-gen settings"
            )
        if not settings.hh_client_id or connected is None or connected.status not in (
                "connected", "action_needed", "error"):  # fmt: skip
            raise SendRefused("hh_not_connected", "connect HeadHunter first (Integrations)")
        return _Route(KINDS["hh"], {**base, "vacancy_id": lead.external_id,
                                    "resume_id": resume_id})  # fmt: skip
    linkedin = response.channel == "linkedin" and \
        board_session.is_connected(linkedin_session.BOARD, pool, workspace_id)  # fmt: skip
    if linkedin and (job_id := job_id_of(lead.url)):
        return _Route(KINDS["linkedin"], {**base, "job_id": job_id, "url": lead.url})
    to = recipient_of(lead, response)
    if to is None:
        if linkedin:
            raise SendRefused(
                "no_channel",
                "the lead's LinkedIn URL names no job whose poster "
                "could be messaged, and it has no e-mail: add the contact's e-mail",
            )
        if response.channel == "linkedin":
            raise SendRefused(
                "linkedin_not_connected",
                "LinkedIn messages go with the workspace's LinkedIn session: save it on the "
                "lead-gen settings page, or add the contact's e-mail",
            )
        raise SendRefused("no_recipient", "the lead has no contact e-mail to send to")
    if SmtpConfig.from_settings(settings) is None:
        raise SendRefused("no_channel", "e-mail is not configured (SELECTIO_SMTP_HOST, _FROM)")
    return _Route(KINDS["email"], {**base, "to": to})


def recipient_of(lead: leads.Lead, response: LeadResponse) -> str | None:
    """Where an e-mailed response goes: the response's recipient, else the lead's contact."""
    for candidate in (response.recipient, (lead.contact or {}).get("email")):
        if isinstance(candidate, str) and "@" in candidate.strip():
            return candidate.strip()
    return None


def _booking_link(
    settings: Settings, profile: LeadgenProfile, token: str | None, lead_id: int
) -> str:
    """The link the response offers: a single-use Calendly link, else the plain one."""
    plain = lead_link(profile.booking_url, lead_id) if profile.booking_url else None
    if token and profile.calendly_event_type:
        try:
            with CalendlyClient(token, base_url=api_url(settings)) as client:
                return lead_link(client.scheduling_link(profile.calendly_event_type), lead_id)
        except CalendlyError as e:
            log.warning("lead %s: no Calendly link (%s); %s", lead_id, e.code,
                        "the plain link instead" if plain else "nothing queued")  # fmt: skip
            if plain is None:
                raise SendRefused(
                    "booking_link_failed",
                    f"Calendly made no booking link ({e.code}: {e.message}) and there is no "
                    "plain booking link; nothing was sent",
                ) from e
    if plain is None:
        raise SendRefused("no_booking_link", "the response offers a booking link: set Calendly "
                          "or a booking URL in the lead-gen settings")  # fmt: skip
    return plain


def _fill(conn: psycopg.Connection, response_id: int, body: str) -> None:
    # The text as it goes out (the link filled in) is what the response keeps: the console
    # shows what the client got. Only an approved response, about to be queued, is touched.
    conn.execute(
        "update lead_responses set body = %s where id = %s and status = 'approved'",
        (body[: lead_responses.MAX_BODY], response_id),
    )


# ---- delivery bookkeeping (the channels') -----------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """What a channel sends: the response as approved, its lead, the profile (the sender);
    `delivered` is the board's id when this item's response is recorded sent already."""

    response: LeadResponse
    lead: leads.Lead
    profile: LeadgenProfile
    delivered: str | None = None


def prepare_delivery(pool: ConnectionPool, item: OutboxItem) -> Prepared:
    """Before a channel sends: the response (final `DeliveryError` when it is no longer this
    item's to send), already delivered or not, and the board's daily cap (`NotYet`)."""
    with transaction(pool, workspace_id=item.workspace_id) as conn:
        try:
            response = lead_responses.get_response(
                conn, response_id=int(item.payload["response_id"])
            )
            lead = leads.get_lead(conn, lead_id=response.lead_id)
        except (NotFound, KeyError, ValueError, TypeError) as e:
            raise DeliveryError("the lead or its response is gone", retryable=False) from e
        profile = leadgen_profiles.get_profile(conn)
        if response.outbox_id == item.id and response.status == "sent":
            return Prepared(response, lead, profile, delivered=_delivered_as(conn, item))
        if response.outbox_id != item.id or response.status != "queued":
            raise DeliveryError(f"the response is {response.status} now, not waiting for this "
                                "item", retryable=False)  # fmt: skip
        hold = caps.hold_for(conn, board=str(item.payload.get("board") or response.channel))
    if hold is not None:
        raise NotYet(f"waits: {hold.reason}", until=hold.until)
    return Prepared(response, lead, profile)


def _delivered_as(conn: psycopg.Connection, item: OutboxItem) -> str:
    row = conn.execute(
        "select data ->> 'delivered_as' from lead_events "
        "where kind = 'message_out' and external_id = %s",
        (f"outbox:{item.id}",),
    ).fetchone()
    return str(row[0]) if row and row[0] else f"outbox:{item.id}"


def record_sent(pool: ConnectionPool, item: OutboxItem, prepared: Prepared, delivered: str) -> None:
    """The board took the response: sent, in the history with its text, the lead responded."""
    response = prepared.response
    with transaction(pool, workspace_id=item.workspace_id) as conn:
        lead_responses.mark_sent(conn, response_id=response.id)
        leads.add_event(
            conn, lead_id=response.lead_id, kind="message_out", body=response.body,
            external_id=f"outbox:{item.id}",
            data={"channel": response.channel, "kind": item.kind, "outbox_id": item.id,
                  "response_id": response.id, "variant_id": response.variant_id,
                  "subject": response.subject, "delivered_as": delivered,
                  "to": item.payload.get("to")},
        )  # fmt: skip
        leads.advance(conn, lead_id=response.lead_id, status="responded")


def record_failure(pool: ConnectionPool, item: OutboxItem) -> None:
    """The outbox gave up on a lead response: failed with the error, noted in the history."""
    response_id = item.payload.get("response_id")
    if item.kind not in LEAD_KINDS or not isinstance(response_id, int):
        return
    error = item.last_error or "failed"
    with transaction(pool, workspace_id=item.workspace_id) as conn:
        try:
            response = lead_responses.get_response(conn, response_id=response_id)
        except NotFound:
            return
        if response.status != "queued" or response.outbox_id != item.id:
            return
        lead_responses.mark_failed(conn, response_id=response_id, error=error)
        leads.add_event(
            conn, lead_id=response.lead_id, kind="note", body=f"The response was not sent: {error}",
            external_id=f"outbox-failed:{item.id}:{item.attempts}",
            data={"outbox_id": item.id, "failed": True, "error": error, "channel": item.kind},
        )  # fmt: skip


def failure_hook(
    pool: ConnectionPool, then: Callable[[OutboxItem], None]
) -> Callable[[OutboxItem], None]:
    """The dispatcher's `on_failed`: a lead response's failure is recorded, then `then` (the
    owners told) runs for every item as before."""

    def on_failed(item: OutboxItem) -> None:
        try:
            record_failure(pool, item)
        except Exception:  # the owners are still told
            log.exception("outbox item %s: recording the lead response's failure failed", item.id)
        then(item)

    return on_failed
