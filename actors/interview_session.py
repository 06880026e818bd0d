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
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any
from uuid import UUID

import psutil
import ray

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
        self._offers_in_flight = 0
        self._watchdog: asyncio.Task[None] | None = None
        self._analyses: list[Any] = []  # refs of the analysis tasks this actor owns
        self._leaving: asyncio.Task[None] | None = None
        log.info("interview %s actor up at epoch %s", interview_id, self.epoch)

    # ---- signalling ----------------------------------------------------------------------
    async def offer(self, sdp: str, type: str) -> dict[str, Any]:
        """Answer a browser's offer; a new offer replaces an older connection (reconnect)."""
        self._watch()
        if self._leaving is not None:
            raise InterviewUnavailable(
                "actor_leaving", "the interview is restarting; try again in a moment"
            )
        self._offers_in_flight += 1
        try:
            return await self._answer(sdp, type)
        finally:
            self._offers_in_flight -= 1
            self._idle_since = None  # the watchdog starts counting again from its next look

    async def _answer(self, sdp: str, type: str) -> dict[str, Any]:
        from pipecat.transports.smallwebrtc.connection import SmallWebRTCConnection

        if "m=audio" not in sdp or not sdp.lstrip().startswith("v=0"):
            raise InterviewUnavailable(
                "invalid_offer", "invalid SDP offer: an audio section (m=audio) is required"
            )
        context = await asyncio.to_thread(self._load)
        await self._check_capacity()
        if self.pipeline is not None:
            await self.pipeline.stop()
            self.pipeline = None
        connection = SmallWebRTCConnection(ice_servers=[])
        try:
            await connection.initialize(sdp=sdp, type=type)
        except Exception as e:
            raise InterviewUnavailable("invalid_offer", f"invalid SDP offer: {e}") from e
        self.pipeline = await start_pipeline(
            connection,
            stt=context["stt"],
            tts=context["tts"],
            conversation=context["conversation"],
            on_disconnected=self._disconnected,
        )
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
        grace = self.settings.interview_reconnect_grace_s
        while True:
            await asyncio.sleep(min(WATCH_EVERY_S, grace / 2))
            now = time.monotonic()
            if self._connected() or self._offers_in_flight:
                self._idle_since = None
            elif self._idle_since is None:
                self._idle_since = now
            elif now - self._idle_since >= grace and self._leaving is None:
                await self._leave_idle(now - self._idle_since)
                return

    async def _leave_idle(self, idle_s: float) -> None:
        """Nobody came back: end the interview if its time is up, free this process."""
        self._leaving = asyncio.current_task()  # from now on offers are turned away
        log.info("interview %s: no candidate for %.0f s, actor leaving", self.interview_id, idle_s)
        if self.pipeline is not None:
            await self.pipeline.stop()
            self.pipeline = None
        interview_metrics()["active"].set(0, tags=self._tags)
        await self._expire_overdue()
        await self._leave()

    async def shutdown(self) -> None:
        """Close the connection (the actor then leaves after the reconnect grace)."""
        if self.pipeline is not None:
            await self.pipeline.stop()
            self.pipeline = None

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
        self._leaving = asyncio.create_task(self._leave(after_s=EXIT_AFTER_S))

    async def _leave(self, *, after_s: float = 0.0) -> None:
        """Exit after `after_s` and once the analyses this actor started have finished."""
        await asyncio.sleep(after_s)
        if self._analyses:
            try:
                await asyncio.wait_for(
                    asyncio.gather(*self._analyses, return_exceptions=True), ANALYSIS_WAIT_S
                )
            except TimeoutError:
                log.warning("interview %s: analysis still running, leaving", self.interview_id)
        self._exit()

    def _exit(self) -> None:
        """Leave for good (no restart): everything the interview needs is in the database."""
        self.pool.close()
        ray.kill(ray.get_runtime_context().current_actor, no_restart=True)
