"""The outbox: every outbound side effect (a Telegram message, an email) waits here first.

A side effect is enqueued in the same transaction as the change that caused it, under an
idempotency key, so retrying that change never queues the message twice. Dispatchers claim due
items with `for update skip locked`, so two of them never send the same item; an item stays
'sending' while in flight and ends 'sent', back in 'pending' for a retry, or 'failed'.

A claim may carry a lease (`owner`, `lease`): the item is then 'sending' only until the lease
runs out, after which any dispatcher may claim it again (the dispatcher that held it is taken
for dead), and marks that name an owner are accepted only from the lease's holder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from db.errors import Conflict, InvalidValue, NotFound, TenantContextMissing
from db.statuses import invalid_transition

COLUMNS = (
    "id, workspace_id, kind, idempotency_key, payload, status, attempts, available_at, "
    "last_error, external_id, sent_at, created_at, updated_at, lease_owner, lease_until"
)
_MAX_ERROR = 2000  # an error message, not a traceback dump
_CLEAR_LEASE = ", lease_owner = null, lease_until = null"


class LeaseLost(Conflict):
    """The item's lease ran out and another dispatcher claimed it; this one must not mark it."""

    code = "outbox_lease_lost"


@dataclass(frozen=True)
class OutboxItem:
    """One pending or finished side effect."""

    id: int
    workspace_id: UUID
    kind: str
    idempotency_key: str
    payload: dict[str, Any]
    status: str
    attempts: int
    available_at: datetime
    last_error: str | None
    external_id: str | None
    sent_at: datetime | None
    created_at: datetime
    updated_at: datetime
    lease_owner: str | None = None
    lease_until: datetime | None = None


def _fetch(conn: psycopg.Connection, query: str, params: Any) -> OutboxItem | None:
    with conn.cursor(row_factory=class_row(OutboxItem)) as cur:
        cur.execute(query, params)
        return cur.fetchone()


def enqueue(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    kind: str,
    idempotency_key: str,
    payload: dict[str, Any],
    available_at: datetime | None = None,
) -> tuple[OutboxItem, bool]:
    """Queue a side effect once per key; returns (item, created), the existing item if queued."""
    if not 1 <= len(idempotency_key) <= 200:
        raise InvalidValue("an outbox idempotency key must be 1-200 characters")
    try:
        row = _fetch(
            conn,
            f"""
            insert into outbox (workspace_id, kind, idempotency_key, payload, available_at)
            values (%s, %s, %s, %s, coalesce(%s::timestamptz, now()))
            on conflict (workspace_id, idempotency_key) do nothing
            returning {COLUMNS}
            """,
            (workspace_id, kind, idempotency_key, Jsonb(payload), available_at),
        )
    except psycopg.errors.InsufficientPrivilege as e:
        raise TenantContextMissing(
            "outbox workspace_id does not match the workspace context"
        ) from e
    if row is not None:
        return row, True
    existing = _fetch(
        conn,
        f"select {COLUMNS} from outbox where workspace_id = %s and idempotency_key = %s",
        (workspace_id, idempotency_key),
    )
    assert existing is not None  # the conflicting row is committed and visible by now
    return existing, False


def claim_due(
    conn: psycopg.Connection,
    *,
    limit: int = 10,
    now: datetime | None = None,
    owner: str | None = None,
    lease: timedelta | None = None,
    channels: tuple[str, ...] | None = None,
    except_channels: tuple[str, ...] | None = None,
) -> list[OutboxItem]:
    """Take up to `limit` due items for sending, oldest first; rows others hold are skipped.

    Claimed items are 'sending' with one more attempt counted; the caller sends them and calls
    `mark_sent` or `mark_failed`. With `owner` and `lease` the claim expires at now + lease, and
    items whose lease has expired are due again (they come first: they waited longest).
    `channels` / `except_channels` take only / leave alone items whose kind starts with those
    channels ('telegram.welcome' is the 'telegram' channel's): Telegram messages go out through
    the workspace's bot, which holds the account's only client, and nothing else sends them.
    """
    if (owner is None) != (lease is None):
        raise InvalidValue("an outbox lease needs both an owner and a duration")
    with conn.cursor(row_factory=class_row(OutboxItem)) as cur:
        cur.execute(
            f"""
            with expired as (
                select id from outbox
                where status = 'sending'
                    and lease_until <= coalesce(%(now)s::timestamptz, now())
                    and (%(only)s::text[] is null or split_part(kind, '.', 1) = any(%(only)s))
                    and (%(skip)s::text[] is null or split_part(kind, '.', 1) <> all(%(skip)s))
                order by lease_until, id
                limit %(limit)s
                for update skip locked
            ), due as (
                select id from outbox
                where status = 'pending'
                    and available_at <= coalesce(%(now)s::timestamptz, now())
                    and (%(only)s::text[] is null or split_part(kind, '.', 1) = any(%(only)s))
                    and (%(skip)s::text[] is null or split_part(kind, '.', 1) <> all(%(skip)s))
                order by available_at, id
                limit %(limit)s
                for update skip locked
            ), picked as (
                select id from (select id, 0 as expired_first from expired
                                union all select id, 1 from due) both_kinds
                order by expired_first
                limit %(limit)s
            )
            update outbox o set status = 'sending', attempts = o.attempts + 1,
                lease_owner = %(owner)s,
                lease_until = coalesce(%(now)s::timestamptz, now()) + %(lease)s::interval
            from picked where o.id = picked.id
            returning {", ".join("o." + c.strip() for c in COLUMNS.split(","))}
            """,
            {
                "now": now,
                "limit": limit,
                "owner": owner,
                "lease": lease,
                "only": list(channels) if channels else None,
                "skip": list(except_channels) if except_channels else None,
            },  # fmt: skip
        )
        items = cur.fetchall()
    return sorted(items, key=lambda item: (item.available_at, item.id))


def _finish(
    conn: psycopg.Connection,
    item_id: int,
    target: str,
    sources: tuple[str, ...],
    sets: str,
    params: dict[str, Any],
    owner: str | None = None,
) -> OutboxItem:
    row = _fetch(
        conn,
        f"""
        update outbox set status = %(target)s{sets}{_CLEAR_LEASE}
        where id = %(id)s and status = any(%(sources)s)
            and (%(owner)s::text is null or lease_owner = %(owner)s)
        returning {COLUMNS}
        """,
        {**params, "id": item_id, "target": target, "sources": list(sources), "owner": owner},
    )
    if row is not None:
        return row
    current = conn.execute(
        "select status, lease_owner from outbox where id = %s", (item_id,)
    ).fetchone()
    if current is None:
        raise NotFound(f"outbox item {item_id} not found")
    if owner is not None and current[0] in sources and current[1] != owner:
        raise LeaseLost(f"outbox item {item_id} is no longer leased to this dispatcher")
    raise invalid_transition("outbox item", item_id, current[0], target)


def mark_sent(
    conn: psycopg.Connection,
    *,
    item_id: int,
    external_id: str | None = None,
    owner: str | None = None,
) -> OutboxItem:
    """Record a successful send (with the channel's message id) of a claimed item.

    With `owner`, only the lease's holder may mark it (else `LeaseLost`)."""
    return _finish(
        conn,
        item_id,
        "sent",
        ("sending",),
        ", external_id = %(external_id)s, sent_at = now(), last_error = null",
        {"external_id": external_id},
        owner,
    )


def mark_failed(
    conn: psycopg.Connection,
    *,
    item_id: int,
    error: str,
    retry_in: timedelta | None = None,
    owner: str | None = None,
) -> OutboxItem:
    """Record a failed send: back to 'pending' after `retry_in`, or 'failed' for good.

    With `owner`, only the lease's holder may mark it (else `LeaseLost`)."""
    target = "pending" if retry_in is not None else "failed"
    return _finish(
        conn,
        item_id,
        target,
        ("sending",),
        """, last_error = %(error)s,
        available_at = coalesce(now() + %(retry_in)s::interval, available_at)""",
        {"error": error[:_MAX_ERROR], "retry_in": retry_in},
        owner,
    )


def release(conn: psycopg.Connection, *, item_id: int, owner: str) -> OutboxItem:
    """Give back a claimed item that was not attempted (its attempt is not counted)."""
    return _finish(
        conn, item_id, "pending", ("sending",), ", attempts = greatest(attempts - 1, 0)", {}, owner
    )


def defer(
    conn: psycopg.Connection, *, item_id: int, owner: str, until: datetime, reason: str
) -> OutboxItem:
    """Put a claimed item back, unattempted, until `until`: the channel may not send it yet
    (quiet hours, a daily cap, paused outreach). Its attempt is not counted; `reason` shows
    why it waits."""
    return _finish(
        conn, item_id, "pending", ("sending",),
        """, attempts = greatest(attempts - 1, 0), last_error = %(error)s,
        available_at = %(until)s""",
        {"error": reason[:_MAX_ERROR], "until": until}, owner,
    )  # fmt: skip


def cancel(conn: psycopg.Connection, *, item_id: int) -> OutboxItem:
    """Withdraw an item that has not been sent; an item in flight cannot be recalled."""
    return _finish(conn, item_id, "cancelled", ("pending", "failed"), "", {})


def retry(conn: psycopg.Connection, *, item_id: int) -> OutboxItem:
    """Send a failed item again (a person asked, after fixing what made it fail): pending
    now, with a fresh count of attempts; its last error stays until the next attempt."""
    return _finish(
        conn, item_id, "pending", ("failed",), ", attempts = 0, available_at = now()", {}
    )


def requeue_stuck(conn: psycopg.Connection, *, older_than: timedelta) -> int:
    """Return items left 'sending' by a crashed dispatcher to 'pending'; how many were.

    This may send such an item twice (it might have gone out just before the crash), which
    is why `older_than` should be well above a send's timeout.
    """
    return conn.execute(
        """
        update outbox set status = 'pending', last_error = 'dispatcher lost the item',
            lease_owner = null, lease_until = null
        where status = 'sending' and updated_at < now() - %s
        """,
        (older_than,),
    ).rowcount


def reclaim_channel(conn: psycopg.Connection, *, channel: str) -> int:
    """Make the workspace's items of `channel` left 'sending' due again now; how many were.

    Only for a channel one holder sends alone (the Telegram account's bot, under its session
    lease): when a new holder starts, whatever is 'sending' was its dead predecessor's, and
    need not wait for that lease to run out. The resend is safe only because such a channel
    dedupes it (Telegram's random_id)."""
    return conn.execute(
        """
        update outbox set status = 'pending', available_at = now(), lease_owner = null,
            lease_until = null, last_error = 'the previous sender stopped mid-send'
        where status = 'sending' and split_part(kind, '.', 1) = %s
        """,
        (channel,),
    ).rowcount


def get_item(conn: psycopg.Connection, *, item_id: int) -> OutboxItem:
    """The item if visible in the current workspace, else `NotFound`."""
    row = _fetch(conn, f"select {COLUMNS} from outbox where id = %s", (item_id,))
    if row is None:
        raise NotFound(f"outbox item {item_id} not found")
    return row


def list_items(
    conn: psycopg.Connection, *, status: str | None = None, limit: int = 100, offset: int = 0
) -> list[OutboxItem]:
    """Items of the current workspace, newest first, optionally of one status."""
    with conn.cursor(row_factory=class_row(OutboxItem)) as cur:
        cur.execute(
            f"""
            select {COLUMNS} from outbox
            where %(status)s::text is null or status = %(status)s
            order by created_at desc, id desc
            limit %(limit)s offset %(offset)s
            """,
            {"status": status, "limit": limit, "offset": offset},
        )
        return cur.fetchall()


@dataclass(frozen=True)
class StatusCount:
    """Items of one status among a batch: how many, the earliest due, the latest errors."""

    status: str
    count: int
    next_at: datetime | None
    errors: list[str]


def status_counts(conn: psycopg.Connection, *, kind: str, keys: list[str]) -> list[StatusCount]:
    """How a batch of items (by idempotency key) stands, by status: a bulk send's progress.
    Up to five distinct errors per status, most frequent first."""
    rows = conn.execute(
        """
        select status, count(*), min(available_at) filter (where status = 'pending'),
               (select coalesce(array_agg(e order by n desc), '{}') from (
                    select last_error as e, count(*) as n from outbox i
                    where i.kind = %(kind)s and i.idempotency_key = any(%(keys)s)
                      and i.status = o.status and i.last_error is not null
                    group by last_error order by n desc limit 5) top)
        from outbox o
        where kind = %(kind)s and idempotency_key = any(%(keys)s)
        group by status order by status
        """,
        {"kind": kind, "keys": keys},
    ).fetchall()
    return [StatusCount(r[0], int(r[1]), r[2], list(r[3])) for r in rows]
