"""Lead responses: the one message a workspace sends to answer a lead, from draft to sent.

    draft ⇄ approved → queued → sent
      ↑        ↑         ↓
      └──── failed ←─────┘ (also from approved: refused before queuing, e.g. a daily cap)

A draft (pipelines.leads.response) may be redrafted, edited or approved; an edit of an approved
response takes it back to draft, since a person must approve what is actually sent. Once
queued in the outbox it is locked (`ResponseLocked`): the text that goes out is the text that
was approved. A failed response may be redrafted, edited or approved again.

Every move locks the row, checks the move against `TRANSITIONS` and updates `where status =
any(<allowed sources>)`, so two people or workers racing for the same response cannot both
win. A response is named by its id or by its lead's (there is one per lead).

These functions write the response only: the lead's history gets its `message_out` event and
the `responded` step from the sender, which knows when the message really left. Edits record
`edited_by` on the row and no lead event: the history is what the client saw, and a draft is
not that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import psycopg
from psycopg.rows import class_row

from db.errors import Conflict, InvalidValue, NotFound, TenantContextMissing
from db.statuses import invalid_transition, sources_of

CHANNELS = ("djinni", "linkedin", "hh", "email")
LANGUAGES = ("ru", "en")
MAX_BODY, MAX_SUBJECT, MAX_ERROR = 20_000, 300, 2000
TRANSITIONS: Mapping[str, frozenset[str]] = {
    "draft": frozenset({"draft", "approved"}),
    "approved": frozenset({"draft", "queued", "failed"}),
    "queued": frozenset({"sent", "failed"}),
    "sent": frozenset(),
    "failed": frozenset({"draft", "approved"}),
}
EDITABLE = tuple(sources_of(TRANSITIONS, "draft"))  # approved, draft, failed
_COLUMNS = (
    "id, workspace_id, lead_id, variant_id, language, subject, body, engine, channel, "
    "recipient, status, outbox_id, error, edited_by, approved_by, created_at, updated_at, sent_at"
)


class ResponseLocked(Conflict):
    """The response is queued or sent: its text can no longer change."""

    code = "response_locked"


@dataclass(frozen=True)
class LeadResponse:
    """The response to a lead and where it stands."""

    id: int
    workspace_id: UUID
    lead_id: int
    variant_id: int | None
    language: str
    subject: str
    body: str
    engine: str
    channel: str
    recipient: str | None
    status: str
    outbox_id: int | None
    error: str | None
    edited_by: int | None
    approved_by: int | None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None


def _fetch(conn: psycopg.Connection, query: str, params: object) -> LeadResponse | None:
    with conn.cursor(row_factory=class_row(LeadResponse)) as cur:
        cur.execute(query, params)
        return cur.fetchone()


def _check_text(body: str, subject: str) -> None:
    if not body.strip() or len(body) > MAX_BODY:
        raise InvalidValue(f"a response's body must be 1-{MAX_BODY} characters")
    if len(subject) > MAX_SUBJECT:
        raise InvalidValue(f"a response's subject must be at most {MAX_SUBJECT} characters")


def get_response(conn: psycopg.Connection, *, response_id: int) -> LeadResponse:
    """One response of the current workspace (`NotFound` otherwise)."""
    row = _fetch(conn, f"select {_COLUMNS} from lead_responses where id = %s", (response_id,))
    if row is None:
        raise NotFound(f"lead response {response_id} not found")
    return row


def get_for_lead(conn: psycopg.Connection, *, lead_id: int) -> LeadResponse | None:
    """The lead's response, if one was drafted."""
    return _fetch(conn, f"select {_COLUMNS} from lead_responses where lead_id = %s", (lead_id,))


def save_draft(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    lead_id: int,
    variant_id: int | None,
    language: str,
    body: str,
    engine: str,
    channel: str,
    subject: str = "",
    recipient: str | None = None,
) -> LeadResponse:
    """Store a freshly drafted response, replacing a draft, approved or failed one (approval,
    edit marks and errors are cleared); `ResponseLocked` once it is queued or sent."""
    if language not in LANGUAGES:
        raise InvalidValue(f"a response's language must be one of {LANGUAGES}, got '{language}'")
    if channel not in CHANNELS:
        raise InvalidValue(f"a response's channel must be one of {CHANNELS}, got '{channel}'")
    if not engine:
        raise InvalidValue("a response records the engine that wrote it")
    _check_text(body, subject)
    try:
        row = _fetch(
            conn,
            f"""
            insert into lead_responses (workspace_id, lead_id, variant_id, language, subject,
                                        body, engine, channel, recipient)
            values (%(ws)s, %(lead)s, %(variant)s, %(language)s, %(subject)s, %(body)s,
                    %(engine)s, %(channel)s, %(recipient)s)
            on conflict (workspace_id, lead_id) do update
            set variant_id = excluded.variant_id, language = excluded.language,
                subject = excluded.subject, body = excluded.body, engine = excluded.engine,
                channel = excluded.channel, recipient = excluded.recipient, status = 'draft',
                outbox_id = null, error = null, edited_by = null, approved_by = null
            where lead_responses.status = any(%(editable)s)
            returning {_COLUMNS}
            """,
            {
                "ws": workspace_id,
                "lead": lead_id,
                "variant": variant_id,
                "language": language,
                "subject": subject,
                "body": body,
                "engine": engine,
                "channel": channel,
                "recipient": recipient,
                "editable": list(EDITABLE),
            },  # fmt: skip
        )
    except psycopg.errors.InsufficientPrivilege as e:
        raise TenantContextMissing("response workspace_id does not match the context") from e
    except psycopg.errors.ForeignKeyViolation as e:
        raise NotFound(f"lead {lead_id} or variant {variant_id} not found") from e
    if row is None:
        current = get_for_lead(conn, lead_id=lead_id)
        status = current.status if current else "unknown"
        raise ResponseLocked(f"the response to lead {lead_id} is {status}; it cannot be redrafted")
    return row


def _locate(conn: psycopg.Connection, response_id: int | None, lead_id: int | None) -> LeadResponse:
    """The response named by its id or by its lead's (one response per lead), locked."""
    if (response_id is None) == (lead_id is None):
        raise InvalidValue("name a response by its id or by its lead's id, not both")
    column, key = ("id", response_id) if response_id is not None else ("lead_id", lead_id)
    row = _fetch(
        conn, f"select {_COLUMNS} from lead_responses where {column} = %s for update", (key,)
    )
    if row is None:
        raise NotFound(f"lead response ({column} {key}) not found")
    return row


def _move(
    conn: psycopg.Connection,
    current: LeadResponse,
    target: str,
    assignments: str,
    params: dict[str, object],
) -> LeadResponse:
    """Apply one status move if the current status allows it, else say why not."""
    if current.status not in sources_of(TRANSITIONS, target):
        if target == "draft" and current.status in ("queued", "sent"):
            raise ResponseLocked(
                f"the response to lead {current.lead_id} is {current.status}; it cannot change"
            )
        raise invalid_transition("lead response", current.id, current.status, target)
    row = _fetch(
        conn,
        f"""
        update lead_responses set status = %(target)s{assignments}
        where id = %(id)s and status = any(%(sources)s)
        returning {_COLUMNS}
        """,
        {
            **params,
            "id": current.id,
            "target": target,
            "sources": sources_of(TRANSITIONS, target),
        },  # fmt: skip
    )
    assert row is not None  # locked by _locate, and its status allows the move
    return row


def edit(
    conn: psycopg.Connection,
    *,
    edited_by: int | None,
    response_id: int | None = None,
    lead_id: int | None = None,
    body: str | None = None,
    subject: str | None = None,
    recipient: str | None = None,
) -> LeadResponse:
    """A person's change to the text, subject or recipient (None: keep); back to draft, so the
    edited text is approved before it goes. `ResponseLocked` once queued or sent."""
    current = _locate(conn, response_id, lead_id)
    _check_text(body if body is not None else current.body,
                subject if subject is not None else current.subject)  # fmt: skip
    return _move(
        conn,
        current,
        "draft",
        ", body = coalesce(%(body)s, body), subject = coalesce(%(subject)s, subject), "
        "recipient = coalesce(%(recipient)s, recipient), edited_by = %(user)s, "
        "approved_by = null, error = null",
        {"body": body, "subject": subject, "recipient": recipient, "user": edited_by},
    )


def approve(
    conn: psycopg.Connection,
    *,
    approved_by: int | None,
    response_id: int | None = None,
    lead_id: int | None = None,
) -> LeadResponse:
    """Let the response go (`approved_by` None: approved automatically above the profile's
    auto-send threshold). Approving an approved response changes nothing."""
    current = _locate(conn, response_id, lead_id)
    if current.status == "approved":
        return current
    return _move(conn, current, "approved", ", approved_by = %(user)s, error = null",
                 {"user": approved_by})  # fmt: skip


def mark_queued(
    conn: psycopg.Connection,
    *,
    outbox_id: int,
    response_id: int | None = None,
    lead_id: int | None = None,
) -> LeadResponse:
    """The approved response was put in the outbox as item `outbox_id` (once: the same item
    again changes nothing, another one is refused)."""
    current = _locate(conn, response_id, lead_id)
    if current.status == "queued" and current.outbox_id == outbox_id:
        return current
    return _move(conn, current, "queued", ", outbox_id = %(outbox)s", {"outbox": outbox_id})


def mark_sent(
    conn: psycopg.Connection,
    *,
    response_id: int | None = None,
    lead_id: int | None = None,
    sent_at: datetime | None = None,
) -> LeadResponse:
    """The board or mail server took the message. Marking a sent response again changes
    nothing (a dispatcher may report twice)."""
    current = _locate(conn, response_id, lead_id)
    if current.status == "sent":
        return current
    return _move(conn, current, "sent", ", sent_at = coalesce(%(at)s, now()), error = null",
                 {"at": sent_at})  # fmt: skip


def mark_failed(
    conn: psycopg.Connection,
    *,
    error: str,
    response_id: int | None = None,
    lead_id: int | None = None,
) -> LeadResponse:
    """Sending gave up (or was refused before queuing); the reason is kept for the console."""
    current = _locate(conn, response_id, lead_id)
    reason = (error or "").strip()[:MAX_ERROR] or "failed"
    return _move(conn, current, "failed", ", error = %(error)s", {"error": reason})


def sent_today(conn: psycopg.Connection, channel: str, tz: str = "UTC") -> int:
    """Responses of the current workspace sent through `channel` since midnight in `tz` (the
    per-board daily caps count these)."""
    if channel not in CHANNELS:
        raise InvalidValue(f"a response's channel must be one of {CHANNELS}, got '{channel}'")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise InvalidValue(f"unknown time zone '{tz}'") from e
    row = conn.execute(
        """
        select count(*) from lead_responses
        where channel = %(channel)s and status = 'sent'
          and sent_at >= date_trunc('day', now() at time zone %(tz)s) at time zone %(tz)s
        """,
        {"channel": channel, "tz": tz},
    ).fetchone()
    assert row is not None  # an aggregate always answers
    return int(row[0])
