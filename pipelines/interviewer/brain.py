"""The interviewer brain: a deterministic, restartable state machine for one interview.

Shared by the live voice interview and the Telegram chat interview. It decides what to say
next — greeting, questions in plan order, at most one follow-up per question, repeats,
nudges after silence, skipping for time, closing — and does no I/O except the optional LLM
call. Hard state is the transcript (`turns`, stored by the caller as they happen); everything
else is rebuilt from it by `InterviewBrain.restore` (see `state.py`). Time is not state: the
caller passes the elapsed seconds with every event, so a restored brain behaves exactly like
one that never stopped.

With an `LLMInterviewer`, the model writes follow-ups and acknowledgements and may decide
whether an answer deserves a follow-up; the brain still owns question order, the one-follow-up
limit, time and closing, and falls back to its offline phrases on any error or invalid text.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from pipelines.interviewer import texts
from pipelines.interviewer.answers import answer_quality, classify_intent
from pipelines.interviewer.persona import Persona
from pipelines.interviewer.state import (
    BrainReply,
    InterviewState,
    PastTurn,
    Utterance,
    replay,
)
from pipelines.models import Criterion, InterviewPlan, Lang, PlannedQuestion

if TYPE_CHECKING:
    from pipelines.interviewer.llm import LLMInterviewer

log = logging.getLogger(__name__)

TECHNICAL_CRITERIA = ("technical_skills", "problem_solving")
# Which criterion most needs its own question when time runs out: communication is heard in
# every answer and culture fit shows through them, technical depth only when asked.
CRITERIA_BY_PRIORITY: tuple[Criterion, ...] = (
    "technical_skills",
    "problem_solving",
    "experience_relevance",
    "cultural_fit",
    "communication",
)
_RANK = {c: i for i, c in enumerate(CRITERIA_BY_PRIORITY)}
# A silence this long gets "take your time…", the next one moves on. One threshold, so a
# caller that reports silences at a fixed interval always gets both.
LONG_SILENCE_S = 10.0
FOLLOW_UP_S = 45  # time a follow-up is expected to take
LLM_HISTORY_TURNS = 16
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)")


def choose_next(
    plan: InterviewPlan, asked: set[int], current: int, time_left_s: float
) -> tuple[int | None, bool]:
    """The next question to ask and whether any were dropped to fit `time_left_s`.

    When the remaining questions' budgets do not fit, the last question whose criterion is
    covered anyway (already asked, or by another remaining question) goes first, so every
    criterion keeps a question where possible; then questions by `CRITERIA_BY_PRIORITY`, the
    least important first.
    """
    questions = plan.questions
    pending = list(range(current + 1, len(questions)))
    kept = list(pending)
    covered = {questions[i].criterion for i in asked}
    while kept and sum(questions[i].time_budget_s for i in kept) > time_left_s:
        redundant = [
            i
            for i in kept
            if questions[i].criterion in covered
            or sum(questions[j].criterion == questions[i].criterion for j in kept) > 1
        ]
        if redundant:
            kept.remove(redundant[-1])
        else:  # every criterion once: the least important criterion's question goes
            kept.remove(max(reversed(kept), key=lambda i: _RANK[questions[i].criterion]))
    return (kept[0] if kept else None), len(kept) < len(pending)


class InterviewBrain:
    """Conducts one interview over `plan`; every event returns the next `BrainReply`."""

    def __init__(
        self,
        plan: InterviewPlan,
        *,
        language: Lang,
        persona: Persona = Persona(),
        candidate_name: str | None = None,
        vacancy_title: str | None = None,
        max_duration_s: int = 1800,
        llm: LLMInterviewer | None = None,
    ) -> None:
        self.plan = plan
        self.language: Lang = language
        self.persona = persona
        self.candidate_name = candidate_name
        self.vacancy_title = vacancy_title
        self.max_duration_s = max_duration_s
        self.llm = llm
        self._name = texts.first_name(candidate_name)
        self._state = InterviewState(total=len(plan.questions))
        self._turns: list[PastTurn] = []

    @classmethod
    def restore(cls, plan: InterviewPlan, turns: list[PastTurn], **kwargs: Any) -> InterviewBrain:
        """A brain in exactly the state its stored `turns` describe (crash recovery); `kwargs`
        are the constructor's. Store every utterance as its own turn, with its kind."""
        brain = cls(plan, **kwargs)
        brain._state, brain._turns = replay(plan, list(turns))
        return brain

    # --- what the caller reads -------------------------------------------------------------

    @property
    def done(self) -> bool:
        return self._state.done

    @property
    def progress(self) -> tuple[int, int]:
        """(current question number 1-based, total); 0 before the first question."""
        current = self._state.current
        return (0 if current is None else current + 1, len(self.plan.questions))

    @property
    def current_question(self) -> PlannedQuestion | None:
        current = self._state.current
        return None if current is None else self.plan.questions[current]

    @property
    def turns(self) -> list[PastTurn]:
        """The transcript so far, as `restore` wants it back."""
        return list(self._turns)

    @property
    def summary(self) -> str:
        """One line for the recruiter, e.g. "7 of 8 questions answered, 2 follow-ups"."""
        s = self._state
        return texts.summary(
            self.language,
            answered=len(s.answered),
            total=s.total,
            follow_ups=s.follow_up_total,
            not_asked=s.not_asked,
        )

    # --- events ----------------------------------------------------------------------------

    def opening(self, *, elapsed_s: float = 0.0) -> BrainReply:
        """The greeting and the first question; after a restore, "welcome back" and the
        current question again. A candidate coming back `elapsed_s` into an interview whose
        time is already up hears the closing at once, not a question there is no time for."""
        s = self._state
        if s.done:
            return self._say([])
        if elapsed_s >= self.max_duration_s:
            return self.on_time_up()
        if s.current is None:
            intro = texts.greeting(
                self.language,
                persona=self.persona.name(self.language),
                name=self._name,
                company=self.persona.company,
                vacancy=self.vacancy_title,
                questions=len(self.plan.questions),
                minutes=max(1, round(min(self.plan.total_time_s, self.max_duration_s) / 60)),
                disclose_ai=self.persona.disclose_ai,
            )
            first = Utterance(self.plan.questions[0].text, "question", 0)
            return self._say([*(Utterance(t, "greeting", None) for t in intro), first])
        back = texts.welcome_back(
            self.language, name=self._name, number=s.current + 1, total=s.total
        )
        return self._say(
            [
                Utterance(back, "greeting", s.current),
                Utterance(self.plan.questions[s.current].text, "question", s.current),
            ]
        )

    def on_answer(self, text: str, *, elapsed_s: float) -> BrainReply:
        """The candidate finished a turn `elapsed_s` seconds into the interview."""
        s = self._state
        if s.done:
            return self._say([])
        intent = classify_intent(text)
        if intent == "empty":
            return self._silence(elapsed_s, heard_nothing=True)
        self._turns.append(PastTurn("candidate", text, s.current))
        s.apply(self._turns[-1])
        if s.current is None:  # spoke before the greeting: greet
            return self.opening()
        question = self.plan.questions[s.current]
        time_left = self.max_duration_s - elapsed_s
        if time_left <= 0:
            return self._close("time_up")
        if intent == "repeat":
            return self._say(
                [Utterance(texts.repeat(self.language, question.text), "repeat", s.current)]
            )
        if intent in ("skip", "dont_know"):
            return self._advance(time_left, pool="skip" if intent == "skip" else "dont_know")

        quality = answer_quality(
            text,
            f"{question.topic} {question.text}",
            self.language,
            technical=question.criterion in TECHNICAL_CRITERIA,
        )
        pool: texts.AckPool = "answer" if quality == "substantive" else "noted"
        allowed = s.follow_ups_on_current() == 0 and self._fits_follow_up(time_left)
        if self.llm is not None and (allowed or self._has_next(time_left)):
            reply = self._llm_reply(text, allowed, time_left, pool)
            if reply is not None:
                return reply
        if allowed:
            if quality == "thin":
                variant = s.current  # a different phrasing from one question to the next
                skill = question.criterion == "technical_skills"  # its topic names a skill
                line = texts.follow_up(self.language, question.topic, variant, skill=skill)
                return self._say([Utterance(line, "follow_up", s.current)])
            if quality == "off_topic":
                line = texts.redirect(self.language, question.topic)
                return self._say([Utterance(line, "redirect", s.current)])
        return self._advance(time_left, pool=pool)

    def on_silence(self, silent_s: float, *, elapsed_s: float) -> BrainReply:
        """The candidate said nothing for `silent_s` seconds since the interviewer finished:
        a gentle nudge first, then, after a second long silence, the next question. Past
        `max_duration_s` it closes ("we're out of time"), whatever `silent_s` is."""
        s = self._state
        if s.done or s.current is None:
            return self._say([])
        if elapsed_s >= self.max_duration_s:
            return self._close("time_up")
        if silent_s < LONG_SILENCE_S:
            return self._say([])
        return self._silence(elapsed_s, heard_nothing=False)

    def on_end_requested(self) -> BrainReply:
        """The candidate pressed End: a polite closing."""
        if self._state.done:
            return self._say([])
        return self._close("ended")

    def on_time_up(self) -> BrainReply:
        """The interview's time ran out: "we're out of time", then the closing."""
        if self._state.done:
            return self._say([])
        return self._close("time_up")

    # --- moves -----------------------------------------------------------------------------

    def _say(self, utterances: list[Utterance]) -> BrainReply:
        for u in utterances:
            turn = u.to_turn()
            self._turns.append(turn)
            self._state.apply(turn)
        return BrainReply(utterances, self._state.done, self.progress)

    def _silence(self, elapsed_s: float, *, heard_nothing: bool) -> BrainReply:
        s = self._state
        if s.current is None:
            return self._say([])
        time_left = self.max_duration_s - elapsed_s
        if time_left <= 0:
            return self._close("time_up")
        if s.nudges == 0:
            line = texts.nudge(self.language, name=self._name, heard_nothing=heard_nothing)
            return self._say([Utterance(line, "nudge", s.current)])
        return self._advance(time_left, pool="silence")

    def _advance(
        self,
        time_left: float,
        *,
        pool: texts.AckPool = "answer",
        ack: str | None = None,
        engine: str = "offline",
    ) -> BrainReply:
        """Acknowledge and ask the next question that fits the time, or close."""
        s = self._state
        assert s.current is not None
        following, cut = choose_next(self.plan, s.asked, s.current, time_left)
        if following is None:
            return self._close("time_up" if cut else "complete")
        if ack is None or ack == s.last_ack:
            ack, engine = self._offline_ack(pool), "offline"
        if following == len(self.plan.questions) - 1 and _sentences(ack) == 1:
            ack = f"{ack} {texts.LAST_QUESTION[self.language]}"
        return self._say(
            [
                Utterance(ack, "acknowledgement", s.current, engine),
                Utterance(self.plan.questions[following].text, "question", following),
            ]
        )

    def _offline_ack(self, pool: texts.AckPool) -> str:
        s = self._state
        return texts.acknowledgement(
            self.language, pool, count=s.acks, previous=s.last_ack, name=self._name
        )

    def _close(self, reason: texts.CloseReason) -> BrainReply:
        lines = texts.closing(self.language, reason, name=self._name, company=self.persona.company)
        return self._say([Utterance(line, "closing", None) for line in lines])

    def _remaining_budget(self) -> int:
        current = self._state.current or 0
        return sum(q.time_budget_s for q in self.plan.questions[current + 1 :])

    def _fits_follow_up(self, time_left: float) -> bool:
        # A follow-up must not push a later question out of the time budget.
        return self._remaining_budget() + FOLLOW_UP_S <= time_left

    def _has_next(self, time_left: float) -> bool:
        s = self._state
        assert s.current is not None
        return choose_next(self.plan, s.asked, s.current, time_left)[0] is not None

    def _llm_reply(
        self, answer: str, allowed: bool, time_left: float, pool: texts.AckPool
    ) -> BrainReply | None:
        """The model's move within what the state machine allows; None to go offline."""
        from pipelines.interviewer.llm import check_move

        s = self._state
        assert self.llm is not None and s.current is not None
        try:
            move = self.llm.next_move(
                plan=self.plan,
                question_index=s.current,
                language=self.language,
                history=self._turns[:-1][-LLM_HISTORY_TURNS:],
                answer=answer,
                follow_up_allowed=allowed,
                persona=self.persona,
                vacancy_title=self.vacancy_title,
            )
        except Exception as e:  # any failure of the optional model means: go on offline
            log.warning("interviewer LLM failed, offline fallback: %r", e)
            return None
        problem = check_move(move, self.language)
        if problem is not None:
            log.info("interviewer LLM move rejected (%s), offline fallback", problem)
            return None
        engine = getattr(self.llm, "id", "llm")
        if move.action == "follow_up":
            if allowed:
                return self._say([Utterance(move.text, "follow_up", s.current, engine)])
            return self._advance(time_left, pool=pool)
        if move.action == "next_question":
            return self._advance(time_left, pool=pool, ack=move.text, engine=engine)
        # "close": only the state machine ends an interview (an answer cannot talk it into it).
        log.info("interviewer LLM asked to close; the plan continues")
        return self._advance(time_left, pool=pool)


def _sentences(text: str) -> int:
    return max(1, len(_SENTENCE_END.findall(text)))
