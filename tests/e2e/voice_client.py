"""A real WebRTC client (aiortc) for interview tests and the latency benchmark.

It sends microphone audio from PCM it is given (silence otherwise), receives the AI's audio
and measures it, and speaks the page's data-channel protocol: sends `start_interview`, collects
`question`, `transcript`, `ai_speaking_*`, `interview_complete`.
"""

from __future__ import annotations

import asyncio
import fractions
import json
import time
from dataclasses import dataclass, field
from typing import Any

import av
import httpx
import numpy as np
from aiortc import MediaStreamTrack, RTCPeerConnection, RTCSessionDescription

RATE = 48_000
FRAME = 960  # 20 ms at 48 kHz


class PcmMicrophone(MediaStreamTrack):
    """An audio track playing queued 48 kHz int16 PCM in real time, silence in between."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self._queue = bytearray()
        self._pts = 0
        self._start: float | None = None
        self.finished_playing = asyncio.Event()

    def play(self, pcm48k: bytes) -> None:
        self.finished_playing.clear()
        self._queue.extend(pcm48k)

    async def recv(self) -> av.AudioFrame:
        if self._start is None:
            self._start = time.monotonic()
        wait = self._start + self._pts / RATE - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        chunk = bytes(self._queue[: FRAME * 2])
        del self._queue[: FRAME * 2]
        if len(chunk) < FRAME * 2:
            if not chunk:
                self.finished_playing.set()
            chunk = chunk + bytes(FRAME * 2 - len(chunk))
        frame = av.AudioFrame(format="s16", layout="mono", samples=FRAME)
        frame.planes[0].update(chunk)
        frame.sample_rate = RATE
        frame.pts = self._pts
        frame.time_base = fractions.Fraction(1, RATE)
        self._pts += FRAME
        return frame


def resample(pcm: bytes, from_rate: int, to_rate: int = RATE) -> bytes:
    """Linear resampling of int16 mono PCM (good enough for synthesised speech)."""
    samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float32)
    if from_rate == to_rate or len(samples) == 0:
        return pcm
    positions = np.linspace(0, len(samples) - 1, int(len(samples) * to_rate / from_rate))
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.int16).tobytes()


@dataclass
class InterviewClient:
    """One candidate's browser, minus the browser."""

    base_url: str
    token: str
    messages: list[dict[str, Any]] = field(default_factory=list)
    audio_frames: int = 0
    loud_frames: int = 0
    first_audio_at: float | None = None
    last_index: int = 0  # index of the message `wait_for` returned last

    def __post_init__(self) -> None:
        self.pc = RTCPeerConnection()
        self.mic = PcmMicrophone()
        self._new_message = asyncio.Event()

    async def connect(self, *, start: bool = True) -> dict[str, Any]:
        """Offer/answer over HTTP; the data channel sends `start_interview` once open."""
        self.pc.addTransceiver(self.mic, direction="sendrecv")
        channel = self.pc.createDataChannel("chat", ordered=True)

        @channel.on("message")
        def on_message(raw: str) -> None:
            try:
                self.messages.append(json.loads(raw))
            except ValueError:
                return
            self._new_message.set()

        if start:

            @channel.on("open")
            def on_open() -> None:
                channel.send(json.dumps({"type": "start_interview"}))

        self.channel = channel

        @self.pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            asyncio.ensure_future(self._drain(track))

        await self.pc.setLocalDescription(await self.pc.createOffer())
        async with httpx.AsyncClient(timeout=60) as http:
            response = await http.post(
                f"{self.base_url}/api/v1/interview-links/{self.token}/offer",
                json={"sdp": self.pc.localDescription.sdp, "type": self.pc.localDescription.type},
            )
        answer = response.json()
        if response.status_code != 200:
            return {"status": response.status_code, **answer}
        await self.pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], answer["type"]))
        return {"status": 200, **answer}

    async def _drain(self, track: MediaStreamTrack) -> None:
        while True:
            try:
                frame = await track.recv()
            except Exception:
                return
            self.audio_frames += 1
            samples = frame.to_ndarray()
            if np.abs(samples).max() > 500:
                self.loud_frames += 1
                if self.first_audio_at is None:
                    self.first_audio_at = time.monotonic()

    async def wait_for(self, predicate: Any, timeout: float, *, since: int = 0) -> dict[str, Any]:
        """The first message from index `since` on (received or coming) matching `predicate`."""
        deadline = time.monotonic() + timeout
        seen = since
        while True:
            for index in range(seen, len(self.messages)):
                message = self.messages[index]
                if predicate(message):
                    self.last_index = index
                    return message
            seen = len(self.messages)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no matching message in {timeout}s; got {self.messages}")
            self._new_message.clear()
            try:
                await asyncio.wait_for(self._new_message.wait(), timeout=remaining)
            except TimeoutError:
                pass

    def send(self, message: dict[str, Any]) -> None:
        self.channel.send(json.dumps(message))

    async def close(self) -> None:
        await self.pc.close()
