"""One speech recogniser per node, shared by every live interview on that node.

Hard state: none (a model loaded from disk). Rebuilt on restart: the model. A Whisper model
takes ~300 MB; giving each interview actor its own copy multiplied that and made the copies
fight for the same cores. This actor holds one copy; interview pipelines send it segments.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import ray
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from pipelines.engines.stt_whisper import Transcript, WhisperRecognizer

log = logging.getLogger(__name__)
# One worker per core, one thread each: segments of different interviews are transcribed in
# parallel while the weights are loaded once.
RECOGNIZER_WORKERS = max(1, min(4, os.cpu_count() or 1))


@ray.remote
class RecognizerHost:
    """Loads the model once; transcribes up to `workers` segments at once (threaded actor;
    CTranslate2 releases the GIL)."""

    def __init__(self, model_path: str, workers: int = RECOGNIZER_WORKERS) -> None:
        self._model = WhisperRecognizer(model_path, cpu_threads=1, num_workers=workers)
        log.info("speech recogniser loaded in %.2f s", self._model.load_s)

    def transcribe(self, pcm: bytes, sample_rate: int, language: str | None) -> Transcript:
        return self._model.transcribe(pcm, sample_rate=sample_rate, language=language)


class RemoteRecognizer:
    """What `WhisperSTTService` calls: awaits the node's recogniser actor."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    async def atranscribe(
        self, pcm: bytes, *, sample_rate: int, language: str | None
    ) -> Transcript:
        return await self._handle.transcribe.remote(pcm, sample_rate, language)


def node_recognizer(model_path: str) -> RemoteRecognizer:
    """The recogniser actor of the current node, created on first use (detached)."""
    from actors.naming import NAMESPACE

    node_id = ray.get_runtime_context().get_node_id()
    handle = RecognizerHost.options(
        name=f"stt:{node_id[:16]}",
        namespace=NAMESPACE,
        get_if_exists=True,
        lifetime="detached",
        max_restarts=-1,
        num_cpus=0,
        max_concurrency=4,
        scheduling_strategy=NodeAffinitySchedulingStrategy(node_id, soft=False),
    ).remote(model_path)
    return RemoteRecognizer(handle)
