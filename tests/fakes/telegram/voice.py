"""Voice notes as Telegram's apps record them: speech encoded to Ogg/Opus at 48 kHz."""

from __future__ import annotations

import io

import av
import numpy as np

from pipelines.engines.tts_espeak import EspeakSynthesizer


def spoken_voice_note(text: str, language: str = "en") -> tuple[bytes, int]:
    """eSpeak NG saying `text`, as an Ogg/Opus voice note; (bytes, whole seconds)."""
    espeak = EspeakSynthesizer()
    pcm = np.frombuffer(espeak.synthesize(text, language=language), dtype=np.int16)
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="ogg") as out:
        stream = out.add_stream("libopus", rate=48000)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = espeak.sample_rate
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
        for resampled in [*resampler.resample(frame), *resampler.resample(None)]:
            for packet in stream.encode(resampled):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buffer.getvalue(), max(1, round(len(pcm) / espeak.sample_rate))
