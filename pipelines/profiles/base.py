"""What every profile engine offers: a resume read into a `Profile`, a vacancy into requirements.

Engines are synchronous: they run inside Ray tasks, one document at a time. A cloud engine that
fails raises `ProfileEngineError`; callers fall back to the offline engine for that item.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from pipelines.engines.errors import EngineError
from pipelines.models import Profile, VacancyRequirements


class ProfileEngineError(EngineError):
    """A profile engine failed; `retryable` says whether the same call may succeed later."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        code: str = "profile_engine_error",
        engine: str | None = None,
    ) -> None:
        super().__init__(message, code=code, retryable=retryable, engine=engine)

    def __repr__(self) -> str:
        return (
            f"ProfileEngineError({self.message!r}, code={self.code!r}, "
            f"retryable={self.retryable}, engine={self.engine!r})"
        )


@runtime_checkable
class ProfileEngine(Protocol):
    """Reads resumes and vacancies; `id` ("offline", "openai:gpt-4o-mini") goes with results."""

    id: str

    def extract_profile(self, text: str) -> Profile:
        """Name, contacts, skills, experience, education and languages from a resume's text."""
        ...

    def analyze_vacancy(self, title: str, text: str) -> VacancyRequirements:
        """Must-have and nice-to-have skills, minimum years, languages, place from a vacancy."""
        ...
