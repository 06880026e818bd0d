"""Voice notes and audio files from Telegram, heard: a transcript, the length, the recording.

Telegram sends voice notes as Ogg/Opus (48 kHz); audio files may be anything FFmpeg reads.
Both are decoded with PyAV and resampled to 16 kHz 16-bit mono PCM, the offline recogniser's
input; decoding also checks the file and measures it. A file that does not decode is a
`VoiceNoteError` (the candidate is asked to type instead); one longer than `MAX_VOICE_S` is not
transcribed (a chat answer, not a podcast).

`hear` sends the original file to the cloud engine when the workspace has its key (Deepgram,
else OpenAI: pipelines.engines.file_stt), and falls back to the offline recogniser the caller
gives (the node's shared Whisper host) when there is none or it fails: an answer is never lost
to a cloud outage.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import av

from db.settings import Settings

log = logging.getLogger(__name__)
SAMPLE_RATE = 16_000
MAX_VOICE_S = 300.0
MAX_KEPT_BYTES = 8 * 2**20  # recordings kept for recruiters to play (message_audio's limit)
OfflineRecogniser = Callable[[bytes], Awaitable[str]]  # 16 kHz mono PCM → text


@dataclass(frozen=True)
class Heard:
    """What a voice note said: its transcript ("" when it could not be heard), its length,
    the recording to keep (None when unreadable or too big), and the engine that heard it."""

    text: str
    seconds: float | None
    audio: bytes | None
    engine: str | None


async def hear(
    data: bytes, mime_type: str, settings: Settings, offline: OfflineRecogniser
) -> Heard:
    """Transcribe a voice note or audio file (see the module docstring)."""
    try:
        pcm, seconds = await asyncio.to_thread(to_pcm16k, data)
    except VoiceNoteError as e:
        log.info("a voice note could not be read (%s)", e)
        return Heard("", None, None, None)
    kept = data if len(data) <= MAX_KEPT_BYTES else None
    # Imported when a note comes: the engines package loads httpx and numpy, which an idle bot
    # (a process per workspace) does without.
    from pipelines.engines.file_stt import choose_file_stt
    from pipelines.engines.speech import SpeechEngineError

    try:
        cloud = choose_file_stt(settings)
    except SpeechEngineError as e:  # a cloud engine chosen without its key: say so, go on
        log.warning("voice notes: %s; using the offline recogniser", e)
        cloud = None
    if cloud is not None:
        try:
            transcript = await cloud.transcribe(data, mime_type=mime_type, language=None)
            return Heard(transcript.text.strip(), seconds, kept, transcript.engine)
        except SpeechEngineError as e:
            log.warning("voice notes: the cloud engine failed (%s); using the offline one", e.code)
    try:
        text = await offline(pcm)
    except Exception:  # the recogniser failed: ask for text rather than lose the answer
        log.exception("transcribing a voice note failed")
        return Heard("", seconds, kept, None)
    return Heard(text.strip(), seconds, kept, "whisper")


class VoiceNoteError(Exception):
    """The audio could not be read or is too long."""


def to_pcm16k(data: bytes) -> tuple[bytes, float]:
    """(16 kHz mono s16 PCM, duration in seconds) of an audio file's first audio stream."""
    try:
        container = av.open(io.BytesIO(data))
    except (av.error.FFmpegError, ValueError) as e:  # type: ignore[attr-defined]
        raise VoiceNoteError(f"not a readable audio file ({type(e).__name__})") from e
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    chunks: list[bytes] = []
    size = 0
    try:
        with container:
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().tobytes()
                    size += len(chunk)
                    if size > MAX_VOICE_S * SAMPLE_RATE * 2:
                        raise VoiceNoteError(f"longer than {int(MAX_VOICE_S)} s")
                    chunks.append(chunk)
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().tobytes())
    except av.error.FFmpegError as e:  # type: ignore[attr-defined]
        raise VoiceNoteError(f"the audio does not decode ({type(e).__name__})") from e
    pcm = b"".join(chunks)
    if not pcm:
        raise VoiceNoteError("no audio in the file")
    return pcm, len(pcm) / (SAMPLE_RATE * 2)
