"""One host per node for the speech models every live interview on that node shares.

Hard state: none (models loaded from disk). Rebuilt on restart: the models. A Whisper model
takes ~300 MB; giving each interview actor its own copy multiplied that and made the copies
fight for the same cores. The smart-turn model costs ~55 MB per process once it has run (its
ONNX session and working memory). This actor holds one copy of each; interview pipelines send
it speech segments to transcribe and, at each pause, the last seconds of audio to judge. The
segments it holds (being transcribed or waiting for a worker) are the gauge
`selectio_stt_queue_depth` of its node (pipelines.ops_metrics).
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

import ray
from pipecat.audio.turn.smart_turn.base_smart_turn import BaseSmartTurn
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from pipelines import ops_metrics
from pipelines.engines.stt_whisper import Transcript, WhisperRecognizer

log = logging.getLogger(__name__)
# One worker per core, one thread each: segments of different interviews are transcribed in
# parallel while the weights are loaded once.
RECOGNIZER_WORKERS = max(1, min(4, os.cpu_count() or 1))
# A judgement takes ~60 ms; past this the pause is treated as the end of the turn.
END_OF_TURN_TIMEOUT_S = 3.0
# Beam search recognises eSpeak-like and accented speech better (English WER 13 % → 9 % on
# the benchmark's answers) for ~40 % more decoding time. That time is free while a worker is
# idle, and costs a queue when every worker is busy: then greedy decoding keeps answers quick.
BEAM_SIZE = 5


@ray.remote
class RecognizerHost:
    """Loads the model once; transcribes up to `workers` segments at once (threaded actor;
    CTranslate2 releases the GIL)."""

    def __init__(self, model_path: str, workers: int = RECOGNIZER_WORKERS) -> None:
        from pipelines.voice.pipeline import IN_RATE, smart_turn_analyzer

        self._model = WhisperRecognizer(model_path, cpu_threads=1, num_workers=workers)
        self._workers = workers
        self._busy = 0
        self._busy_lock = threading.Lock()
        self._queue_tags = {"node": node_label(ray.get_runtime_context().get_node_id())}
        self._smart_turn = smart_turn_analyzer()
        self._smart_turn.set_sample_rate(IN_RATE)
        log.info("speech recogniser loaded in %.2f s", self._model.load_s)

    def transcribe(
        self, pcm: bytes, sample_rate: int, language: str | None, prompt: str | None = None
    ) -> Transcript:
        with self._busy_lock:
            self._busy += 1
            spare = self._busy == 1 or self._busy < self._workers
            self._report_queue()
        try:
            return self._model.transcribe(
                pcm, sample_rate=sample_rate, language=language, prompt=prompt,
                beam_size=BEAM_SIZE if spare else 1,
            )  # fmt: skip
        finally:
            with self._busy_lock:
                self._busy -= 1
                self._report_queue()

    def _report_queue(self) -> None:
        ops_metrics.gauge("selectio_stt_queue_depth").set(self._busy, tags=self._queue_tags)

    def end_of_turn(self, audio: Any) -> dict[str, Any]:
        """The smart-turn model's verdict on a pause: `prediction` (1 = complete) and
        `probability`, for float 16 kHz audio of the turn so far (its last 8 s count)."""
        return self._smart_turn._predict_endpoint(audio)


class RemoteSmartTurn(BaseSmartTurn):
    """Pipecat's smart-turn analyzer with the model in the node's shared host: the audio
    buffering and the pause logic stay in the interview, the inference goes to the host."""

    def __init__(self, handle: Any, *, sample_rate: int) -> None:
        super().__init__(sample_rate=sample_rate)
        self._handle = handle

    def _predict_endpoint(self, audio_array: Any) -> dict[str, Any]:
        # Runs in the analyzer's own worker thread, so waiting here blocks no event loop.
        return ray.get(self._handle.end_of_turn.remote(audio_array), timeout=END_OF_TURN_TIMEOUT_S)


class RemoteRecognizer:
    """What `WhisperSTTService` calls: awaits the node's recogniser actor."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle

    async def atranscribe(
        self, pcm: bytes, *, sample_rate: int, language: str | None, prompt: str | None = None
    ) -> Transcript:
        return await self.handle.transcribe.remote(pcm, sample_rate, language, prompt)


def node_label(node_id: str) -> str:
    """A node as the speech host's name (`stt:<label>`) and its queue gauge show it."""
    return node_id[:16]


def node_recognizer(model_path: str) -> RemoteRecognizer:
    """The recogniser actor of the current node, created on first use (detached)."""
    from actors.naming import NAMESPACE

    node_id = ray.get_runtime_context().get_node_id()
    handle = RecognizerHost.options(
        name=f"stt:{node_label(node_id)}",
        namespace=NAMESPACE,
        get_if_exists=True,
        lifetime="detached",
        max_restarts=-1,
        num_cpus=0,
        max_concurrency=4,
        scheduling_strategy=NodeAffinitySchedulingStrategy(node_id, soft=False),
    ).remote(model_path)
    return RemoteRecognizer(handle)
