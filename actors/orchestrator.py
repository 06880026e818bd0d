"""The Orchestrator: one detached actor per cluster that runs the product's automation.

Hard state, all of it in Postgres: `schedules` (when each kind of work runs, globally and per
workspace) and `jobs` (every run with its lease, attempts, retry time, outcome and counts).
The actor keeps nothing that matters: on a (re)start `__init__` rebuilds only a connection
pool, the job context and a fresh owner id, and its first tick finds whatever is due: sweeps
whose time came, runs queued for retry, and runs its dead predecessor left `running`, taken
over once their lease runs out. Two Orchestrators alive at once (a restart racing a zombie, a
second cluster on the same database) are harmless: a sweep is advanced by one statement and a
run is held by a database lease (db.jobs.claim_run), never by actor memory.

The actor only schedules; what each job does lives in pipelines/automation/. Its control loop
catches, logs and continues; a job failing in one workspace is recorded and retried with
backoff (db.jobs.end_run) and never stops the others. Every `BOTS_EVERY` ticks it also makes
sure each workspace with a connected Telegram account has its WorkspaceBot (started if
missing; Ray restarts a crashed one, and one whose session Telegram ended does not come back
until the account is connected again). Every `METRICS_EVERY_S` it reads the installation's
queue depths (one statement, db.ops) into its Ray gauges (pipelines.ops_metrics): outbox lag,
jobs per state, recent failures. A job's log lines carry its workspace (pipelines.log_context).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any
from uuid import uuid4

import ray

from actors.naming import NAMESPACE
from db import jobs, ops, schedules, telegram_sessions
from db.pool import open_pool, transaction
from pipelines import log_context, ops_metrics
from pipelines.automation.base import JobContext
from pipelines.automation.outbox import outbox_channels
from pipelines.automation.runner import GLOBAL_JOBS, WORKSPACE_KINDS, run_global, run_job

log = logging.getLogger(__name__)

ACTOR_NAME = "orchestrator"
# How often the loop looks for due work. Sweeps have their own intervals (schedules); a tick
# is one cheap query when nothing is due.
TICK_S = 5.0
BOTS_EVERY = 6  # ticks between looks for workspaces whose bot is not running
METRICS_EVERY_S = 10.0  # Ray's metrics agent exports about this often


@ray.remote(num_cpus=0)
class Orchestrator:
    """Runs due automation jobs in every workspace (see the module docstring)."""

    def __init__(
        self,
        app_url: str | None = None,
        max_interview_s: int | None = None,
        tick_s: float = TICK_S,
        lease_s: float = jobs.RUN_LEASE_S,
    ) -> None:
        from db.bootstrap import resolve_app_url
        from db.settings import get_settings

        settings = get_settings()
        if app_url is None or max_interview_s is None:
            app_url = app_url or resolve_app_url(settings)
            max_interview_s = max_interview_s or settings.interview_max_duration_s
        from serve_apps.dispatch import RayDispatcher

        self.owner = f"orchestrator:{uuid4().hex[:12]}"
        self.settings, self.app_url = settings, app_url
        self.bots_started = 0
        self.pool = open_pool(app_url, min_size=0, max_size=2, name="orchestrator")
        self.context = JobContext(
            dispatcher=RayDispatcher(), max_interview_s=max_interview_s,
            channels=outbox_channels(settings, self.pool),
        )  # fmt: skip
        self.tick_s = tick_s
        self.lease_s = lease_s
        self.ticks = 0
        self.runs = 0
        self.last_error: str | None = None
        self._series = ops_metrics.SeriesBook()
        self._measured_at = float("-inf")
        # Async actor: __init__ runs on the actor's event loop, so the loop starts with the
        # actor, on the first start and on every restart alike.
        self._loop = asyncio.get_event_loop().create_task(self._control_loop())
        log.info("orchestrator %s up", self.owner)

    async def _control_loop(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception as e:  # the loop never dies: log, remember, go on
                log.exception("orchestrator tick failed")
                self.last_error = f"{type(e).__name__}: {e}"
            await asyncio.sleep(self.tick_s)

    async def tick(self) -> int:
        """One pass: run due sweeps' global jobs, then every due workspace job; how many ran."""
        self.ticks += 1
        if self.ticks % BOTS_EVERY == 1 and self.settings.telegram_api_id is not None:
            try:
                await asyncio.to_thread(self._ensure_bots)
            except Exception:
                log.exception("starting workspace bots failed")
        if time.monotonic() - self._measured_at >= METRICS_EVERY_S:
            self._measured_at = time.monotonic()
            try:
                await asyncio.to_thread(self._publish_depths)
            except Exception:
                log.exception("reading queue depths failed")
        sweeps = await asyncio.to_thread(self._claim_sweeps)
        for kind in sweeps:
            if kind in GLOBAL_JOBS:
                try:
                    counts = await asyncio.to_thread(run_global, self.pool, kind=kind)
                    log.info("%s: %s", kind, counts)
                except Exception:
                    log.exception("global job %s failed", kind)
        due = await asyncio.to_thread(self._due, [k for k in sweeps if k in WORKSPACE_KINDS])
        ran = 0
        for item in due:
            if item.kind not in WORKSPACE_KINDS:  # queued by a newer version; leave it to that one
                continue
            with log_context.scope(workspace_id=item.workspace_id):
                try:
                    result = await asyncio.to_thread(
                        run_job, self.pool, workspace_id=item.workspace_id, kind=item.kind,
                        owner=self.owner, context=self.context, lease_s=self.lease_s,
                    )  # fmt: skip
                except Exception:  # e.g. the database went away mid-claim: next workspace
                    log.exception("%s in workspace %s could not run", item.kind,
                                  item.workspace_id)  # fmt: skip
                    continue
                if result is not None:
                    ran += 1
                    log.info("%s in %s: %s %s", item.kind, item.workspace_id, result.outcome,
                             result.counts)  # fmt: skip
        self.runs += ran
        return ran

    def _ensure_bots(self) -> None:
        from actors.workspace_bot import workspace_bot

        with transaction(self.pool) as conn:
            connected = telegram_sessions.connected_workspaces(conn)
        for workspace_id in connected:
            workspace_bot(workspace_id, settings=self.settings, app_url=self.app_url)
        self.bots_started = len(connected)

    def _publish_depths(self) -> None:
        with transaction(self.pool) as conn:
            depths = ops.queue_depths(conn)
        ops_metrics.publish(self._series.complete(ops_metrics.queue_samples(depths)))

    def _claim_sweeps(self) -> list[str]:
        with transaction(self.pool) as conn:
            return schedules.claim_due_sweeps(conn)

    def _due(self, kinds: list[str]) -> list[schedules.DueWork]:
        with transaction(self.pool) as conn:
            return schedules.due_work(
                conn, kinds=kinds, max_interview_s=self.context.max_interview_s
            )

    async def status(self) -> dict[str, Any]:
        """Liveness and counters, for `selectio` and tests."""
        return {
            "owner": self.owner,
            "ticks": self.ticks,
            "runs": self.runs,
            "last_error": self.last_error,
        }


def orchestrator(**kwargs: Any) -> Any:
    """The cluster's Orchestrator, created on first use (kwargs only matter then).

    Detached, so it outlives the `selectio up` process that started it; restarted without
    limit on a crash, because its state is in Postgres and a restart only costs a pool.
    `max_task_retries=0`: its methods are status reads, nothing to replay."""
    return Orchestrator.options(
        name=ACTOR_NAME,
        namespace=NAMESPACE,
        get_if_exists=True,
        lifetime="detached",
        max_restarts=-1,
        max_task_retries=0,
    ).remote(**kwargs)
