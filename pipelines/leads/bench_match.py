"""Which bench people fit a lead best, and why: the bench half of pipelines/leads/fit.py.

A bench person is matched to a lead as the screening matches a resume to a vacancy, with the
parts that can be computed for a whole bench in memory (the formula is in fit.py's docstring).
`BenchIndex` prepares the bench once per run — skill columns, years, one embedding matrix per
engine, the resumes' words and the people's titles as inverted indexes (bench_text.py) — so a
lead costs a few array operations and dict lookups, not a pass over every resume.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from db.bench import BenchMember, MatchingMember
from pipelines.leads.analysis import LeadAnalysis
from pipelines.leads.bench_text import TextIndex, TitleIndex, query_terms
from pipelines.screening.scoring import DEFAULT_BAND, SIMILARITY_BANDS

# The screening's weights (pipelines/screening/scoring.py): relevance (role, text, meaning)
# leads, coverage (skills, years) separates people of the same trade.
WEIGHTS = {"role": 30.0, "text": 20.0, "similarity": 20.0, "skills": 15.0, "nice": 5.0,
           "years": 5.0}  # fmt: skip
SHOWN = 3  # matches kept per lead
CLOSE_MEANING = 0.5  # similarity credit that alone makes a person a match
WORDS_SHOWN = 5


class BenchIndex:
    """The bench prepared once for many leads: which members have each skill (a boolean column
    per skill), their years, one normalised embedding matrix per engine (members without a
    vector are left out of it), their resumes' words and their titles (bench_text.py)."""

    def __init__(self, members: Sequence[BenchMember]) -> None:
        self.members = list(members)
        self.skills = [frozenset(m.skills) for m in self.members]
        self.all_skills = frozenset().union(*self.skills) if self.skills else frozenset()
        self.years = np.array([m.years for m in self.members], dtype=np.float64)
        self.ids = np.array([m.candidate_id for m in self.members])
        self._holders: dict[str, np.ndarray] = {}
        for i, skills in enumerate(self.skills):
            for skill in skills:
                self._holders.setdefault(skill, np.zeros(len(self.members), bool))[i] = True
        rows: dict[str, list[tuple[int, np.ndarray]]] = {}
        for i, m in enumerate(self.members):
            if isinstance(m, MatchingMember) and m.embedding is not None and m.embedding_engine:
                rows.setdefault(m.embedding_engine, []).append((i, np.asarray(m.embedding)))
        self.matrices: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for engine, items in rows.items():
            matrix = np.stack([v for _, v in items]).astype(np.float32)
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            matrix = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
            self.matrices[engine] = (np.array([i for i, _ in items]), matrix)
        # The bench row's headline is written for clients; the resume's titles are evidence.
        self.text = TextIndex([m.text if isinstance(m, MatchingMember) else ""
                               for m in self.members])  # fmt: skip
        self.titles = TitleIndex([m.titles for m in self.members])

    def holders(self, skills: Sequence[str]) -> np.ndarray:
        """Which members have at least one of `skills`."""
        out = np.zeros(len(self.members), bool)
        for skill in skills:
            if (column := self._holders.get(skill)) is not None:
                out |= column
        return out

    def similarities(
        self, vector: Sequence[float] | np.ndarray | None, engine: str | None
    ) -> np.ndarray:
        """Cosine of each member's resume with `vector` (NaN where not comparable); an
        `engine` of None compares with every member's vector."""
        out = np.full(len(self.members), np.nan)
        if vector is None:
            return out
        v = np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(v))
        if norm == 0:
            return out
        for name, (rows, matrix) in self.matrices.items():
            if engine is None or name == engine:
                out[rows] = np.clip(matrix @ (v / norm), -1.0, 1.0)
        return out


def _label(group: tuple[str, ...]) -> str:
    return " / ".join(group)


def _credit(sims: np.ndarray, engine: str | None) -> np.ndarray:
    """Cosines mapped from the engine's unrelated..same band to 0..1, as the screening does
    (`scoring.similarity_credit`); NaN stays unknown."""
    floor, ceiling = SIMILARITY_BANDS.get(engine or "", DEFAULT_BAND)
    return np.clip((sims - floor) / (ceiling - floor), 0.0, 1.0)


def match_bench(
    analysis: LeadAnalysis,
    groups: list[tuple[str, ...]],
    index: BenchIndex,
    *,
    vector: Sequence[float] | np.ndarray | None,
    engine: str | None,
    text: str,
) -> list[dict[str, Any]]:
    """The best SHOWN bench people for a lead, best first, each with its score and reasons:
    the must-have skills it has and lacks, the title that fits the role, the vacancy words its
    resume has. `groups` are the lead's must-have skill groups, `text` its description."""
    n = len(index.members)
    if not n:
        return []
    req = analysis.requirements
    unknown = np.full(n, np.nan)
    met = np.array([index.holders(g) for g in groups]) if groups else None
    nice = list(dict.fromkeys(req.nice_to_have))
    query = query_terms(analysis.title, text)
    role, best_title = index.titles.role_fit(analysis.title)
    sims = index.similarities(vector, engine)
    parts = {
        "role": role,
        "text": index.text.relevance(query),
        "similarity": _credit(sims, engine),
        "skills": met.mean(axis=0) if met is not None else unknown,
        "nice": np.mean([index.holders([s]) for s in nice], axis=0) if nice else unknown,
        "years": np.minimum(1.0, index.years / req.min_years) if req.min_years else unknown,
    }
    total, weights = np.zeros(n), np.zeros(n)
    for name, values in parts.items():
        known = ~np.isnan(values)
        total += np.where(known, WEIGHTS[name] * np.nan_to_num(values), 0.0)
        weights += np.where(known, WEIGHTS[name], 0.0)
    scores = np.round(100 * np.divide(total, weights, out=np.zeros(n), where=weights > 0))
    found = {name: np.nan_to_num(values) for name, values in parts.items()}
    evidence = (found["skills"] > 0) | (found["nice"] > 0) | (found["role"] > 0) | (
        found["text"] > 0) | (found["similarity"] >= CLOSE_MEANING)  # fmt: skip
    order = [i for i in np.lexsort((index.ids, -scores)) if evidence[i]][:SHOWN]
    wanted = set(req.must_have) | set(req.nice_to_have)
    out = []
    for i in order:
        member, title, relevance = index.members[i], best_title[i], parts["text"][i]
        out.append({
            "candidate_id": member.candidate_id,
            "name": member.full_name,
            "headline": member.headline or (member.titles[0] if member.titles else ""),
            "score": int(scores[i]),
            "matched": sorted(index.skills[i] & wanted),
            "missing": [_label(g) for k, g in enumerate(groups) if met is not None
                        and not met[k, i]],
            "years": round(member.years, 1),
            "similarity": None if np.isnan(sims[i]) else round(float(sims[i]), 3),
            "rate": member.rate,
            "title": member.titles[title] if title is not None else None,
            "role": None if np.isnan(role[i]) else round(float(role[i]), 2),
            "text": None if np.isnan(relevance) else round(float(relevance), 2),
            "words": index.text.found_words(i, query)[:WORDS_SHOWN] if relevance > 0 else [],
        })  # fmt: skip
    return out
