"""The node's shared speech host: Whisper with hints, and smart-turn judged remotely."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from actors.recognizer import RecognizerHost, RemoteRecognizer, RemoteSmartTurn
from pipelines.engines.stt_whisper import SpeechHints
from pipelines.engines.tts_espeak import EspeakSynthesizer
from pipelines.voice.pipeline import IN_RATE, smart_turn_analyzer
from tests.pipelines.engines.audio import packaged_model_dir, resample_pcm16, silence

pytestmark = pytest.mark.usefixtures("ray_local")


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    import ray

    handle = RecognizerHost.options(max_concurrency=4).remote(
        str(packaged_model_dir(tmp_path_factory)), 2
    )
    yield handle
    ray.kill(handle)


def _speech(text: str) -> bytes:
    espeak = EspeakSynthesizer()
    return resample_pcm16(espeak.synthesize(text, language="en"), espeak.sample_rate, IN_RATE)


def test_segments_are_transcribed_in_the_host_with_the_prompt(host: Any) -> None:
    recognizer = RemoteRecognizer(host)
    hints = SpeechHints.from_skills(["Redis", "RabbitMQ"])
    pcm = _speech("I used Redis as a cache and RabbitMQ for background jobs.")

    transcript = asyncio.run(
        recognizer.atranscribe(pcm, sample_rate=IN_RATE, language="en", prompt=hints.prompt())
    )

    assert "redis" in transcript.text.lower(), transcript.text
    assert transcript.language == "en"


def _judge(analyzer: Any, pcm: bytes) -> tuple[Any, Any]:
    analyzer.set_sample_rate(IN_RATE)
    for i in range(0, len(pcm), 640):
        analyzer.append_audio(pcm[i : i + 640], True)
    tail = silence(0.25)
    for i in range(0, len(tail), 640):
        analyzer.append_audio(tail[i : i + 640], False)
    return asyncio.run(analyzer.analyze_end_of_turn())


@pytest.mark.parametrize(
    "text",
    ["I have seven years of experience with Python.", "Well, I think that the main thing is"],
)
def test_a_pause_is_judged_remotely_as_the_local_model_judges_it(host: Any, text: str) -> None:
    pcm = _speech(text)

    remote_state, remote = _judge(RemoteSmartTurn(host, sample_rate=IN_RATE), pcm)
    local_state, local = _judge(smart_turn_analyzer(), pcm)

    assert remote_state == local_state
    assert remote.probability == pytest.approx(local.probability, abs=1e-4)
    assert 0.0 <= remote.probability <= 1.0


def test_a_host_that_does_not_answer_raises_instead_of_hanging(
    host: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import actors.recognizer as module

    monkeypatch.setattr(module, "END_OF_TURN_TIMEOUT_S", 0.001)
    analyzer = RemoteSmartTurn(host, sample_rate=IN_RATE)

    with pytest.raises(Exception, match="(?i)timeout|timed out"):
        analyzer._predict_endpoint(np.zeros(IN_RATE, dtype=np.float32))
