"""The interviewer brain, shared by the live voice interview and the Telegram chat interview.

    brain = InterviewBrain(plan, language="ru", candidate_name="Анна Петрова")
    reply = brain.opening()                      # greeting + first question
    reply = brain.on_answer(text, elapsed_s=95)  # acknowledgement + next question, or a follow-up
    # store every turn as it happens (brain.turns); after a crash:
    brain = InterviewBrain.restore(plan, stored_turns, language="ru")

`LLMInterviewer` (imported lazily: it pulls in the OpenAI engine) lets a model write follow-ups
and acknowledgements while the brain keeps control of the interview.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pipelines.interviewer.answers import (
    answer_quality,
    classify_intent,
    is_dont_know,
    is_repeat_request,
    is_skip_request,
)
from pipelines.interviewer.brain import InterviewBrain, choose_next
from pipelines.interviewer.persona import Persona
from pipelines.interviewer.state import BrainReply, PastTurn, Utterance

if TYPE_CHECKING:
    from pipelines.interviewer.llm import LLMInterviewer, LLMMove

__all__ = [
    "BrainReply",
    "InterviewBrain",
    "LLMInterviewer",
    "LLMMove",
    "PastTurn",
    "Persona",
    "Utterance",
    "answer_quality",
    "choose_next",
    "classify_intent",
    "is_dont_know",
    "is_repeat_request",
    "is_skip_request",
]


def __getattr__(name: str) -> Any:
    if name in ("LLMInterviewer", "LLMMove"):
        from pipelines.interviewer import llm

        return getattr(llm, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
