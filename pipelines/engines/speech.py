"""Speech engines for the voice pipeline: which STT and TTS run, chosen from settings.

One table (`SPEECH_ENGINES`) says which engines exist, whether they work offline and which
key turns them on; the first engine of a kind whose key is set wins, the offline one is
always last. Deepgram and ElevenLabs come from Pipecat's own services; the offline ones are
Whisper base (faster-whisper) and eSpeak NG. Cloud SDKs and the offline engines are imported
only when their service is built, so this module is cheap to import.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pipelines.engines.errors import EngineError

if TYPE_CHECKING:
    from pipecat.services.stt_service import STTService
    from pipecat.services.tts_service import TTSService

log = logging.getLogger(__name__)

DEEPGRAM_MODEL = "nova-3"
ELEVENLABS_MODEL = "eleven_flash_v2_5"  # multilingual (Russian included), lowest latency
# "Rachel", one of ElevenLabs' premade voices, which every account can use in any language.
ELEVENLABS_DEFAULT_VOICE = "21m00Tcm4TlvDq8ikWAM"
WHISPER_COMPUTE_TYPE = "int8"
WHISPER_MODEL_PATH_ENV = "SELECTIO_WHISPER_MODEL_PATH"


class SpeechEngineError(EngineError):
    """A speech engine cannot be set up or failed; `code` is stable and safe to show."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "speech_engine_error",
        retryable: bool = False,
        engine: str | None = None,
    ) -> None:
        super().__init__(message, code=code, retryable=retryable, engine=engine)


@dataclass(frozen=True)
class SpeechEngine:
    """One row of the engine table: what it is, and what it needs to run."""

    name: str
    kind: Literal["stt", "tts"]
    offline: bool
    key_setting: str | None = None
    install_hint: str | None = None


SPEECH_ENGINES: tuple[SpeechEngine, ...] = (
    SpeechEngine(
        "deepgram", "stt", False, "deepgram_api_key", 'pip install "pipecat-ai[deepgram]"'
    ),
    SpeechEngine("whisper", "stt", True),
    SpeechEngine(
        "elevenlabs", "tts", False, "elevenlabs_api_key", 'pip install "pipecat-ai[elevenlabs]"'
    ),
    SpeechEngine("espeak", "tts", True),
)


def choose_speech_engine(settings: Any, kind: Literal["stt", "tts"]) -> SpeechEngine:
    """The first engine of `kind` whose key is set in `settings`; the offline one otherwise."""
    for engine in SPEECH_ENGINES:
        if engine.kind == kind and (engine.offline or _secret(settings, engine.key_setting)):
            return engine
    raise AssertionError(f"no offline {kind} engine in SPEECH_ENGINES")  # table invariant


def speech_engine_ids(settings: Any) -> dict[str, str]:
    """Ids recorded with every turn, e.g. `{"stt": "whisper-base-int8", "tts": "espeak-ng"}`."""
    ids = {}
    for kind in ("stt", "tts"):
        name = choose_speech_engine(settings, kind).name
        if name == "deepgram":
            ids[kind] = f"deepgram:{getattr(settings, 'deepgram_model', None) or DEEPGRAM_MODEL}"
        elif name == "elevenlabs":
            ids[kind] = f"elevenlabs:{_elevenlabs_model(settings)}"
        elif name == "whisper":
            ids[kind] = whisper_engine_id(settings)
        else:
            ids[kind] = "espeak-ng"
    return ids


def whisper_engine_id(settings: Any = None, compute_type: str = WHISPER_COMPUTE_TYPE) -> str:
    """`whisper-base-int8` for the packaged model; named after a configured folder otherwise.

    A folder `faster-whisper-small` (the hub's naming) gives `whisper-small-int8`.
    """
    configured = getattr(settings, "whisper_model_path", None) or os.environ.get(
        WHISPER_MODEL_PATH_ENV
    )
    label = Path(configured).name.lower() if configured else "base"
    label = label.removeprefix("faster-").removeprefix("whisper-") or "custom"
    return f"whisper-{label}-{compute_type}"


def stt_service_from_settings(
    settings: Any, *, language: str | None, recognizer: Any = None, hints: Any = None
) -> STTService:
    """Deepgram when `deepgram_api_key` is set, else offline Whisper, for `language`.

    `recognizer` is a shared Whisper recogniser to use instead of loading one in-process;
    `hints` (a `SpeechHints`) tells Whisper which words and question to expect.
    """
    engine = choose_speech_engine(settings, "stt")
    if engine.name == "deepgram":
        deepgram = _import_cloud(engine, "pipecat.services.deepgram.stt")
        service_cls = deepgram.DeepgramSTTService
        return service_cls(
            api_key=_secret(settings, "deepgram_api_key"),
            settings=service_cls.Settings(
                model=getattr(settings, "deepgram_model", None) or DEEPGRAM_MODEL,
                language=_pipecat_language(language),
            ),
        )
    return offline_stt_service(settings, language=language, recognizer=recognizer, hints=hints)


def tts_service_from_settings(settings: Any, *, language: str | None) -> TTSService:
    """ElevenLabs when `elevenlabs_api_key` is set, else offline eSpeak NG, for `language`."""
    engine = choose_speech_engine(settings, "tts")
    if engine.name == "elevenlabs":
        elevenlabs = _import_cloud(engine, "pipecat.services.elevenlabs.tts")
        service_cls = elevenlabs.ElevenLabsTTSService
        return service_cls(
            api_key=_secret(settings, "elevenlabs_api_key"),
            settings=service_cls.Settings(
                voice=getattr(settings, "elevenlabs_voice_id", None) or ELEVENLABS_DEFAULT_VOICE,
                model=_elevenlabs_model(settings),
                language=_pipecat_language(language),
            ),
        )
    return offline_tts_service(language=language)


def offline_stt_service(
    settings: Any, *, language: str | None, recognizer: Any = None, hints: Any = None
) -> STTService:
    """The embedded Whisper service (the fallback when a cloud STT cannot be used)."""
    from pipelines.engines.stt_whisper import WhisperSTTService
    from pipelines.engines.whisper_model import locate_whisper_model

    return WhisperSTTService(
        model_path=None if recognizer is not None else locate_whisper_model(settings),
        recognizer=recognizer,
        language=language,
        engine_id=whisper_engine_id(settings),
        hints=hints,
    )


def offline_tts_service(*, language: str | None) -> TTSService:
    """The embedded eSpeak NG service (the fallback when a cloud TTS cannot be used)."""
    from pipelines.engines.tts_espeak import EspeakTTSService

    return EspeakTTSService(language=language or "en")


def language_code(language: Any) -> str | None:
    """`"ru"` from `"ru"`, `"ru-RU"`, `"RU_ru"` or `Language.RU_RU`; None when not given."""
    value = getattr(language, "value", language)
    if not value:
        return None
    return str(value).replace("_", "-").split("-")[0].lower()


def _pipecat_language(language: str | None) -> Any:
    from pipecat.transcriptions.language import Language

    code = language_code(language) or "en"
    try:
        return Language(code)
    except ValueError as e:
        raise SpeechEngineError(
            f"unsupported interview language {language!r}", code="unsupported_language"
        ) from e


def _elevenlabs_model(settings: Any) -> str:
    return getattr(settings, "elevenlabs_model", None) or ELEVENLABS_MODEL


def _secret(settings: Any, name: str | None) -> str | None:
    value = getattr(settings, name, None) if name else None
    if value is not None and hasattr(value, "get_secret_value"):
        value = value.get_secret_value()
    return value or None


def _import_cloud(engine: SpeechEngine, module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise SpeechEngineError(
            f"the {engine.name} {engine.kind.upper()} service needs its SDK: {engine.install_hint}",
            code="speech_sdk_missing",
            engine=engine.name,
        ) from e
