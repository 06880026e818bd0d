"""Offline speech synthesis: eSpeak NG in process through ctypes, and its Pipecat service.

The library and its voice data come from the `espeakng-loader` wheel, so nothing has to be
installed on the machine. eSpeak NG keeps one global state (voice, rate, output callback), so
the whole process shares one initialised engine and every synthesis holds `_lock`. It is
fast (a few ms of CPU for a sentence) and robotic; a cloud voice replaces it when a key is set.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import threading
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

from pipecat.frames.frames import ErrorFrame, Frame
from pipecat.services.settings import TTSSettings
from pipecat.services.tts_service import TTSService
from pipecat.transcriptions.language import Language

from pipelines.engines.speech import SpeechEngineError, language_code

log = logging.getLogger(__name__)

ENGINE_ID = "espeak-ng"
VOICES = {"ru": "ru", "en": "en-us"}
DEFAULT_RATE_WPM = 170

# speak_lib.h constants
_AUDIO_OUTPUT_SYNCHRONOUS = 2  # espeak_Synth returns when done, audio through the callback
_INITIALIZE_DONT_EXIT = 0x8000  # report errors instead of calling exit()
_BUFFER_MS = 200
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_PARAM_RATE = 1
_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class _Engine:
    """The initialised library, its callback, and the settings it currently holds."""

    def __init__(self) -> None:
        import espeakng_loader

        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        lib.espeak_Synth.restype = ctypes.c_int
        data_path = espeakng_loader.get_data_path().encode()
        sample_rate = lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, _BUFFER_MS, data_path, _INITIALIZE_DONT_EXIT
        )
        if sample_rate <= 0:
            raise OSError(f"espeak_Initialize returned {sample_rate}")
        self.lib = lib
        self.sample_rate = sample_rate
        self.chunks: list[bytes] = []
        # Kept on the engine: if the callback object were collected, the library would call
        # into freed memory.
        self.callback = _SynthCallback(self._collect)
        lib.espeak_SetSynthCallback(self.callback)
        self.voice: str | None = None

    def _collect(self, wav: Any, num_samples: int, _events: Any) -> int:
        if wav and num_samples > 0:
            self.chunks.append(ctypes.string_at(wav, num_samples * 2))
        return 0  # 0 = go on synthesising


_engine: _Engine | None = None
_lock = threading.Lock()


def _get_engine() -> _Engine:
    """The process's engine, initialised on first use. Call with `_lock` held."""
    global _engine
    if _engine is None:
        try:
            _engine = _Engine()
        except (ImportError, OSError, RuntimeError) as e:
            raise SpeechEngineError(
                f"eSpeak NG cannot be loaded: {e}; pip install espeakng-loader",
                code="espeak_unavailable",
                engine=ENGINE_ID,
            ) from e
    return _engine


def voice_for(language: Any) -> str:
    """The eSpeak voice for a language ("ru" → `ru`, else English)."""
    return VOICES.get(language_code(language) or "en", VOICES["en"])


class EspeakSynthesizer:
    """Text to 16-bit mono PCM at `sample_rate` (22050 Hz) with eSpeak NG; thread-safe."""

    id = ENGINE_ID

    def __init__(self, *, rate_wpm: int = DEFAULT_RATE_WPM) -> None:
        self.rate_wpm = rate_wpm

    @property
    def sample_rate(self) -> int:
        """The engine's output rate (loads the library on first use)."""
        engine = _engine
        if engine is None:
            with _lock:
                engine = _get_engine()
        return engine.sample_rate

    def synthesize(
        self, text: str, *, language: str | None = "en", voice: str | None = None
    ) -> bytes:
        """PCM for `text` in `voice`, or the voice for `language`. Blocks for a few ms."""
        voice = voice or voice_for(language)
        encoded = text.strip().encode("utf-8")
        if not encoded:
            return b""
        with _lock:
            engine = _get_engine()
            if engine.voice != voice:
                if engine.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                    engine.voice = None
                    raise SpeechEngineError(
                        f"eSpeak NG has no voice {voice!r}",
                        code="espeak_voice_missing",
                        engine=ENGINE_ID,
                    )
                engine.voice = voice
            engine.lib.espeak_SetParameter(_PARAM_RATE, self.rate_wpm, 0)
            engine.chunks = []
            buffer = encoded + b"\0"
            status = engine.lib.espeak_Synth(
                buffer, len(buffer), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
            )
            pcm, engine.chunks = b"".join(engine.chunks), []
        if status != 0:
            raise SpeechEngineError(
                f"eSpeak NG synthesis failed (status {status})", code="tts_failed", engine=ENGINE_ID
            )
        return pcm


class EspeakTTSService(TTSService):
    """Pipecat TTS on eSpeak NG: Russian or English voice chosen by the interview language."""

    def __init__(
        self,
        *,
        language: str | Language | None = "en",
        voice: str | None = None,
        rate_wpm: int = DEFAULT_RATE_WPM,
        synthesizer: EspeakSynthesizer | None = None,
        **kwargs: Any,
    ) -> None:
        code = language_code(language) or "en"
        super().__init__(
            push_start_frame=True,
            push_stop_frames=True,
            settings=TTSSettings(model=None, voice=voice or voice_for(code), language=_enum(code)),
            **kwargs,
        )
        self.engine_id = ENGINE_ID
        self._synthesizer = synthesizer or EspeakSynthesizer(rate_wpm=rate_wpm)

    def can_generate_metrics(self) -> bool:
        """TTFB and processing time are reported per sentence."""
        return True

    def language_to_service_language(self, language: Language) -> str | None:
        """eSpeak is addressed by voice; the stored language is the bare code (`ru`, `en`)."""
        return language_code(language)

    async def _update_settings(self, delta: TTSSettings) -> dict[str, Any]:
        """A language change switches to that language's voice unless a voice is given too."""
        changed = await super()._update_settings(delta)
        if "language" in changed and "voice" not in changed:
            self._settings.voice = voice_for(self._settings.language)
        return changed

    async def run_tts(self, text: str, context_id: str) -> AsyncGenerator[Frame | None, None]:
        """Synthesise `text` in a worker thread and stream it out, resampled by Pipecat."""
        voice = self._settings.voice if isinstance(self._settings.voice, str) else None
        language = self._settings.language if isinstance(self._settings.language, str) else None
        await self.start_tts_usage_metrics(text)
        try:
            pcm = await asyncio.to_thread(
                self._synthesizer.synthesize, text, language=language, voice=voice
            )
        except SpeechEngineError as e:
            yield ErrorFrame(error=e.message, exception=e)
            return
        sample_rate = self._synthesizer.sample_rate  # the engine is loaded by now
        async for frame in self._stream_audio_frames_from_iterator(
            _chunks(pcm, sample_rate // 10 * 2),  # 100 ms per chunk
            in_sample_rate=sample_rate,
            context_id=context_id,
        ):
            await self.stop_ttfb_metrics()
            yield frame


async def _chunks(pcm: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(pcm), size):
        yield pcm[start : start + size]


def _enum(code: str) -> Language | str:
    try:
        return Language(code)
    except ValueError:
        return code
