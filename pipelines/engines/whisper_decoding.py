"""Decoding one short speech segment with Whisper, sized to the segment instead of 30 s.

faster-whisper pads every input to Whisper's 30-second window, so a 3-second answer costs as
much encoder work as a 30-second one (~0.9 s of a core for the base model). CTranslate2's
encoder accepts a shorter mel window; the segment plus a few seconds of silence keeps the
model's accuracy (measured on synthesised answers: same word error rate) at a fifth of the
time. Segments too long for that go through faster-whisper's own long-form `transcribe`.

A prompt (`<|startofprev|>` text) biases the decoder towards the words the candidate is likely
to use: the vacancy's and the resume's skills and the question just asked. That is how Whisper
was trained to use previous text, and it is what turns "post-Coresc-L" into "PostgreSQL".
"""

from __future__ import annotations

import logging
import math
import zlib
from dataclasses import dataclass
from typing import Any

import ctranslate2
import numpy as np

log = logging.getLogger(__name__)

SAMPLES_PER_FRAME = 160  # 10 ms hops at 16 kHz
FULL_WINDOW_FRAMES = 3000  # Whisper's 30 s
# Silence after the speech inside the window: without it the last word is often dropped.
TAIL_FRAMES = 300
WINDOW_STEP_FRAMES = 100
# Past this the segment is decoded as long-form audio (several 30 s windows).
SHORT_SEGMENT_MAX_FRAMES = FULL_WINDOW_FRAMES - TAIL_FRAMES
MAX_PROMPT_TOKENS = 120
MAX_NEW_TOKENS = 220
# Whisper's own quality gates (as in the reference implementation): a decode that repeats
# itself (gzip ratio) or that the model itself doubts (mean log-probability) is retried at
# the next temperature; a doubtful decode of a likely-silent window is dropped.
COMPRESSION_RATIO_MAX = 2.4
LOGPROB_MIN = -1.0
NO_SPEECH_MIN = 0.6
SAMPLING_SEED = 1234


@dataclass(frozen=True)
class Decoded:
    """Text of one segment and the language it was decoded in."""

    text: str
    language: str


def window_frames(frames: int) -> int:
    """The encoder window for `frames` of speech: the speech plus a silent tail, rounded up."""
    wanted = frames + TAIL_FRAMES
    return min(FULL_WINDOW_FRAMES, math.ceil(wanted / WINDOW_STEP_FRAMES) * WINDOW_STEP_FRAMES)


def compression_ratio(text: str) -> float:
    """How much gzip shrinks the text: high for a decoder stuck repeating itself."""
    data = text.encode("utf-8")
    return len(data) / max(1, len(zlib.compress(data)))


def decode_short_segment(
    model: Any,
    audio: np.ndarray,
    *,
    language: str | None,
    prompt: str | None,
    temperatures: tuple[float, ...],
    beam_size: int,
) -> Decoded:
    """Decode ≤ 27 s of 16 kHz float audio with an encoder window fitted to it.

    `model` is a `faster_whisper.WhisperModel`; its CTranslate2 model is thread-safe and
    releases the GIL, so several threads may decode at once.
    """
    from faster_whisper.tokenizer import Tokenizer

    features = model.feature_extractor(audio)
    frames = window_frames(features.shape[-1])
    features = features[:, :frames]
    if features.shape[-1] < frames:
        features = np.pad(features, ((0, 0), (0, frames - features.shape[-1])))
    encoded = model.encode(features)
    if language is None:
        language = _detect_language(model, encoded)
    tokenizer = Tokenizer(
        model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language=language
    )
    start = [tokenizer.sot, tokenizer.language, tokenizer.transcribe, tokenizer.no_timestamps]
    if prompt and prompt.strip():
        hint = tokenizer.encode(" " + prompt.strip())[-MAX_PROMPT_TOKENS:]
        start = [tokenizer.sot_prev, *hint, *start]
    best: tuple[float, str, float] | None = None  # (avg log-prob, text, no-speech prob)
    for temperature in temperatures:
        options: dict[str, Any] = (
            {"beam_size": beam_size}
            if temperature == 0
            else {"beam_size": 1, "sampling_topk": 0, "sampling_temperature": temperature}
        )
        if temperature > 0:
            # The same audio gets the same transcript: the fallback samples from a fixed seed.
            ctranslate2.set_random_seed(SAMPLING_SEED)
        result = model.model.generate(
            encoded,
            [start],
            max_length=len(start) + MAX_NEW_TOKENS,
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=[-1],
            **options,
        )[0]
        tokens = result.sequences_ids[0]
        text = tokenizer.decode(tokens).strip()
        avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
        if best is None or avg_logprob > best[0]:
            best = (avg_logprob, text, result.no_speech_prob)
        if compression_ratio(text) <= COMPRESSION_RATIO_MAX and avg_logprob >= LOGPROB_MIN:
            best = (avg_logprob, text, result.no_speech_prob)
            break
        log.debug("decode at temperature %.1f rejected (log-prob %.2f)", temperature, avg_logprob)
    assert best is not None  # temperatures is never empty
    avg_logprob, text, no_speech = best
    if no_speech > NO_SPEECH_MIN and avg_logprob < LOGPROB_MIN:
        text = ""  # noise that the decoder dressed up as words
    return Decoded(text, language)


def _detect_language(model: Any, encoded: Any) -> str:
    """The most likely language code ("ru", "en", ...) for an encoded window."""
    ranked = model.model.detect_language(encoded)[0]
    token, _ = ranked[0]
    return token.strip("<|>")
