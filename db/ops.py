"""Queue depths of the whole installation, for ops: the Orchestrator's metrics and
`selectio status`.

One statement (`ops_queue_depths()`, 0040_ops_views.sql) that runs as the schema owner and
returns counts and ages only, so the application role reads every workspace's totals without
a tenant context and without seeing a row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg


@dataclass(frozen=True)
class Depth:
    """How many items wait in one queue, and how long the oldest has (None: no age)."""

    items: int
    oldest_s: float | None = None


@dataclass(frozen=True)
class QueueDepths:
    """The installation's queues right now.

    `outbox` by channel (`telegram`, `email`, `webhook`, ...): messages due and undelivered;
    `jobs` by state (`queued`, `retrying`, `running`); `failed_last_hour` by job kind;
    `live_interviews`: interviews under way (status `active`)."""

    outbox: dict[str, Depth] = field(default_factory=dict)
    jobs: dict[str, Depth] = field(default_factory=dict)
    failed_last_hour: dict[str, int] = field(default_factory=dict)
    live_interviews: int = 0

    @property
    def outbox_waiting(self) -> int:
        return sum(d.items for d in self.outbox.values())

    @property
    def outbox_oldest_s(self) -> float | None:
        ages = [d.oldest_s for d in self.outbox.values() if d.oldest_s is not None]
        return max(ages, default=None)


def queue_depths(conn: psycopg.Connection) -> QueueDepths:
    """Read every queue's depth in one statement (no tenant context needed)."""
    rows = conn.execute("select queue, name, items, oldest_s from ops_queue_depths()").fetchall()
    outbox: dict[str, Depth] = {}
    jobs: dict[str, Depth] = {}
    failed: dict[str, int] = {}
    live = 0
    for queue, name, items, oldest_s in rows:
        if queue == "outbox":
            outbox[name] = Depth(int(items), oldest_s)
        elif queue == "jobs":
            jobs[name] = Depth(int(items), oldest_s)
        elif queue == "failed_1h":
            failed[name] = int(items)
        elif queue == "interviews":
            live = int(items)
    return QueueDepths(outbox=outbox, jobs=jobs, failed_last_hour=failed, live_interviews=live)
