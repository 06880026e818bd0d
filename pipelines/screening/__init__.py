"""Screening: injection defence, offline and LLM scoring, and interview plans.

Typical use for one resume and one vacancy:

    check = inspect_resume(document.text, hidden_text=document.hidden_text)
    # profile and embedding are computed from check.text (visible, sanitised) only
    result = screen_offline(profile, requirements, similarity=s, flags=check.flags, language=lang)
    plan = build_interview_plan(profile, requirements, result, language=lang)
"""

from pipelines.screening.errors import EngineError
from pipelines.screening.injection import (
    FLAG_HIDDEN,
    FLAG_INJECTION,
    REMOVED,
    InjectionFinding,
    ResumeCheck,
    detect_injection,
    injection_flags,
    inspect_resume,
    sanitize,
)
from pipelines.screening.llm import LLMScreener, OpenAIChat
from pipelines.screening.plan import LLMPlanner, build_interview_plan
from pipelines.screening.scoring import recommend, screen_offline

__all__ = [
    "FLAG_HIDDEN",
    "FLAG_INJECTION",
    "REMOVED",
    "EngineError",
    "InjectionFinding",
    "LLMPlanner",
    "LLMScreener",
    "OpenAIChat",
    "ResumeCheck",
    "build_interview_plan",
    "detect_injection",
    "injection_flags",
    "inspect_resume",
    "recommend",
    "sanitize",
    "screen_offline",
]
