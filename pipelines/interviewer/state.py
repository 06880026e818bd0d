"""The interview's conversation state, rebuilt from the transcript alone.

Hard state is the transcript: the turns stored in Postgres (`interview_turns`), one per
interviewer utterance and one per candidate answer. Everything else — the current question,
follow-ups used, pending nudges, which acknowledgement comes next, whether the interview is
over — is a fold over those turns (`InterviewState.apply`). The live brain updates itself
through the very same fold, so a brain restored from its stored turns is in exactly the state
of one that never stopped. Silences and time are not state: the caller reports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from pipelines.interviewer.answers import classify_intent
from pipelines.interviewer.texts import known_kind
from pipelines.models import InterviewPlan

Kind = Literal[
    "greeting",
    "question",
    "follow_up",
    "acknowledgement",
    "repeat",
    "nudge",
    "closing",
    "redirect",
]
Role = Literal["interviewer", "candidate"]
KINDS: tuple[str, ...] = get_args(Kind)


@dataclass(frozen=True)
class PastTurn:
    """One stored turn: what the database keeps per utterance or answer.

    `kind` is the utterance kind for interviewer turns (None for candidate turns, or when the
    store has no column for it: then `replay` infers it); `engine` is who wrote the text.
    """

    role: Role
    text: str
    question_index: int | None
    kind: str | None = None
    engine: str | None = None


@dataclass(frozen=True)
class Utterance:
    """One thing the interviewer says; `question_index` points into `plan.questions`."""

    text: str
    kind: Kind
    question_index: int | None
    engine: str = "offline"

    def to_turn(self) -> PastTurn:
        """The turn to store for this utterance."""
        return PastTurn("interviewer", self.text, self.question_index, self.kind, self.engine)


@dataclass(frozen=True)
class BrainReply:
    """What to say next, in order; `progress` is (current question number 1-based, total)."""

    utterances: list[Utterance]
    done: bool
    progress: tuple[int, int]

    @property
    def text(self) -> str:
        """All utterances as one string (for a chat message or a log line)."""
        return " ".join(u.text for u in self.utterances)

    @property
    def kinds(self) -> list[str]:
        return [u.kind for u in self.utterances]


@dataclass
class InterviewState:
    """Where the conversation stands; only ever changed by `apply(turn)`."""

    total: int
    current: int | None = None
    asked: set[int] = field(default_factory=set)
    answered: set[int] = field(default_factory=set)
    dont_know: set[int] = field(default_factory=set)
    follow_ups: dict[int, int] = field(default_factory=dict)
    nudges: int = 0  # since the candidate last spoke or the question was (re)asked
    acks: int = 0  # acknowledgements said so far: picks the next one from a rotation
    last_ack: str | None = None
    greeted: bool = False
    done: bool = False

    @property
    def follow_up_total(self) -> int:
        return sum(self.follow_ups.values())

    @property
    def not_asked(self) -> int:
        return self.total - len(self.asked)

    def follow_ups_on_current(self) -> int:
        return self.follow_ups.get(self.current, 0) if self.current is not None else 0

    def apply(self, turn: PastTurn) -> None:
        """Fold one turn into the state (interviewer turns need their `kind`)."""
        if turn.role == "candidate":
            self._hear(turn.text)
            return
        kind, qi = turn.kind, turn.question_index
        if kind == "greeting":
            self.greeted = True
        elif kind == "question":
            if qi is not None and 0 <= qi < self.total:
                self.current = qi
                self.asked.add(qi)
            self.nudges = 0
        elif kind == "repeat":
            self.nudges = 0
        elif kind in ("follow_up", "redirect") and self.current is not None:
            self.follow_ups[self.current] = self.follow_ups.get(self.current, 0) + 1
        elif kind == "acknowledgement":
            self.acks += 1
            self.last_ack = turn.text
        elif kind == "nudge":
            self.nudges += 1
        elif kind == "closing":
            self.done = True

    def _hear(self, text: str) -> None:
        if self.current is None or self.done:
            return
        intent = classify_intent(text)
        if intent == "empty":
            return  # an empty transcript is a silence, not a reply
        self.nudges = 0
        if intent == "answer":
            self.answered.add(self.current)
        elif intent == "dont_know":
            self.dont_know.add(self.current)


def infer_kind(
    turn: PastTurn, state: InterviewState, plan: InterviewPlan, following: PastTurn | None
) -> str:
    """Best guess at the kind of an interviewer turn stored without one.

    Fixed phrases are recognised by their opening words; a question is a turn that moves to
    another question index; an acknowledgement is always followed by the next question within
    the same reply, while a follow-up ends its reply (a nudge or a closing may come next).
    """
    known = known_kind(turn.text)
    qi = turn.question_index
    if known is not None:
        return known
    if qi is None or not 0 <= qi < len(plan.questions):
        return "closing" if state.current is not None else "greeting"
    if qi != state.current:
        return "question"
    if plan.questions[qi].text.strip() in turn.text:
        return "repeat"
    if (
        following is not None
        and following.role == "interviewer"
        and following.question_index not in (None, state.current)
    ):
        return "acknowledgement"
    return "follow_up"


def replay(plan: InterviewPlan, turns: list[PastTurn]) -> tuple[InterviewState, list[PastTurn]]:
    """The state after `turns`, and the turns with every interviewer `kind` filled in."""
    state = InterviewState(total=len(plan.questions))
    filled: list[PastTurn] = []
    for i, turn in enumerate(turns):
        if turn.role not in ("interviewer", "candidate"):
            continue  # "system" rows (notes of the voice pipeline) are not conversation
        if turn.role == "interviewer" and turn.kind not in KINDS:
            following = turns[i + 1] if i + 1 < len(turns) else None
            kind = infer_kind(turn, state, plan, following)
            turn = PastTurn(turn.role, turn.text, turn.question_index, kind, turn.engine)
        state.apply(turn)
        filled.append(turn)
    return state, filled
