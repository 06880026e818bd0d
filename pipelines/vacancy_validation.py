"""Whether a vacancy says enough to screen resumes against, checked before it is analysed.

Screening compares resumes with the vacancy's words (requirements found in them, text
relevance, an embedding of them). A vacancy of "x", "test" or "Manager" gives the analysis
nothing to find, and every resume would then be ranked on noise - better to refuse it with a
reason the recruiter can act on. The rule: the title and the description together hold at
least `MIN_WORDS` different words, where a word is two or more letters or digits with at least
one letter ("Go", "1C", "SQL", "повар"; not "x", "2024" or "-"). Three is the shortest vacancy
that names both a role and something to check ("Senior Python developer", "Шеф-повар в
ресторан", "Sous chef, Moscow"); one word is a role at most. It holds for any alphabet.
"""

from __future__ import annotations

import re

from db.errors import InvalidValue

MIN_WORDS = 3

_TOKENS = re.compile(r"[^\W_]+")


class VacancyTooShort(InvalidValue):
    """The vacancy has too little text to screen against (API: 400, `vacancy_too_short`)."""

    code = "vacancy_too_short"


def vacancy_words(title: str, text: str) -> list[str]:
    """The different words of the title and the description, case-folded, in order."""
    tokens = _TOKENS.findall(f"{title}\n{text}".casefold())
    return list(dict.fromkeys(t for t in tokens if len(t) >= 2 and any(c.isalpha() for c in t)))


def check_vacancy_text(title: str, text: str) -> None:
    """Raise `VacancyTooShort` unless the vacancy holds at least `MIN_WORDS` different words."""
    found = vacancy_words(title, text)
    if len(found) >= MIN_WORDS:
        return
    if not found:
        what = "no words" if (title + text).strip() else "no title and no description"
    else:
        what = f"only {len(found)} word{'s' if len(found) > 1 else ''} ({', '.join(found)})"
    raise VacancyTooShort(
        f"vacancy too short to screen against: {what}; describe the role and what it requires "
        f"in at least {MIN_WORDS} words"
    )
