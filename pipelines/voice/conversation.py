"""The interviewer inside the voice pipeline: between speech-to-text and text-to-speech.

It turns VAD pauses and transcripts into finished candidate answers (turn_taking), asks the
brain what to say, writes every turn to the database BEFORE the next utterance is spoken,
speaks through TTS, lets the candidate interrupt (barge-in), nudges after long silence, and
tells the page what happens over the data channel: `question`, `ai_speaking_start/end`,
`transcript`, `interview_complete`. Latency per turn (candidate stops → first AI audio) and
the recogniser's time are stored with the turns.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from pipecat.audio.turn.base_turn_analyzer import BaseTurnAnalyzer, EndOfTurnState
from pipecat.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    CancelFrame,
    EndFrame,
    EndWorkerFrame,
    Frame,
    InputAudioRawFrame,
    InputTransportMessageFrame,
    InterimTranscriptionFrame,
    OutputTransportMessageUrgentFrame,
    StartFrame,
    TranscriptionFrame,
    TTSSpeakFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from pipelines.interviewer import BrainReply, InterviewBrain, texts
from pipelines.voice.recorder import TurnRecorder, TurnTiming
from pipelines.voice.turn_taking import TurnTaking

log = logging.getLogger(__name__)
TICK_S = 0.05
# While the database is out of reach, the holding sentence is said again this often.
HOLD_REPEAT_S = 15.0


class InterviewConversation(FrameProcessor):
    """Conducts one interview over the pipeline's audio; see the module docstring."""

    def __init__(
        self,
        *,
        brain: InterviewBrain,
        recorder: TurnRecorder,
        engines: dict[str, str],
        smart_turn: BaseTurnAnalyzer | None = None,
        on_finished: Callable[[str], Awaitable[None]] | None = None,
        silence_s: float = 15.0,
        max_duration_s: float = 1800.0,
        turn_taking: TurnTaking | None = None,
        on_latency: Callable[[int], None] | None = None,
        speech_hints: Any = None,
        speech_end_lag_s: float = 0.0,
        elapsed_before_s: float = 0.0,
    ) -> None:
        """`speech_hints` (a `SpeechHints` shared with the recogniser) learns each question
        as it is asked, so the answer is recognised in its context. `speech_end_lag_s` is how
        long after the last word the VAD reports the stop (its `stop_secs`): latencies are
        measured from the last word, not from the VAD's report. `elapsed_before_s` is the
        interview's running time when this connection resumes it (since the first start, less
        server downtime; `db.interviews.Interview.elapsed_s`): the time budget and
        `max_duration_s` go on from there, across reconnects."""
        super().__init__(name="interviewer")
        self._brain = brain
        self._recorder = recorder
        self._engines = engines
        self._smart_turn = smart_turn
        self._on_finished = on_finished
        self._silence_s = silence_s
        self._max_duration_s = max_duration_s
        self._turn = turn_taking or TurnTaking()
        self._on_latency = on_latency
        self._speech_hints = speech_hints
        self._speech_end_lag_s = speech_end_lag_s
        self._elapsed_before_s = max(0.0, elapsed_before_s)
        self._started_at: float | None = None
        self._bot_speaking = False
        self._speaking_queue = 0  # utterances pushed to TTS and not yet finished
        self._last_activity = time.monotonic()
        self._pending_latency: dict[str, Any] | None = None
        self._finishing = False
        self._finished = False
        self._busy = asyncio.Lock()
        self._tick_task: asyncio.Task[None] | None = None
        self._held_at = 0.0  # when the holding sentence was last said
        recorder.on_waiting = self._hold

    # ---- pipeline plumbing -------------------------------------------------------------
    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame):
            if self._smart_turn is not None:  # it measures pauses in samples
                self._smart_turn.set_sample_rate(frame.audio_in_sample_rate)
            await self.push_frame(frame, direction)
            self._tick_task = self.create_task(self._tick())
        elif isinstance(frame, (EndFrame, CancelFrame)):
            if self._tick_task is not None:
                await self.cancel_task(self._tick_task)
                self._tick_task = None
            await self.push_frame(frame, direction)
        elif isinstance(frame, InputTransportMessageFrame):
            await self._on_client_message(frame.message)
        elif isinstance(frame, InputAudioRawFrame):
            if self._smart_turn is not None:
                self._smart_turn.append_audio(frame.audio, self._turn.speaking)
        elif isinstance(frame, VADUserStartedSpeakingFrame):
            self._turn.speech_started()
            self._last_activity = time.monotonic()
            if self._bot_speaking and self._started_at is not None:
                await self.broadcast_interruption()  # barge-in: stop the AI's audio
                self._speaking_queue = 0
                self._bot_speaking = False
                await self._send({"type": "ai_speaking_end"})
            await self.push_frame(frame, direction)
        elif isinstance(frame, VADUserStoppedSpeakingFrame):
            complete = await self._sounds_complete()
            self._turn.speech_stopped(time.monotonic(), sounds_complete=complete)
            await self.push_frame(frame, direction)
        elif isinstance(frame, TranscriptionFrame):
            # Never forwarded: TTS would read the candidate's words aloud.
            self._turn.transcript(frame.text)
            self._last_activity = time.monotonic()
            if self._speech_hints is not None:  # the next segment continues this answer
                self._speech_hints.heard = " ".join(self._turn.pieces) or None
            if frame.text.strip():  # empty: the segment was noise
                await self._send(
                    {"type": "transcript", "role": "user", "text": frame.text, "final": True}
                )
        elif isinstance(frame, InterimTranscriptionFrame):
            await self._send(
                {"type": "transcript", "role": "user", "text": frame.text, "final": False}
            )
        elif isinstance(frame, BotStartedSpeakingFrame):
            # One reply is several utterances; the page hears one speaking stretch.
            if not self._bot_speaking:
                await self._send({"type": "ai_speaking_start"})
            self._bot_speaking = True
            await self._note_first_audio()
            await self.push_frame(frame, direction)
        elif isinstance(frame, BotStoppedSpeakingFrame):
            self._speaking_queue = max(0, self._speaking_queue - 1)
            self._last_activity = time.monotonic()
            if self._speaking_queue == 0:
                self._bot_speaking = False
                await self._send({"type": "ai_speaking_end"})
            await self.push_frame(frame, direction)
        else:
            await self.push_frame(frame, direction)

    def _current_index(self) -> int | None:
        number, _ = self._brain.progress
        return number - 1 if number > 0 else None

    async def _sounds_complete(self) -> bool:
        if self._smart_turn is None:
            return True
        try:
            state, _ = await self._smart_turn.analyze_end_of_turn()
            return state == EndOfTurnState.COMPLETE
        except Exception:  # the model is an optimisation; a failure must not stall the turn
            log.exception("smart-turn analysis failed; treating the pause as the end")
            return True

    async def _send(self, message: dict[str, Any]) -> None:
        await self.push_frame(OutputTransportMessageUrgentFrame(message=message))

    # ---- conversation ------------------------------------------------------------------
    async def _on_client_message(self, message: Any) -> None:
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "start_interview" and self._started_at is None:
            self._started_at = time.monotonic() - self._elapsed_before_s
            await self._say(self._brain.opening(elapsed_s=self._elapsed_before_s))
        elif kind == "end_interview" and not self._finishing:
            await self._say(self._brain.on_end_requested())
        elif kind not in ("start_interview", "end_interview"):
            await self._send({"type": "error", "message": "unknown message type"})

    async def _tick(self) -> None:
        """Answers finished turns, nudges after silence, enforces the time limit."""
        while True:
            await asyncio.sleep(TICK_S)
            try:
                await self._tick_once()
            except Exception:
                log.exception(
                    "interview %s: error in the conversation loop", self._recorder.interview_id
                )

    async def _tick_once(self) -> None:
        if self._started_at is None or self._finished:
            return
        now = time.monotonic()
        elapsed = now - self._started_at
        if self._finishing:
            if self._speaking_queue == 0 and not self._bot_speaking:
                await self._finish()
            return
        self._turn.give_up_waiting(now)
        if self._turn.due(now):
            answer, stopped_at = self._turn.take()
            if self._speech_hints is not None:
                self._speech_hints.heard = None
            stt_ms = None
            if stopped_at is not None:
                stopped_at -= self._speech_end_lag_s  # when the last word ended
                stt_ms = int((self._last_activity - stopped_at) * 1000)
            await self._answered(answer, stopped_at, stt_ms, elapsed)
        elif elapsed > self._max_duration_s:
            await self._say(self._brain.on_time_up())
        elif (
            self._turn.idle and not self._bot_speaking and self._speaking_queue == 0
            and now - self._last_activity > self._silence_s
        ):  # fmt: skip
            self._last_activity = now
            await self._say(self._brain.on_silence(self._silence_s, elapsed_s=elapsed))

    async def _answered(
        self, answer: str, stopped_at: float | None, stt_ms: int | None, elapsed: float
    ) -> None:
        async with self._busy:
            now_utc = datetime.now(UTC)
            await self._recorder.record(
                role="candidate", text=answer, question_index=self._current_index(),
                kind=None, engine=self._engines.get("stt"),
                timing=TurnTiming(ended_at=now_utc, stt_ttfb_ms=stt_ms),
            )  # fmt: skip
            started = time.monotonic()
            # In a thread: with an LLM configured, the brain waits on the network.
            reply = await asyncio.to_thread(self._brain.on_answer, answer, elapsed_s=elapsed)
            llm_ms = int((time.monotonic() - started) * 1000)
            self._pending_latency = {"stopped_at": stopped_at, "llm_ms": llm_ms, "seq": None}
            await self._say(reply, locked=True)

    async def _say(self, reply: BrainReply, *, locked: bool = False) -> None:
        """Persist, then speak, each utterance; announce questions and the end."""
        if not locked:
            async with self._busy:
                return await self._say(reply, locked=True)
        for utterance in reply.utterances:
            row = await self._recorder.record(
                role="interviewer", text=utterance.text, question_index=utterance.question_index,
                kind=utterance.kind, engine=self._engines.get("tts"),
            )  # fmt: skip
            if self._speech_hints is not None:
                self._speech_hints.question = utterance.text
            if self._pending_latency is not None and self._pending_latency["seq"] is None:
                self._pending_latency["seq"] = row.seq
                self._pending_latency["tts_pushed"] = time.monotonic()
            if utterance.kind in ("question", "repeat") and utterance.question_index is not None:
                await self._send(
                    {"type": "question", "text": utterance.text,
                     "questionNumber": utterance.question_index + 1}
                )  # fmt: skip
            await self._send(
                {"type": "transcript", "role": "assistant", "text": utterance.text, "final": True}
            )
            self._speaking_queue += 1
            await self.push_frame(TTSSpeakFrame(utterance.text))
        if reply.done:
            self._finishing = True

    async def _hold(self, attempt: int) -> None:
        """A turn could not be stored (the database is out of reach) and the conversation
        waits for it: say so at once, and again every `HOLD_REPEAT_S` (never stored)."""
        now = time.monotonic()
        if attempt and now - self._held_at < HOLD_REPEAT_S:
            return
        self._held_at = now
        text = texts.holding(self._brain.language, again=attempt > 0)
        await self._send(
            {"type": "transcript", "role": "assistant", "text": text, "final": True,
             "kind": "holding"}
        )  # fmt: skip
        self._speaking_queue += 1
        await self.push_frame(TTSSpeakFrame(text))

    async def _note_first_audio(self) -> None:
        pending, self._pending_latency = self._pending_latency, None
        if not pending or pending.get("seq") is None or pending.get("stopped_at") is None:
            return
        now = time.monotonic()
        voice_to_voice_ms = int((now - pending["stopped_at"]) * 1000)
        if self._on_latency is not None:
            self._on_latency(voice_to_voice_ms)
        await self._recorder.set_latency(
            seq=pending["seq"],
            voice_to_voice_ms=voice_to_voice_ms,
            llm_ttfb_ms=pending["llm_ms"],
            tts_ttfb_ms=int((now - pending["tts_pushed"]) * 1000),
        )

    async def _finish(self) -> None:
        self._finished = True
        summary = self._brain.summary
        if self._on_finished is not None:  # recorded before the candidate is told
            await self._on_finished(summary)
        await self._send({"type": "interview_complete", "summary": summary})
        await self.push_frame(EndWorkerFrame())
