"""InterviewSession: one Ray actor per live voice interview.

Hard state (Postgres): the interview row (status, plan, epoch) and its `interview_turns`.
Rebuilt on (re)start: the conversation state, by replaying the stored turns into the brain;
the epoch is bumped in `__init__`, so a stale copy of this actor can no longer write turns.
Soft state (lost on restart, recreated by the client reconnecting with the same link): the
WebRTC peer connection and its Pipecat pipeline.

An actor is a cache of its interview, and every live one costs a node ~230 MB: one with no
candidate connected for `interview_reconnect_grace_s` leaves. The interview stays resumable
until its time limit (a reconnect starts a fresh actor from the database); past the limit it
is ended as abandoned (db.interview_expiry).

Offers are answered one at a time, so there is at most one peer connection: each new one
closes the last (its UDP sockets with it), a queued offer that a newer one overtakes is dropped,
and a link gets `interview_offer_limit` offers per window. Leaving (idle, or after the end) is
a task that always finishes in an exit: a candidate who comes back before the exit begins
cancels an idle leave, and a failed cleanup step is logged, not a reason to stay. The actor
exits with `exit_actor`, so Ray records an intended exit rather than a kill and does not
restart it; a crash still restarts it from the database.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from typing import Any, Literal
from uuid import UUID

import psutil
import ray
from ray.exceptions import AsyncioActorExit

from actors.errors import InterviewUnavailable
from db import (
    applications,
    candidates,
    interview_expiry,
    interviews,
    jobs,
    resumes,
    turns,
    vacancies,
)
from db.bootstrap import resolve_app_url
from db.errors import InvalidTransition
from db.pool import open_pool, transaction
from db.settings import get_settings
from pipelines.interviewer import InterviewBrain, PastTurn
from pipelines.models import InterviewPlan
from pipelines.voice.conversation import InterviewConversation
from pipelines.voice.metrics import interview_metrics
from pipelines.voice.pipeline import (
    IN_RATE,
    VAD,
    RunningPipeline,
    smart_turn_analyzer,
    start_pipeline,
)
from pipelines.voice.recorder import TurnRecorder

log = logging.getLogger(__name__)
EXIT_AFTER_S = 10.0  # lets the closing words and `interview_complete` reach the client
WATCH_EVERY_S = 5.0  # how often the idle watchdog looks for a connected candidate
# Ray cancels a task whose owner dies, so the actor outlives the analyses it started (an LLM
# report and its PDF take seconds, rarely minutes); past this it leaves anyway and the job
# can be run again from the API.
ANALYSIS_WAIT_S = 600.0
# Closing a pipeline and its peer takes milliseconds; one that hangs must not hold up the next
# offer or the actor's exit.
STOP_TIMEOUT_S = 10.0
# `exit_actor` lets calls in progress finish first; one stuck past this is cut short with
# ray.kill (the only way a normal end can still show as a kill in the dashboard).
EXIT_FALLBACK_S = 30.0
LeaveReason = Literal["idle", "finished"]


class OfferWindow:
    """A sliding window of the offers admitted in the last `window_s` seconds, at most `limit`:
    every offer builds a pipeline and a peer, so a script or a reconnect loop must not be able
    to make them without end. Refused offers do not count, so a client that waits gets in."""

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit = limit
        self.window_s = window_s
        self._admitted: deque[float] = deque()

    def admit(self, now: float) -> float | None:
        """Count an offer made at `now` and return None, or the seconds until one may come."""
        while self._admitted and now - self._admitted[0] >= self.window_s:
            self._admitted.popleft()
        if len(self._admitted) >= self.limit:
            return self._admitted[0] + self.window_s - now
        self._admitted.append(now)
        return None


@ray.remote
class InterviewSession:
    """Owns the interview's peer connection and pipeline; see the module docstring."""

    def __init__(self, workspace_id: str, interview_id: int) -> None:
        self.settings = get_settings()
        self.workspace_id = UUID(workspace_id)
        self.interview_id = interview_id
        self.pool = open_pool(
            resolve_app_url(self.settings), min_size=0, max_size=3, name=f"interview-{interview_id}"
        )
        with transaction(self.pool, workspace_id=self.workspace_id) as conn:
            self.epoch = interviews.bump_epoch(conn, interview_id=interview_id)
        self.pipeline: RunningPipeline | None = None
        self.connected_at: float | None = None
        self._tags = {"workspace": str(self.workspace_id)}
        self._idle_since: float | None = time.monotonic()  # None while a candidate is there
        self._offers = OfferWindow(
            self.settings.interview_offer_limit, self.settings.interview_offer_window_s
        )
        self._offer_lock = asyncio.Lock()  # one offer at a time: one peer connection
        self._offer_seq = 0  # number of the newest offer; an older one still queued is dropped
        self._offers_in_flight = 0
        self._watchdog: asyncio.Task[None] | None = None
        self._analyses: list[Any] = []  # refs of the analysis tasks this actor owns
        self._leaving: asyncio.Task[None] | None = None
        self._leaving_for: LeaveReason | None = None
        self._exiting = False  # the exit has begun: the one state offers are turned away in
        log.info("interview %s actor up at epoch %s", interview_id, self.epoch)

    # ---- signalling ----------------------------------------------------------------------
    async def offer(self, sdp: str, type: str) -> dict[str, Any]:
        """Answer a browser's offer; a new offer replaces an older connection (reconnect).

        Offers wait for each other, so the actor never holds two peers; one still waiting
        when a newer one arrives is dropped (`offer_superseded`): the page uses the newest."""
        self._watch()
        if self._exiting:
            raise InterviewUnavailable(
                "actor_leaving", "the interview is restarting; try again in a moment"
            )
        wait_s = self._offers.admit(time.monotonic())
        if wait_s is not None:
            retry_after = max(1, math.ceil(wait_s))
            raise InterviewUnavailable(
                "too_many_offers",
                f"too many connection attempts; try again in {retry_after} s",
                retry_after_s=retry_after,
            )
        self._stay()
        self._offer_seq += 1
        seq = self._offer_seq
        self._offers_in_flight += 1
        try:
            async with self._offer_lock:
                return await self._answer(sdp, type, seq)
        finally:
            self._offers_in_flight -= 1
            self._idle_since = None  # the watchdog starts counting again from its next look

    def _check_current(self, seq: int) -> None:
        """Refuse an offer that a newer one has overtaken, or one the exit caught up with."""
        if self._exiting:
            raise InterviewUnavailable(
                "actor_leaving", "the interview is restarting; try again in a moment"
            )
        if seq != self._offer_seq:
            raise InterviewUnavailable(
                "offer_superseded", "a newer offer from this interview link replaced this one"
            )

    async def _answer(self, sdp: str, type: str, seq: int) -> dict[str, Any]:
        from pipecat.transports.smallwebrtc.connection import SmallWebRTCConnection

        self._check_current(seq)
        if "m=audio" not in sdp or not sdp.lstrip().startswith("v=0"):
            raise InterviewUnavailable(
                "invalid_offer", "invalid SDP offer: an audio section (m=audio) is required"
            )
        context = await asyncio.to_thread(self._load)
        await self._check_capacity()
        self._check_current(seq)  # loading took a while: build no peer that is already stale
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
                stt=context["stt"],
                tts=context["tts"],
                conversation=context["conversation"],
                on_disconnected=self._disconnected,
            )
        except BaseException:
            await connection.disconnect()
            raise
        self.connected_at = time.monotonic()
        interview_metrics()["active"].set(1, tags=self._tags)
        if context["status"] == "created":
            await asyncio.to_thread(self._set_status, "active")
        return connection.get_answer()

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

    async def _disconnected(self) -> None:
        interview_metrics()["active"].set(0, tags=self._tags)
        log.info("interview %s: candidate disconnected", self.interview_id)

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
        while not self._exiting:
            await asyncio.sleep(min(WATCH_EVERY_S, grace / 2))
            try:
                self._look_for_candidate(grace)
            except Exception:
                log.exception("interview %s: idle watchdog failed", self.interview_id)

    def _look_for_candidate(self, grace: float) -> None:
        now = time.monotonic()
        if self._connected() or self._offers_in_flight:
            self._idle_since = None
        elif self._idle_since is None:
            self._idle_since = now
        elif now - self._idle_since >= grace and self._leaving is None:
            idle_s = now - self._idle_since
            log.info(
                "interview %s: no candidate for %.0f s, actor leaving", self.interview_id, idle_s
            )
            self._start_leaving("idle")

    async def shutdown(self) -> None:
        """Close the connection (the actor then leaves after the reconnect grace)."""
        async with self._offer_lock:
            await self._stop_pipeline()

    async def _stop_pipeline(self) -> None:
        """Stop the pipeline and close its peer (its UDP sockets with it). Shielded: a caller
        cancelled half-way must not leave a half-closed peer behind."""
        pipeline, self.pipeline = self.pipeline, None
        if pipeline is not None:
            await asyncio.shield(self._close(pipeline))

    async def _close(self, pipeline: RunningPipeline) -> None:
        try:
            await asyncio.wait_for(pipeline.stop(), STOP_TIMEOUT_S)
        except Exception:
            log.exception("interview %s: closing the pipeline failed", self.interview_id)

    # ---- internals -----------------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        """The interview, its transcript and a brain restored from it (blocking: DB)."""
        from pipelines.engines.speech import (
            speech_engine_ids,
            stt_service_from_settings,
            tts_service_from_settings,
        )
        from pipelines.engines.stt_whisper import SpeechHints

        with transaction(self.pool, workspace_id=self.workspace_id) as conn:
            interview = interviews.get_interview(conn, interview_id=self.interview_id)
            if interview.status in ("completed", "failed"):
                raise InterviewUnavailable("interview_finished", "this interview has ended")
            rows = turns.list_turns(conn, interview_id=self.interview_id)
            application = applications.get_application(
                conn, application_id=interview.application_id
            )
            candidate = candidates.get_candidate(conn, candidate_id=application.candidate_id)
            vacancy = vacancies.get_vacancy(conn, vacancy_id=application.vacancy_id)
            resume = (
                resumes.get_resume(conn, resume_id=application.resume_id)
                if application.resume_id is not None
                else None
            )
            next_seq = turns.next_seq(conn, interview_id=self.interview_id)
        plan = InterviewPlan.model_validate(interview.plan)
        language = interview.language
        past = [
            PastTurn(role=t.role, text=t.text, question_index=t.question_index, kind=t.kind)
            for t in rows
            if t.role in ("interviewer", "candidate")
        ]
        brain = InterviewBrain.restore(
            plan, past, language=language, candidate_name=candidate.full_name or None,
            vacancy_title=vacancy.title, max_duration_s=self.settings.interview_max_duration_s,
            llm=self._llm_interviewer(),
        )  # fmt: skip
        recorder = TurnRecorder(
            self.pool, workspace_id=self.workspace_id, interview_id=self.interview_id,
            epoch=self.epoch, next_seq=next_seq,
        )  # fmt: skip
        ids = speech_engine_ids(self.settings)
        recognizer = self._recognizer(ids["stt"])
        requirements, profile = vacancy.requirements or {}, (resume.profile if resume else None)
        hints = SpeechHints.from_skills(
            requirements.get("must_have"), requirements.get("nice_to_have"),
            (profile or {}).get("skills"),
        )  # fmt: skip
        conversation = InterviewConversation(
            brain=brain, recorder=recorder, engines=ids, smart_turn=self._turn_analyzer(recognizer),
            on_finished=self._finished, max_duration_s=self.settings.interview_max_duration_s,
            on_latency=lambda ms: interview_metrics()["latency"].observe(ms, tags=self._tags),
            speech_hints=hints, speech_end_lag_s=VAD.stop_secs,
            elapsed_before_s=interview.elapsed_s(),
        )  # fmt: skip
        return {
            "status": interview.status,
            "conversation": conversation,
            "stt": stt_service_from_settings(
                self.settings,
                language=language,
                recognizer=recognizer,
                hints=hints,
            ),
            "tts": tts_service_from_settings(self.settings, language=language),
        }

    def _recognizer(self, stt_engine: str) -> Any:
        """The node's shared Whisper recogniser (None when a cloud STT is configured)."""
        if not stt_engine.startswith("whisper"):
            return None
        from actors.recognizer import node_recognizer
        from pipelines.engines.whisper_model import locate_whisper_model

        return node_recognizer(str(locate_whisper_model(self.settings)))

    @staticmethod
    def _turn_analyzer(recognizer: Any) -> Any:
        """Smart-turn in the node's speech host when there is one, else in this process."""
        if recognizer is None:
            return smart_turn_analyzer()
        from actors.recognizer import RemoteSmartTurn

        return RemoteSmartTurn(recognizer.handle, sample_rate=IN_RATE)

    def _llm_interviewer(self) -> Any:
        """The LLM that words follow-ups when OpenAI is configured (the brain keeps control)."""
        settings = self.settings
        if settings.openai_api_key is None or settings.llm_engine == "offline":
            return None
        from pipelines.interviewer import LLMInterviewer

        return LLMInterviewer(
            api_key=settings.openai_api_key.get_secret_value(),
            model=settings.openai_model,
            base_url=settings.openai_base_url,
            timeout_s=min(settings.openai_timeout_s, 10.0),
        )

    async def _expire_overdue(self) -> None:
        """End the workspace's abandoned interviews (this one too, if its time is up) and start
        their analyses, so they stop holding slots of the concurrent-interview limit."""

        def expire() -> list[interview_expiry.ExpiredInterview]:
            with transaction(self.pool, workspace_id=self.workspace_id) as conn:
                return interview_expiry.expire_overdue(
                    conn, workspace_id=self.workspace_id,
                    max_duration_s=self.settings.interview_max_duration_s,
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
        await self._expire_overdue()

        def count() -> int:
            with transaction(self.pool, workspace_id=self.workspace_id) as conn:
                row = conn.execute(
                    "select count(*) from interviews where status = 'active' and id <> %s",
                    (self.interview_id,),
                ).fetchone()
            return int(row[0]) if row else 0

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
        # Nothing is left for this actor to do once the goodbye has gone out.
        self._start_leaving("finished", after_s=EXIT_AFTER_S)

    # ---- leaving ---------------------------------------------------------------------------
    def _start_leaving(self, reason: LeaveReason, *, after_s: float = 0.0) -> None:
        """Begin leaving, unless already on the way; the end of the interview overrides an
        idle leave."""
        if self._leaving is not None:
            if self._leaving_for == "finished" or self._exiting:
                return
            self._leaving.cancel()
        self._leaving_for = reason
        self._leaving = asyncio.get_running_loop().create_task(
            self._leave(reason, after_s=after_s), name=f"leave:{self.interview_id}"
        )

    def _stay(self) -> None:
        """An offer came: an actor leaving for want of a candidate stays. (After the end it
        leaves anyway; the offer is refused as `interview_finished`.)"""
        if self._leaving is not None and self._leaving_for == "idle" and not self._exiting:
            self._leaving.cancel()
            self._leaving = self._leaving_for = None
            log.info("interview %s: candidate back, actor stays", self.interview_id)

    async def _leave(self, reason: LeaveReason, *, after_s: float = 0.0) -> None:
        """After `after_s`: close the peer, end the workspace's overdue interviews (idle), wait
        for the analyses this actor started, exit. Every path ends in the exit: a failed step
        is logged, since an actor stuck half-way out only turns candidates away."""
        try:
            await asyncio.sleep(after_s)
            await self._stop_pipeline()
            interview_metrics()["active"].set(0, tags=self._tags)
            if reason == "idle":
                await asyncio.shield(self._expire_overdue())  # runs to its end even if cancelled
            await self._wait_for_analyses()
        except Exception:
            log.exception("interview %s: cleanup before leaving failed", self.interview_id)
        await self._exit()

    async def _wait_for_analyses(self) -> None:
        if not self._analyses:
            return
        try:
            await asyncio.wait_for(
                asyncio.gather(*self._analyses, return_exceptions=True), ANALYSIS_WAIT_S
            )
        except TimeoutError:
            log.warning("interview %s: analysis still running, leaving", self.interview_id)

    async def _exit(self) -> None:
        """Leave for good (no restart): everything the interview needs is in the database.

        `exit_actor` is an intended exit, not a failure: Ray neither restarts the actor nor
        shows it as killed. It waits for the calls in progress; a stuck one meets the kill."""
        self._exiting = True
        if self._watchdog is not None:
            self._watchdog.cancel()
        try:
            await asyncio.to_thread(self.pool.close)
        except Exception:
            log.exception("interview %s: closing the database pool failed", self.interview_id)
        log.info("interview %s: actor exits", self.interview_id)
        asyncio.get_running_loop().call_later(EXIT_FALLBACK_S, self._kill)
        try:
            ray.actor.exit_actor()
        except AsyncioActorExit:
            pass  # meant to end the Ray call that asks; this task is none, the exit is set

    def _kill(self) -> None:
        log.warning(
            "interview %s: still here %.0f s after exiting", self.interview_id, EXIT_FALLBACK_S
        )
        ray.kill(ray.get_runtime_context().current_actor, no_restart=True)
