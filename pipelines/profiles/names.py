"""The candidate's name, read only from the resume's header and contact lines.

A name is 2-4 capitalised words (initials, a patronymic, "O'Neil", "Mary-Ann" and particles
such as "van" allowed). Resume tops hold other short capitalised lines too: the job title
("CONSTRUCTION WORKER"), a section heading the heading table missed ("Skill Highlights"),
a city. None of them may become a name: candidates are told apart by name in lists and
merged by contacts, so a wrong name is worse than none. Anonymised resumes have no name at all.
"""

from __future__ import annotations

import re

from pipelines.profiles.occupations import is_occupation
from pipelines.profiles.sections import RESUME_HEADINGS, HeadingMatcher

_HEADINGS = HeadingMatcher(RESUME_HEADINGS)
_LABEL = re.compile(
    r"^\s*(?:фио|ф\.и\.о\.|имя|name|full name|candidate|кандидат)\s*[:—–-]\s*(.+)$", re.I
)
_NAME_WORD = re.compile(
    r"^(?:[A-Z][A-Za-z'’]*[a-z][A-Za-z'’]*(?:-[A-Z][A-Za-z'’]*[a-z][A-Za-z'’]*)?"
    r"|[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?|[A-Z][A-Z'’]+(?:-[A-Z]{2,})?|[А-ЯЁ]{2,}(?:-[А-ЯЁ]{2,})?)$"
)
_INITIALS = re.compile(r"^[A-ZА-ЯЁ]\.(?:[A-ZА-ЯЁ]\.)?$")
_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "da", "di", "du", "del", "la", "le", "bin"}
)
# Words of headings the table may not hold ("Professional Value Offered", "Core Strengths"),
# and Russian heading stems that never end like a surname.
_HEADING_WORDS = re.compile(
    r"(?<![^\W\d_])(?:summary|profile|overview|highlights?|focus|background|qualifications?|"
    r"history|objectives?|skills?|experience|education|references?|accomplishments?|"
    r"achievements?|competenc(?:y|ies)|expertise|strengths?|interests|activities|affiliations?|"
    r"certifications?|training|languages?|contacts?|information|details|value|offered|career|"
    r"personal|core|key|additional|statement|portfolio|projects?|awards|honors|publications|"
    r"hobbies|employment|memberships?|licenses|volunteer|coursework|relevant|areas)(?![^\W\d_])"
    r"|(?<![^\W\d_])(?:навык|опыт|образован|профил|контакт|достижени|квалификац|рекомендац|"
    r"курс|проект|язык|сведени|информац|обязанност|умени|компетенц|интерес|увлечени|хобби|"
    r"сертификат|наград|публикац)(?!\w*(?:ов|ев|ин|ова|ева|ина|ский|ская)(?![^\W\d_]))\w*",
    re.I,
)
# Places, dates and words about the document. English words are whole words ("Newman" and
# "Stafford" are names); April, May, June, August (and Russian "Марта", "Майя") are first
# names as well as months, and a date line has digits anyway.
_NOT_NAME = re.compile(
    r"(?<![^\W\d_])(?:resume|curriculum|vitae|cv|male|female|moscow|russia|new|york|san|los|"
    r"saint|st|united|kingdom|states?|area|bay|region|city|january|february|march|september|"
    r"october|november|december|present|current|remote)(?![^\W\d_])"
    r"|(?<![^\W\d_])(?:резюме|мужчина|женщина|москв|росси|санкт|нижн|новгород|ростов|великий|"
    r"област|край|республик)(?!\w*(?:ов|ев|ин|ова|ева|ина|цев|цева)(?![^\W\d_]))\w*",
    re.I,
)


def looks_like_name(line: str) -> bool:
    """2-4 capitalised name words (initials and particles allowed), and nothing that is a
    heading, a job, a place or a date."""
    words = line.replace(",", " ").split()
    if not 2 <= len(words) <= 5 or _HEADINGS.match(line) is not None:
        return False
    if _NOT_NAME.search(line) or _HEADING_WORDS.search(line) or is_occupation(line):
        return False
    named = [w for w in words if _NAME_WORD.match(w)]
    initials = [w for w in words if _INITIALS.match(w)]
    particles = [w for w in words if w in _PARTICLES]
    return (
        2 <= len(named) <= 4
        and len(named) + len(initials) + len(particles) == len(words)
        and len(named) + len(initials) <= 4
    )


def _clean(value: str) -> str:
    value = re.split(r"\s*[;|•·]\s*|\s{3,}", value.strip())[0]
    return re.sub(r"\s+", " ", value).strip(" .,:-–—\t#*|")


def _cased(name: str) -> str:
    """ "ПЕТРОВ Иван" → "Петров Иван", "MARY-ANN O'NEIL" → "Mary-Ann O'Neil"."""
    return " ".join(w.title() if w.isupper() and len(w) > 1 else w for w in name.split())


def find_name(head_lines: list[str]) -> str | None:
    """The name from a "ФИО:" / "Name:" line, else the first name-like line of the head.

    `head_lines` are the resume's header and contact-section lines: a name met further down
    belongs to a referee, a supervisor or a teacher, not to the candidate.
    """
    lines = [line for line in head_lines if line.strip()][:12]
    for line in lines:
        label = _LABEL.match(line)
        if label is not None:
            value = _clean(label.group(1))
            if looks_like_name(value):
                return _cased(value)
    for line in lines:
        candidate = _clean(line)
        if "@" in candidate or any(ch.isdigit() for ch in candidate):
            continue
        if looks_like_name(candidate):
            return _cased(candidate)
    return None
