"""Assembles the live interview pipeline on a WebRTC peer connection (Pipecat SmallWebRTC):

    transport in → Silero VAD → speech-to-text → interviewer → text-to-speech → transport out

Input audio is resampled by the transport to 16 kHz (what Whisper and the VAD want); output
is 24 kHz. RTVI is off: the page speaks this product's own data-channel protocol. The VAD
is Pipecat's bundled Silero model computed with numpy (`silero_vad`), so an interview actor
carries no onnxruntime.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pipecat.audio.vad.vad_analyzer import VADParams
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.processors.audio.vad_processor import VADProcessor
from pipecat.processors.frame_processor import FrameProcessor
from pipecat.transports.base_transport import TransportParams
from pipecat.transports.smallwebrtc.connection import SmallWebRTCConnection
from pipecat.transports.smallwebrtc.transport import SmallWebRTCTransport
from pipecat.workers.runner import WorkerRunner

from pipelines.voice.conversation import InterviewConversation
from pipelines.voice.silero_vad import SileroVADAnalyzer

log = logging.getLogger(__name__)
IN_RATE = 16_000
OUT_RATE = 24_000
# A short VAD pause ends a segment so recognition starts early; turn_taking decides whether
# the pause ends the answer.
VAD = VADParams(confidence=0.6, start_secs=0.15, stop_secs=0.25, min_volume=0.4)


def smart_turn_analyzer() -> Any:
    """Pipecat's bundled smart-turn v3 model (ONNX, CPU, one thread), in this process.

    Imported here, not at the top: onnxruntime costs every process that loads it ~40 MB, and
    interview actors judge turns in the node's speech host instead (actors.recognizer)."""
    from pipecat.audio.turn.smart_turn.local_smart_turn_v3 import LocalSmartTurnAnalyzerV3

    return LocalSmartTurnAnalyzerV3(cpu_count=1, sample_rate=IN_RATE)


@dataclass
class RunningPipeline:
    """A started pipeline and the task running it."""

    worker: PipelineWorker
    runner: WorkerRunner
    task: asyncio.Task[None]
    connection: SmallWebRTCConnection

    async def stop(self) -> None:
        """Cancel the pipeline and close the peer connection, however the pipeline ended: an
        unclosed connection keeps its UDP sockets, and an error here must not stop the caller
        (an offer replacing this connection, an actor leaving) from going on."""
        try:
            await self.runner.cancel("stopped")
            await asyncio.wait_for(self.task, timeout=5)
        except (TimeoutError, asyncio.CancelledError):
            self.task.cancel()
        except Exception:
            log.exception("pipeline %s ended with an error", self.connection.pc_id)
        finally:
            await self.connection.disconnect()


async def start_pipeline(
    connection: SmallWebRTCConnection,
    *,
    stt: FrameProcessor,
    tts: FrameProcessor,
    conversation: InterviewConversation,
    on_disconnected: Callable[[], Awaitable[None]] | None = None,
) -> RunningPipeline:
    """Build and start the pipeline for a connection whose answer has been created.

    When the candidate's browser goes away the pipeline is cancelled (its resources freed);
    the interview stays active in the database, so the same link reconnects and continues.
    """
    transport = SmallWebRTCTransport(
        webrtc_connection=connection,
        params=TransportParams(
            audio_in_enabled=True,
            audio_in_sample_rate=IN_RATE,
            audio_out_enabled=True,
            audio_out_sample_rate=OUT_RATE,
        ),
    )
    pipeline = Pipeline(
        [
            transport.input(),
            VADProcessor(vad_analyzer=SileroVADAnalyzer(sample_rate=IN_RATE, params=VAD)),
            stt,
            conversation,
            tts,
            transport.output(),
        ]
    )
    worker = PipelineWorker(
        pipeline,
        params=PipelineParams(
            audio_in_sample_rate=IN_RATE, audio_out_sample_rate=OUT_RATE, enable_metrics=True
        ),
        enable_rtvi=False,
        idle_timeout_secs=None,
    )

    @transport.event_handler("on_client_disconnected")
    async def _gone(_transport: Any, _client: Any) -> None:
        await worker.cancel()
        if on_disconnected is not None:
            await on_disconnected()

    # Signal handlers cannot be installed off the main thread (Ray actors run their loop
    # elsewhere): the actor owns the lifecycle instead.
    runner = WorkerRunner(handle_sigint=False, handle_sigterm=False)
    await runner.add_workers(worker)
    task = asyncio.create_task(runner.run(), name=f"pipeline:{connection.pc_id}")
    return RunningPipeline(worker, runner, task, connection)
