"""Who the interviewer is: the name she introduces herself with and the company she speaks for."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.models import Lang


@dataclass(frozen=True)
class Persona:
    """The interviewer's name in each language and, when known, the hiring company.

    Russian phrases never use gendered verb forms ("записала"), so any name fits.
    """

    name_ru: str = "Стефани"
    name_en: str = "Stephanie"
    company: str | None = None
    # Whether she says she is a virtual interviewer. The voice interview always does; in
    # Telegram the workspace decides (pipelines/telegram/chat_interview.py).
    disclose_ai: bool = True

    def name(self, language: Lang) -> str:
        """The name to introduce herself with in `language`."""
        return self.name_ru if language == "ru" else self.name_en
