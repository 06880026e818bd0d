"""Outbound webhooks for integrators: a signed JSON POST per event (see `signing`).

Item payload: {"url": "https://...", "event": "application.created", "data": {...},
"endpoint_id": 7, "event_id": "..."?}. The body is the same on every attempt (the event id,
the item's creation time, the data, keys sorted), so a receiver that dedupes by event id drops
the repeat a crash may cause; the timestamp and signature are those of the attempt. The event
id is the idempotency key, or the original's for a delivery a person sent again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import httpx

from db.outbox import OutboxItem
from pipelines.outbox.channels.base import Channel
from pipelines.outbox.channels.http import post
from pipelines.outbox.errors import DeliveryError
from pipelines.outbox.signing import signed_headers

SecretFor = Callable[[OutboxItem], bytes | None]


def event_id(item: OutboxItem) -> str:
    """The id the receiver dedupes by: the same on every attempt and every re-send."""
    return str(item.payload.get("event_id") or item.idempotency_key)


def event_body(item: OutboxItem) -> bytes:
    """The JSON body of the item's event, byte-for-byte the same on every attempt."""
    event = {
        "id": event_id(item),
        "event": item.payload.get("event"),
        "created_at": item.created_at.isoformat(),
        "data": item.payload.get("data", {}),
    }
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class WebhookChannel(Channel):
    """POSTs signed events; `secret_for` gives the endpoint's signing secret (None: refuse)."""

    name = "webhook"

    def __init__(
        self,
        secret_for: SecretFor,
        *,
        timeout_s: float = 10.0,
        client: httpx.Client | None = None,
        allow_private: bool = False,
    ) -> None:
        self.timeout_s = timeout_s
        self._secret_for = secret_for
        self._allow_private = allow_private
        self._client = client or httpx.Client(timeout=timeout_s, follow_redirects=False)

    def deliver(self, item: OutboxItem) -> str | None:
        """Sign and POST the event; the receiver's status code is the message id."""
        url, event = item.payload.get("url"), item.payload.get("event")
        if not isinstance(url, str) or not isinstance(event, str):
            raise DeliveryError("a webhook item needs 'url' and 'event'", retryable=False)
        secret = self._secret_for(item)
        if not secret:
            raise DeliveryError("no signing secret for this webhook endpoint", retryable=False)
        body = event_body(item)
        headers = signed_headers(secret, event_id(item), body, int(time.time()))
        headers["Content-Type"] = "application/json"
        response = post(self._client, url, body, headers, allow_private=self._allow_private)
        return f"http:{response.status_code}"

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()
