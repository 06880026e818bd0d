"""What bench people's resumes and job titles say about a lead, fitted once per bench.

The screening's own relevance (pipelines/screening/relevance.py), arranged for lead generation,
where every lead is compared with the whole bench: each resume is split into sections, stemmed
and counted once, when the bench is loaded, and a lead then costs a few dict lookups per word
of its own instead of a pass over every resume.

`TextIndex` is `relevance.text_relevance` (BM25F over the resume's sections, general-language
word weights, the same 0..1 band) as an inverted index: vacancy stem → the members whose resume
has it and its saturated, field-weighted count there. `TitleIndex` is `relevance.role_fit` by
words (the vacancy title's telling words found in the titles a person has held or wants, most
recent first) as an inverted index of title stems. Both give the same figures as the screening
functions; tests hold them to it.

Neither depends on who else is on the bench (no idf fitted on it): a lead nobody fits scores low
for everyone, and a bench of three reads the same as a bench of three hundred.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pipelines.engines.embeddings import strip_markers
from pipelines.profiles.sections import RESUME_HEADINGS, HeadingMatcher, split_sections
from pipelines.screening.relevance import (
    FIELD_WEIGHTS,
    K1,
    RECENCY,
    TEXT_CEILING,
    TEXT_FLOOR,
    TITLE_BOOST,
    TYPICAL_WORDS,
    B,
    field_factor,
    title_stems,
    vacancy_query,
    vacancy_title_words,
)
from pipelines.terms import stem, words

_RESUME = HeadingMatcher(RESUME_HEADINGS, duration_key="experience")
_CYRILLIC = re.compile(r"[а-яё]", re.I)
_LATIN = re.compile(r"[a-z]", re.I)


@dataclass(frozen=True)
class Query:
    """A vacancy as `text_relevance` weighs it: stem → weight, and stem → the word it came
    from (the title's first, then the text's), which is what a reason shows."""

    weights: dict[str, float]
    labels: dict[str, str]


def query_terms(title: str, text: str) -> Query:
    """The vacancy's stems with their weight in `text_relevance`: weight × (1 + ln tf) over
    the text, plus TITLE_BOOST × the title's telling words."""
    labels = {stem(w): w for w in reversed(words(title))}
    query = vacancy_query(text)
    for w in words(text):
        if (s := stem(w)) in query:
            labels.setdefault(s, w)
    for s, wt in vacancy_title_words(title).items():
        query[s] = query.get(s, 0.0) + TITLE_BOOST * wt
    return Query(query, labels)


@lru_cache(maxsize=512)
def resume_terms(text: str) -> dict[str, float]:
    """Each stem of a resume with its BM25 term factor tf / (tf + norm), tf counted with the
    section's field weight and norm from the resume's length; cached, as a worker scores the
    same bench run after run (~30 KB a resume)."""
    tf: Counter[str] = Counter()
    length = 0
    for section in split_sections(strip_markers(text), _RESUME):
        field = FIELD_WEIGHTS.get(section.key, 0.5)
        section_words = words(section.text)
        length += len(section_words)
        if field:
            for w in section_words:
                tf[stem(w)] += field
    norm = K1 * (1 - B + B * max(length, 1) / TYPICAL_WORDS)
    return {s: n / (n + norm) for s, n in tf.items()}


class TextIndex:
    """BM25F relevance of every member's resume to a vacancy (module docstring); members
    without resume text are unknown (NaN)."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.size = len(texts)
        self.known = np.array([bool(t.strip()) for t in texts], dtype=bool)
        self.terms: list[dict[str, float]] = [
            resume_terms(t) if t.strip() else {} for t in texts
        ]  # fmt: skip
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for i, terms in enumerate(self.terms):
            for s, factor in terms.items():
                rows, factors = postings.setdefault(s, ([], []))
                rows.append(i)
                factors.append(factor)
        self._postings = {
            s: (np.array(rows, dtype=np.intp), np.array(factors)) for s, (rows, factors) in
            postings.items()
        }  # fmt: skip

    def relevance(self, query: Query) -> np.ndarray:
        """0..1 per member: the share of the query's weight found in their resume, mapped from
        the real-resume band TEXT_FLOOR..TEXT_CEILING."""
        out = np.full(self.size, np.nan)
        total = sum(query.weights.values())
        if not total:
            return out
        got = np.zeros(self.size)
        for s, q in query.weights.items():
            if (found := self._postings.get(s)) is not None:
                got[found[0]] += q * found[1]
        share = np.clip((got / total - TEXT_FLOOR) / (TEXT_CEILING - TEXT_FLOOR), 0.0, 1.0)
        out[self.known] = share[self.known]
        return out

    def found_words(self, i: int, query: Query) -> list[str]:
        """The vacancy words that count most in member `i`'s resume, most telling first."""
        terms = self.terms[i]
        gains = sorted(
            ((q * terms[s], s) for s, q in query.weights.items() if s in terms), reverse=True
        )
        return [query.labels.get(s, s) for _, s in gains]


def script(text: str) -> str | None:
    """ "cyrillic" or "latin" by most letters; None without letters."""
    cyrillic, latin = len(_CYRILLIC.findall(text)), len(_LATIN.findall(text))
    if not cyrillic and not latin:
        return None
    return "cyrillic" if cyrillic > latin else "latin"


class TitleIndex:
    """Role fit of every member's titles to a vacancy title, by words (module docstring)."""

    def __init__(self, titles: Sequence[Sequence[str]]) -> None:
        self.size = len(titles)
        self.titles = [list(t) for t in titles]
        self._scripts = [{script(t) for t in ts} for ts in self.titles]
        self._postings: dict[str, list[tuple[int, int]]] = {}
        for i, member_titles in enumerate(self.titles):
            for k, title in enumerate(member_titles):
                for s in title_stems(title):
                    self._postings.setdefault(s, []).append((i, k))

    def role_fit(self, vacancy_title: str) -> tuple[np.ndarray, list[int | None]]:
        """(fit 0..1 per member, the position of their best-fitting title or None).

        Fit is `relevance.role_fit` without embeddings; NaN (unknown) for a member with no
        title, or whose titles are all in the other alphabet and share no word with the
        vacancy's ("Accountant" for "Бухгалтер": words cannot meet, so they say nothing)."""
        fit = np.full(self.size, np.nan)
        best: list[int | None] = [None] * self.size
        wanted = vacancy_title_words(vacancy_title)
        total = sum(wanted.values())
        if not total:
            return fit, best
        own = script(vacancy_title)
        for i, scripts in enumerate(self._scripts):
            if own in scripts or (own is None and self.titles[i]):
                fit[i] = 0.0
        shared: dict[tuple[int, int], list[str]] = {}
        for s in wanted:
            for key in self._postings.get(s, ()):
                shared.setdefault(key, []).append(s)
        # field_factor depends on a title only through the stems it shares with the vacancy's:
        # computed once per set of shared stems, not once per title.
        factors: dict[frozenset[str], float] = {}
        for (i, k), stems in sorted(shared.items()):
            key = frozenset(stems)
            if key not in factors:
                factors[key] = field_factor(vacancy_title, wanted, self.titles[i][k])
            value = sum(wanted[s] for s in stems) / total * factors[key]
            value *= RECENCY[min(k, len(RECENCY) - 1)]
            if np.isnan(fit[i]) or value > fit[i]:
                fit[i] = value
                if value > 0:
                    best[i] = k
        return fit, best
