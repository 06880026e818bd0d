"""Cloud transcription of recorded audio files (Telegram voice notes, uploads).

A voice note is a whole file, not a live stream, so it goes to each vendor's pre-recorded
endpoint in one HTTP request: Deepgram's `/v1/listen` or OpenAI's `/audio/transcriptions`.
The requests are written out with httpx (no SDK) so what is sent is visible and testable.
`choose_file_stt` returns None when the workspace has no key, meaning "use the offline
Whisper host", which lives elsewhere. Failures raise `SpeechEngineError` with a stable
`stt_*` code and a `retryable` flag; the API key never appears in a message.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
from dataclasses import dataclass
from typing import Any

import httpx

from pipelines.engines.speech import DEEPGRAM_MODEL, SpeechEngineError, language_code

log = logging.getLogger(__name__)

DEEPGRAM_BASE_URL = "https://api.deepgram.com"
OPENAI_BASE_URL = "https://api.openai.com/v1"
OPENAI_FILE_MODEL = "gpt-4o-mini-transcribe"
DEFAULT_TIMEOUT_S = 60.0

# OpenAI picks the decoder from the file name, so the extension must match the container.
_EXTENSIONS = {
    "audio/ogg": "ogg",
    "audio/opus": "ogg",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/mp4": "m4a",
    "audio/x-m4a": "m4a",
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "audio/webm": "webm",
    "audio/flac": "flac",
    "audio/x-flac": "flac",
    "video/mp4": "mp4",
}


@dataclass(frozen=True)
class FileTranscript:
    """What was said in a file; `language` as the engine knows it; `engine` is recorded."""

    text: str
    language: str | None
    engine: str


class DeepgramFileSTT:
    """Deepgram's pre-recorded API; detects the language when none is given."""

    def __init__(
        self,
        api_key: str,
        base_url: str = DEEPGRAM_BASE_URL,
        model: str = DEEPGRAM_MODEL,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self._api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout_s = timeout_s
        self.engine = f"deepgram:{model}"

    async def transcribe(
        self, data: bytes, *, mime_type: str, language: str | None = None
    ) -> FileTranscript:
        """Send the raw bytes as the body; the MIME type tells Deepgram the container."""
        _check_audio(data, self.engine)
        code = language_code(language)
        params = {"model": self.model, "smart_format": "true", "punctuate": "true"}
        params.update({"language": code} if code else {"detect_language": "true"})
        body = await _post(
            self.engine,
            f"{self.base_url}/v1/listen",
            secret=self._api_key,
            timeout_s=self.timeout_s,
            params=params,
            headers={"Authorization": f"Token {self._api_key}", "Content-Type": mime_type},
            content=data,
        )
        try:
            channel = body["results"]["channels"][0]
            text = channel["alternatives"][0]["transcript"]
        except (KeyError, IndexError, TypeError) as e:
            raise _bad_response(self.engine, "no results.channels[0].alternatives[0]") from e
        detected = channel.get("detected_language")
        return FileTranscript(str(text or ""), code or detected or None, self.engine)


class OpenAIFileSTT:
    """OpenAI's (or a compatible server's) `/audio/transcriptions`, as a multipart upload."""

    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        model: str = OPENAI_FILE_MODEL,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self._api_key = api_key
        self.base_url = (base_url or OPENAI_BASE_URL).rstrip("/")
        self.model = model
        self.timeout_s = timeout_s
        self.engine = f"openai:{model}"

    async def transcribe(
        self, data: bytes, *, mime_type: str, language: str | None = None
    ) -> FileTranscript:
        """Upload the file; `language` (ISO 639-1) is a hint, the answer does not report one."""
        _check_audio(data, self.engine)
        code = language_code(language)
        fields = {"model": self.model, "response_format": "json"}
        if code:
            fields["language"] = code
        body = await _post(
            self.engine,
            f"{self.base_url}/audio/transcriptions",
            secret=self._api_key,
            timeout_s=self.timeout_s,
            headers={"Authorization": f"Bearer {self._api_key}"},
            data=fields,
            files={"file": (f"voice.{audio_extension(mime_type)}", data, mime_type)},
        )
        text = body.get("text") if isinstance(body, dict) else None
        if not isinstance(text, str):
            raise _bad_response(self.engine, "no text field")
        return FileTranscript(text, code, self.engine)


def choose_file_stt(settings: Any) -> DeepgramFileSTT | OpenAIFileSTT | None:
    """The cloud engine for voice notes from `voice_note_engine`; None means offline.

    "auto" prefers Deepgram, then OpenAI, by which key is set. Naming an engine whose key is
    missing is a configuration error, not a silent fall back to offline.
    """
    choice = getattr(settings, "voice_note_engine", "auto") or "auto"
    timeout_s = float(getattr(settings, "voice_note_timeout_s", DEFAULT_TIMEOUT_S))
    keys = {
        "deepgram": _key(settings, "deepgram_api_key"),
        "openai": _key(settings, "openai_api_key"),
    }
    if choice not in ("auto", "offline", *keys):
        raise SpeechEngineError(f"unknown voice_note_engine {choice!r}", code="stt_engine_unknown")
    if choice == "offline":
        return None
    if choice in keys and not keys[choice]:
        raise SpeechEngineError(
            f"voice_note_engine is {choice!r} but {choice.upper()}_API_KEY is not set",
            code="stt_key_missing",
            engine=choice,
        )
    deepgram_key, openai_key = keys["deepgram"], keys["openai"]
    if deepgram_key and choice in ("auto", "deepgram"):
        return DeepgramFileSTT(
            deepgram_key,
            base_url=getattr(settings, "deepgram_base_url", None) or DEEPGRAM_BASE_URL,
            model=getattr(settings, "deepgram_model", None) or DEEPGRAM_MODEL,
            timeout_s=timeout_s,
        )
    if openai_key:
        return OpenAIFileSTT(
            openai_key, base_url=getattr(settings, "openai_base_url", None), timeout_s=timeout_s
        )
    return None


def audio_extension(mime_type: str) -> str:
    """`ogg` for `audio/ogg; codecs=opus`; the platform's guess, else `bin`, for the rest."""
    bare = mime_type.split(";", 1)[0].strip().lower()
    guessed = mimetypes.guess_extension(bare)
    return _EXTENSIONS.get(bare) or (guessed.lstrip(".") if guessed else "bin")


async def _post(engine: str, url: str, *, secret: str, timeout_s: float, **request: Any) -> Any:
    """One POST, its JSON answer; every failure becomes a `SpeechEngineError`.

    A client per call: voice notes are rare, and a client bound to no event loop is safe in
    any actor. `asyncio.timeout` bounds the whole exchange, not just each socket read.
    """
    try:
        async with asyncio.timeout(timeout_s), httpx.AsyncClient(timeout=timeout_s) as client:
            response = await client.post(url, **request)
    except (TimeoutError, httpx.TimeoutException) as e:
        raise SpeechEngineError(
            f"{engine} timed out after {timeout_s:g}s",
            code="stt_unavailable",
            retryable=True,
            engine=engine,
        ) from e
    except httpx.HTTPError as e:
        raise SpeechEngineError(
            f"{engine} cannot be reached ({type(e).__name__})",
            code="stt_unavailable",
            retryable=True,
            engine=engine,
        ) from e
    if response.status_code >= 400:
        raise _status_error(engine, response, secret)
    try:
        return response.json()
    except ValueError as e:
        raise _bad_response(engine, "the body is not JSON") from e


def _status_error(engine: str, response: httpx.Response, secret: str) -> SpeechEngineError:
    status = response.status_code
    if status in (401, 403):
        code, retryable = "stt_unauthorized", False
    elif status == 429:
        code, retryable = "stt_rate_limited", True
    elif status == 408 or status >= 500:
        code, retryable = "stt_unavailable", True
    elif status in (400, 413, 415, 422):
        code, retryable = "stt_bad_audio", False
    else:  # 404 and the like: a wrong base URL, not something a retry or other audio fixes
        code, retryable = "stt_bad_response", False
    detail = _vendor_message(response).replace(secret, "***") if code != "stt_unauthorized" else ""
    message = f"{engine} answered HTTP {status}" + (f": {detail}" if detail else "")
    log.warning("%s (code %s)", message, code)
    return SpeechEngineError(message, code=code, retryable=retryable, engine=engine)


def _vendor_message(response: httpx.Response) -> str:
    """Deepgram's `err_msg` or OpenAI's `error.message`, shortened; "" when neither."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    error = body.get("error")
    text = error.get("message") if isinstance(error, dict) else body.get("err_msg")
    return str(text)[:200] if text else ""


def _bad_response(engine: str, why: str) -> SpeechEngineError:
    return SpeechEngineError(
        f"{engine} gave an unexpected answer: {why}", code="stt_bad_response", engine=engine
    )


def _check_audio(data: bytes, engine: str) -> None:
    if not data:
        raise SpeechEngineError("the audio file is empty", code="stt_bad_audio", engine=engine)


def _key(settings: Any, name: str) -> str | None:
    value = getattr(settings, name, None)
    if value is not None and hasattr(value, "get_secret_value"):
        value = value.get_secret_value()
    return value or None
