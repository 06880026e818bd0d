"""Sending what waits in the outbox: the dispatcher, its channels and webhook signing."""

from pipelines.outbox.dispatcher import DispatchCounts, RetryPolicy, dispatch_due, log_failure
from pipelines.outbox.errors import DeliveryError, UnknownChannel

__all__ = [
    "DeliveryError",
    "DispatchCounts",
    "RetryPolicy",
    "UnknownChannel",
    "dispatch_due",
    "log_failure",
]
