"""Meetings with a lead's company: the booking link sent with the response, then the meeting
Calendly booked (or a person recorded), and its cancellation.

A lead's response that carried a booking link leaves a 'link_sent' row; the booking Calendly
reports (`invitee.created`) takes that row over, keyed from then on by Calendly's invitee URI,
so the same webhook received twice is one meeting. A cancellation keeps the row, with its
reason. Times are stored as instants; the invitee's time zone is kept to show them as they saw
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import psycopg
from psycopg.rows import class_row

from db.errors import NotFound, TenantContextMissing

STATUSES = ("link_sent", "scheduled", "canceled")
_COLUMNS = (
    "id, workspace_id, lead_id, booking_url, invitee_uri, event_uri, invitee_name, "
    "invitee_email, start_at, end_at, timezone, status, cancel_reason, created_at, updated_at"
)


@dataclass(frozen=True)
class LeadMeeting:
    """One meeting (or the link offered for it) with a lead's company."""

    id: int
    workspace_id: UUID
    lead_id: int
    booking_url: str | None
    invitee_uri: str | None
    event_uri: str | None
    invitee_name: str | None
    invitee_email: str | None
    start_at: datetime | None
    end_at: datetime | None
    timezone: str | None
    status: str
    cancel_reason: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Booking:
    """What Calendly tells about one invitee's booking."""

    invitee_uri: str
    event_uri: str | None
    invitee_name: str | None
    invitee_email: str | None
    start_at: datetime | None
    end_at: datetime | None
    timezone: str | None


def _fetch(conn: psycopg.Connection, query: str, params: object) -> LeadMeeting | None:
    with conn.cursor(row_factory=class_row(LeadMeeting)) as cur:
        cur.execute(query, params)
        return cur.fetchone()


def link_sent(
    conn: psycopg.Connection, *, workspace_id: UUID, lead_id: int, booking_url: str
) -> LeadMeeting:
    """Record the booking link the lead was sent (once per link)."""
    existing = _fetch(
        conn,
        f"select {_COLUMNS} from lead_meetings where lead_id = %s and booking_url = %s "
        "order by id limit 1",
        (lead_id, booking_url),
    )
    if existing is not None:
        return existing
    try:
        row = _fetch(
            conn,
            f"""
            insert into lead_meetings (workspace_id, lead_id, booking_url)
            values (%s, %s, %s) returning {_COLUMNS}
            """,
            (workspace_id, lead_id, booking_url),
        )
    except psycopg.errors.InsufficientPrivilege as e:
        raise TenantContextMissing("meeting workspace_id does not match the context") from e
    except psycopg.errors.ForeignKeyViolation as e:
        raise NotFound(f"lead {lead_id} not found") from e
    assert row is not None
    return row


def _upsert(
    conn: psycopg.Connection,
    workspace_id: UUID,
    lead_id: int,
    booking: Booking,
    status: str,
    reason: str | None,
) -> LeadMeeting:
    params = {
        "ws": workspace_id, "lead": lead_id, "invitee": booking.invitee_uri,
        "event": booking.event_uri, "name": booking.invitee_name, "email": booking.invitee_email,
        "start": booking.start_at, "end": booking.end_at, "tz": booking.timezone,
        "status": status, "reason": reason,
    }  # fmt: skip
    sets = """event_uri = coalesce(%(event)s, event_uri),
        invitee_name = coalesce(%(name)s, invitee_name),
        invitee_email = coalesce(%(email)s, invitee_email),
        start_at = coalesce(%(start)s, start_at), end_at = coalesce(%(end)s, end_at),
        timezone = coalesce(%(tz)s, timezone), status = %(status)s,
        cancel_reason = %(reason)s"""
    row = _fetch(
        conn,
        f"update lead_meetings set {sets} where invitee_uri = %(invitee)s returning {_COLUMNS}",
        params,
    )
    if row is None:  # the link the lead was sent becomes the meeting booked with it
        row = _fetch(
            conn,
            f"""
            update lead_meetings set invitee_uri = %(invitee)s, {sets}
            where id = (select id from lead_meetings
                        where lead_id = %(lead)s and status = 'link_sent'
                          and invitee_uri is null
                        order by id desc limit 1 for update)
            returning {_COLUMNS}
            """,
            params,
        )
    if row is None:
        try:
            row = _fetch(
                conn,
                f"""
                insert into lead_meetings (workspace_id, lead_id, invitee_uri, event_uri,
                    invitee_name, invitee_email, start_at, end_at, timezone, status,
                    cancel_reason)
                values (%(ws)s, %(lead)s, %(invitee)s, %(event)s, %(name)s, %(email)s,
                        %(start)s, %(end)s, %(tz)s, %(status)s, %(reason)s)
                returning {_COLUMNS}
                """,
                params,
            )
        except psycopg.errors.InsufficientPrivilege as e:
            raise TenantContextMissing("meeting workspace_id does not match the context") from e
    assert row is not None
    return row


def schedule(
    conn: psycopg.Connection, *, workspace_id: UUID, lead_id: int, booking: Booking
) -> LeadMeeting:
    """The lead's company booked a meeting (Calendly's `invitee.created`)."""
    return _upsert(conn, workspace_id, lead_id, booking, "scheduled", None)


def cancel(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    lead_id: int,
    booking: Booking,
    reason: str | None,
) -> LeadMeeting:
    """The meeting was cancelled (Calendly's `invitee.canceled`), with the reason given."""
    return _upsert(conn, workspace_id, lead_id, booking, "canceled",
                   (reason or "").strip()[:1000] or None)  # fmt: skip


def get_by_invitee(conn: psycopg.Connection, *, invitee_uri: str) -> LeadMeeting | None:
    """The meeting Calendly's invitee URI stands for, if recorded."""
    return _fetch(
        conn, f"select {_COLUMNS} from lead_meetings where invitee_uri = %s", (invitee_uri,)
    )


def list_for_lead(conn: psycopg.Connection, *, lead_id: int) -> list[LeadMeeting]:
    """The lead's meetings and links, oldest first."""
    with conn.cursor(row_factory=class_row(LeadMeeting)) as cur:
        cur.execute(
            f"select {_COLUMNS} from lead_meetings where lead_id = %s order by id", (lead_id,)
        )
        return cur.fetchall()
