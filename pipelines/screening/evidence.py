"""Where a resume meets each requirement: the line that shows it, and how well.

A requirement is met by a dictionary skill in the profile (with what it implies), else by its
words in the resume text — stemmed, so "teacher" meets "teaching", and looked for within a line
and its neighbour so a requirement is met in one place, not by words scattered over two pages:
all the words of a skill's name, or for a free-text requirement a share of its words weighted
by how telling each is — else, for a free-text requirement, by meaning: its and each line's
sentence embeddings (when the engine is a sentence encoder). The best line is kept as evidence
for the recruiter. Credits are 0..1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from pipelines.models import Requirement
from pipelines.skills import find_skill_spans
from pipelines.terms import stem, weight, weighted_stems, words

# Cosine of a requirement and a resume line (sentence encoder): below FLOOR they are unrelated,
# at CEILING the line says the same thing in other words.
SIMILARITY_FLOOR, SIMILARITY_CEILING = 0.25, 0.55
MIN_LINE_WORDS = 3
# Credit of a skill in the profile for a requirement that asks more of it: met (MET in
# pipelines.screening.scoring), not fully shown.
SKILL_SHOWS = 0.6
# Lines past this many characters are not embedded: a 40-page upload would cost seconds of
# the encoder for evidence that the first pages of a resume already hold.
MAX_EMBEDDED_CHARS = 30_000
EVIDENCE_CHARS = 160
Embed = Callable[[list[str]], np.ndarray]


@dataclass
class ResumeLines:
    """A resume's lines with their stems and skills, built once per screening."""

    lines: list[str]
    stems: list[set[str]]
    skill_line: dict[str, int]
    embed: Embed | None = None
    _vectors: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def build(cls, text: str, *, embed: Embed | None = None) -> ResumeLines:
        lines = [" ".join(line.split()) for line in text.split("\n")]
        lines = [line for line in lines if line]
        stems = [{stem(w) for w in words(line)} for line in lines]
        skill_line: dict[str, int] = {}
        for i, line in enumerate(lines):
            for skill, _, _ in find_skill_spans(line):
                skill_line.setdefault(skill, i)
        return cls(lines, stems, skill_line, embed)

    def vectors(self) -> np.ndarray | None:
        """Sentence embeddings of the lines worth comparing, computed on first need."""
        if self.embed is None:
            return None
        if self._vectors is None:
            texts, used = [], 0
            for line in self.lines:
                worth = len(line.split()) >= MIN_LINE_WORDS and used < MAX_EMBEDDED_CHARS
                texts.append(line if worth else "")
                used += len(line)
            self._vectors = self.embed(texts) if texts else np.zeros((0, 1))
        return self._vectors

    def evidence(self, index: int) -> str:
        line = self.lines[index]
        return line if len(line) <= EVIDENCE_CHARS else line[: EVIDENCE_CHARS - 1] + "…"


@dataclass(frozen=True)
class Match:
    """How well one requirement is met (0..1), and the resume line that shows it."""

    credit: float
    evidence: str | None
    how: str  # "skill" | "words" | "meaning" | "none"


def requirement_words(requirement: Requirement) -> dict[str, float]:
    """The weighted stems a free-text requirement is looked for by."""
    return weighted_stems(" ".join(requirement.terms))


def lexical_match(wanted: dict[str, float], resume: ResumeLines) -> tuple[float, int | None]:
    """Best share of the requirement's word weight found in one line and the next."""
    total = sum(wanted.values())
    if not total or not resume.lines:
        return 0.0, None

    def found(stems: set[str]) -> float:
        return sum(w for s, w in wanted.items() if s in stems)

    best, where = 0.0, None
    for i, here in enumerate(resume.stems):
        after = resume.stems[i + 1] if i + 1 < len(resume.stems) else set()
        got = found(here | after)
        if got > best:
            # the evidence is whichever of the two lines holds more of it
            best, where = got, i if found(here) >= found(after) else i + 1
    # Half the telling words in one place is real evidence: credit grows as the square root.
    return (best / total) ** 0.5, where


def meaning_match(vector: np.ndarray | None, resume: ResumeLines) -> tuple[float, int | None]:
    """Credit from the closest line in meaning, if the engine gives sentence embeddings."""
    lines = resume.vectors()
    if vector is None or lines is None or not len(lines) or not np.any(vector):
        return 0.0, None
    sims = lines @ vector
    i = int(np.argmax(sims))
    span = SIMILARITY_CEILING - SIMILARITY_FLOOR
    return float(np.clip((sims[i] - SIMILARITY_FLOOR) / span, 0.0, 1.0)), i


def match_requirement(
    requirement: Requirement,
    resume: ResumeLines,
    have_skills: set[str],
    vector: np.ndarray | None = None,
) -> Match:
    """How well the resume meets one requirement; see the module docstring."""
    owned = next((s for s in requirement.skills if s.casefold() in have_skills), None)
    if owned is not None:
        where = resume.skill_line.get(owned)
        by_skill = Match(1.0, resume.evidence(where) if where is not None else None, "skill")
        if not requirement.terms:
            return by_skill
        # A skill asked with more ("Current RN license", "a degree in Nursing"): the skill
        # shows the trade, which counts as met; its words or meaning in a line can show more.
        found = _by_words_or_meaning(requirement, resume, vector)
        if found.credit > SKILL_SHOWS:
            return found
        return Match(SKILL_SHOWS, by_skill.evidence, "skill")
    if not requirement.terms:
        # A named skill is a unit: all of its words in one place ("Teaching" in "taught"), or
        # nothing — "supervised children" is no "Site Supervision".
        return _whole_name(requirement, resume)
    return _by_words_or_meaning(requirement, resume, vector)


def _by_words_or_meaning(
    requirement: Requirement, resume: ResumeLines, vector: np.ndarray | None
) -> Match:
    lexical, lex_at = lexical_match(requirement_words(requirement), resume)
    if lexical >= 1.0:  # every word found: no need to embed the resume's lines for it
        return Match(1.0, resume.evidence(lex_at), "words")  # type: ignore[arg-type]
    meaning, mean_at = meaning_match(vector, resume)
    if lexical <= 0 and meaning <= 0:
        return Match(0.0, None, "none")
    if lexical >= meaning:
        return Match(round(lexical, 3), resume.evidence(lex_at), "words")  # type: ignore[arg-type]
    return Match(round(meaning, 3), resume.evidence(mean_at), "meaning")  # type: ignore[arg-type]


def _whole_name(requirement: Requirement, resume: ResumeLines) -> Match:
    for skill in requirement.skills:
        names = words(skill)
        if not names or any(len(w) < 2 or weight(w) <= 0 for w in names):
            continue  # "A&P License": without its short words, "licensed" would do
        credit, where = lexical_match(weighted_stems(skill), resume)
        if credit >= 1.0 and where is not None:
            return Match(1.0, resume.evidence(where), "words")
    return Match(0.0, None, "none")


def match_all(
    requirements: Sequence[Requirement],
    resume: ResumeLines,
    have_skills: set[str],
    vectors: np.ndarray | None = None,
) -> list[Match]:
    """`match_requirement` for each requirement; `vectors` are their embeddings, in order."""
    return [
        match_requirement(r, resume, have_skills, None if vectors is None else vectors[i])
        for i, r in enumerate(requirements)
    ]
