"""Offline screening: a resume's profile scored 0-100 against a vacancy's requirements.

The score is a weighted mean of the components the vacancy actually specifies (must-have
skills dominate; nice-to-haves, years of experience, spoken languages and the semantic
similarity of the texts count less), minus a small penalty for a location the job cannot
accommodate. It depends only on the profile extracted from the visible, sanitised resume text
and on the similarity the caller computed from that same text: flags never change the score,
they cap the recommendation at "consider" so that a person looks.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.models import (
    Lang,
    LanguageSkill,
    Profile,
    Recommendation,
    ScreeningResult,
    VacancyRequirements,
)
from pipelines.screening.injection import FLAG_HIDDEN, FLAG_INJECTION


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


ENGINE = "offline"
WEIGHTS = {"must": 50.0, "nice": 10.0, "years": 15.0, "languages": 10.0, "similarity": 15.0}
LOCATION_PENALTY = 5
# Cosine similarity of a resume and a vacancy rarely leaves this band (hashing or OpenAI
# vectors alike); below it the texts are unrelated, above it they are as close as texts get.
SIMILARITY_FLOOR, SIMILARITY_CEILING = 0.10, 0.55
CEFR_RANK = {"A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 5, "C2": 6, "native": 7}
THRESHOLDS: list[tuple[int, Recommendation]] = [
    (80, "strongly_recommend"),
    (65, "recommend"),
    (45, "consider"),
]
# Knowing the left skill implies the right ones (a PostgreSQL user knows SQL).
IMPLIES: dict[str, tuple[str, ...]] = {
    "PostgreSQL": ("SQL",), "MySQL": ("SQL",), "MariaDB": ("SQL", "MySQL"), "SQLite": ("SQL",),
    "Oracle": ("SQL",), "MS SQL Server": ("SQL", "T-SQL"), "ClickHouse": ("SQL",),
    "PL/SQL": ("SQL",), "T-SQL": ("SQL",), "Greenplum": ("SQL",),
    "Django": ("Python",), "Django REST Framework": ("Django", "Python", "REST API"),
    "Flask": ("Python",), "FastAPI": ("Python", "REST API"), "aiohttp": ("Python", "asyncio"),
    "Pytest": ("Python",), "Pandas": ("Python",), "SQLAlchemy": ("Python",),
    "Spring Boot": ("Spring", "Java"), "Spring": ("Java",), "Hibernate": ("Java",),
    "ASP.NET": (".NET", "C#"), "Entity Framework": (".NET",), "TypeScript": ("JavaScript",),
    "React": ("JavaScript",), "Vue.js": ("JavaScript",), "Angular": ("TypeScript",),
    "Next.js": ("React", "JavaScript"), "Nuxt.js": ("Vue.js", "JavaScript"),
    "NestJS": ("Node.js", "TypeScript"), "Express": ("Node.js",), "Node.js": ("JavaScript",),
    "Laravel": ("PHP",), "Symfony": ("PHP",), "Yii": ("PHP",), "Ruby on Rails": ("Ruby",),
    "Jetpack Compose": ("Android", "Kotlin"), "SwiftUI": ("iOS", "Swift"), "UIKit": ("iOS",),
    "Flutter": ("Dart",), "Scrum": ("Agile",), "Kanban": ("Agile",), "Helm": ("Kubernetes",),
    "OpenShift": ("Kubernetes",), "GitLab CI": ("CI/CD", "Git"), "GitHub Actions": ("CI/CD", "Git"),
    "Jenkins": ("CI/CD",), "ArgoCD": ("CI/CD", "Kubernetes"), "B2B Sales": ("Sales",),
    "B2C Sales": ("Sales",), "amoCRM": ("CRM",), "Bitrix24": ("CRM",),
    "PyTorch": ("Deep Learning",), "TensorFlow": ("Deep Learning",),
    "Deep Learning": ("Machine Learning",), "scikit-learn": ("Machine Learning",),
    "Google Sheets": ("Excel",),
}  # fmt: skip

_IMPLIED = {_key(k): tuple(_key(s) for s in v) for k, v in IMPLIES.items()}
_LANG_NAMES = {
    "en": {},
    "ru": {"english": "английский", "russian": "русский", "german": "немецкий",
           "french": "французский", "spanish": "испанский", "chinese": "китайский"},
}  # fmt: skip


@dataclass(frozen=True)
class _Check:
    """One requirement: its label, how well the candidate meets it (0..1), and for prose."""

    label: str
    credit: float
    prose: str


def candidate_skills(profile: Profile) -> set[str]:
    """The profile's skills and the ones they imply, as case-folded keys."""
    have = {_key(s) for s in profile.skills}
    todo = list(have)
    while todo:
        for implied in _IMPLIED.get(todo.pop(), ()):
            if implied not in have:
                have.add(implied)
                todo.append(implied)
    return have


def years_label(min_years: float) -> str:
    """'3+ years': the experience requirement as it appears in matched/missing."""
    return f"{min_years:g}+ years"


def language_label(required: LanguageSkill) -> str:
    """'English B2': a language requirement as it appears in matched/missing."""
    name = required.name.strip().capitalize()
    return f"{name} {required.level}" if required.level else name


def _fmt(x: float, lang: Lang) -> str:
    text = f"{x:g}" if float(x).is_integer() else f"{x:.1f}"
    return text.replace(".", ",") if lang == "ru" else text


def ru_years(x: float, *, genitive: bool = False) -> str:
    """'1 год', '3 года', '5 лет', 'от 1 года', '1,5 года'."""
    if not float(x).is_integer():
        return f"{_fmt(x, 'ru')} года"
    n = int(x)
    if n % 10 == 1 and n % 100 != 11:
        word = "года" if genitive else "год"
    elif not genitive and 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = "года"
    else:
        word = "лет"
    return f"{n} {word}"


def language_name(name: str, lang: Lang) -> str:
    """'английский' / 'English' for a language's lowercase English name."""
    key = name.strip().lower()
    return _LANG_NAMES[lang].get(key, key.capitalize())


def _years_check(profile: Profile, min_years: float, lang: Lang) -> _Check:
    have = profile.total_years
    credit = 1.0 if have >= min_years - 1 / 12 else max(0.0, have / min_years)
    if lang == "ru":
        prose = f"опыт от {ru_years(min_years, genitive=True)} (есть {ru_years(have)})"
    else:
        prose = f"{years_label(min_years)} of experience (has {_fmt(have, lang)})"
    return _Check(years_label(min_years), credit, prose)


def _language_check(profile: Profile, required: LanguageSkill, lang: Lang) -> _Check:
    name = required.name.strip().lower()
    levels = [s.level for s in profile.languages if s.name.strip().lower() == name]
    if not levels and name == "russian" and profile.language == "ru":
        levels = ["C2"]  # a resume written in Russian shows the language
    display = language_name(name, lang)
    prose = f"{display} {required.level}" if required.level else display
    if not levels:
        return _Check(language_label(required), 0.0, prose)
    known = [CEFR_RANK[level] for level in levels if level]
    if required.level is None:
        credit = 1.0
    elif not known:
        credit = 0.5  # speaks it, level unknown
    else:
        gap = CEFR_RANK[required.level] - max(known)
        credit = 1.0 if gap <= 0 else max(0.0, 1.0 - 0.25 * gap)
    if credit < 1.0 and known:
        best = max(known)
        have = next(k for k, v in CEFR_RANK.items() if v == best)
        prose += f" (есть {have})" if lang == "ru" else f" (has {have})"
    return _Check(language_label(required), credit, prose)


def _similarity_credit(similarity: float) -> float:
    span = SIMILARITY_CEILING - SIMILARITY_FLOOR
    return min(1.0, max(0.0, (similarity - SIMILARITY_FLOOR) / span))


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


def flag_sentence(flags: list[str], lang: Lang) -> str | None:
    """The rationale's warning for flagged resumes, or None without flags."""
    if not flags:
        return None
    hidden, injection = FLAG_HIDDEN in flags, FLAG_INJECTION in flags
    if lang == "ru":
        if hidden and injection:
            found = "Обнаружены скрытый текст и попытка манипуляции оценкой"
        elif hidden:
            found = "Обнаружен скрытый текст"
        elif injection:
            found = "Обнаружена попытка манипуляции оценкой"
        else:
            found = "Резюме отмечено проверкой (" + ", ".join(flags) + ")"
        return found + " — проверьте резюме вручную."
    if hidden and injection:
        found = "Hidden text and an attempt to manipulate the score were found"
    elif hidden:
        found = "Hidden text was found"
    elif injection:
        found = "An attempt to manipulate the score was found"
    else:
        found = "The resume was flagged (" + ", ".join(flags) + ")"
    return found + " — check the resume manually."


def screen_offline(
    profile: Profile,
    requirements: VacancyRequirements,
    *,
    similarity: float | None,
    flags: list[str],
    language: Lang,
) -> ScreeningResult:
    """Score a profile against requirements; `similarity` is the texts' cosine (None: unknown)."""
    have = candidate_skills(profile)
    must = [_Check(s, float(_key(s) in have), s) for s in dict.fromkeys(requirements.must_have)]
    required = {_key(s) for s in requirements.must_have}
    nice = [
        _Check(s, float(_key(s) in have), s)
        for s in dict.fromkeys(requirements.nice_to_have)
        if _key(s) not in required
    ]
    years = (
        [_years_check(profile, requirements.min_years, language)] if requirements.min_years else []
    )
    langs = [_language_check(profile, r, language) for r in requirements.languages]

    parts: dict[str, float] = {}
    for name, checks in (("must", must), ("nice", nice), ("years", years), ("languages", langs)):
        if checks:
            parts[name] = sum(c.credit for c in checks) / len(checks)
    if similarity is not None:
        parts["similarity"] = _similarity_credit(similarity)
    if parts:
        total = sum(WEIGHTS[k] for k in parts)
        raw = 100.0 * sum(WEIGHTS[k] * v for k, v in parts.items()) / total
    else:
        raw = 50.0  # nothing to compare: neither for nor against
    moved = location_mismatch(profile, requirements)
    score = int(max(0, min(100, round(raw) - (LOCATION_PENALTY if moved else 0))))

    requirement_checks = [*must, *years, *langs, *nice]
    matched = [c.label for c in requirement_checks if c.credit >= 1.0]
    missing = [c.label for c in requirement_checks if c.credit < 1.0]
    flags = list(dict.fromkeys(flags))
    rationale = _rationale(
        score, must, nice, years, langs, moved, profile, requirements, flags, language
    )
    return ScreeningResult(
        score=score,
        matched=matched,
        missing=missing,
        rationale=rationale,
        recommendation=recommend(score, flags),
        engine=ENGINE,
        flags=flags,
    )


def _rationale(
    score: int,
    must: list[_Check],
    nice: list[_Check],
    years: list[_Check],
    langs: list[_Check],
    moved: bool,
    profile: Profile,
    requirements: VacancyRequirements,
    flags: list[str],
    lang: Lang,
) -> str:
    """2-4 short sentences: the verdict, strongest matches, key gaps, and the flag warning."""
    ru = lang == "ru"
    head = [f"Оценка {score}/100" if ru else f"Score {score}/100"]
    if must:
        hit = sum(1 for c in must if c.credit >= 1.0)
        head.append(
            f"{hit} из {len(must)} обязательных навыков"
            if ru
            else f"{hit} of {len(must)} must-have skills"
        )
    if profile.total_years:
        head.append(
            f"опыт {ru_years(profile.total_years)}"
            if ru
            else f"{_fmt(profile.total_years, lang)} years of experience"
        )
    sentences = [head[0] + (": " + ", ".join(head[1:]) if head[1:] else "") + "."]

    strong = [c.prose for c in [*must, *years, *langs, *nice] if c.credit >= 1.0][:5]
    if strong:
        sentences.append(("Сильные стороны: " if ru else "Strongest matches: ") + _join(strong))
    gaps = [c.prose for c in [*must, *years, *langs] if c.credit < 1.0][:5]
    if moved:
        gaps.append(
            f"другой город ({profile.location})"
            if ru
            else f"different location ({profile.location})"
        )
    if gaps:
        sentences.append(("Ключевые пробелы: " if ru else "Key gaps: ") + _join(gaps))
    elif must or years or langs:
        sentences.append(
            "Пробелов по обязательным требованиям нет."
            if ru
            else "No gaps against the required skills and experience."
        )
    if len(sentences) < 2:
        sentences.append(
            "Оценка основана на близости текстов резюме и вакансии."
            if ru
            else "The score rests on how close the resume and vacancy texts are."
        )
    warning = flag_sentence(flags, lang)
    if warning:
        sentences = sentences[:3] + [warning]
    return " ".join(sentences)


def _join(items: list[str]) -> str:
    return ", ".join(items) + "."
