"""The numpy Silero VAD against onnxruntime running the same bundled file, and its analyzer
in Pipecat's VAD state machine on real (eSpeak) speech."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from pipecat.audio.vad.silero import SileroOnnxModel
from pipecat.audio.vad.vad_analyzer import VADParams, VADState

from pipelines.engines.tts_espeak import EspeakSynthesizer
from pipelines.voice.onnx_constants import OnnxReadError, read_constants
from pipelines.voice.silero_model import SileroModel, bundled_model_path
from pipelines.voice.silero_vad import SileroVADAnalyzer
from tests.pipelines.engines.audio import resample_pcm16, silence


def _speech(text: str, language: str, rate: int) -> bytes:
    espeak = EspeakSynthesizer()
    return resample_pcm16(espeak.synthesize(text, language=language), espeak.sample_rate, rate)


def _recording(rate: int) -> np.ndarray:
    """Silence, English, noise, Russian, silence: float samples."""
    rng = np.random.default_rng(7)
    noise = (rng.standard_normal(rate) * 800).astype("<i2").tobytes()
    pcm = (
        silence(0.7, rate)
        + _speech("I tuned the slow queries and added an index.", "en", rate)
        + noise
        + _speech("Я отвечала за платёжный сервис.", "ru", rate)
        + silence(1.0, rate)
    )
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


@pytest.mark.parametrize("rate", [16_000, 8_000])
def test_numpy_model_matches_onnxruntime_on_the_bundled_file(rate: int) -> None:
    ours = SileroModel(rate)
    reference = SileroOnnxModel(str(bundled_model_path()))
    window = 512 if rate == 16_000 else 256
    samples = _recording(rate)

    ours_p, ref_p = [], []
    for start in range(0, samples.size - window, window):
        chunk = samples[start : start + window]
        ours_p.append(ours(chunk))
        ref_p.append(float(reference(chunk, rate)[0][0]))

    ours_a, ref_a = np.array(ours_p), np.array(ref_p)
    assert np.max(np.abs(ours_a - ref_a)) < 1e-4
    # The recording really exercises the model: both speech and non-speech windows.
    assert (ref_a > 0.8).sum() > 20 and (ref_a < 0.1).sum() > 20


def test_reset_gives_the_same_scores_as_a_fresh_model() -> None:
    samples = _recording(16_000)[: 512 * 60]
    first = SileroModel()
    scores = [first(samples[i : i + 512]) for i in range(0, samples.size, 512)]
    first.reset_states()
    again = [first(samples[i : i + 512]) for i in range(0, samples.size, 512)]
    assert again == scores


def test_a_window_of_the_wrong_size_is_refused() -> None:
    with pytest.raises(ValueError, match="512 samples"):
        SileroModel()(np.zeros(480, dtype=np.float32))


def test_a_file_that_is_not_onnx_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"\x3a\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff")
    with pytest.raises(OnnxReadError) as caught:
        read_constants(broken)
    assert caught.value.code == "onnx_unreadable"


def test_bundled_file_holds_both_sample_rates() -> None:
    constants = read_constants(bundled_model_path())
    shapes = [v.shape for name, v in constants.items() if name.endswith("forward_basis_buffer")]
    assert sorted(shapes) == [(130, 1, 128), (258, 1, 256)]  # 8 kHz and 16 kHz STFTs


def _states(analyzer: SileroVADAnalyzer, pcm: bytes) -> list[VADState]:
    states = []
    step = analyzer.num_frames_required() * 2
    for start in range(0, len(pcm) - step + 1, step):
        states.append(asyncio.run(analyzer.analyze_audio(pcm[start : start + step])))
    return states


def test_analyzer_drives_pipecats_state_machine_through_an_answer() -> None:
    rate = 16_000
    analyzer = SileroVADAnalyzer(
        sample_rate=rate, params=VADParams(confidence=0.6, start_secs=0.15, stop_secs=0.25)
    )
    analyzer.set_sample_rate(48_000)  # what the pipeline's start does; the VAD's rate stays
    answer = _speech("My last project moved billing to PostgreSQL.", "en", rate)
    states = _states(analyzer, silence(1.0, rate) + answer + silence(1.0, rate))

    window_s = 512 / rate
    first_speaking = states.index(VADState.SPEAKING) * window_s
    last_speaking = (len(states) - 1 - states[::-1].index(VADState.SPEAKING)) * window_s
    assert 1.0 < first_speaking < 1.5  # the answer starts after one second of silence
    speech_end = 1.0 + len(answer) / 2 / rate
    assert speech_end - 0.5 < last_speaking < speech_end + 0.4
    assert states[-1] == VADState.QUIET


def test_analyzer_refuses_rates_silero_does_not_have() -> None:
    with pytest.raises(ValueError, match="8000 or 16000"):
        SileroVADAnalyzer(sample_rate=24_000)
    unset = SileroVADAnalyzer()
    with pytest.raises(ValueError, match="not 44100"):
        unset.set_sample_rate(44_100)


def test_interview_actor_code_loads_no_onnxruntime() -> None:
    """The point of the numpy model: onnxruntime stays out of every interview actor."""
    import subprocess
    import sys

    probe = (
        "import sys, actors.interview_session, pipelines.voice.pipeline;"
        "print('onnxruntime' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "False"
