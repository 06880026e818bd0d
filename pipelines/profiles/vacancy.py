"""Offline vacancy analysis: must-have vs nice-to-have skills, years, languages, place, remote.

Sections decide first ("Требования"/"Requirements" → must, "Будет плюсом"/"Nice to have" →
nice), then markers on the line itself ("Kafka — будет плюсом", "Go is a plus"). Skills
outside both kinds of section are must-haves only when the vacancy has no requirements
section; otherwise they are nice-to-haves. Skills in the title are always must-haves.
"""

from __future__ import annotations

import re

from pipelines.models import LanguageSkill, Requirement, VacancyRequirements
from pipelines.profiles.languages import find_languages, language_name
from pipelines.profiles.sections import (
    VACANCY_HEADINGS,
    HeadingMatcher,
    detect_language,
    split_sections,
)
from pipelines.profiles.vacancy_requirements import (
    clauses,
    merge_requirements,
    requirements_from_line,
)
from pipelines.skills import find_skills

_VACANCY = HeadingMatcher(VACANCY_HEADINGS)
_NICE = re.compile(
    r"будет\s+(?:большим\s+)?плюсом|плюсом\s+будет|будет\s+преимуществом|преимуществом\s+будет|"
    r"желательн\w*|приветству\w*|как\s+плюс|не\s*обязательн\w*|необязательн\w*|"
    r"(?:^|[\s(—–-])плюс(?:ом)?\s*[).]?\s*$|is\s+a\s+(?:\w+\s+)?plus|a\s+plus\b|nice[\s-]to[\s-]have|"
    r"\bpreferred\b|\bpreferably\b|\bbonus\b|\boptional\b|would\s+be\s+(?:great|nice)|"
    r"good\s+to\s+have|\bdesirable\b|\badvantage\b|преимущество|not\s+required|\bwelcome\b|"
    r"\bhelps\b",
    re.I,
)
_MUST = re.compile(
    r"(?<!не\s)(?<!не)обязательн\w*|необходим\w*|\bmust\b|\brequired\b|\bmandatory\b|"
    r"\bessential\b|требуется",
    re.I,
)
_EXPERIENCE_WORD = re.compile(r"опыт|стаж|experience|\bexp\b|коммерческ|commercial", re.I)
_NUMBER_WORDS = {
    "одного": 1, "один": 1, "двух": 2, "два": 2, "трех": 3, "трёх": 3,
    "три": 3, "четырех": 4, "четырёх": 4, "четыре": 4, "пяти": 5, "пять": 5, "шести": 6,
    "шесть": 6, "семи": 7, "семь": 7, "восьми": 8, "восемь": 8, "десяти": 10, "десять": 10,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "ten": 10,
}  # fmt: skip
_NUMBER = r"\d{1,2}(?:[.,]\d)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_YEARS = re.compile(
    rf"(?P<pre>\bот|не\s+менее|не\s+меньше|более|свыше|минимум|at\s+least|minimum(?:\s+of)?|"
    rf"min\.?|no\s+less\s+than|over|more\s+than)?\s*(?<![\w.])(?P<n>{_NUMBER})\s*(?P<plus>\+)?"
    rf"\s*(?:(?:-|–|—|to|до)\s*\d{{1,2}}\s*)?(?:-?х|-?ти|-?и)?\s*"
    rf"(?:лет|года?|год|years?|yrs?)(?![^\W\d_])",
    re.I,
)
_BARE_YEAR = re.compile(
    r"(?:\bот|не\s+менее|более|свыше|минимум)\s+(полугода|года)(?![^\W\d_])", re.I
)
_NO_EXPERIENCE = re.compile(
    r"без\s+опыта|опыт\s+(?:работы\s+)?не\s+(?:требуется|обязателен|важен)|"
    r"no\s+(?:prior\s+)?experience\s+(?:is\s+)?(?:required|needed)|entry[\s-]level",
    re.I,
)
_LOCATION_LABEL = re.compile(
    r"^\s*[-•*]?\s*(?:город|локация|местоположение|место работы|офис|адрес|location|city|"
    r"office|based in)\s*[:—–-]\s*(.+)$",
    re.I | re.M,
)
_CITIES = (
    "Москва", "Санкт-Петербург", "Новосибирск", "Екатеринбург", "Казань", "Нижний Новгород",
    "Самара", "Ростов-на-Дону", "Краснодар", "Воронеж", "Пермь", "Уфа", "Челябинск", "Омск",
    "Красноярск", "Тюмень", "Томск", "Иннополис", "Калининград", "Минск", "Алматы", "Астана",
    "Ташкент", "Тбилиси", "Ереван", "Баку", "Белград", "Лимассол", "Дубай", "Moscow",
    "Saint Petersburg", "St. Petersburg", "Minsk", "Almaty", "Tbilisi", "Yerevan", "Belgrade",
    "Limassol", "Dubai", "Berlin", "Munich", "London", "Amsterdam", "Warsaw", "Prague",
    "Lisbon", "Barcelona", "Madrid", "Paris", "New York", "San Francisco", "Tel Aviv",
)  # fmt: skip
_CITY = re.compile(r"(?<![^\W\d_])(" + "|".join(re.escape(c) for c in _CITIES) + r")(?![^\W\d_-])")
_NOT_REMOTE = re.compile(
    r"(?:без|не|no|not)\s+(?:возможност\w+\s+)?(?:удал[её]нн\w*|удал[её]нк\w*|remote)|"
    r"удал[её]нн\w*\s+(?:работ\w+\s+)?не\s+рассматрива|remote\s+is\s+not|"
    r"не\s+рассматриваем\s+удал|only\s+on-?site|только\s+(?:в\s+)?офис",
    re.I,
)
_FULL_REMOTE = re.compile(
    r"полностью\s+удал[её]нн\w*|полная\s+удал[её]нк\w*|fully\s+remote|100\s*%\s*remote|"
    r"full[\s-]remote|remote[\s-]first|из\s+любой\s+точки",
    re.I,
)
_HYBRID = re.compile(r"гибрид\w*|hybrid|частично\s+удал[её]нн\w*|partially\s+remote", re.I)
_REMOTE = re.compile(
    r"удал[её]нн\w*|удал[её]нк\w*|дистанционн\w*|\bremote\w*|work\s+from\s+home|\bwfh\b|"
    r"home\s+office",
    re.I,
)
_OFFICE = re.compile(
    r"(?:работа|формат\s+работы|формат)\s*[:—-]?\s*(?:в|из)\s+офис\w*|в\s+офисе|офисн\w+\s+формат|"
    r"\bon-?site\b|office-based|in[\s-]office|\boffice\s+only\b",
    re.I,
)
_LANGUAGE_CONTEXT = re.compile(r"язык|language|speak|говор|знани|владени|fluen", re.I)
# Without a requirements section, a sentence states a requirement when it says so.
_REQUIREMENT_CUE = re.compile(
    r"experience|knowledge|degree|diploma|certif|licen[cs]e|\bmust\b|required|ability|"
    r"proficien|familiar|background|you\s+(?:have|are|bring)|skilled|fluent|"
    r"опыт|знани|умени|образовани|навык|владени|требуется|сертифик|удостоверени|диплом",
    re.I,
)


def analyze_vacancy_text(title: str, text: str, *, engine: str) -> VacancyRequirements:
    """`VacancyRequirements` from a vacancy's title and text, by rules only."""
    title = title.strip() or next((ln.strip() for ln in text.split("\n") if ln.strip()), "")
    sections = split_sections(text, _VACANCY)
    has_must = any(s.key == "must" for s in sections)
    must: list[str] = find_skills(title)
    nice: list[str] = []
    years: list[float] = []
    listed_languages: list[LanguageSkill] = []
    has_lists = has_must or any(s.key == "nice" for s in sections)
    stated: list[Requirement] = [Requirement(text=skill, skills=[skill]) for skill in must]
    for section in sections:
        if section.key == "offer":
            continue
        for line in ([section.inline] if section.inline else []) + section.lines:
            # Must or nice is decided per clause: a prose line may hold both ("1 year of
            # acute care; new graduates are welcome" asks for the year all the same).
            for clause in clauses(line) or [line]:
                kind = _line_kind(clause, section.key, has_must)
                skills = find_skills(clause, skills_section=section.key in ("must", "nice"))
                (nice if kind == "nice" else must).extend(skills)
                if kind == "must" or section.key in ("header", "duties"):
                    years += _years(
                        clause,
                        in_requirements=section.key == "must",
                        experience=bool(_EXPERIENCE_WORD.search(line)),
                    )
            if section.key in ("must", "nice"):
                stated += requirements_from_line(
                    line, must=section.key == "must", nice_marker=_NICE
                )
            elif not has_lists and section.key != "duties":
                stated += requirements_from_line(
                    line, must=True, nice_marker=_NICE, cue=_REQUIREMENT_CUE
                )
            if section.key in ("must", "nice"):
                listed_languages += find_languages(line)
    must = list(dict.fromkeys(must))
    nice = [s for s in dict.fromkeys(nice) if s not in must]
    min_years: float | None = max(years) if years else None
    if min_years is None and _NO_EXPERIENCE.search(text):
        min_years = 0.0
    return VacancyRequirements(
        title=title[:300],
        must_have=must,
        nice_to_have=nice,
        requirements=merge_requirements(stated),
        min_years=min_years,
        languages=_languages(text, listed_languages),
        location=_location(f"{title}\n{text}"),
        remote=_remote(f"{title}\n{text}"),
        language=detect_language(f"{title}\n{text}"),  # type: ignore[arg-type]
        engine=engine,
    )


def _line_kind(line: str, section: str, has_must: bool) -> str:
    if _NICE.search(line):
        return "nice"
    if _MUST.search(line) or section == "must":
        return "must"
    if section == "nice":
        return "nice"
    return "nice" if has_must else "must"


def _years(line: str, *, in_requirements: bool, experience: bool = False) -> list[float]:
    """Minimum years asked for on one line or clause ("опыт от 3 лет", "3+ years", "at least
    five"); `experience` says the surrounding line is about experience when the clause alone
    does not ("… three years in a kitchen. Experience with … is a plus")."""
    if _NO_EXPERIENCE.search(line):
        return [0.0]
    out: list[float] = []
    experience = experience or bool(_EXPERIENCE_WORD.search(line))
    if experience and (bare := _BARE_YEAR.search(line)):
        out.append(0.5 if bare.group(1).lower() == "полугода" else 1.0)
    for match in _YEARS.finditer(line):
        word = match.group("n").lower()
        explicit = match.group("pre") or match.group("plus")
        if not (experience or (in_requirements and explicit)):
            continue
        value = _NUMBER_WORDS.get(word)
        if value is None:
            value = float(word.replace(",", "."))
        if 0 < value <= 20:
            out.append(float(value))
    return out


def _languages(text: str, listed: list[LanguageSkill]) -> list[LanguageSkill]:
    """Languages with a level anywhere; without one, only in requirement lists or next to
    "язык"/"language" (a bare "Russian" elsewhere may be "Russian-speaking market")."""
    found = {item.name: item for item in find_languages(text, require_level=True)}
    for item in listed:
        found.setdefault(item.name, item)
    for line in text.split("\n"):
        if _LANGUAGE_CONTEXT.search(line):
            for item in find_languages(line):
                found.setdefault(item.name, item)
    return list(found.values())


def _location(text: str) -> str | None:
    label = _LOCATION_LABEL.search(text)
    if label is not None:
        value = re.split(r"\s*[;|•]\s*", label.group(1).strip())[0].strip(" .,")
        if value and language_name(value) is None:
            return value[:120]
    city = _CITY.search(text)
    return city.group(1) if city else None


def _remote(text: str) -> bool | None:
    """True for remote work, False for office only, None for hybrid or not said."""
    if _NOT_REMOTE.search(text):
        return False
    if _FULL_REMOTE.search(text):
        return True
    if _HYBRID.search(text):
        return None
    if _REMOTE.search(text):
        return True
    if _OFFICE.search(text):
        return False
    return None
