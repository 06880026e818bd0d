"""Voice notes and audio files from Telegram, made ready for the speech recogniser.

Telegram sends voice notes as Ogg/Opus (48 kHz); audio files may be anything FFmpeg reads.
Both are decoded with PyAV and resampled to 16 kHz 16-bit mono PCM, the recogniser's input.
A file that does not decode is a `VoiceNoteError` (the candidate is asked to type instead);
one longer than `MAX_VOICE_S` is not transcribed (a chat answer, not a podcast).
"""

from __future__ import annotations

import io

import av

SAMPLE_RATE = 16_000
MAX_VOICE_S = 300.0


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
