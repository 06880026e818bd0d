"""The one interface every outbox channel implements, and how an item's kind picks a channel."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping

from db.outbox import OutboxItem
from pipelines.outbox.errors import UnknownChannel


class Channel(ABC):
    """Delivers one outbox item to the outside world (an e-mail, a Slack post, a webhook).

    `deliver` either returns the receiver's id for the message (or None) or raises
    `DeliveryError`; it must finish within `timeout_s`, which the dispatcher keeps below the
    lease so that no other dispatcher can take the item over while it is in flight. It must
    pass the item's idempotency key on, so that a receiver can drop the repeat that follows a
    dispatcher's crash between delivering and marking.
    """

    name: str = "channel"
    timeout_s: float = 10.0

    @abstractmethod
    def deliver(self, item: OutboxItem) -> str | None:
        """Send the item; return the receiver's message id if it gives one."""


def channel_for(channels: Mapping[str, Channel], kind: str) -> Channel:
    """The channel for an item's kind: exact, else its prefix ('email.invite' → 'email')."""
    channel = channels.get(kind) or channels.get(kind.split(".", 1)[0])
    if channel is None:
        raise UnknownChannel(kind)
    return channel
