"""A running import says it is alive (`import_runs.beat`), at most every `every_s`: called
after each item, it keeps a live run from being taken for a killed one, however long it runs."""

from __future__ import annotations

import time
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import import_runs
from db.pool import transaction

BEAT_EVERY_S = 30.0


class Heartbeat:
    def __init__(
        self, pool: ConnectionPool, workspace_id: UUID, run_id: int, every_s: float = BEAT_EVERY_S
    ) -> None:
        self.pool, self.workspace_id, self.run_id = pool, workspace_id, run_id
        self.every_s = every_s
        self._last = time.monotonic()

    def __call__(self, *_: object) -> None:
        if time.monotonic() - self._last < self.every_s:
            return
        with transaction(self.pool, workspace_id=self.workspace_id) as conn:
            import_runs.beat(conn, run_id=self.run_id)
        self._last = time.monotonic()
