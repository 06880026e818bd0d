"""How well a lead fits what the workspace sells, and which bench people fit it best.

The score (0-100) adds six parts, each with a reason a recruiter can read:

    stack      0..40  must-have skill groups of the vacancy covered by the profile's stacks or
                      a bench person's skills (canonical names: "Postgres" = "PostgreSQL";
                      "FastAPI or Django" is one group); 20 when the vacancy names no stack
    bench      0..20  the best bench match's score / 5 (0 with no bench or no match)
    seniority  0..10  a level asked for is offered 10, one level off 5, else 0;
                      5 when the vacancy does not say, 10 when the profile offers any level
    budget   -10..10  at or over the profile's lowest rate 10; under it by at most 15% 0,
                      by more -10; 5 when the budget, the rates or a common currency is
                      missing (different currencies are not converted: "can't compare")
    region     0..10  the place or remote work matches the profile's regions 10, unknown or
                      remote somewhere unlisted 5, elsewhere and on site 0; 10 with no regions
    languages  0..10  every language asked for (the vacancy's own included) offered 10, else 0;
                      10 when the profile lists none

clamped to 0..100. A stop word of the profile in the title or text, or a blocked company
(compared without case and legal form), makes the score 0 with the reason `excluded`.

A bench match (pipelines/leads/bench_match.py) scores a person as the screening scores a resume
(pipelines/screening/scoring.py, same weights), with the parts a whole bench allows in memory:

    match = 100 · Σ wᵢ·partᵢ / Σ wᵢ over the parts known for this lead and person

    part        w   what it measures (each 0..1)
    role        30  the vacancy title's telling words in the titles the person has held or wants,
                    most recent first (relevance.role_fit by words; unknown when their titles
                    are all in the other alphabet: "Accountant" cannot meet "Бухгалтер")
    text        20  BM25F relevance of their resume's sections to the lead's title and text
                    (relevance.text_relevance: general-language word weights, not fitted on
                    the bench, so a lead nobody fits scores low for everyone)
    similarity  20  cosine of their resume's embedding with the lead's, mapped from the
                    engine's unrelated..same band (unknown for vectors of another engine)
    skills      15  share of the vacancy's must-have skill groups they cover
    nice         5  share of the nice-to-have skills they have
    years        5  min(1, their years / years asked)

A part the lead does not ask about (no must-have skills, no years) is left out of both sums.
Relevance (role, text, meaning: 70 of the 100) leads because the skills dictionary knows
little outside IT; coverage separates people of the same trade. A person is a match with some
evidence: a skill, a title word, vacancy words in the resume beyond another trade's share, or
embeddings at least half-way up the band; the best three are kept with their reasons (skills
matched and missing, the title that fits, the vacancy words their resume has). Budgets convert
between hour and month at 160 hours a month.

Everything here is in memory: one `BenchIndex` per run, no database, no model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from db.bench import BenchMember
from db.leadgen_profiles import SENIORITY_LEVELS, LeadgenProfile
from pipelines.leads.analysis import Budget, LeadAnalysis
from pipelines.leads.bench_match import BenchIndex, match_bench
from pipelines.leads.dedupe import normalize_company
from pipelines.profiles.languages import language_name
from pipelines.profiles.phones import country_hints
from pipelines.skills import normalize_skills

HOURS_PER_MONTH = 160
BUDGET_TOLERANCE = 0.15
_REMOTE_REGIONS = frozenset(
    "remote worldwide anywhere global удаленно удалённо удаленка удалёнка любой весь мир".split()
)
_REGION_GROUPS = {
    "eu": {"DE", "FR", "NL", "PL", "CY", "ES", "PT", "IT", "AT", "BE", "IE", "SE", "FI", "DK",
           "CZ", "EE", "LV", "LT", "RO", "BG", "HR", "SK", "SI", "GR", "HU", "LU", "MT"},
    "cis": {"RU", "BY", "KZ", "UZ", "AM", "KG", "TJ", "AZ", "MD"},
    "north america": {"US", "CA"},
    "mena": {"AE", "SA", "IL", "TR"},
}  # fmt: skip
_REGION_ALIASES = {"europe": "eu", "европа": "eu", "ес": "eu", "снг": "cis", "na": "north america"}
_LANGUAGE_CODES = {"ru": "russian", "en": "english", "uk": "ukrainian", "de": "german"}


@dataclass(frozen=True)
class Fit:
    """A lead's score, the reasons for it (JSON-ready), and the best bench matches."""

    score: int
    reasons: list[dict[str, Any]]
    bench_matches: list[dict[str, Any]]
    excluded: bool = False

    def shortfalls(self) -> list[str]:
        """What cost half its part or more, in English, for an archive reason ("covers 1 of 4
        must-have skills; missing Kubernetes, Go", "budget ... below your rate", ...)."""
        return [r["text"]["en"] for r in self.reasons if r["points"] <= r.get("max", 0) / 2]


@dataclass
class _Parts:
    reasons: list[dict[str, Any]] = field(default_factory=list)

    def add(self, code: str, points: int, top: int, en: str, ru: str) -> None:
        self.reasons.append({"code": code, "points": points, "max": top,
                             "text": {"en": en, "ru": ru}})  # fmt: skip

    @property
    def total(self) -> int:
        return sum(r["points"] for r in self.reasons)


def score_fit(
    analysis: LeadAnalysis,
    profile: LeadgenProfile,
    bench: BenchIndex | Sequence[BenchMember],
    *,
    lead_vector: Sequence[float] | np.ndarray | None = None,
    lead_engine: str | None = None,
    company: str | None = None,
    text: str = "",
) -> Fit:
    """Score one analysed lead against the profile and the bench (see the module docstring);
    `lead_engine` names the embedder of `lead_vector` (bench vectors of other engines are not
    compared), `text` is the vacancy text, searched for stop words and matched against the
    bench's resumes."""
    index = bench if isinstance(bench, BenchIndex) else BenchIndex(bench)
    exclusion = _exclusion(analysis, profile, company or analysis.company, text)
    if exclusion is not None:
        return Fit(0, [exclusion], [], excluded=True)
    groups = _must_groups(analysis)
    parts = _Parts()
    matches = match_bench(
        analysis, groups, index, vector=lead_vector, engine=lead_engine, text=text
    )
    _stack(parts, groups, _offer_skills(tuple(profile.stacks)) | index.all_skills)
    _bench(parts, matches, bool(index.members))
    _seniority(parts, analysis.seniority, profile.seniority)
    _budget(parts, analysis.budget, profile)
    _region(parts, analysis, tuple(profile.regions))
    _languages(parts, analysis, tuple(profile.languages))
    return Fit(max(0, min(100, parts.total)), parts.reasons, matches)


@lru_cache(maxsize=512)
def _phrase(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(word.casefold())}(?!\w)")


def _exclusion(
    analysis: LeadAnalysis, profile: LeadgenProfile, company: str | None, text: str
) -> dict[str, Any] | None:
    haystack = f"{analysis.title}\n{text}".casefold()
    for word in profile.stop_words:
        if word.strip() and _phrase(word.strip()).search(haystack):
            return _excluded(f"stop word '{word}'", f"стоп-слово «{word}»")
    name = normalize_company(company)
    for blocked in profile.blocked_companies:
        if name and normalize_company(blocked) == name:
            return _excluded(
                f"blocked company '{blocked}'", f"компания «{blocked}» в чёрном списке"
            )
    return None


def _excluded(en: str, ru: str) -> dict[str, Any]:
    return {"code": "excluded", "points": 0, "max": 0,
            "text": {"en": f"excluded: {en}", "ru": f"исключено: {ru}"}}  # fmt: skip


def _must_groups(analysis: LeadAnalysis) -> list[tuple[str, ...]]:
    """The vacancy's must-have skills as groups of alternatives (any one meets a group)."""
    req = analysis.requirements
    groups = [tuple(r.skills) for r in req.requirements if r.must and r.skills and not r.soft]
    grouped = {s for g in groups for s in g}
    groups += [(s,) for s in req.must_have if s not in grouped]
    return list(dict.fromkeys(groups))


@lru_cache(maxsize=64)
def _offer_skills(stacks: tuple[str, ...]) -> frozenset[str]:
    return frozenset(normalize_skills(list(stacks)))


def _label(group: tuple[str, ...]) -> str:
    return " / ".join(group)


def _stack(parts: _Parts, groups: list[tuple[str, ...]], offered: frozenset[str]) -> None:
    if not groups:
        parts.add("stack_unknown", 20, 40, "the vacancy names no must-have stack",
                  "в вакансии не указан обязательный стек")  # fmt: skip
        return
    missing = [_label(g) for g in groups if not offered.intersection(g)]
    covered = len(groups) - len(missing)
    points = round(40 * covered / len(groups))
    en = f"covers {covered} of {len(groups)} must-have skills"
    ru = f"закрываем {covered} из {len(groups)} обязательных навыков"
    if missing:
        en, ru = f"{en}; missing {', '.join(missing)}", f"{ru}; нет: {', '.join(missing)}"
    parts.add("stack", points, 40, en, ru)


def _bench(parts: _Parts, matches: list[dict[str, Any]], has_bench: bool) -> None:
    if not matches:
        en, ru = (("nobody on the bench matches", "никто из скамейки не подходит") if has_bench
                  else ("the bench is empty", "на скамейке никого нет"))  # fmt: skip
        parts.add("bench_none", 0, 20, en, ru)
        return
    best = matches[0]
    role = f", {best['title']}" if best.get("title") else ""
    parts.add("bench", round(best["score"] / 5), 20,
              f"best bench match: {best['name']} ({best['score']}{role})",
              f"лучший кандидат со скамейки: {best['name']} ({best['score']}{role})")  # fmt: skip


def _seniority(parts: _Parts, asked: tuple[str, ...], offered: list[str]) -> None:
    if not offered:
        parts.add("seniority", 10, 10, "any seniority offered", "подходит любой уровень")
        return
    if not asked:
        parts.add("seniority_unknown", 5, 10, "the vacancy does not state a level",
                  "уровень в вакансии не указан")  # fmt: skip
        return
    rank = {level: i for i, level in enumerate(SENIORITY_LEVELS)}
    gap = min(
        (abs(rank[a] - rank[o]) for a in asked for o in offered if a in rank and o in rank),
        default=len(rank),
    )
    wanted = "/".join(asked)
    if gap == 0:
        parts.add("seniority", 10, 10, f"{wanted} level offered", f"уровень {wanted} есть")
    elif gap == 1:
        parts.add("seniority_near", 5, 10, f"{wanted} is one level off what you offer",
                  f"уровень {wanted} на ступень отличается от вашего")  # fmt: skip
    else:
        parts.add("seniority_mismatch", 0, 10, f"{wanted} level is not offered",
                  f"уровень {wanted} вы не предлагаете")  # fmt: skip


def _per_unit(value: float, unit: str, target: str) -> float:
    monthly = {"hour": value * HOURS_PER_MONTH, "month": value, "year": value / 12}[unit]
    return monthly / HOURS_PER_MONTH if target == "hour" else monthly


def _budget(parts: _Parts, budget: Budget | None, profile: LeadgenProfile) -> None:
    floor = profile.rate_min if profile.rate_min is not None else profile.rate_max
    if budget is None:
        parts.add("budget_unknown", 5, 10, "no budget stated", "бюджет не указан")
        return
    if floor is None:
        parts.add("budget_unknown", 5, 10, "no rates set in the profile",
                  "в профиле не указаны ставки")  # fmt: skip
        return
    if budget.currency != profile.rate_currency:
        shown = budget.currency or "no currency"
        parts.add("budget_currency", 5, 10,
                  f"budget {budget.text} ({shown}) can't compare with your {profile.rate_currency}",
                  f"бюджет {budget.text} ({shown}) нельзя сравнить с вашими ставками в "
                  f"{profile.rate_currency}")  # fmt: skip
        return
    unit = profile.rate_unit
    top = budget.max if budget.max is not None else budget.min
    assert top is not None
    offer = _per_unit(top, budget.unit, unit)
    cur, ru_unit = profile.rate_currency, {"hour": "час", "month": "мес"}[unit]
    en = (f"{offer:,.0f} {cur}/{unit}", f"{floor:,.0f} {cur}/{unit}")
    ru = (f"{offer:,.0f} {cur}/{ru_unit}", f"{floor:,.0f} {cur}/{ru_unit}")
    if offer >= floor or budget.max is None:
        points = 10 if offer >= floor else 5
        parts.add("budget_ok" if points == 10 else "budget_open", points, 10,
                  f"budget {en[0]} vs your rate from {en[1]}",
                  f"бюджет {ru[0]} при вашей ставке от {ru[1]}")  # fmt: skip
        return
    short = 1 - offer / floor
    parts.add("budget_low", 0 if short <= BUDGET_TOLERANCE else -10, 10,
              f"budget {en[0]} is {short:.0%} below your rate from {en[1]}",
              f"бюджет {ru[0]} на {short:.0%} ниже вашей ставки от {ru[1]}")  # fmt: skip


def _region_codes(name: str) -> set[str]:
    key = name.casefold()
    key = _REGION_ALIASES.get(key, key)
    return set(_REGION_GROUPS.get(key, ())) | set(country_hints(name))


def _region(parts: _Parts, analysis: LeadAnalysis, regions: tuple[str, ...]) -> None:
    req = analysis.requirements
    if not regions:
        parts.add("region", 10, 10, "any region offered", "подходит любой регион")
        return
    remote_ok = any(r.casefold() in _REMOTE_REGIONS for r in regions)
    # The screening's location may run on past its sentence ("Tokyo. No remote. Salary ...").
    place = re.split(r"[.;]\s", req.location or "", maxsplit=1)[0].strip() or None
    if place:
        codes = set(country_hints(place))
        folded = place.casefold()
        for region in regions:
            if region.casefold() in _REMOTE_REGIONS:
                continue
            if _phrase(region).search(folded) or codes & _region_codes(region):
                parts.add("region", 10, 10, f"{place} is in your regions",
                          f"{place} входит в ваши регионы")  # fmt: skip
                return
    if req.remote and remote_ok:
        parts.add("region", 10, 10, "remote work, as you offer", "удалённая работа, как у вас")
    elif req.remote or not place:
        parts.add("region_unknown", 5, 10, "region not clear" + (" (remote)" if req.remote else ""),
                  "регион не ясен" + (" (удалённо)" if req.remote else ""))  # fmt: skip
    else:
        parts.add("region_outside", 0, 10, f"{place} is outside your regions",
                  f"{place} вне ваших регионов")  # fmt: skip


@lru_cache(maxsize=64)
def _offered_languages(names: tuple[str, ...]) -> frozenset[str]:
    out = set()
    for name in names:
        key = name.strip().casefold()
        out.add(_LANGUAGE_CODES.get(key) or language_name(name) or key)
    return frozenset(out)


def _languages(parts: _Parts, analysis: LeadAnalysis, offered: tuple[str, ...]) -> None:
    if not offered:
        parts.add("languages", 10, 10, "no language limits", "без ограничений по языкам")
        return
    have = _offered_languages(offered)
    asked = [lang.name for lang in analysis.requirements.languages]
    asked = list(dict.fromkeys([_LANGUAGE_CODES[analysis.language], *asked]))
    missing = [name for name in asked if name not in have]
    if missing:
        parts.add("languages_missing", 0, 10, f"languages not offered: {', '.join(missing)}",
                  f"нет языков: {', '.join(missing)}")  # fmt: skip
    else:
        parts.add("languages", 10, 10, f"languages offered: {', '.join(asked)}",
                  f"языки есть: {', '.join(asked)}")  # fmt: skip
