"""eSpeak NG through ctypes: both voices, plausible lengths, and one engine shared safely.

eSpeak's output is not bit-exact between calls, so renderings are compared by their aligned
loudness envelopes (`same_speech`), not byte for byte.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from pipelines.engines.speech import SpeechEngineError
from pipelines.engines.tts_espeak import EspeakSynthesizer, voice_for
from tests.pipelines.engines.audio import pcm_seconds, same_speech

ENGLISH = "I have five years of experience with Python and PostgreSQL."
RUSSIAN = "У меня пять лет опыта работы с базами данных."


@pytest.fixture(scope="module")
def espeak() -> EspeakSynthesizer:
    return EspeakSynthesizer()


def _plausible_seconds(text: str, wpm: int) -> tuple[float, float]:
    """Half to twice the time `text` takes at `wpm` words per minute."""
    seconds = len(text.split()) / wpm * 60
    return seconds / 2, seconds * 2


@pytest.mark.parametrize(("text", "language"), [(ENGLISH, "en"), (RUSSIAN, "ru")])
def test_speech_length_is_plausible_for_the_text(
    espeak: EspeakSynthesizer, text: str, language: str
) -> None:
    pcm = espeak.synthesize(text, language=language)

    assert espeak.sample_rate == 22050
    low, high = _plausible_seconds(text, espeak.rate_wpm)
    assert low < pcm_seconds(pcm, espeak.sample_rate) < high
    samples = np.frombuffer(pcm, dtype="<i2")
    assert np.sqrt(np.mean(samples.astype(np.float64) ** 2)) > 500  # audible, not silence


def test_the_language_picks_the_voice(espeak: EspeakSynthesizer) -> None:
    assert voice_for("ru") == "ru"
    assert voice_for("ru-RU") == "ru"
    assert voice_for("en") == voice_for(None) == voice_for("de") == "en-us"

    russian = espeak.synthesize(RUSSIAN, language="ru")
    read_as_english = espeak.synthesize(RUSSIAN, language="en")

    assert not same_speech(russian, read_as_english)


def test_a_faster_rate_gives_shorter_speech() -> None:
    slow = EspeakSynthesizer(rate_wpm=120).synthesize(ENGLISH)
    fast = EspeakSynthesizer(rate_wpm=240).synthesize(ENGLISH)

    assert len(fast) < 0.7 * len(slow)


def test_empty_text_gives_no_audio(espeak: EspeakSynthesizer) -> None:
    assert espeak.synthesize("  ", language="ru") == b""


def test_an_unknown_voice_is_an_error_and_the_engine_recovers(espeak: EspeakSynthesizer) -> None:
    with pytest.raises(SpeechEngineError) as caught:
        espeak.synthesize(ENGLISH, voice="no-such-voice")
    assert caught.value.code == "espeak_voice_missing"

    assert same_speech(espeak.synthesize(ENGLISH), espeak.synthesize(ENGLISH, language="en"))


def test_threads_synthesising_at_once_get_what_they_get_alone(espeak: EspeakSynthesizer) -> None:
    jobs = [(ENGLISH, "en"), (RUSSIAN, "ru")] * 4
    alone = [espeak.synthesize(text, language=language) for text, language in jobs]

    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda job: espeak.synthesize(job[0], language=job[1]), jobs))

    # Without the engine lock the callbacks of one call land in another's buffer: lengths
    # and envelopes would be far apart, or the process would crash.
    assert all(same_speech(a, b) for a, b in zip(together, alone, strict=True))
    assert not same_speech(alone[0], espeak.synthesize(ENGLISH.replace("five", "six")))
