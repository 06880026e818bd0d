"""Spoken languages and their levels: "Английский — B2", "English: C1 Advanced", "родной".

Names become lowercase English ("english"); levels become CEFR ("A1"…"C2") or "native".
Descriptive levels follow hh.ru's scale (начальный A1, элементарный A2, средний B1,
средне-продвинутый B2, продвинутый C1, в совершенстве C2) and the usual English names
(Upper-Intermediate B2, Advanced C1, Fluent C1, Proficient C2).
"""

from __future__ import annotations

import re

from pipelines.models import LanguageSkill

_LANGUAGES: dict[str, tuple[str, ...]] = {
    "english": ("english", r"англ(?:ийск\w*|\.)?", "инглиш"),
    "russian": ("russian", r"русск\w*", r"рус\."),
    "german": ("german", "deutsch", r"немецк\w*", r"нем\."),
    "french": ("french", "français", "francais", r"французск\w*", r"фр\."),
    "spanish": ("spanish", "español", r"испанск\w*"),
    "italian": ("italian", r"итальянск\w*"),
    "portuguese": ("portuguese", r"португальск\w*"),
    "chinese": ("chinese", "mandarin", r"китайск\w*"),
    "japanese": ("japanese", r"японск\w*"),
    "korean": ("korean", r"корейск\w*"),
    "arabic": ("arabic", r"арабск\w*"),
    "turkish": ("turkish", r"турецк\w*"),
    "ukrainian": ("ukrainian", r"украинск\w*"),
    "belarusian": ("belarusian", r"белорусск\w*"),
    "kazakh": ("kazakh", r"казахск\w*"),
    "uzbek": ("uzbek", r"узбекск\w*"),
    "armenian": ("armenian", r"армянск\w*"),
    "georgian": ("georgian", r"грузинск\w*"),
    "azerbaijani": ("azerbaijani", r"азербайджанск\w*"),
    "polish": ("polish", r"польск\w*"),
    "czech": ("czech", r"чешск\w*"),
    "dutch": ("dutch", r"нидерландск\w*", r"голландск\w*"),
    "swedish": ("swedish", r"шведск\w*"),
    "finnish": ("finnish", r"финск\w*"),
    "norwegian": ("norwegian", r"норвежск\w*"),
    "danish": ("danish", r"датск\w*"),
    "greek": ("greek", r"греческ\w*"),
    "hebrew": ("hebrew", r"иврит\w*"),
    "hindi": ("hindi", "хинди"),
    "vietnamese": ("vietnamese", r"вьетнамск\w*"),
    "serbian": ("serbian", r"сербск\w*"),
    "tatar": ("tatar", r"татарск\w*"),
}
# Words are looked up by their first two letters, then matched whole: one dict lookup per
# word instead of trying every language at every position.
_WORD = re.compile(r"[^\W\d_]+\.?")
_BY_PREFIX: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
for _name, _patterns in _LANGUAGES.items():
    for _pattern in _patterns:
        _BY_PREFIX.setdefault(_pattern[:2], []).append((_name, re.compile(_pattern, re.I)))


def _mentions(text: str) -> list[tuple[str, int, int]]:
    """(language, start, end) of each word that names a language."""
    found = []
    for match in _WORD.finditer(text):
        word = match.group().lower()
        for name, pattern in _BY_PREFIX.get(word[:2], ()):
            if pattern.fullmatch(word) or (word[-1] == "." and pattern.fullmatch(word[:-1])):
                found.append((name, match.start(), match.end()))
                break
    return found


# Most specific first: "upper-intermediate" before "intermediate", "средне-продвинутый"
# before "продвинутый" and "средний".
_LEVELS: tuple[tuple[str, str], ...] = (
    (r"native(?: or bilingual)?|mother tongue|bilingual|родной|носитель\w*", "native"),
    (r"full professional(?: working)? proficiency", "C2"),
    (r"professional working proficiency", "C1"),
    (r"limited working proficiency", "B1"),
    (r"elementary proficiency", "A2"),
    (r"upper[\s-]*intermediate|выше средн\w*|средне[\s-]*продвинут\w*", "B2"),
    (r"pre[\s-]*intermediate|ниже средн\w*", "A2"),
    (r"intermediate|средн\w*|разговорн\w*|conversational", "B1"),
    (r"proficien\w*|в совершенстве", "C2"),
    (r"advanced|продвинут\w*|fluent\w*|fluently|свободн\w*", "C1"),
    (r"elementary|элементарн\w*|basic|базов\w*|pre-?a2", "A2"),
    (r"beginner|начальн\w*|starter", "A1"),
    (r"technical|техническ\w*|читаю\s+\w+\s+литератур\w*", "B1"),
)  # fmt: skip
_LEVEL_RE = [(re.compile(rf"(?<![^\W\d_])(?:{p})", re.I), level) for p, level in _LEVELS]
# CEFR codes, also with Cyrillic А/В/С look-alikes ("В2").
_CEFR = re.compile(r"(?<![^\W_])([AaАBbВCcС])\s?-?([12])(?![\d])")
_HOMOGLYPH = str.maketrans("АВСabc", "ABCABC")


def find_level(text: str) -> str | None:
    """The first CEFR level or descriptive level in `text` ("B2", "native"), else None."""
    code = _CEFR.search(text)
    if code is not None:
        return code.group(1).translate(_HOMOGLYPH) + code.group(2)
    best: tuple[int, int, str] | None = None  # earliest mention wins; ties go to the specific
    for rank, (pattern, level) in enumerate(_LEVEL_RE):
        match = pattern.search(text)
        if match is not None and (best is None or (match.start(), rank) < best[:2]):
            best = (match.start(), rank, level)
    return best[2] if best else None


def language_name(text: str) -> str | None:
    """Lowercase English name of a language named in `text` ("Английский" → "english")."""
    mentions = _mentions(text)
    return mentions[0][0] if mentions else None


def find_languages(
    text: str, *, require_level: bool = False, window: int = 60
) -> list[LanguageSkill]:
    """Languages named in `text`, each with the level written after it (before the next one).

    `require_level=True` keeps only languages with a level nearby, for free text where a bare
    "Russian" may be an adjective ("Russian Post").
    """
    found: dict[str, LanguageSkill] = {}
    mentions = _mentions(text)
    for i, (name, _, end) in enumerate(mentions):
        stop = mentions[i + 1][1] if i + 1 < len(mentions) else len(text)
        line_end = text.find("\n", end)
        if line_end != -1 and not _level_line_follows(text, line_end):
            stop = min(stop, line_end)
        level = find_level(text[end : min(stop, end + window)])
        if level is None and require_level:
            continue
        if name not in found or (found[name].level is None and level is not None):
            found[name] = LanguageSkill(name=name, level=level)  # type: ignore[arg-type]
    return list(found.values())


def _level_line_follows(text: str, line_end: int) -> bool:
    """hh.ru writes "Английский\\nB2 — Средне-продвинутый": a level alone on the next line."""
    nxt = text[line_end + 1 : line_end + 60].split("\n", 1)[0].strip()
    return 0 < len(nxt) <= 40 and language_name(nxt) is None and find_level(nxt) is not None


def normalize_languages(items: list[LanguageSkill]) -> list[LanguageSkill]:
    """Names as lowercase English, duplicates merged (the entry with a level wins)."""
    out: dict[str, LanguageSkill] = {}
    for item in items:
        name = language_name(item.name) or item.name.strip().lower()
        if not name:
            continue
        if name not in out or (out[name].level is None and item.level is not None):
            out[name] = LanguageSkill(name=name, level=item.level)
    return list(out.values())
