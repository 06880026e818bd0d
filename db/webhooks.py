"""Outbound webhooks: endpoints an integrator registers, and their deliveries.

An event (`EVENTS`) is published in the transaction of the change it reports
(`publish_event`): one outbox item of kind 'webhook' per enabled endpoint that wants it, under
the key "wh:<endpoint>:<event key>", so a retried change delivers once. The outbox dispatcher
signs and POSTs it (pipelines/outbox/channels/webhook.py) with the endpoint's secret, which is
stored sealed (db/secret_box.py) and read at send time, so a rotated secret signs what is still
queued. Deliveries are those outbox items: their status, attempts and last answer are what the
console shows, and any of them can be sent again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import psycopg
from psycopg.rows import class_row

from db import outbox
from db.errors import InvalidValue, NotFound
from db.outbox import OutboxItem

EVENTS = (
    "application.created",
    "screening.completed",
    "interview.completed",
    "report.ready",
    "candidate.stage_changed",
)
PING = "ping"  # a test delivery a person sends from the console; not subscribable
KIND = "webhook"
_COLUMNS = "id, workspace_id, url, events, description, enabled, created_by, created_at, updated_at"


@dataclass(frozen=True)
class Endpoint:
    """A registered receiver (its secret is not part of it: see `sealed_secret`)."""

    id: int
    workspace_id: UUID
    url: str
    events: list[str]
    description: str
    enabled: bool
    created_by: int | None
    created_at: datetime
    updated_at: datetime


def secret_purpose(endpoint_id: int) -> str:
    """The sealing purpose of an endpoint's signing secret."""
    return f"webhook:{endpoint_id}"


def _check(url: str | None, events: list[str] | None) -> None:
    if url is not None and (not url.startswith(("https://", "http://")) or len(url) > 2000):
        raise InvalidValue("a webhook URL must be http(s) and at most 2,000 characters")
    if events is not None:
        unknown = sorted(set(events) - set(EVENTS))
        if unknown or not events:
            raise InvalidValue(
                f"webhook events must be some of: {', '.join(EVENTS)}"
                + (f" (unknown: {', '.join(unknown)})" if unknown else "")
            )


def create_endpoint(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    url: str,
    events: list[str],
    seal: Any,
    description: str = "",
    created_by: int | None = None,
) -> Endpoint:
    """Register an endpoint; `seal(endpoint_id) -> bytes` seals its new secret (the id is the
    sealing purpose, so the row is written first and the secret set in the same transaction)."""
    _check(url, events)
    with conn.transaction(), conn.cursor(row_factory=class_row(Endpoint)) as cur:
        cur.execute(
            f"""
            insert into webhook_endpoints (workspace_id, url, events, description,
                                           secret_sealed, created_by)
            values (%s, %s, %s, %s, '\\x00', %s)
            returning {_COLUMNS}
            """,
            (workspace_id, url, sorted(set(events)), description.strip()[:200], created_by),
        )
        row = cur.fetchone()
        assert row is not None
        conn.execute(
            "update webhook_endpoints set secret_sealed = %s where id = %s", (seal(row.id), row.id)
        )
    return row


def get_endpoint(conn: psycopg.Connection, *, endpoint_id: int) -> Endpoint:
    """The endpoint if visible in the current workspace, else `NotFound`."""
    with conn.cursor(row_factory=class_row(Endpoint)) as cur:
        cur.execute(f"select {_COLUMNS} from webhook_endpoints where id = %s", (endpoint_id,))
        row = cur.fetchone()
    if row is None:
        raise NotFound(f"webhook endpoint {endpoint_id} not found")
    return row


def list_endpoints(conn: psycopg.Connection) -> list[Endpoint]:
    """The current workspace's endpoints, oldest first."""
    with conn.cursor(row_factory=class_row(Endpoint)) as cur:
        cur.execute(f"select {_COLUMNS} from webhook_endpoints order by id")
        return cur.fetchall()


def update_endpoint(
    conn: psycopg.Connection,
    *,
    endpoint_id: int,
    url: str | None = None,
    events: list[str] | None = None,
    description: str | None = None,
    enabled: bool | None = None,
) -> Endpoint:
    """Change what is given; the rest stays."""
    _check(url, events)
    with conn.cursor(row_factory=class_row(Endpoint)) as cur:
        cur.execute(
            f"""
            update webhook_endpoints set
                url = coalesce(%s, url), events = coalesce(%s, events),
                description = coalesce(%s, description), enabled = coalesce(%s, enabled),
                updated_at = now()
            where id = %s
            returning {_COLUMNS}
            """,
            (
                url,
                sorted(set(events)) if events is not None else None,
                description.strip()[:200] if description is not None else None,
                enabled,
                endpoint_id,
            ),
        )
        row = cur.fetchone()
    if row is None:
        raise NotFound(f"webhook endpoint {endpoint_id} not found")
    return row


def set_secret(conn: psycopg.Connection, *, endpoint_id: int, sealed: bytes) -> None:
    """Replace the endpoint's signing secret (rotation)."""
    done = conn.execute(
        "update webhook_endpoints set secret_sealed = %s, updated_at = now() where id = %s",
        (sealed, endpoint_id),
    ).rowcount
    if not done:
        raise NotFound(f"webhook endpoint {endpoint_id} not found")


def sealed_secret(conn: psycopg.Connection, *, endpoint_id: int) -> bytes | None:
    """The endpoint's sealed signing secret, None if the endpoint is gone."""
    row = conn.execute(
        "select secret_sealed from webhook_endpoints where id = %s", (endpoint_id,)
    ).fetchone()
    return bytes(row[0]) if row else None


def delete_endpoint(conn: psycopg.Connection, *, endpoint_id: int) -> None:
    """Remove the endpoint and withdraw its undelivered deliveries (sent ones stay as history)."""
    done = conn.execute("delete from webhook_endpoints where id = %s", (endpoint_id,)).rowcount
    if not done:
        raise NotFound(f"webhook endpoint {endpoint_id} not found")
    conn.execute(
        """
        update outbox set status = 'cancelled', last_error = 'endpoint deleted',
            lease_owner = null, lease_until = null
        where kind = %s and (payload ->> 'endpoint_id')::bigint = %s
            and status in ('pending', 'failed')
        """,
        (KIND, endpoint_id),
    )


def _enqueue(
    conn: psycopg.Connection,
    endpoint: Endpoint,
    event: str,
    key: str,
    data: dict[str, Any],
    event_id: str | None = None,
) -> OutboxItem:
    payload: dict[str, Any] = {
        "endpoint_id": endpoint.id, "url": endpoint.url, "event": event, "data": data
    }  # fmt: skip
    if event_id is not None:
        payload["event_id"] = event_id
    item, _ = outbox.enqueue(
        conn, workspace_id=endpoint.workspace_id, kind=KIND, idempotency_key=key, payload=payload
    )
    return item


def publish_event(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    event: str,
    event_key: str,
    data: dict[str, Any],
) -> int:
    """Queue `event` for every enabled endpoint that wants it; how many deliveries were queued.

    `event_key` names this occurrence (e.g. "screening:42"); with the endpoint it is the
    delivery's idempotency key and the event id the receiver sees."""
    if event not in EVENTS:
        raise InvalidValue(f"unknown webhook event '{event}'")
    with conn.cursor(row_factory=class_row(Endpoint)) as cur:
        cur.execute(
            f"select {_COLUMNS} from webhook_endpoints where enabled and %s = any(events)",
            (event,),
        )
        endpoints = cur.fetchall()
    for endpoint in endpoints:
        _enqueue(conn, endpoint, event, f"wh:{endpoint.id}:{event_key}"[:200], data)
    return len(endpoints)


def send_ping(conn: psycopg.Connection, *, endpoint_id: int) -> OutboxItem:
    """Queue a test delivery to the endpoint (enabled or not: a person asked for it)."""
    endpoint = get_endpoint(conn, endpoint_id=endpoint_id)
    return _enqueue(
        conn, endpoint, PING, f"wh:{endpoint.id}:ping:{uuid4()}",
        {"message": "A test delivery from Selectio", "endpoint_id": endpoint.id},
    )  # fmt: skip


def list_deliveries(
    conn: psycopg.Connection, *, endpoint_id: int, status: str | None = None, limit: int = 50
) -> list[OutboxItem]:
    """The endpoint's deliveries, newest first."""
    get_endpoint(conn, endpoint_id=endpoint_id)
    with conn.cursor(row_factory=class_row(OutboxItem)) as cur:
        cur.execute(
            f"""
            select {outbox.COLUMNS} from outbox
            where kind = %(kind)s and (payload ->> 'endpoint_id')::bigint = %(endpoint)s
              and (%(status)s::text is null or status = %(status)s)
            order by id desc limit %(limit)s
            """,
            {"kind": KIND, "endpoint": endpoint_id, "status": status, "limit": limit},
        )
        return cur.fetchall()


def resend(conn: psycopg.Connection, *, item_id: int) -> OutboxItem:
    """Send a delivery again: a failed one goes back to the queue; a sent (or cancelled) one is
    queued anew with the same event id, so a receiver that dedupes by it sees a repeat."""
    item = outbox.get_item(conn, item_id=item_id)
    if item.kind != KIND:
        raise NotFound(f"webhook delivery {item_id} not found")
    if item.status == "failed":
        return outbox.retry(conn, item_id=item_id)
    if item.status in ("pending", "sending"):
        raise InvalidValue(f"delivery {item_id} is still {item.status}: it goes out on its own")
    endpoint = get_endpoint(conn, endpoint_id=int(item.payload["endpoint_id"]))
    event_id = str(item.payload.get("event_id") or item.idempotency_key)
    count = conn.execute(
        "select count(*) from outbox where kind = %s and payload ->> 'event_id' = %s",
        (KIND, event_id),
    ).fetchone()
    again = (count[0] if count else 0) + 1
    return _enqueue(
        conn, endpoint, str(item.payload["event"]), f"{event_id}:again:{again}"[:200],
        dict(item.payload.get("data") or {}), event_id=event_id,
    )  # fmt: skip
