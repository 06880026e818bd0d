"""What every automation job receives and returns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

import psycopg

if TYPE_CHECKING:
    from pipelines.outbox.channels.base import Channel
    from serve_apps.dispatch import Dispatcher


@dataclass(frozen=True)
class JobContext:
    """The installation's side of a job: where heavy work goes, the limits it checks, and the
    outbox's ways out (pipelines.automation.outbox.outbox_channels)."""

    dispatcher: Dispatcher
    max_interview_s: int
    channels: Mapping[str, Channel] = field(default_factory=dict)


@dataclass
class JobOutcome:
    """Counts for the run's record (no personal data), and what to start once committed
    (Ray tasks must not see rows that might still roll back)."""

    counts: dict[str, int] = field(default_factory=dict)
    after_commit: list[Callable[[], None]] = field(default_factory=list)


class Job(Protocol):
    """A job: its work in the given workspace's transaction."""

    def __call__(
        self, conn: psycopg.Connection, *, workspace_id: UUID, context: JobContext
    ) -> JobOutcome: ...
