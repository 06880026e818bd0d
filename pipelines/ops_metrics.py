"""Ray metrics for ops (Prometheus through Ray, the dashboard's metrics view, Grafana):
queue depths, job failures, speech-host load, Telegram bot states.

Every metric here is a gauge named `selectio_*` (scraped as `ray_selectio_*`). Ray exports
only from processes inside the cluster, and registers a metric by name once per process, so
each is created lazily on first use (`gauge`). Who sets what:
- the Orchestrator, each tick, from one database statement (db.ops): outbox waiting and lag
  per channel, jobs per state, failed runs per kind in the last hour. A database count is
  right whichever process failed a job (a Ray task, the API, the CLI), where a counter in one
  process would miss the rest; two Orchestrators publish the same values (chart with `max`);
- the node's speech host (actors.recognizer): segments it holds, per node;
- each WorkspaceBot: 1 on its current state, 0 on the one it left.

The voice metrics (live interviews, voice-to-voice latency) are in pipelines/voice/metrics.py.
The charts are ops/grafana/selectio.json.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from db.ops import QueueDepths

GAUGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "selectio_outbox_waiting": (
        "Outbox messages due and not delivered yet (pending or being sent), per channel.",
        ("channel",),
    ),
    "selectio_outbox_lag_seconds": (
        "Seconds since the oldest undelivered outbox message became due, per channel.",
        ("channel",),
    ),
    "selectio_jobs": ("Job runs queued, retrying (after an error) or running.", ("state",)),
    "selectio_job_failures_last_hour": (
        "Job runs that ended failed in the last hour, per kind.",
        ("kind",),
    ),
    "selectio_stt_queue_depth": (
        "Speech segments in the node's recogniser: being transcribed or waiting for a worker.",
        ("node",),
    ),
    "selectio_bot_state": (
        "1 for the state a workspace's Telegram bot is in (waiting_for_lease, running, "
        "lease_lost, revoked, not_connected), 0 for the one it left.",
        ("workspace", "state"),
    ),
}
JOB_STATES = ("queued", "retrying", "running")


@cache
def gauge(name: str) -> Any:
    """The process's gauge `name` (one of GAUGES), created on first use."""
    from ray.util.metrics import Gauge

    description, tag_keys = GAUGES[name]
    return Gauge(name, description=description, tag_keys=tag_keys)


@dataclass(frozen=True)
class Sample:
    """One value of one series of a gauge."""

    name: str
    value: float
    tags: tuple[tuple[str, str], ...]


def queue_samples(depths: QueueDepths) -> list[Sample]:
    """The Orchestrator's gauges for one reading of the queues (series with nothing in
    them are left out; `SeriesBook` sets them back to 0)."""
    samples: list[Sample] = []
    for channel, depth in depths.outbox.items():
        tags = (("channel", channel),)
        samples.append(Sample("selectio_outbox_waiting", depth.items, tags))
        samples.append(Sample("selectio_outbox_lag_seconds", depth.oldest_s or 0.0, tags))
    for state in JOB_STATES:
        depth = depths.jobs.get(state)
        samples.append(Sample("selectio_jobs", depth.items if depth else 0, (("state", state),)))
    for kind, count in depths.failed_last_hour.items():
        samples.append(Sample("selectio_job_failures_last_hour", count, (("kind", kind),)))
    return samples


class SeriesBook:
    """Remembers the series published before, so a series missing from a new reading (a
    channel whose queue emptied, a kind with no failure left in the hour) reads 0, not its
    last value for ever."""

    def __init__(self) -> None:
        self._seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()

    def complete(self, samples: list[Sample]) -> list[Sample]:
        """`samples` plus a 0 for every series published before and absent now."""
        now = {(s.name, s.tags) for s in samples}
        gone = [Sample(name, 0.0, tags) for name, tags in sorted(self._seen - now)]
        self._seen |= now
        return samples + gone


def publish(samples: list[Sample]) -> None:
    """Set each sample's gauge series (in a Ray worker: exported to Prometheus)."""
    for sample in samples:
        gauge(sample.name).set(sample.value, tags=dict(sample.tags))


def bot_state_samples(workspace: str, previous: str | None, state: str) -> list[Sample]:
    """A bot moved from `previous` to `state`: 1 on the new state's series, 0 on the old."""
    samples = [Sample("selectio_bot_state", 1.0, (("workspace", workspace), ("state", state)))]
    if previous is not None and previous != state:
        samples.append(
            Sample("selectio_bot_state", 0.0, (("workspace", workspace), ("state", previous)))
        )
    return samples
