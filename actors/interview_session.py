"""InterviewSession: one Ray actor per live voice interview.

Hard state (Postgres): the interview row (status, plan, epoch, clock) and its
`interview_turns`. Rebuilt on (re)start: the conversation state, by replaying the stored turns
into the brain; the epoch is bumped in `__init__`, so a stale copy of this actor can no longer
write turns, and the time the last copy lay dead under a connected candidate is booked as the
server's downtime, which the interview's clock does not count (actors.interview_clock).
Soft state (lost on restart, recreated by the client reconnecting with the same link): the
WebRTC peer connection and its Pipecat pipeline.

An actor is a cache of its interview, and every live one costs a node ~230 MB: one with no
candidate connected for `interview_reconnect_grace_s` leaves. The interview stays resumable
until its time limit (a reconnect starts a fresh actor from the database); past the limit it
is ended as abandoned (db.interview_expiry).

Offers are answered one at a time, so there is at most one peer connection: each new one
closes the last (its UDP sockets with it), a queued offer that a newer one overtakes is dropped,
and a link gets `interview_offer_limit` offers per window (actors.offer_gate). Leaving (idle,
or after the end) is a task that always finishes in `exit_actor` (actors.departure), so Ray
records an intended exit rather than a kill and does not restart it; a crash still restarts it
from the database. This actor coordinates those parts and owns the pipeline.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any
from uuid import UUID

import psutil
import ray

from actors.departure import Departure, LeaveReason, wait_for_tasks
from actors.errors import InterviewUnavailable
from actors.interview_clock import ClockKeeper
from actors.interview_context import ConnectionContext, load_context
from actors.offer_gate import OfferGate
from db import applications, interview_expiry, interviews, jobs, resumes, turns
from db.bootstrap import resolve_app_url
from db.errors import InvalidTransition
from db.pool import open_pool, transaction
from db.settings import get_settings
from pipelines import log_context
from pipelines.voice.metrics import interview_metrics
from pipelines.voice.pipeline import RunningPipeline, start_pipeline

log = logging.getLogger(__name__)
WATCH_EVERY_S = 5.0  # how often the idle watchdog looks for a connected candidate
# Ray cancels a task whose owner dies, so the actor outlives the analyses it started (an LLM
# report and its PDF take seconds, rarely minutes); past this it leaves anyway and the job
# can be run again from the API.
ANALYSIS_WAIT_S = 600.0
# Closing a pipeline and its peer takes milliseconds; one that hangs must not hold up the next
# offer or the actor's exit.
STOP_TIMEOUT_S = 10.0


@ray.remote
class InterviewSession:
    """Owns the interview's peer connection and pipeline; see the module docstring."""

    def __init__(self, workspace_id: str, interview_id: int) -> None:
        self.settings = get_settings()
        self.workspace_id = UUID(workspace_id)
        self.interview_id = interview_id
        # The process is this interview's alone: every line it logs carries both ids.
        log_context.bind_process(workspace_id=workspace_id, interview_id=interview_id)
        self.pool = open_pool(
            resolve_app_url(self.settings), min_size=0, max_size=3, name=f"interview-{interview_id}"
        )
        with transaction(self.pool, workspace_id=self.workspace_id) as conn:
            self.epoch = interviews.bump_epoch(
                conn, interview_id=interview_id, node_id=ray.get_runtime_context().get_node_id()
            )
            down_s = interviews.resume_clock(conn, interview_id=interview_id)
        self.pipeline: RunningPipeline | None = None
        self.connected_at: float | None = None
        self._tags = {"workspace": str(self.workspace_id)}
        self._idle_since: float | None = time.monotonic()  # None while a candidate is there
        self._gate = OfferGate(
            self.settings.interview_offer_limit, self.settings.interview_offer_window_s
        )
        self._clock = ClockKeeper(
            self.pool, workspace_id=self.workspace_id, interview_id=interview_id, epoch=self.epoch
        )
        self._departure = Departure(interview_id, cleanup=self._clean_up, release=self._release)
        self._watchdog: asyncio.Task[None] | None = None
        self._analyses: list[Any] = []  # refs of the analysis tasks this actor owns
        log.info("interview %s actor up at epoch %s", interview_id, self.epoch)
        if down_s:
            log.info("interview %s: %.0f s of server downtime not counted", interview_id, down_s)

    # ---- signalling ----------------------------------------------------------------------
    async def offer(self, sdp: str, type: str, deadline: float | None = None) -> dict[str, Any]:
        """Answer a browser's offer; a new offer replaces an older connection (reconnect).

        Offers wait for each other, so the actor never holds two peers; one still waiting
        when a newer one arrives is dropped (`offer_superseded`): the page uses the newest.
        One whose caller's `deadline` (wall-clock seconds) passed is dropped unanswered
        (`offer_expired`): nobody waits for it, and the page's retry must stay the newest.
        The answer carries `elapsedSeconds`, the interview's clock as the server counts it."""
        self._watch()
        number = self._gate.admit(deadline)
        if self._departure.stay():
            log.info("interview %s: candidate back, actor stays", self.interview_id)
        try:
            async with self._gate.turn(number, deadline):
                return await self._answer(sdp, type, number, deadline)
        finally:
            self._idle_since = None  # the watchdog starts counting again from its next look

    async def _answer(
        self, sdp: str, type: str, number: int, deadline: float | None
    ) -> dict[str, Any]:
        from pipecat.transports.smallwebrtc.connection import SmallWebRTCConnection

        if "m=audio" not in sdp or not sdp.lstrip().startswith("v=0"):
            raise InterviewUnavailable(
                "invalid_offer", "invalid SDP offer: an audio section (m=audio) is required"
            )
        context = await asyncio.to_thread(self._load)
        await self._check_capacity()
        self._gate.check(number, deadline)  # loading took a while: build no stale peer
        await self._stop_pipeline()
        connection = SmallWebRTCConnection(ice_servers=[])
        try:
            await connection.initialize(sdp=sdp, type=type)
        except Exception as e:
            await connection.disconnect()  # it may have bound sockets already
            raise InterviewUnavailable("invalid_offer", f"invalid SDP offer: {e}") from e
        try:
            self.pipeline = await start_pipeline(
                connection,
                stt=context.stt,
                tts=context.tts,
                conversation=context.conversation,
                on_disconnected=lambda: self._disconnected(connection),
            )
        except BaseException:
            await connection.disconnect()
            raise
        self.connected_at = time.monotonic()
        interview_metrics()["active"].set(1, tags=self._tags)
        if context.status == "created":
            await asyncio.to_thread(self._set_status, "active")
        await self._clock.beat()
        return {**connection.get_answer(), "elapsedSeconds": int(context.elapsed_s)}

    async def add_ice_candidates(self, pc_id: str, candidates: list[dict[str, Any]]) -> int:
        """Trickled ICE candidates for the current connection."""
        from aiortc.sdp import candidate_from_sdp

        self._watch()
        if self.pipeline is None or self.pipeline.connection.pc_id != pc_id:
            raise InterviewUnavailable("unknown_connection", "no such connection")
        added = 0
        for item in candidates:
            candidate = candidate_from_sdp(item["candidate"].removeprefix("candidate:"))
            candidate.sdpMid = item.get("sdp_mid") or item.get("sdpMid")
            candidate.sdpMLineIndex = item.get("sdp_mline_index", item.get("sdpMLineIndex"))
            await self.pipeline.connection.add_ice_candidate(candidate)
            added += 1
        return added

    async def status(self) -> dict[str, Any]:
        """Where the interview stands (from the database) and whether a client is connected."""
        self._watch()

        def read() -> tuple[interviews.Interview, list[turns.Turn]]:
            with transaction(self.pool, workspace_id=self.workspace_id) as conn:
                interview = interviews.get_interview(conn, interview_id=self.interview_id)
                return interview, turns.list_turns(conn, interview_id=self.interview_id)

        interview, rows = await asyncio.to_thread(read)
        connected = self._connected()
        return {
            "status": interview.status,
            "epoch": self.epoch,
            "turns": len(rows),
            "connected": connected,
            "memory_mb": round(psutil.Process().memory_info().rss / 2**20, 1),
        }

    async def memory(self) -> dict[str, float]:
        """This process's memory in MB: resident (RSS), proportional share of pages shared
        with other processes (PSS) and unique to it (USS), for benchmarks and operators."""
        info = await asyncio.to_thread(psutil.Process().memory_full_info)
        return {name: round(getattr(info, name) / 2**20, 1) for name in ("rss", "pss", "uss")}

    async def _disconnected(self, connection: Any) -> None:
        """The candidate's peer went away. Only the live one counts: a replaced connection
        reports its end after the newer one is up, and must not mark the interview idle."""
        if self.pipeline is None or self.pipeline.connection is not connection:
            log.debug("interview %s: a replaced connection closed", self.interview_id)
            return
        interview_metrics()["active"].set(0, tags=self._tags)
        log.info("interview %s: candidate disconnected", self.interview_id)
        await self._clock.stop()  # their absence counts from here

    # ---- leaving when nobody is there ------------------------------------------------------
    def _connected(self) -> bool:
        return self.pipeline is not None and self.pipeline.connection.is_connected()

    def _watch(self) -> None:
        """Start the idle watchdog (on the first call: `__init__` runs outside the loop)."""
        if self._watchdog is None:
            self._watchdog = asyncio.get_running_loop().create_task(self._watch_idle())

    async def _watch_idle(self) -> None:
        """Look for a candidate every few seconds until the exit; a failed look is logged and
        the next one comes (a dead watchdog would keep an empty actor forever)."""
        grace = self.settings.interview_reconnect_grace_s
        while not self._departure.exiting:
            await asyncio.sleep(min(WATCH_EVERY_S, grace / 2))
            try:
                self._look_for_candidate(grace)
                await self._leave_if_ended()
            except Exception:
                log.exception("interview %s: idle watchdog failed", self.interview_id)
            await self._clock.keep(self._connected)  # the interview clock's heartbeat

    def _look_for_candidate(self, grace: float) -> None:
        now = time.monotonic()
        if self._connected() or self._gate.in_flight:
            self._idle_since = None
        elif self._idle_since is None:
            self._idle_since = now
        elif now - self._idle_since >= grace and not self._departure.leaving:
            idle_s = now - self._idle_since
            log.info(
                "interview %s: no candidate for %.0f s, actor leaving", self.interview_id, idle_s
            )
            self._departure.start("idle")

    async def _leave_if_ended(self) -> None:
        """The interview was taken from this copy (a recruiter ended it: db.interviews.
        end_running takes the epoch, so no turn of this copy lands any more): close the peer
        and leave. An interview this copy finished itself keeps its epoch and its goodbye."""
        if self._departure.leaving or not self._connected():
            return

        def held() -> bool:
            with transaction(self.pool, workspace_id=self.workspace_id) as conn:
                return interviews.holds_epoch(
                    conn, interview_id=self.interview_id, epoch=self.epoch
                )

        if not await asyncio.to_thread(held):
            log.info("interview %s ended from outside, actor leaving", self.interview_id)
            self._departure.start("finished")

    async def shutdown(self) -> None:
        """Close the connection (the actor then leaves after the reconnect grace)."""
        async with self._gate.lock:
            await self._stop_pipeline()

    async def _stop_pipeline(self) -> None:
        """Stop the pipeline and close its peer (its UDP sockets with it). Shielded: a caller
        cancelled half-way must not leave a half-closed peer behind. No peer, no live
        interview: the next connection, if any, sets the metric again."""
        pipeline, self.pipeline = self.pipeline, None
        if pipeline is not None:
            interview_metrics()["active"].set(0, tags=self._tags)
            await asyncio.shield(self._close(pipeline))

    async def _close(self, pipeline: RunningPipeline) -> None:
        try:
            await asyncio.wait_for(pipeline.stop(), STOP_TIMEOUT_S)
        except Exception:
            log.exception("interview %s: closing the pipeline failed", self.interview_id)

    # ---- internals -----------------------------------------------------------------------
    def _load(self) -> ConnectionContext:
        """What the next connection needs, restored from the database (blocking)."""
        return load_context(
            self.pool, self.settings, workspace_id=self.workspace_id,
            interview_id=self.interview_id, epoch=self.epoch, on_finished=self._finished,
            on_latency=lambda ms: interview_metrics()["latency"].observe(ms, tags=self._tags),
        )  # fmt: skip

    async def _expire_if_overdue(self) -> None:
        """Leaving with nobody connected: end this interview as abandoned if its time is up,
        and start its analysis (other workspaces' and interviews' are the Orchestrator's)."""

        def expire() -> list[interview_expiry.ExpiredInterview]:
            with transaction(self.pool, workspace_id=self.workspace_id) as conn:
                return interview_expiry.expire_overdue(
                    conn, workspace_id=self.workspace_id,
                    max_duration_s=self.settings.interview_max_duration_s,
                    interview_id=self.interview_id,
                )  # fmt: skip

        for item in await asyncio.to_thread(expire):
            if item.analysis_job_id is not None:
                await asyncio.to_thread(self._start_analysis, item.analysis_job_id)

    def _start_analysis(self, job_id: int) -> None:
        # Imported here, off the event loop: the analysis engines are not needed during the
        # interview, and every megabyte of this actor is paid per live interview.
        from actors.tasks import analyse_interview_task

        self._analyses.append(analyse_interview_task.remote(str(self.workspace_id), job_id))

    async def _check_capacity(self) -> None:
        limit = self.settings.interview_max_concurrent_per_workspace

        def count() -> int:
            with transaction(self.pool, workspace_id=self.workspace_id) as conn:
                return interview_expiry.count_live(
                    conn, max_duration_s=self.settings.interview_max_duration_s,
                    besides=self.interview_id,
                )  # fmt: skip

        if await asyncio.to_thread(count) >= limit:
            raise InterviewUnavailable(
                "too_many_interviews", f"this workspace already runs {limit} live interviews"
            )

    def _set_status(self, status: str, reason: str | None = None) -> None:
        with transaction(self.pool, workspace_id=self.workspace_id) as conn:
            try:
                interviews.set_interview_status(
                    conn, interview_id=self.interview_id, status=status, reason=reason
                )
            except InvalidTransition:
                log.info("interview %s already %s", self.interview_id, status)

    async def _finished(self, summary: str) -> None:
        """The conversation closed: mark everything done, queue the analysis and start it."""

        def write() -> int:
            with transaction(self.pool, workspace_id=self.workspace_id) as conn:
                interview = interviews.set_interview_status(
                    conn, interview_id=self.interview_id, status="completed"
                )
                application = applications.get_application(
                    conn, application_id=interview.application_id
                )
                if application.resume_id is not None:
                    try:
                        resumes.set_resume_status(
                            conn, resume_id=application.resume_id, status="interviewed"
                        )
                    except InvalidTransition:
                        pass
                applications.set_stage(conn, application_id=application.id, stage="interviewed")
                return jobs.enqueue_job(
                    conn, workspace_id=self.workspace_id, kind=jobs.INTERVIEW_ANALYSIS,
                    payload={"interview_id": self.interview_id},
                ).id  # fmt: skip

        job_id = await asyncio.to_thread(write)
        await asyncio.to_thread(self._start_analysis, job_id)
        interview_metrics()["active"].set(0, tags=self._tags)
        log.info("interview %s completed", self.interview_id)
        await self._clock.stop()
        # Nothing is left for this actor to do once the goodbye has gone out.
        self._departure.start("finished", after_s=self.settings.interview_exit_after_s)

    # ---- leaving (actors.departure runs the sequence) ------------------------------------
    async def _clean_up(self, reason: LeaveReason) -> None:
        """Before the exit: close the peer, clear the clock, end the workspace's overdue
        interviews (idle), wait for the analyses this actor started."""
        await self._stop_pipeline()
        await self._clock.stop()  # a heartbeat left behind would count as server downtime
        if reason == "idle":
            await asyncio.shield(self._expire_if_overdue())  # runs to its end even if cancelled
        await wait_for_tasks(self._analyses, ANALYSIS_WAIT_S, interview_id=self.interview_id)

    async def _release(self) -> None:
        """The exit has begun: refuse offers, stop the watchdog, close the database pool."""
        self._gate.close()
        if self._watchdog is not None:
            self._watchdog.cancel()
        try:
            await asyncio.to_thread(self.pool.close)
        except Exception:
            log.exception("interview %s: closing the database pool failed", self.interview_id)
