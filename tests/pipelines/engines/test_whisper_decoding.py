"""Segment-sized Whisper decoding: the window, the quality gates, prompts and long segments."""

from __future__ import annotations

import pytest

from pipelines.engines.stt_whisper import SpeechHints, WhisperRecognizer, shared_recognizer
from pipelines.engines.tts_espeak import EspeakSynthesizer
from pipelines.engines.whisper_decoding import (
    FULL_WINDOW_FRAMES,
    SHORT_SEGMENT_MAX_FRAMES,
    TAIL_FRAMES,
    compression_ratio,
    window_frames,
)
from tests.pipelines.engines.audio import (
    packaged_model_dir,
    resample_pcm16,
    silence,
    word_error_rate,
)

ANSWERS = [
    "I have seven years of experience with Python and PostgreSQL.",
    "At my last job I built REST APIs with FastAPI and Docker.",
    "I usually profile first and then optimise the slowest database queries.",
    "I led a team of four engineers and we shipped the billing service on time.",
    "We moved our deployment to Kubernetes and cut the release time in half.",
    "My strongest skills are Python, SQL and writing clear tests.",
    "I prefer working in small teams where everyone reviews each other's code.",
    "When a production incident happens I check the logs and the metrics first.",
]


@pytest.fixture(scope="module")
def recognizer(tmp_path_factory: pytest.TempPathFactory) -> WhisperRecognizer:
    return shared_recognizer(packaged_model_dir(tmp_path_factory))


@pytest.fixture(scope="module")
def espeak() -> EspeakSynthesizer:
    return EspeakSynthesizer()


def _speech(espeak: EspeakSynthesizer, *sentences: str, gap_s: float = 0.25) -> bytes:
    return b"".join(
        resample_pcm16(espeak.synthesize(s, language="en"), espeak.sample_rate, 16000)
        + silence(gap_s)
        for s in sentences
    )


@pytest.mark.parametrize(
    ("frames", "window"),
    [(1, 400), (100, 400), (101, 500), (634, 1000), (2700, 3000), (2950, 3000), (9000, 3000)],
)
def test_the_window_is_the_speech_plus_a_silent_tail(frames: int, window: int) -> None:
    assert window_frames(frames) == window
    assert window <= FULL_WINDOW_FRAMES
    assert window >= min(FULL_WINDOW_FRAMES, frames + TAIL_FRAMES)


def test_a_repeating_decode_compresses_far_better_than_speech() -> None:
    looping = "I have experience with Python. " * 12
    assert compression_ratio(looping) > 2.4
    assert compression_ratio(ANSWERS[0] + " " + ANSWERS[1]) < 2.4
    assert compression_ratio("") == 0


def test_hints_put_the_vocabulary_first_then_the_question() -> None:
    hints = SpeechHints.from_skills(["Python", "Redis"], None, ["Redis", "Docker", ""])
    assert hints.vocabulary == ["Python", "Redis", "Docker"]
    assert hints.prompt() == "Python, Redis, Docker."

    hints.question = " Which cache did you use? "
    assert hints.prompt() == "Python, Redis, Docker. Which cache did you use?"
    hints.heard = "We used Redis,"
    assert hints.prompt() == "Python, Redis, Docker. Which cache did you use? We used Redis,"
    assert SpeechHints().prompt() is None
    assert len(SpeechHints.from_skills([f"skill {i}" for i in range(50)]).vocabulary) == 30


def test_the_expected_vocabulary_is_recognised_with_hints(
    recognizer: WhisperRecognizer, espeak: EspeakSynthesizer
) -> None:
    pcm = _speech(espeak, "I used Redis as a cache and RabbitMQ for background jobs.")
    hints = SpeechHints.from_skills(["Python", "Redis", "RabbitMQ"])
    hints.question = "Which tools did you use for caching and queues?"

    transcript = recognizer.transcribe(pcm, language="en", prompt=hints.prompt())

    assert "redis" in transcript.text.lower(), transcript.text
    assert "rabbitmq" in transcript.text.lower().replace(" ", ""), transcript.text
    assert "Which tools" not in transcript.text  # the prompt is context, never output


def test_short_answers_are_recognised_with_their_question(
    recognizer: WhisperRecognizer, espeak: EspeakSynthesizer
) -> None:
    hints = SpeechHints.from_skills(["Python", "PostgreSQL", "FastAPI", "Docker", "Kubernetes"])
    hints.question = "Tell me about your experience."
    errors = [
        word_error_rate(
            s, recognizer.transcribe(_speech(espeak, s), language="en", prompt=hints.prompt()).text
        )
        for s in ANSWERS[:4]
    ]
    assert sum(errors) / len(errors) <= 0.25, errors


def test_a_segment_longer_than_one_window_is_decoded_whole(
    recognizer: WhisperRecognizer, espeak: EspeakSynthesizer
) -> None:
    pcm = _speech(espeak, *ANSWERS)
    assert len(pcm) // 2 > SHORT_SEGMENT_MAX_FRAMES * 160  # past the segment-sized path

    transcript = recognizer.transcribe(pcm, language="en")

    assert word_error_rate(" ".join(ANSWERS), transcript.text) <= 0.35, transcript.text
    words = transcript.text.lower()
    assert "kubernetes" in words and "logs" in words, transcript.text  # sentences 5 and 8


def test_beam_search_can_be_asked_for_per_segment(
    recognizer: WhisperRecognizer, espeak: EspeakSynthesizer
) -> None:
    sentence = "We moved our deployment to Kubernetes and cut the release time in half."
    hints = SpeechHints.from_skills(["Kubernetes", "Docker"])

    beam = recognizer.transcribe(
        _speech(espeak, sentence), language="en", prompt=hints.prompt(), beam_size=5
    )

    assert recognizer.beam_size == 1  # the recogniser's own setting is left alone
    assert word_error_rate(sentence, beam.text) <= 0.2, beam.text
