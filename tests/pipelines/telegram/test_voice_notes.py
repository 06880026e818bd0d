"""Hearing a voice note: decoded and measured here, sent whole to the cloud engine when the
workspace has its key, heard by the offline recogniser otherwise or when the cloud fails; a
file that is not audio is not heard and not kept."""

from __future__ import annotations

import asyncio

from pydantic import SecretStr

from db.settings import Settings
from pipelines.telegram import voice_notes
from tests.fakes.deepgram_server import FakeDeepgram
from tests.fakes.telegram.voice import spoken_voice_note


class OfflineRecogniser:
    """Stands in for the node's Whisper host (the real one is exercised by the bot's test):
    records the PCM it was given."""

    def __init__(self) -> None:
        self.heard: list[bytes] = []

    async def __call__(self, pcm: bytes) -> str:
        self.heard.append(pcm)
        return " offline words "


def test_the_cloud_engine_hears_the_original_file_and_the_offline_one_steps_in(
    settings: Settings,
) -> None:
    note, seconds = spoken_voice_note("I have five years of Python.")
    offline = OfflineRecogniser()
    with FakeDeepgram("I have five years of Python.", detected_language="en") as fake:
        keyed = settings.model_copy(update={"deepgram_api_key": SecretStr(fake.api_key),
                                            "deepgram_base_url": fake.base_url})  # fmt: skip
        cloud = asyncio.run(voice_notes.hear(note, "audio/ogg", keyed, offline))
        fake.fail_next(503, times=3)
        fallback = asyncio.run(voice_notes.hear(note, "audio/ogg", keyed, offline))
    assert cloud.text == "I have five years of Python." and cloud.engine == "deepgram:nova-3"
    assert fake.requests[0].body == note and fake.requests[0].headers["content-type"] == "audio/ogg"
    assert cloud.audio == note and abs((cloud.seconds or 0) - seconds) < 1.0
    assert (fallback.text, fallback.engine, fallback.audio) == ("offline words", "whisper", note)
    # The offline recogniser got 16 kHz mono PCM of the note's length.
    assert len(offline.heard) == 1
    assert abs(len(offline.heard[0]) / (voice_notes.SAMPLE_RATE * 2) - seconds) < 1.0


def test_without_a_key_the_offline_recogniser_hears_it(settings: Settings) -> None:
    note, _ = spoken_voice_note("Hello.")
    offline = OfflineRecogniser()
    plain = settings.model_copy(update={"deepgram_api_key": None, "openai_api_key": None})
    heard = asyncio.run(voice_notes.hear(note, "audio/ogg", plain, offline))
    assert (heard.text, heard.engine) == ("offline words", "whisper") and len(offline.heard) == 1


def test_a_file_that_is_not_audio_is_neither_heard_nor_kept(settings: Settings) -> None:
    offline = OfflineRecogniser()
    heard = asyncio.run(voice_notes.hear(b"%PDF-1.4 not a voice", "audio/ogg", settings, offline))
    assert heard == voice_notes.Heard("", None, None, None) and offline.heard == []
