"""How to reach the candidate: email, phone, Telegram, city, read from their own lines only.

A resume also holds other people's contacts: referees under "References", a supervisor
"may be contacted (252) 493-4081" under a job, a school's switchboard under education.
Candidates are de-duplicated by email and phone, so taking one of those would merge different
people. Contacts are therefore read from the header and contact sections, and only when those
have none, from the sections a candidate writes about themselves (summary, skills, languages);
lines that name a referee or a supervisor are skipped everywhere.

Phones are parsed in `phones` (E.164 with country hints); `normalize_phone` and `find_phone`
stay importable from here. Telegram usernames come without '@' from "@handle", "t.me/handle"
or "Telegram: handle", never from an email address.
"""

from __future__ import annotations

import re

from pipelines.profiles.occupations import TITLE_WORDS
from pipelines.profiles.phones import country_hints, find_phone, normalize_phone
from pipelines.profiles.sections import Section

__all__ = [
    "EMAIL",
    "TITLE_WORDS",
    "ContactArea",
    "clean_value",
    "contact_area",
    "country_hints",
    "find_email",
    "find_location",
    "find_phone",
    "find_position_label",
    "find_telegram",
    "normalize_phone",
]

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_OWN = ("header", "contacts")
_ABOUT_SELF = ("header", "contacts", "summary", "position", "skills", "languages")
_REFEREE = re.compile(
    r"(?<![^\W\d_])(?:supervisor|manager|referee|руководител\w*|начальник\w*)"
    r"(?:'s)?(?:\s+(?:name|phone|contact|tel\.?))?\s*[:#]|\breferences?\b|\breferees?\b|"
    r"may be contacted|ok(?:ay)? to contact|contact person|рекомендател|контактное лицо",
    re.I,
)
_EMAIL_LABEL = re.compile(r"e-?mail|почта|mail\s*:", re.I)
_OTHER_SERVICE = re.compile(r"facebook|skype|linkedin|instagram|vk|twitter|github", re.I)
_TG_URL = re.compile(r"(?:https?://)?(?:t(?:elegram)?\.me)/@?([A-Za-z][A-Za-z0-9_]{3,31})\b", re.I)
_TG_WORD = r"(?<![^\W\d_])(?:telegram|телеграмм?|tg|тг)"
_TG_LABEL = re.compile(
    rf"{_TG_WORD}\s*(?::|—|–|-)\s*@?([A-Za-z][A-Za-z0-9_]{{3,31}})\b"
    rf"|{_TG_WORD}\s+@([A-Za-z][A-Za-z0-9_]{{3,31}})\b",
    re.I,
)
_TG_BARE = re.compile(r"(?<![\w.@/])@([A-Za-z][A-Za-z0-9_]{3,31})(?![\w@]|\.[A-Za-z])")
_LOCATION_LABEL = re.compile(
    r"^\s*[-•*]?\s*(?:(?:город|город проживания|место проживания|местоположение|локация|"
    r"адрес|location|city|address|residence)\s*[:—–-]|проживает\s*:?|based in\s*:?)\s*(.+)$",
    re.I | re.M,
)
_CITY_LINE = re.compile(r"^\s*г\.\s*([А-ЯЁ][\w-]+(?:\s+[А-ЯЁ][\w-]+)?)", re.M)
_POSITION_LABEL = re.compile(
    r"^\s*(?:желаемая должность|должность|позиция|position|desired position|objective|"
    r"target role|role)\s*[:—–-]\s*(.+)$",
    re.I | re.M,
)


class ContactArea:
    """The candidate's own lines: `head` (header and contact sections) and `about` (those
    plus the sections about themselves), referee and supervisor lines left out."""

    def __init__(self, head_lines: list[str], about_lines: list[str]) -> None:
        self.head_lines = head_lines
        self.head = "\n".join(head_lines)
        self.about = "\n".join(about_lines)


def _own_lines(sections: list[Section], keys: tuple[str, ...]) -> list[str]:
    return [
        line
        for section in sections
        if section.key in keys
        for line in ([section.inline] if section.inline else []) + section.lines
        if not _REFEREE.search(line)
    ]


def contact_area(sections: list[Section]) -> ContactArea:
    """Where the candidate's own contacts may be, from the resume's sections."""
    return ContactArea(_own_lines(sections, _OWN), _own_lines(sections, _ABOUT_SELF))


def find_email(text: str) -> str | None:
    """The first address on a line labelled "Email:" / "Почта:", else the first address;
    "Facebook: x@yahoo.com" or "Skype: …" next to it is a login, not where to write."""
    found: list[tuple[int, int, str]] = []
    for match in EMAIL.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        before = text[line_start : match.start()]
        rank = 0 if _EMAIL_LABEL.search(before) else 2 if _OTHER_SERVICE.search(before) else 1
        found.append((rank, match.start(), match.group().lower()))
    return min(found)[2] if found else None


def find_telegram(text: str, head: str) -> str | None:
    """A Telegram username from a t.me link or a labelled handle in `text`, or a bare @handle
    in the resume's head (where contacts live; "@Override" in a job description is no one)."""
    for pattern, source in ((_TG_URL, text), (_TG_LABEL, text), (_TG_BARE, head)):
        for match in pattern.finditer(source):
            handle = next(g for g in match.groups() if g)
            if len(handle) >= 5:
                return handle
    return None


def clean_value(value: str, limit: int = 80) -> str | None:
    value = re.split(r"\s*[;|•·]\s*|\s{3,}", value.strip())[0].strip(" .,:-–—")
    return value[:limit] if value else None


def find_location(text: str) -> str | None:
    """Location from "Город:", "Location:", "Проживает:" or a "г. Казань" line."""
    match = _LOCATION_LABEL.search(text) or _CITY_LINE.search(text)
    return clean_value(match.group(1)) if match else None


def find_position_label(text: str) -> str | None:
    match = _POSITION_LABEL.search(text)
    return clean_value(match.group(1), 120) if match else None
