"""When has the candidate finished answering? VAD pauses plus the smart-turn model.

The VAD ends a speech segment after a short pause (~0.3 s). That alone would cut off a
candidate who stops to think, so each pause is judged: if the smart-turn model says the turn
sounds complete, the interviewer answers after `complete_wait_s`; if it sounds unfinished, it
waits up to `thinking_wait_s` for more speech. Any new speech cancels the pending decision.
Pure logic with an injectable clock, so it is tested without audio.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TurnTaking:
    """Tracks one candidate turn: transcript pieces and the deadline to answer."""

    complete_wait_s: float = 0.25
    thinking_wait_s: float = 2.2
    pieces: list[str] = field(default_factory=list)
    speaking: bool = False
    stopped_at: float | None = None
    deadline: float | None = None
    awaiting_transcript: bool = False

    def speech_started(self) -> None:
        """New speech: whatever was pending is not the end of the turn."""
        self.speaking = True
        self.deadline = None

    def speech_stopped(self, now: float, *, sounds_complete: bool) -> None:
        """A pause: decide how long to wait, once the segment's transcript is in."""
        self.speaking = False
        self.stopped_at = now
        self.awaiting_transcript = True
        wait = self.complete_wait_s if sounds_complete else self.thinking_wait_s
        self.deadline = now + wait

    def transcript(self, text: str) -> None:
        """The recogniser's text for the last segment."""
        self.awaiting_transcript = False
        if text.strip():
            self.pieces.append(text.strip())

    def due(self, now: float) -> bool:
        """Whether to answer now: not speaking, transcript in, deadline passed, words heard."""
        return (
            not self.speaking
            and not self.awaiting_transcript
            and self.deadline is not None
            and now >= self.deadline
            and bool(self.pieces)
        )

    def take(self) -> tuple[str, float | None]:
        """The whole answer and when its last speech ended; resets for the next turn."""
        answer = " ".join(self.pieces)
        stopped = self.stopped_at
        self.pieces.clear()
        self.deadline = None
        self.stopped_at = None
        return answer, stopped

    @property
    def idle(self) -> bool:
        """Nothing heard and nothing pending (for the silence watchdog)."""
        return not self.speaking and not self.pieces and not self.awaiting_transcript
