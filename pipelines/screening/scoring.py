"""Offline screening: a resume scored 0-100 against a vacancy, with the evidence for it.

One documented formula, a weighted mean of the parts the vacancy specifies:

    score = 100 · Σ wᵢ·partᵢ / Σ wᵢ   (minus 5 for a location the job cannot accommodate)

    part         w    what it measures (each 0..1)
    role         30   the candidate's recent titles (headline, desired position, jobs) against
                      the vacancy title: telling words shared, or the titles' embeddings
                      (relevance.role_fit)
    text         20   BM25F relevance of the resume's sections to the vacancy text
    similarity   20   cosine of the resume's and vacancy's embeddings, mapped from the
                      engine's unrelated..same band to 0..1
    must         15   required requirements met, weighted by how specific each is (a hard skill
                      or a rare term 1.0, a soft skill 0.3); credit per requirement from the
                      profile's skills, else its words or its meaning in a resume line
                      (pipelines.screening.evidence)
    years         5   years in the vacancy's field (jobs whose titles fit the role) against the
                      required years; total years count a quarter
    nice          5   nice-to-have requirements met, weighted like must
    languages     5   required spoken languages at the required level

Relevance (role, text, similarity: 70 of 100) says whether the resume is about this job at
all; coverage (30) says whether the person has what the vacancy lists. Relevance leads because
lists are partial — a vacancy names a few checkable skills, a resume words them its own way —
and on real resumes ranking by coverage alone was worse than plain text search (issue 10);
coverage still separates people of the same trade, and it is what the rationale explains.

The score depends only on the visible, sanitised text and its profile: flags never change it,
they cap the recommendation at "consider".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np

from pipelines.engines.embeddings import strip_markers
from pipelines.models import (
    Lang,
    LanguageSkill,
    Profile,
    Recommendation,
    Requirement,
    ScreeningResult,
    VacancyRequirements,
    WorkExperience,
)
from pipelines.profiles.experience import total_years
from pipelines.profiles.places import is_place
from pipelines.screening.evidence import Match, ResumeLines, match_all
from pipelines.screening.implied_skills import IMPLIES, candidate_skills
from pipelines.screening.rationale import (
    Check,
    flag_sentence,
    fmt_number,
    language_name,
    rationale,
    ru_years,
)
from pipelines.screening.relevance import role_fit, text_relevance
from pipelines.terms import specificity


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


ENGINE = "offline"
WEIGHTS = {
    "role": 30.0, "text": 20.0, "similarity": 20.0, "must": 15.0, "years": 5.0,
    "nice": 5.0, "languages": 5.0,
}  # fmt: skip
LOCATION_PENALTY = 5
MET = 0.6  # a requirement with this much credit counts as met in matched/missing
FIELD_TITLE = 0.25  # a job whose title shares this much with the role is in the field
ROLE_NAMED = 0.5  # a title that fits this well is named in the rationale as the recent role
# Cosine of a resume and a vacancy, per embedding engine: below the first figure the texts are
# unrelated, above the second they are as close as a resume and a vacancy get.
SIMILARITY_BANDS = {
    "use-multilingual-v3": (0.20, 0.65),
    "hashing-ngram-512": (0.10, 0.55),
}
DEFAULT_BAND = (0.15, 0.60)
CEFR_RANK = {"A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 5, "C2": 6, "native": 7}
THRESHOLDS: list[tuple[int, Recommendation]] = [
    (80, "strongly_recommend"),
    (65, "recommend"),
    (45, "consider"),
]

Embed = Callable[[list[str]], np.ndarray]


def years_label(min_years: float) -> str:
    """'3+ years': the experience requirement as it appears in matched/missing."""
    return f"{min_years:g}+ years"


def language_label(required: LanguageSkill) -> str:
    """'English B2': a language requirement as it appears in matched/missing."""
    name = required.name.strip().capitalize()
    return f"{name} {required.level}" if required.level else name


def stated_requirements(requirements: VacancyRequirements) -> list[Requirement]:
    """The vacancy's requirements; vacancies analysed before requirements were grouped (or by
    an engine that lists skills only) get one requirement per listed skill."""
    if requirements.requirements:
        return list(requirements.requirements)
    must = list(dict.fromkeys(requirements.must_have))
    required = {_key(s) for s in must}
    nice = [s for s in dict.fromkeys(requirements.nice_to_have) if _key(s) not in required]
    return [Requirement(text=s, skills=[s], must=True) for s in must] + [
        Requirement(text=s, skills=[s], must=False) for s in nice
    ]


def _weighted_share(checks: list[Check], weights: list[float]) -> float:
    total = sum(weights)
    return sum(w * c.credit for w, c in zip(weights, checks, strict=True)) / total if total else 0.0


def _language_check(profile: Profile, required: LanguageSkill, lang: Lang) -> Check:
    name = required.name.strip().lower()
    levels = [s.level for s in profile.languages if s.name.strip().lower() == name]
    if not levels and profile.language == "ru" and name == "russian":
        levels = ["C2"]  # a resume written in Russian shows the language
    if not levels and profile.language == "en" and name == "english":
        levels = ["B2"]  # one written in English shows working English, if not more
    display = language_name(name, lang)
    prose = f"{display} {required.level}" if required.level else display
    if not levels:
        return Check(language_label(required), 0.0, prose)
    known = [CEFR_RANK[level] for level in levels if level]
    if required.level is None:
        credit = 1.0
    elif not known:
        credit = 0.5  # speaks it, level unknown
    else:
        gap = CEFR_RANK[required.level] - max(known)
        credit = 1.0 if gap <= 0 else max(0.0, 1.0 - 0.25 * gap)
    if credit < 1.0 and known:
        have = next(k for k, v in CEFR_RANK.items() if v == max(known))
        prose += f" (есть {have})" if lang == "ru" else f" (has {have})"
    return Check(language_label(required), credit, prose)


def field_years(
    jobs: list[WorkExperience], fits: list[float], today: date | None = None
) -> float | None:
    """Years in jobs whose titles fit the role (overlaps once); None when no job has a title,
    so the field cannot be told."""
    if not any(job.title for job in jobs):
        return None
    fitting = [job for job, fit in zip(jobs, fits, strict=True) if fit >= FIELD_TITLE]
    return total_years(fitting, today or date.today()) or 0.0


def _years_check(total: float, in_field: float | None, min_years: float, lang: Lang) -> Check:
    def share(have: float) -> float:
        return 1.0 if have >= min_years - 1 / 12 else max(0.0, have / min_years)

    credit = share(total) if in_field is None else 0.75 * share(in_field) + 0.25 * share(total)
    if lang == "ru":
        prose = f"опыт от {ru_years(min_years, genitive=True)}"
        have = f"есть {ru_years(in_field if in_field is not None else total)}"
        if in_field is not None and in_field < total:
            have += f" в профессии, всего {ru_years(total)}"
    else:
        prose = f"{years_label(min_years)} of experience"
        have = f"has {fmt_number(in_field if in_field is not None else total, lang)}"
        if in_field is not None and in_field < total:
            have += f" in the field, {fmt_number(total, lang)} in all"
    return Check(years_label(min_years), credit, f"{prose} ({have})")


def similarity_credit(similarity: float, engine: str | None) -> float:
    """The embeddings' cosine mapped from the engine's unrelated..same band to 0..1."""
    floor, ceiling = SIMILARITY_BANDS.get(engine or "", DEFAULT_BAND)
    return min(1.0, max(0.0, (similarity - floor) / (ceiling - floor)))


def location_mismatch(profile: Profile, requirements: VacancyRequirements) -> bool:
    """A known candidate location that differs from an on-site vacancy's location."""
    if requirements.remote or not requirements.location or not profile.location:
        return False
    want, have = _key(requirements.location), _key(profile.location)
    return want not in have and have not in want


def recommend(score: int, flags: list[str] | tuple[str, ...] = ()) -> Recommendation:
    """Recommendation for a score; any flag caps it at "consider" so a person reviews it."""
    verdict: Recommendation = "reject"
    for threshold, name in THRESHOLDS:
        if score >= threshold:
            verdict = name
            break
    if flags and verdict in ("strongly_recommend", "recommend"):
        return "consider"
    return verdict


def headline(text: str) -> str | None:
    """The resume's first line when it reads as a title ("BIOLOGY TEACHER", "Sous Chef")."""
    for line in text.split("\n"):
        line = line.strip(" \t#*|•-")
        if not line:
            continue
        if len(line.split()) <= 8 and not any(ch.isdigit() or ch == "@" for ch in line):
            return line
        return None
    return None


def _title_or_blank(title: str | None) -> str:
    """A job's title, or "" when what was read as one is a place ("Boston, MA")."""
    if not title or is_place(title):
        return ""
    return title


def candidate_titles(profile: Profile, resume_text: str) -> tuple[list[str], int]:
    """Titles the candidate wants or holds, most recent first, and how many come before the
    jobs' own titles (desired position, headline)."""
    heads = [profile.desired_position, headline(resume_text)]
    heads = [t for t in dict.fromkeys(heads) if t and t != profile.full_name]
    return heads + [_title_or_blank(job.title) for job in profile.experience], len(heads)


@lru_cache(maxsize=64)  # ~200 KB each with line vectors: a bounded cache per worker
def _resume_lines(text: str, embed: Embed | None) -> ResumeLines:
    """Lines of a resume, cached so one resume screened for several vacancies (or rescreened)
    is split, stemmed and embedded once per process."""
    return ResumeLines.build(text, embed=embed)


@lru_cache(maxsize=64)
def _phrase_vectors(phrases: tuple[str, ...], embed: Embed) -> np.ndarray:
    """A vacancy's requirement phrases embedded once per process, not once per application."""
    return embed(list(phrases))


def sentence_embedder(embedder: object | None) -> Embed | None:
    """A function giving unit vectors for short texts, if the engine embeds sentences well
    (the hashing fallback does not: its vectors of short lines are only spelling)."""
    if embedder is None or not getattr(embedder, "sentence_level", False):
        return None
    if hasattr(embedder, "embed_array"):
        return embedder.embed_array  # type: ignore[no-any-return]
    return _as_array(embedder)


@lru_cache(maxsize=8)
def _as_array(embedder: object) -> Embed:
    def embed(texts: list[str]) -> np.ndarray:
        return np.asarray(embedder.embed(texts), dtype=np.float32)  # type: ignore[attr-defined]

    return embed


@dataclass(frozen=True)
class Assessment:
    """Every part of the formula for one resume and vacancy, before it becomes a score."""

    parts: dict[str, float]
    checks: list[Check]  # requirements, must first, then years and languages, then nice
    titles: list[str]
    fits: list[float]

    @property
    def raw(self) -> float:
        """The weighted mean of the parts, 0..100 (50 when nothing could be compared)."""
        if not self.parts:
            return 50.0
        total = sum(WEIGHTS[k] for k in self.parts)
        return 100.0 * sum(WEIGHTS[k] * v for k, v in self.parts.items()) / total


def assess(
    profile: Profile,
    requirements: VacancyRequirements,
    *,
    similarity: float | None,
    language: Lang,
    resume_text: str = "",
    vacancy_text: str = "",
    embedder: object | None = None,
) -> Assessment:
    """The parts of the score (module docstring) with the checks and titles behind them."""
    embed = sentence_embedder(embedder)
    resume_text = strip_markers(resume_text)  # "[removed: …]" is ours, not the candidate's
    have = candidate_skills(profile)
    stated = stated_requirements(requirements)
    lines = _resume_lines(resume_text, embed)
    phrases = tuple(r.text if r.terms else "" for r in stated)  # skills match by name only
    vectors = _phrase_vectors(phrases, embed) if embed is not None and any(phrases) else None
    matches: list[Match] = match_all(stated, lines, have, vectors)
    checks = [
        Check(r.text, m.credit, r.text, m.evidence, r.must, m.how == "skill", MET)
        for r, m in zip(stated, matches, strict=True)
    ]
    weights = [specificity(r.text, soft_skill=r.soft) for r in stated]
    titles, heads = candidate_titles(profile, resume_text)
    fit, fits = role_fit(requirements.title, titles, embed)

    parts: dict[str, float] = {}
    for name, wanted in (("must", True), ("nice", False)):
        chosen = [i for i, r in enumerate(stated) if r.must is wanted]
        if chosen:
            parts[name] = _weighted_share([checks[i] for i in chosen], [weights[i] for i in chosen])
    years_checks = []
    if requirements.min_years:
        in_field = field_years(profile.experience, fits[heads:])
        years_checks.append(
            _years_check(profile.total_years, in_field, requirements.min_years, language)
        )
        parts["years"] = years_checks[0].credit
    language_checks = [_language_check(profile, r, language) for r in requirements.languages]
    if language_checks:
        parts["languages"] = sum(c.credit for c in language_checks) / len(language_checks)
    if fit is not None:
        parts["role"] = fit
    if resume_text and (vacancy_text or requirements.title):
        parts["text"] = text_relevance(requirements.title, vacancy_text, resume_text)
    if similarity is not None:
        parts["similarity"] = similarity_credit(similarity, getattr(embedder, "id", None))
    ordered = [c for c in checks if c.must] + years_checks + language_checks
    ordered += [c for c in checks if not c.must]
    return Assessment(parts, ordered, titles, fits)


def screen_offline(
    profile: Profile,
    requirements: VacancyRequirements,
    *,
    similarity: float | None,
    flags: list[str],
    language: Lang,
    resume_text: str = "",
    vacancy_text: str = "",
    embedder: object | None = None,
) -> ScreeningResult:
    """Score a profile against requirements by the formula in the module docstring.

    `similarity` is the texts' embedding cosine (None: unknown) from `embedder`; the resume's
    and vacancy's texts feed evidence and relevance (empty: only the profile is compared).
    """
    found = assess(
        profile,
        requirements,
        similarity=similarity,
        language=language,
        resume_text=resume_text,
        vacancy_text=vacancy_text,
        embedder=embedder,
    )
    moved = location_mismatch(profile, requirements)
    score = int(max(0, min(100, round(found.raw) - (LOCATION_PENALTY if moved else 0))))
    flags = list(dict.fromkeys(flags))
    pairs = zip(found.titles, found.fits, strict=True)
    best_title = next((t for t, fit in pairs if t and fit >= ROLE_NAMED), None)
    return ScreeningResult(
        score=score,
        matched=[c.label for c in found.checks if c.credit >= c.met_at],
        missing=[c.label for c in found.checks if c.credit < c.met_at],
        rationale=rationale(
            score,
            found.checks,
            total_years=profile.total_years,
            role_title=best_title,
            moved_from=profile.location if moved else None,
            flags=flags,
            lang=language,
        ),
        recommendation=recommend(score, flags),
        engine=ENGINE,
        flags=flags,
    )


__all__ = [
    "ENGINE",
    "IMPLIES",
    "WEIGHTS",
    "candidate_skills",
    "flag_sentence",
    "language_label",
    "language_name",
    "location_mismatch",
    "recommend",
    "ru_years",
    "assess",
    "screen_offline",
    "stated_requirements",
    "years_label",
]
