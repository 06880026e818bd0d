"""The outbox dispatcher: claim due items under a lease, deliver, mark; retry with backoff.

Each pass (`dispatch_due`) works in one workspace's RLS context and holds no transaction while
it delivers: it claims up to `limit` items in a short transaction (`for update skip locked`,
status 'sending', a lease of `lease_s` to a token of its own), delivers them one by one, and
marks each in its own short transaction as soon as its channel answers. So:

- dispatchers alive together never deliver one item twice: a claimed item is invisible to the
  others until its lease runs out, and a pass never starts a delivery that could outlast the
  lease (it gives such items back instead);
- a dispatcher killed between delivering and marking leaves its items 'sending' until the
  lease runs out; the next pass claims them again and delivers once more under the same
  idempotency key (one repeat per lost lease), and the dead pass's late marks are refused.

Failures are retried after `RetryPolicy.delay` (exponential, with jitter) until
`max_attempts`, then the item is 'failed' with the reason and `on_failed` is called.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import outbox
from db.outbox import LeaseLost, OutboxItem
from db.pool import transaction
from pipelines.outbox.channels.base import Channel, channel_for
from pipelines.outbox.errors import DeliveryError, NotYet

log = logging.getLogger(__name__)

FailureHook = Callable[[OutboxItem], None]


@dataclass(frozen=True)
class RetryPolicy:
    """Attempts and waits: the n-th failure waits base·2^(n-1), capped, minus up to `jitter` of it.

    Jitter spreads retries of items that failed together; taking it off the top (never more
    than half by default) keeps every wait at least as long as the one before.
    """

    max_attempts: int = 8
    base_delay_s: float = 30.0
    max_delay_s: float = 3600.0
    jitter: float = 0.5

    def delay(self, attempts: int, rand: Callable[[], float] = random.random) -> timedelta:
        """How long to wait after the `attempts`-th failed attempt."""
        full = min(self.max_delay_s, self.base_delay_s * 2 ** max(0, attempts - 1))
        return timedelta(seconds=full * (1 - self.jitter * rand()))


@dataclass
class DispatchCounts:
    """What one pass did: items claimed, sent, put back for a retry, failed for good, lost
    (the lease ran out before the mark: another dispatcher owns the item now), released
    (given back unattempted because the lease was too short for them), deferred (the channel
    said not yet: back unattempted until the time it named)."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    lost: int = 0
    released: int = 0
    deferred: int = 0


def log_failure(item: OutboxItem) -> None:
    """The default `on_failed`: a warning. The automation job tells the workspace's owners
    (pipelines.outbox.failures.notify_failure)."""
    log.warning(
        "outbox item %s (%s, workspace %s) failed for good after %s attempts: %s",
        item.id,
        item.kind,
        item.workspace_id,
        item.attempts,
        item.last_error,
    )


def dispatch_due(
    pool: ConnectionPool,
    channels: Mapping[str, Channel],
    *,
    workspace_id: UUID,
    limit: int = 50,
    lease_s: float = 60.0,
    policy: RetryPolicy = RetryPolicy(),
    on_failed: FailureHook = log_failure,
    only: tuple[str, ...] | None = None,
    skip: tuple[str, ...] | None = None,
) -> DispatchCounts:
    """One pass over the workspace's due items: claim up to `limit`, deliver, mark each.

    `lease_s` must exceed the slowest channel's `timeout_s`. Channel errors never escape: they
    end in a retry or a failed item; database errors do (the caller's loop logs them).
    """
    owner = f"dispatch:{uuid.uuid4().hex}"
    deadline = time.monotonic() + lease_s  # taken before the claim: errs on the safe side
    with transaction(pool, workspace_id=workspace_id) as conn:
        items = outbox.claim_due(
            conn, limit=limit, owner=owner, lease=timedelta(seconds=lease_s), channels=only,
            except_channels=skip,
        )  # fmt: skip
    counts = DispatchCounts(claimed=len(items))
    for item in items:
        try:
            _deliver_one(pool, channels, item, owner, deadline, policy, on_failed, counts)
        except LeaseLost:
            counts.lost += 1
            log.warning("outbox item %s: lease ran out before its mark", item.id)
    return counts


def _deliver_one(
    pool: ConnectionPool,
    channels: Mapping[str, Channel],
    item: OutboxItem,
    owner: str,
    deadline: float,
    policy: RetryPolicy,
    on_failed: FailureHook,
    counts: DispatchCounts,
) -> None:
    ws = item.workspace_id
    try:
        channel = channel_for(channels, item.kind)
        if time.monotonic() + channel.timeout_s >= deadline:
            with transaction(pool, workspace_id=ws) as conn:
                outbox.release(conn, item_id=item.id, owner=owner)
            counts.released += 1
            return
        external_id = channel.deliver(item)
    except NotYet as e:
        with transaction(pool, workspace_id=ws) as conn:
            outbox.defer(conn, item_id=item.id, owner=owner, until=e.until, reason=e.reason)
        counts.deferred += 1
        return
    except DeliveryError as e:
        error, retryable, asked = e.reason, e.retryable, e.retry_after_s
    except Exception as e:  # a channel bug must not stop the pass or lose the item
        log.exception("outbox item %s: channel %s crashed", item.id, item.kind)
        error, retryable, asked = f"channel error ({type(e).__name__})", True, None
    else:
        with transaction(pool, workspace_id=ws) as conn:
            outbox.mark_sent(conn, item_id=item.id, external_id=external_id, owner=owner)
        counts.sent += 1
        return
    if retryable and item.attempts < policy.max_attempts:
        with transaction(pool, workspace_id=ws) as conn:
            outbox.mark_failed(
                conn,
                item_id=item.id,
                error=error,
                retry_in=max(policy.delay(item.attempts), timedelta(seconds=asked or 0)),
                owner=owner,
            )
        counts.retried += 1
        log.info("outbox item %s: attempt %s failed, will retry: %s", item.id, item.attempts, error)
        return
    with transaction(pool, workspace_id=ws) as conn:
        failed = outbox.mark_failed(conn, item_id=item.id, error=error, owner=owner)
    counts.failed += 1
    try:
        on_failed(failed)
    except Exception:  # a notifier's failure is logged, the item stays failed
        log.exception("outbox item %s: the failure hook raised", item.id)
