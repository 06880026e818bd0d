"""A vacancy's requirements as the recruiter corrected them.

The analysis reads requirements from the vacancy text; the recruiter then drops, adds,
rewords or relaxes them (must / nice). The edit is the whole list: every item the recruiter
kept or wrote is one `Requirement` (any one of its skills meets it), and nothing else stays.
An item whose text matches an analysed requirement keeps what the analysis found in it; a new
or reworded one is read like a vacancy line, and when the skill dictionary knows nothing in it,
its telling words become the terms screening looks for, so a recruiter's "ServSafe
certification" is never silently lost. The result is marked engine "recruiter", which tells
`vacancy_flow.ensure_analysis` never to analyse it over.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.errors import InvalidValue
from pipelines.models import Requirement, VacancyRequirements
from pipelines.profiles.vacancy_requirements import _term_words, requirements_from_line
from pipelines.terms import is_soft

RECRUITER_ENGINE = "recruiter"


class RequirementUnreadable(InvalidValue):
    """A recruiter's requirement with nothing to check in it, e.g. "the" or "3+ years" (years
    go in `min_years`). API: 400, `requirement_unreadable`."""

    code = "requirement_unreadable"


@dataclass(frozen=True)
class RecruiterEdit:
    """The recruiter's requirements: (text, must) in their order, and the minimum years."""

    items: tuple[tuple[str, bool], ...]
    min_years: float | None = None


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _from_text(text: str, must: bool) -> Requirement:
    """A new or reworded requirement, read like a vacancy line but kept as one requirement."""
    found = requirements_from_line(text, must=must)
    if len(found) == 1:  # "Current RN license": the skill with what the line asks more of it
        return found[0].model_copy(update={"text": text, "must": must})
    if found:
        skills = list(dict.fromkeys(s for r in found for s in r.skills))
        terms = [] if skills else list(dict.fromkeys(t for r in found for t in r.terms))
        soft = all(r.soft for r in found)
        return Requirement(text=text, skills=skills, terms=terms, must=must, soft=soft)
    terms = _term_words(text)
    if not terms:
        raise RequirementUnreadable(
            f"requirement {text!r} names nothing to look for in a resume; name a skill, "
            "tool or qualification (years of experience go in min_years)"
        )
    return Requirement(text=text, terms=terms, must=must, soft=is_soft(text))


def apply_edit(
    analysed: VacancyRequirements, items: list[tuple[str, bool]], min_years: float | None
) -> VacancyRequirements:
    """`analysed` with its requirements replaced by the recruiter's `items` (text, must) and
    its minimum years by `min_years`; `RequirementUnreadable` for an item with nothing to
    check. Repeated items (same text in any case or spacing) count once."""
    known = {_key(r.text): r for r in analysed.requirements}
    requirements: dict[str, Requirement] = {}
    for raw, must in items:
        text = " ".join(raw.split())
        key = _key(text)
        if not key or key in requirements:
            continue
        match = known.get(key)
        if match is not None:
            requirements[key] = match.model_copy(update={"must": must})
        else:
            requirements[key] = _from_text(text, must)
    kept = list(requirements.values())
    must_have = list(dict.fromkeys(s for r in kept if r.must for s in r.skills))
    nice = dict.fromkeys(s for r in kept if not r.must for s in r.skills)
    # Validated again, so a negative or absurd min_years is refused here too.
    return VacancyRequirements.model_validate(
        {
            **analysed.model_dump(),
            "requirements": [r.model_dump() for r in kept],
            "must_have": must_have,
            "nice_to_have": [s for s in nice if s not in must_have],
            "min_years": min_years,
            "engine": RECRUITER_ENGINE,
        }
    )
