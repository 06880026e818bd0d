"""Delivery errors: one class with a `retryable` flag, so dispatchers know retry from give up."""

from __future__ import annotations

from datetime import datetime


class DeliveryError(Exception):
    """A channel could not deliver an item; `reason` is safe to store and show (no secrets).

    `retryable` is True for what may pass on its own (a timeout, a 5xx, an SMTP 4xx) and
    False for what will not (a refused recipient, a 4xx, a payload the channel cannot send).
    """

    def __init__(
        self, reason: str, *, retryable: bool = True, retry_after_s: float | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.retry_after_s = retry_after_s  # the receiver asked to wait this long (a flood wait)


class UnknownChannel(DeliveryError):
    """No channel handles the item's kind; retrying will not help."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"no outbox channel handles kind {kind!r}", retryable=False)


class NotYet(DeliveryError):
    """The channel may not send the item before `until` (quiet hours where the recipient lives,
    a daily cap, outreach paused after a warning): it waits, without counting an attempt."""

    def __init__(self, reason: str, *, until: datetime) -> None:
        super().__init__(reason)
        self.until = until
