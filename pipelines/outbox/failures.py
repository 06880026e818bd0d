"""What happens when an outbox message fails for good: the workspace's owners are told."""

from __future__ import annotations

import logging

from psycopg_pool import ConnectionPool

from db import notifications
from db.outbox import OutboxItem
from db.pool import transaction
from pipelines.outbox.dispatcher import FailureHook

log = logging.getLogger(__name__)


def notify_failure(pool: ConnectionPool) -> FailureHook:
    """The dispatcher's `on_failed`: the workspace's owners are told (in their inbox only when
    the failed message was itself a notification, so failures cannot feed each other)."""

    def tell(item: OutboxItem) -> None:
        with transaction(pool, workspace_id=item.workspace_id) as conn:
            notifications.notify(
                conn, workspace_id=item.workspace_id, kind="outbox.failed",
                dedupe_key=f"outbox:{item.id}:{item.attempts}",
                subject={"outbox_id": item.id, "channel": item.kind, "attempts": item.attempts,
                         "error": (item.last_error or "")[:300]},
                inbox_only=item.kind.endswith("." + notifications.NOTIFICATION_MESSAGE),
            )  # fmt: skip
        log.warning(
            "outbox item %s (%s) failed for good after %s attempts; owners told",
            item.id, item.kind, item.attempts,
        )  # fmt: skip

    return tell
