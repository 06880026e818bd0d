"""When has the candidate finished answering? VAD pauses, the smart-turn model and the words.

The VAD ends a speech segment after a short pause (~0.35 s). That alone would cut off a
candidate who stops to think, so each pause is judged twice:
- by the smart-turn model, from the sound of the last seconds (intonation, drawn-out words);
- by the recogniser's text for the answer so far: an answer that ends on "and", "because",
  "um" or a comma is unfinished; one that ends a sentence is finished.
The text wins when it is clear (the model misjudges flat or synthetic voices); the model
decides when the text cannot tell. A finished answer is answered `complete_wait_s` after the
pause; an unfinished one waits `thinking_wait_s` for more speech. New speech cancels the
pending decision. Pure logic with an injectable clock, so it is tested without audio.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Words a sentence does not end on: conjunctions, prepositions, articles and fillers.
DANGLING_WORDS = frozenset(
    """
    and or but so because since although though if when while that which who whose where
    the a an of to in on at for with from by about like as than then also
    um uh erm er hmm well my our their your his her its is are was were am be have has
    и или но а что чтобы потому поэтому так также когда если хотя который которая которые
    в во на с со к ко по о об от до из за для при про у под над между как чем то это
    ну э эм вот мой моя мои наш наша был была были есть
    """.split()
)
_LAST_WORD = re.compile(r"(\w[\w'-]*)\W*$")
_TRAILING_OFF = ("...", "…", ",", ";", ":", "-", "—")


def text_sounds_complete(text: str) -> bool | None:
    """Whether an answer's text ends like a finished thought; None when it cannot tell."""
    text = text.strip()
    if not text:
        return None
    if text.endswith(_TRAILING_OFF):
        return False
    match = _LAST_WORD.search(text)
    if match is not None and match.group(1).lower() in DANGLING_WORDS:
        return False
    if text[-1] in ".!?":
        return True
    return None


@dataclass
class TurnTaking:
    """Tracks one candidate turn: transcript pieces and the deadline to answer."""

    complete_wait_s: float = 0.25
    thinking_wait_s: float = 2.2
    # A recogniser that never answers for a segment (noise, a streaming service that merged
    # it into another) must not stall the interview.
    transcript_timeout_s: float = 3.0
    pieces: list[str] = field(default_factory=list)
    speaking: bool = False
    stopped_at: float | None = None
    deadline: float | None = None
    pending_transcripts: int = 0
    sounds_complete: bool = True

    def speech_started(self) -> None:
        """New speech: whatever was pending is not the end of the turn."""
        self.speaking = True
        self.deadline = None

    def speech_stopped(self, now: float, *, sounds_complete: bool) -> None:
        """A pause, with the smart-turn model's verdict; the text refines it when it comes."""
        self.speaking = False
        self.stopped_at = now
        self.pending_transcripts += 1
        self.sounds_complete = sounds_complete
        self._set_deadline()

    def transcript(self, text: str) -> None:
        """The recogniser's text for a segment (empty for noise)."""
        self.pending_transcripts = max(0, self.pending_transcripts - 1)
        if text.strip():
            self.pieces.append(text.strip())
        if not self.speaking and self.stopped_at is not None:
            self._set_deadline()

    def due(self, now: float) -> bool:
        """Whether to answer now: not speaking, transcript in, deadline passed, words heard."""
        if self.speaking or self.deadline is None or not self.pieces or now < self.deadline:
            return False
        if self.pending_transcripts and self.stopped_at is not None:
            return now >= self.stopped_at + self.transcript_timeout_s
        return True

    def give_up_waiting(self, now: float) -> None:
        """Forget transcripts that never came (`transcript_timeout_s` after the pause)."""
        if self.pending_transcripts and self.stopped_at is not None:
            if now >= self.stopped_at + self.transcript_timeout_s:
                self.pending_transcripts = 0

    def take(self) -> tuple[str, float | None]:
        """The whole answer and when its last speech ended; resets for the next turn."""
        answer = " ".join(self.pieces)
        stopped = self.stopped_at
        self.pieces.clear()
        self.deadline = None
        self.stopped_at = None
        self.pending_transcripts = 0
        return answer, stopped

    @property
    def finished(self) -> bool:
        """The verdict on the answer so far: the text's when clear, else the model's."""
        verdict = text_sounds_complete(" ".join(self.pieces))
        return self.sounds_complete if verdict is None else verdict

    @property
    def idle(self) -> bool:
        """Nothing heard and nothing pending (for the silence watchdog)."""
        return not self.speaking and not self.pieces and not self.pending_transcripts

    def _set_deadline(self) -> None:
        assert self.stopped_at is not None
        wait = self.complete_wait_s if self.finished else self.thinking_wait_s
        self.deadline = self.stopped_at + wait
