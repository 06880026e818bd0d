"""Pipecat services for speech: Whisper STT and eSpeak TTS driven directly and in a minimal
pipeline, and the choice between them and the cloud services from settings."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncGenerator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pipecat.frames.frames import (
    ErrorFrame,
    Frame,
    InputAudioRawFrame,
    MetricsFrame,
    TranscriptionFrame,
    TTSAudioRawFrame,
    TTSSpeakFrame,
    TTSStartedFrame,
    TTSStoppedFrame,
    TTSUpdateSettingsFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.metrics.metrics import ProcessingMetricsData, TTFBMetricsData
from pipecat.pipeline.worker import PipelineParams
from pipecat.services.settings import TTSSettings
from pipecat.tests.utils import run_test
from pipecat.transcriptions.language import Language
from pydantic import SecretStr

from db.settings import Settings
from pipelines.engines.speech import (
    ELEVENLABS_DEFAULT_VOICE,
    SpeechEngineError,
    speech_engine_ids,
    stt_service_from_settings,
    tts_service_from_settings,
)
from pipelines.engines.stt_whisper import Transcript, WhisperSTTService, shared_recognizer
from pipelines.engines.tts_espeak import EspeakSynthesizer, EspeakTTSService
from tests.pipelines.engines.audio import (
    packaged_model_dir,
    pcm_seconds,
    resample_pcm16,
    silence,
    word_error_rate,
)

SENTENCE = "I have five years of experience with Python and PostgreSQL."
RUSSIAN = "Я пять лет работаю бухгалтером."
KEY_VARIABLES = ("DEEPGRAM_API_KEY", "ELEVENLABS_API_KEY", "SELECTIO_WHISPER_MODEL_PATH")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return packaged_model_dir(tmp_path_factory)


@pytest.fixture(scope="module")
def speech_16k() -> bytes:
    espeak = EspeakSynthesizer()
    return resample_pcm16(espeak.synthesize(SENTENCE), espeak.sample_rate, 16000)


@pytest.fixture
def offline_settings(tmp_path: Path, model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in KEY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return Settings(_env_file=None, home=tmp_path, whisper_model_path=model_dir)


async def _collect(generator: AsyncGenerator[Frame | None, None]) -> list[Frame]:
    return [frame async for frame in generator if frame is not None]


def _metrics(frames: list[Frame], kind: type) -> list[Any]:
    return [d for f in frames if isinstance(f, MetricsFrame) for d in f.data if isinstance(d, kind)]


# --- Whisper STT --------------------------------------------------------------------------


def test_run_stt_yields_one_final_transcription(model_dir: Path, speech_16k: bytes) -> None:
    stt = WhisperSTTService(recognizer=shared_recognizer(model_dir), language="en")

    frames = asyncio.run(_collect(stt.run_stt(speech_16k + silence(0.5))))

    assert len(frames) == 1 and isinstance(frames[0], TranscriptionFrame), frames
    assert word_error_rate(SENTENCE, frames[0].text) <= 0.15, frames[0].text
    assert frames[0].language == Language.EN
    assert isinstance(frames[0].result, Transcript)
    assert frames[0].result.duration_s == pytest.approx(pcm_seconds(speech_16k, 16000) + 0.5)


def test_a_silent_segment_yields_an_empty_transcription(model_dir: Path) -> None:
    stt = WhisperSTTService(recognizer=shared_recognizer(model_dir), language="ru")

    frames = asyncio.run(_collect(stt.run_stt(silence(1.0))))

    assert [(type(f), f.text) for f in frames] == [(TranscriptionFrame, "")]


def test_a_missing_model_becomes_an_error_frame(tmp_path: Path) -> None:
    stt = WhisperSTTService(model_path=tmp_path, language="en")  # an empty folder

    frames = asyncio.run(_collect(stt.run_stt(silence(0.5))))

    assert len(frames) == 1 and isinstance(frames[0], ErrorFrame)
    assert isinstance(frames[0].exception, SpeechEngineError)
    assert frames[0].exception.code == "whisper_model_unavailable"


def test_whisper_in_a_pipeline_transcribes_a_vad_segment(
    model_dir: Path, speech_16k: bytes
) -> None:
    stt = WhisperSTTService(model_path=model_dir, language=Language.EN_US)
    chunk = 16000 // 50 * 2  # 20 ms, as a transport delivers it
    audio = [
        InputAudioRawFrame(speech_16k[i : i + chunk], sample_rate=16000, num_channels=1)
        for i in range(0, len(speech_16k), chunk)
    ]
    frames_to_send = [VADUserStartedSpeakingFrame(), *audio, VADUserStoppedSpeakingFrame(0.2)]

    down, _ = asyncio.run(
        run_test(
            stt,
            frames_to_send=frames_to_send,
            pipeline_params=PipelineParams(audio_in_sample_rate=16000, enable_metrics=True),
        )
    )

    transcripts = [f for f in down if isinstance(f, TranscriptionFrame)]
    assert len(transcripts) == 1
    assert transcripts[0].finalized
    assert word_error_rate(SENTENCE, transcripts[0].text) <= 0.15, transcripts[0].text
    assert stt.settings.language == "en"
    # Pipecat reports zeroed metrics at start; the measured ones carry the engine id.
    processing = [d for d in _metrics(down, ProcessingMetricsData) if d.model == stt.engine_id]
    assert len(processing) == 1 and processing[0].value > 0
    assert any(d.value > 0 for d in _metrics(down, TTFBMetricsData))


# --- eSpeak TTS ---------------------------------------------------------------------------


def _speak(tts: EspeakTTSService, *frames: Frame) -> list[Frame]:
    down, _ = asyncio.run(
        run_test(tts, frames_to_send=list(frames), pipeline_params=PipelineParams())
    )
    return list(down)


@pytest.mark.parametrize(("language", "text"), [("en", SENTENCE), ("ru", RUSSIAN)])
def test_espeak_speaks_in_a_pipeline(language: str, text: str) -> None:
    tts = EspeakTTSService(language=language)

    down = _speak(tts, TTSSpeakFrame(text))

    audio = [f for f in down if isinstance(f, TTSAudioRawFrame)]
    assert audio and all(f.audio for f in audio)
    assert {f.sample_rate for f in audio} == {24000}  # resampled to the pipeline's output
    seconds = sum(pcm_seconds(f.audio, f.sample_rate) for f in audio)
    assert 0.3 * len(text.split()) < seconds < 1.0 * len(text.split())
    kinds = [type(f) for f in down if isinstance(f, TTSStartedFrame | TTSStoppedFrame)]
    assert kinds == [TTSStartedFrame, TTSStoppedFrame]
    assert down.index(audio[0]) > [type(f) for f in down].index(TTSStartedFrame)
    assert tts.settings.voice == ("ru" if language == "ru" else "en-us")


def test_run_tts_reports_a_missing_voice_as_an_error_frame() -> None:
    tts = EspeakTTSService(language="en", voice="no-such-voice")

    frames = asyncio.run(_collect(tts.run_tts("Tell me about yourself.", "ctx-1")))

    assert len(frames) == 1 and isinstance(frames[0], ErrorFrame)
    assert frames[0].exception.code == "espeak_voice_missing"


class RecordingSynthesizer:
    """Stands in for eSpeak: records the voices asked for, returns 0.1 s of a tone."""

    sample_rate = 22050

    def __init__(self) -> None:
        self.voices: list[str | None] = []

    def synthesize(self, text: str, *, language: str | None = None, voice: str | None = None):
        self.voices.append(voice)
        return b"\x00\x10" * (self.sample_rate // 10)


def test_a_language_update_switches_the_voice() -> None:
    synthesizer = RecordingSynthesizer()
    tts = EspeakTTSService(language="ru", synthesizer=synthesizer)  # type: ignore[arg-type]

    _speak(
        tts,
        TTSSpeakFrame("Здравствуйте."),
        TTSUpdateSettingsFrame(delta=TTSSettings(language=Language.EN)),
        TTSSpeakFrame("Hello."),
    )

    assert synthesizer.voices == ["ru", "en-us"]


# --- choosing engines ---------------------------------------------------------------------


def test_offline_engines_without_keys(offline_settings: Settings) -> None:
    stt = stt_service_from_settings(offline_settings, language="ru")
    tts = tts_service_from_settings(offline_settings, language="ru")

    assert isinstance(stt, WhisperSTTService) and stt.settings.language == "ru"
    assert isinstance(tts, EspeakTTSService) and tts.settings.voice == "ru"
    assert speech_engine_ids(offline_settings) == {"stt": "whisper-base-int8", "tts": "espeak-ng"}
    assert stt.engine_id == "whisper-base-int8"


def test_cloud_engines_when_keys_are_set(offline_settings: Settings) -> None:
    from pipecat.services.deepgram.stt import DeepgramSTTService
    from pipecat.services.elevenlabs.tts import ElevenLabsTTSService

    settings = offline_settings.model_copy(
        update={"deepgram_api_key": SecretStr("dg-test"), "elevenlabs_api_key": SecretStr("el")}
    )

    stt = stt_service_from_settings(settings, language="ru")
    tts = tts_service_from_settings(settings, language="en")

    assert isinstance(stt, DeepgramSTTService)
    assert (stt.settings.model, stt.settings.language) == ("nova-3", "ru")
    assert isinstance(tts, ElevenLabsTTSService)
    assert tts.settings.voice == ELEVENLABS_DEFAULT_VOICE
    assert tts.settings.model == "eleven_flash_v2_5"
    assert speech_engine_ids(settings) == {
        "stt": "deepgram:nova-3",
        "tts": "elevenlabs:eleven_flash_v2_5",
    }


def test_a_configured_elevenlabs_voice_is_used(offline_settings: Settings) -> None:
    settings = SimpleNamespace(elevenlabs_api_key=SecretStr("el"), elevenlabs_voice_id="v-42")

    tts = tts_service_from_settings(settings, language="ru")

    assert tts.settings.voice == "v-42"
    assert speech_engine_ids(settings)["stt"] == "whisper-base-int8"


def test_a_missing_cloud_sdk_says_how_to_install_it(
    offline_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pipecat.services.deepgram.stt", None)
    settings = offline_settings.model_copy(update={"deepgram_api_key": SecretStr("dg-test")})

    with pytest.raises(SpeechEngineError) as caught:
        stt_service_from_settings(settings, language="en")

    assert caught.value.code == "speech_sdk_missing"
    assert "pipecat-ai[deepgram]" in caught.value.message
