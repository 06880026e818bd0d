"""The screening's words: the rationale a recruiter reads, in the vacancy's language.

2-4 short sentences: the verdict with its main figures, what matched (with the resume line
that shows a requirement the dictionary did not know), the key gaps, and a warning when the
resume was flagged. Number and year forms are Russian-aware ("1 год", "3 года", "5 лет").
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.models import Lang
from pipelines.screening.injection import FLAG_HIDDEN, FLAG_INJECTION

_LANG_NAMES = {
    "en": {},
    "ru": {"english": "английский", "russian": "русский", "german": "немецкий",
           "french": "французский", "spanish": "испанский", "chinese": "китайский"},
}  # fmt: skip
QUOTE_CHARS = 90


@dataclass(frozen=True)
class Check:
    """One requirement as the rationale tells it: label, credit 0..1, prose, evidence."""

    label: str
    credit: float
    prose: str
    evidence: str | None = None
    must: bool = True
    met_by_skill: bool = True
    # Evidence-based requirements are met with most of the credit; years and languages are
    # thresholds a person either reaches or not.
    met_at: float = 1.0


def fmt_number(x: float, lang: Lang) -> str:
    text = f"{x:g}" if float(x).is_integer() else f"{x:.1f}"
    return text.replace(".", ",") if lang == "ru" else text


def ru_years(x: float, *, genitive: bool = False) -> str:
    """'1 год', '3 года', '5 лет', 'от 1 года', '1,5 года'."""
    if not float(x).is_integer():
        return f"{fmt_number(x, 'ru')} года"
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


# What each flag found, in the rationale's words: (English, Russian, Russian verb agreeing
# with it when it is the only one found).
_FLAG_WORDS = {
    FLAG_HIDDEN: ("hidden text", "скрытый текст", "Обнаружен"),
    FLAG_INJECTION: (
        "an attempt to manipulate the score", "попытка манипуляции оценкой", "Обнаружена"
    ),
    "active_content": (
        "active content (scripts or actions that run when the file is opened)",
        "активное содержимое (скрипты или действия при открытии файла)",
        "Обнаружено",
    ),
}  # fmt: skip


def flag_sentence(flags: list[str], lang: Lang) -> str | None:
    """The rationale's warning for flagged resumes, or None without flags."""
    if not flags:
        return None
    known = [_FLAG_WORDS[f] for f in dict.fromkeys(flags) if f in _FLAG_WORDS]
    unknown = [f for f in flags if f not in _FLAG_WORDS]
    if lang == "ru":
        if known:
            verb = known[0][2] if len(known) == 1 else "Обнаружены"
            found = f"{verb} " + " и ".join(w[1] for w in known)
        else:
            found = "Резюме отмечено проверкой (" + ", ".join(unknown) + ")"
        return found + " — проверьте резюме вручную."
    if known:
        words = " and ".join(w[0] for w in known)
        found = words[0].upper() + words[1:] + (" was found" if len(known) == 1 else " were found")
    else:
        found = "The resume was flagged (" + ", ".join(unknown) + ")"
    return found + " — check the resume manually."


def _quoted(check: Check, lang: Lang) -> str:
    """A requirement met in the resume's own words, with the words ("labor law: “…”")."""
    if check.met_by_skill or not check.evidence:
        return check.prose
    quote = (
        check.evidence
        if len(check.evidence) <= QUOTE_CHARS
        else check.evidence[: QUOTE_CHARS - 1] + "…"
    )
    return f"{check.prose} («{quote}»)" if lang == "ru" else f"{check.prose} (“{quote}”)"


def rationale(
    score: int,
    checks: list[Check],
    *,
    total_years: float,
    role_title: str | None,
    moved_from: str | None,
    flags: list[str],
    lang: Lang,
) -> str:
    """2-4 short sentences: the verdict, strongest matches, key gaps, and the flag warning."""
    ru = lang == "ru"
    must = [c for c in checks if c.must]
    head = [f"Оценка {score}/100" if ru else f"Score {score}/100"]
    if must:
        hit = sum(1 for c in must if c.credit >= c.met_at)
        head.append(f"{hit} из {len(must)} обязательных требований" if ru
                    else f"{hit} of {len(must)} required")  # fmt: skip
    if total_years:
        head.append(f"опыт {ru_years(total_years)}" if ru
                    else f"{fmt_number(total_years, lang)} years of experience")  # fmt: skip
    if role_title:
        head.append(f"последняя роль «{role_title}»" if ru else f"recent role “{role_title}”")
    sentences = [head[0] + (": " + ", ".join(head[1:]) if head[1:] else "") + "."]
    strong = [_quoted(c, lang) for c in checks if c.credit >= c.met_at][:4]
    if strong:
        sentences.append(("Сильные стороны: " if ru else "Strongest matches: ") + _join(strong))
    gaps = [c.prose for c in must if c.credit < c.met_at][:5]
    if moved_from:
        gaps.append(f"другой город ({moved_from})" if ru else f"different location ({moved_from})")
    if gaps:
        sentences.append(("Ключевые пробелы: " if ru else "Key gaps: ") + _join(gaps))
    elif must:
        sentences.append("Пробелов по обязательным требованиям нет." if ru
                         else "No gaps against the required skills and experience.")  # fmt: skip
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
    return "; ".join(items) + "."
