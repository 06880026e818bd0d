"""Slack incoming webhooks: the item's message POSTed as JSON to the workspace's hook URL.

Item payload: {"text": "...", "blocks": [...]?, "webhook_url": "https://hooks.slack.com/..."?}
or, for a URL kept secret at rest, {"webhook_url_sealed": base64, "webhook_url_purpose": "..."}
opened with the installation's `SecretBox`. Without either, the URL comes from
`default_url(workspace_id)` (a workspace setting). Slack has no idempotency key for incoming
webhooks; the key goes along as a header for proxies and test receivers. The URL is a
credential: it is never logged or stored in errors.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from uuid import UUID

import httpx

from db.outbox import OutboxItem
from db.secret_box import SealedValueInvalid, SecretBox
from pipelines.outbox.channels.base import Channel
from pipelines.outbox.channels.http import post
from pipelines.outbox.errors import DeliveryError
from pipelines.outbox.signing import EVENT_ID_HEADER

_MESSAGE_FIELDS = ("text", "blocks", "attachments", "username", "icon_emoji")


class SlackChannel(Channel):
    """Posts messages to Slack incoming webhooks."""

    name = "slack"

    def __init__(
        self,
        *,
        default_url: Callable[[UUID], str | None] | None = None,
        box: SecretBox | None = None,
        timeout_s: float = 10.0,
        client: httpx.Client | None = None,
        allow_private: bool = False,
    ) -> None:
        self.timeout_s = timeout_s
        self._default_url = default_url
        self._box = box
        self._allow_private = allow_private
        self._client = client or httpx.Client(timeout=timeout_s, follow_redirects=False)

    def deliver(self, item: OutboxItem) -> str | None:
        """POST the message; Slack answers 'ok' and gives no message id."""
        url = item.payload.get("webhook_url") or self._sealed_url(item)
        if url is None and self._default_url is not None:
            url = self._default_url(item.workspace_id)
        if not isinstance(url, str):
            raise DeliveryError("no Slack webhook URL for this workspace", retryable=False)
        message = {k: item.payload[k] for k in _MESSAGE_FIELDS if k in item.payload}
        if not message.get("text") and not message.get("blocks"):
            raise DeliveryError("a Slack item needs 'text' or 'blocks'", retryable=False)
        body = json.dumps(message, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", EVENT_ID_HEADER: item.idempotency_key}
        post(self._client, url, body, headers, allow_private=self._allow_private)
        return None

    def _sealed_url(self, item: OutboxItem) -> str | None:
        sealed, purpose = (
            item.payload.get("webhook_url_sealed"),
            item.payload.get("webhook_url_purpose"),
        )
        if sealed is None:
            return None
        if self._box is None or not isinstance(sealed, str) or not isinstance(purpose, str):
            raise DeliveryError(
                "this Slack message's webhook URL cannot be opened", retryable=False
            )
        try:
            return self._box.open(base64.b64decode(sealed), purpose=purpose)
        except (SealedValueInvalid, binascii.Error) as e:
            raise DeliveryError(
                "the stored Slack webhook URL does not open; set it again", retryable=False
            ) from e

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()
