"""Cloud transcription of voice notes: Deepgram and OpenAI engines against real local HTTP
servers (tests/fakes), the error codes each answer maps to, and the choice from settings.

Unit tests with local fakes: no network, no keys, no GPU."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from db.settings import Settings
from pipelines.engines.file_stt import (
    DeepgramFileSTT,
    FileTranscript,
    OpenAIFileSTT,
    audio_extension,
    choose_file_stt,
)
from pipelines.engines.speech import SpeechEngineError
from tests.fakes.deepgram_server import FakeDeepgram
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.telegram.voice import spoken_voice_note

KEY_VARIABLES = ("DEEPGRAM_API_KEY", "OPENAI_API_KEY", "DEEPGRAM_BASE_URL", "OPENAI_BASE_URL")
OGG = "audio/ogg"


@pytest.fixture(scope="module")
def voice_note() -> bytes:
    """A real Telegram-style voice note: eSpeak speech as Ogg/Opus at 48 kHz."""
    data, _ = spoken_voice_note("I have five years of experience with Python.")
    assert data[:4] == b"OggS"
    return data


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in KEY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("SELECTIO_VOICE_NOTE_ENGINE", raising=False)
    return Settings(_env_file=None, home=tmp_path)


def transcribe(engine: DeepgramFileSTT | OpenAIFileSTT, data: bytes, **kw: Any) -> FileTranscript:
    return asyncio.run(engine.transcribe(data, mime_type=kw.pop("mime_type", OGG), **kw))


def failure(engine: DeepgramFileSTT | OpenAIFileSTT, data: bytes) -> SpeechEngineError:
    with pytest.raises(SpeechEngineError) as caught:
        transcribe(engine, data, language="en")
    return caught.value


# Deepgram


def test_deepgram_sends_the_voice_note_with_its_key_type_and_language(voice_note: bytes) -> None:
    with FakeDeepgram("У меня пять лет опыта.") as fake:
        stt = DeepgramFileSTT(fake.api_key, base_url=fake.base_url + "/", timeout_s=5)
        result = transcribe(stt, voice_note, language="ru-RU")
    assert result == FileTranscript("У меня пять лет опыта.", "ru", "deepgram:nova-3")
    [request] = fake.requests
    assert request.path == "/v1/listen"
    assert request.body == voice_note
    assert request.headers["authorization"] == f"Token {fake.api_key}"
    assert request.headers["content-type"] == OGG
    assert request.query == {
        "model": "nova-3",
        "smart_format": "true",
        "punctuate": "true",
        "language": "ru",
    }


def test_deepgram_detects_the_language_when_none_is_given(voice_note: bytes) -> None:
    with FakeDeepgram("Hola, buenos días.", detected_language="es") as fake:
        stt = DeepgramFileSTT(fake.api_key, base_url=fake.base_url, model="nova-2")
        result = transcribe(stt, voice_note, language=None)
    assert result == FileTranscript("Hola, buenos días.", "es", "deepgram:nova-2")
    assert fake.requests[0].query["detect_language"] == "true"
    assert fake.requests[0].query["model"] == "nova-2"
    assert "language" not in fake.requests[0].query


def test_deepgram_wrong_key_is_unauthorized_and_the_key_is_not_shown(voice_note: bytes) -> None:
    with FakeDeepgram() as fake:
        error = failure(DeepgramFileSTT("dg-wrong-secret-123", base_url=fake.base_url), voice_note)
    assert (error.code, error.retryable, error.engine) == (
        "stt_unauthorized",
        False,
        "deepgram:nova-3",
    )
    assert "401" in str(error)
    assert "dg-wrong-secret-123" not in str(error) and "dg-wrong-secret-123" not in repr(error)


STATUS_CODES = [
    (403, "stt_unauthorized", False),
    (429, "stt_rate_limited", True),
    (500, "stt_unavailable", True),
    (503, "stt_unavailable", True),
    (400, "stt_bad_audio", False),
    (415, "stt_bad_audio", False),
    (422, "stt_bad_audio", False),
    (404, "stt_bad_response", False),
]


@pytest.mark.parametrize(("status", "code", "retryable"), STATUS_CODES)
def test_deepgram_error_statuses_map_to_stable_codes(
    voice_note: bytes, status: int, code: str, retryable: bool
) -> None:
    with FakeDeepgram() as fake:
        # A vendor echoing the key back must not carry it into our message.
        fake.fail_next(status, f"rejected key {fake.api_key}: corrupt data")
        error = failure(DeepgramFileSTT(fake.api_key, base_url=fake.base_url), voice_note)
    assert (error.code, error.retryable) == (code, retryable)
    assert f"HTTP {status}" in str(error)
    assert fake.api_key not in str(error)
    if code == "stt_bad_audio":
        assert "corrupt data" in str(error)  # the vendor's reason, key redacted, is kept
    if code == "stt_unauthorized":  # may quote a masked key ("sk-ab***yz"): not shown at all
        assert "rejected key" not in str(error)


@pytest.mark.parametrize(
    "body", [b"<html>gateway</html>", b'{"results": {"channels": []}}', b'{"metadata": {}}']
)
def test_deepgram_unexpected_bodies_are_bad_responses(voice_note: bytes, body: bytes) -> None:
    with FakeDeepgram() as fake:
        fake.answer_next(200, body)
        error = failure(DeepgramFileSTT(fake.api_key, base_url=fake.base_url), voice_note)
    assert (error.code, error.retryable) == ("stt_bad_response", False)


def test_a_slow_engine_times_out_as_unavailable(voice_note: bytes) -> None:
    with FakeDeepgram(delay_s=2.0) as fake:
        stt = DeepgramFileSTT(fake.api_key, base_url=fake.base_url, timeout_s=0.2)
        error = failure(stt, voice_note)
    assert (error.code, error.retryable) == ("stt_unavailable", True)
    assert "timed out" in str(error)


def test_an_unreachable_engine_is_unavailable(voice_note: bytes) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    for stt in (
        DeepgramFileSTT("dg-key-xyz", base_url=f"http://127.0.0.1:{port}", timeout_s=2),
        OpenAIFileSTT("sk-key-xyz", base_url=f"http://127.0.0.1:{port}/v1", timeout_s=2),
    ):
        error = failure(stt, voice_note)
        assert (error.code, error.retryable) == ("stt_unavailable", True)
        assert "key-xyz" not in str(error)


def test_empty_audio_is_refused_before_any_request() -> None:
    with FakeDeepgram() as fake:
        error = failure(DeepgramFileSTT(fake.api_key, base_url=fake.base_url), b"")
    assert error.code == "stt_bad_audio"
    assert fake.requests == []


# OpenAI


def test_openai_uploads_the_voice_note_as_multipart(voice_note: bytes) -> None:
    with FakeOpenAI(transcribe=lambda f: f"{len(f['file'])} bytes in {f['language']}") as fake:
        stt = OpenAIFileSTT(fake.api_key, base_url=fake.base_url, timeout_s=5)
        result = transcribe(stt, voice_note, mime_type="audio/ogg; codecs=opus", language="ru")
    assert result == FileTranscript(
        f"{len(voice_note)} bytes in ru", "ru", "openai:gpt-4o-mini-transcribe"
    )
    assert fake.paths == ["/v1/audio/transcriptions"]
    [upload] = fake.transcriptions
    assert upload["file"] == voice_note
    assert (upload["filename"], upload["content_type"]) == ("voice.ogg", OGG)
    assert upload["model"] == "gpt-4o-mini-transcribe"
    assert upload["response_format"] == "json"
    assert "file" not in fake.requests[0]  # the metadata list stays small


def test_openai_without_a_language_sends_none_and_reports_none(voice_note: bytes) -> None:
    with FakeOpenAI(transcribe=lambda fields: "Hello.") as fake:
        stt = OpenAIFileSTT(fake.api_key, base_url=fake.base_url, model="whisper-1")
        result = transcribe(stt, voice_note, mime_type="audio/mpeg", language=None)
    assert result == FileTranscript("Hello.", None, "openai:whisper-1")
    [upload] = fake.transcriptions
    assert "language" not in upload
    assert (upload["filename"], upload["model"]) == ("voice.mp3", "whisper-1")


def test_openai_wrong_key_is_unauthorized_and_the_key_is_not_shown(voice_note: bytes) -> None:
    with FakeOpenAI() as fake:
        error = failure(OpenAIFileSTT("sk-wrong-secret-456", base_url=fake.base_url), voice_note)
    assert (error.code, error.retryable) == ("stt_unauthorized", False)
    assert "sk-wrong-secret-456" not in str(error) and "sk-wrong-secret-456" not in repr(error)
    assert fake.transcriptions == []  # refused before anything was kept


@pytest.mark.parametrize(("status", "code", "retryable"), STATUS_CODES)
def test_openai_error_statuses_map_to_stable_codes(
    voice_note: bytes, status: int, code: str, retryable: bool
) -> None:
    with FakeOpenAI() as fake:
        fake.fail_next(status, f"Invalid file format for key {fake.api_key}")
        error = failure(OpenAIFileSTT(fake.api_key, base_url=fake.base_url), voice_note)
    assert (error.code, error.retryable) == (code, retryable)
    assert f"HTTP {status}" in str(error)
    assert fake.api_key not in str(error)
    if code == "stt_bad_audio":
        assert "Invalid file format" in str(error)
    if code == "stt_unauthorized":
        assert "Invalid file format" not in str(error)


@pytest.mark.parametrize("body", [{"result": "hi"}, {"text": None}, {"text": ["a"]}])
def test_openai_answer_without_text_is_a_bad_response(
    voice_note: bytes, body: dict[str, Any]
) -> None:
    with FakeOpenAI() as fake:
        fake.fail_next(200, body=body)  # any status and body the test wants
        error = failure(OpenAIFileSTT(fake.api_key, base_url=fake.base_url), voice_note)
    assert (error.code, error.retryable) == ("stt_bad_response", False)


@pytest.mark.parametrize(
    ("mime", "extension"),
    [
        ("audio/ogg; codecs=opus", "ogg"),
        ("audio/mp4", "m4a"),
        ("audio/webm", "webm"),
        ("audio/x-unknown", "bin"),
    ],
)
def test_the_upload_is_named_after_its_container(mime: str, extension: str) -> None:
    assert audio_extension(mime) == extension


# Choosing an engine from settings


def test_settings_defaults_and_validation(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (settings.voice_note_engine, settings.voice_note_timeout_s) == ("auto", 60.0)
    assert settings.deepgram_base_url is None
    monkeypatch.setenv("DEEPGRAM_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("SELECTIO_VOICE_NOTE_ENGINE", "openai")
    from_env = Settings(_env_file=None, home=tmp_path)
    assert from_env.deepgram_base_url == "http://127.0.0.1:9"
    assert from_env.voice_note_engine == "openai"
    with pytest.raises(ValidationError):
        Settings(_env_file=None, home=tmp_path, voice_note_timeout_s=0)
    with pytest.raises(ValidationError):
        Settings(_env_file=None, home=tmp_path, voice_note_engine="whisper")


def keyed(settings: Settings, **update: Any) -> Settings:
    for name in ("deepgram_api_key", "openai_api_key"):
        if name in update:
            update[name] = SecretStr(update[name])
    return settings.model_copy(update=update)


def test_auto_prefers_deepgram_then_openai_then_offline(settings: Settings) -> None:
    assert choose_file_stt(settings) is None
    both = keyed(settings, deepgram_api_key="dg-1", openai_api_key="sk-1", voice_note_timeout_s=7)
    deepgram = choose_file_stt(both)
    assert isinstance(deepgram, DeepgramFileSTT)
    assert (deepgram.base_url, deepgram.timeout_s) == ("https://api.deepgram.com", 7.0)
    openai = choose_file_stt(keyed(settings, openai_api_key="sk-1"))
    assert isinstance(openai, OpenAIFileSTT)
    assert openai.base_url == "https://api.openai.com/v1"
    assert choose_file_stt(keyed(both, voice_note_engine="offline")) is None


def test_an_explicit_engine_wins_or_says_its_key_is_missing(settings: Settings) -> None:
    both = keyed(settings, deepgram_api_key="dg-1", openai_api_key="sk-1")
    assert isinstance(choose_file_stt(keyed(both, voice_note_engine="openai")), OpenAIFileSTT)
    assert isinstance(choose_file_stt(keyed(both, voice_note_engine="deepgram")), DeepgramFileSTT)
    for engine, key in (("deepgram", "openai_api_key"), ("openai", "deepgram_api_key")):
        with pytest.raises(SpeechEngineError) as caught:
            choose_file_stt(keyed(settings, voice_note_engine=engine, **{key: "k-1"}))
        assert (caught.value.code, caught.value.retryable) == ("stt_key_missing", False)
        assert f"{engine.upper()}_API_KEY" in str(caught.value)


def test_chosen_engines_reach_the_configured_servers(settings: Settings, voice_note: bytes) -> None:
    with FakeDeepgram("from deepgram") as dg, FakeOpenAI(transcribe=lambda f: "from openai") as oa:
        configured = keyed(
            settings,
            deepgram_api_key=dg.api_key,
            deepgram_base_url=dg.base_url,
            openai_api_key=oa.api_key,
            openai_base_url=oa.base_url,
        )
        first = choose_file_stt(configured)
        second = choose_file_stt(keyed(configured, voice_note_engine="openai"))
        assert first is not None and second is not None
        assert transcribe(first, voice_note, language="en").text == "from deepgram"
        assert transcribe(second, voice_note, language="en").text == "from openai"
    assert dg.requests[0].body == voice_note and oa.transcriptions[0]["file"] == voice_note
