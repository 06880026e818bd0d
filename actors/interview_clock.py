"""The interview actor's side of the interview clock (db.interviews): a heartbeat while a
candidate is connected, cleared when they go.

Time the candidate could not be connected because the server was down is not counted against
the interview's time limit. The server cannot write down that it died, so the live copy writes
a heartbeat every few seconds instead, fenced by its epoch; the next copy finds the last one and
books the gap (`interviews.resume_clock`, in `InterviewSession.__init__`). A candidate who
leaves clears it (`stop`), so their own absence keeps counting, as before.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import interviews
from db.pool import transaction

log = logging.getLogger(__name__)


class ClockKeeper:
    """Writes and clears the heartbeat of one actor copy (blocking writes run in a thread).

    Soft state: whether this copy has a heartbeat standing; a restarted copy starts with none
    (its `__init__` has just booked and cleared the last copy's). Writes go one at a time, so
    a heartbeat already on its way cannot land after the clear that follows it. A failed write
    is logged, never raised: the clock is bookkeeping, and the next look writes again."""

    def __init__(
        self, pool: ConnectionPool, *, workspace_id: UUID, interview_id: int, epoch: int
    ) -> None:
        self._pool = pool
        self._workspace_id = workspace_id
        self._interview_id = interview_id
        self._epoch = epoch
        self._running = False
        self._lock = asyncio.Lock()

    async def keep(self, connected: Callable[[], bool]) -> None:
        """Beat while a candidate is connected; clear the heartbeat once when none is.
        `connected` is asked when this write's turn comes, not before."""
        async with self._lock:
            if connected():
                await self._write(True)
            elif self._running:
                await self._write(False)

    async def beat(self) -> None:
        """The candidate is connected now."""
        async with self._lock:
            await self._write(True)

    async def stop(self) -> None:
        """No candidate is connected (they left, or this copy leaves on purpose)."""
        async with self._lock:
            await self._write(False)

    async def _write(self, beat: bool) -> None:
        try:
            self._running = await asyncio.to_thread(self._store, beat)
        except Exception:
            what = "heartbeat" if beat else "clearing the clock"
            log.exception("interview %s: %s failed", self._interview_id, what)

    def _store(self, beat: bool) -> bool:
        with transaction(self._pool, workspace_id=self._workspace_id) as conn:
            if beat:
                return interviews.beat_clock(
                    conn, interview_id=self._interview_id, epoch=self._epoch
                )
            interviews.stop_clock(conn, interview_id=self._interview_id, epoch=self._epoch)
            return False
