"""Who the resume is about and how to reach them: name, email, phone, Telegram, city.

Phones become "+" and digits (Russian "8 9xx" and bare "9xx" numbers become "+7 9xx");
Telegram usernames come without '@' from "@handle", "t.me/handle" or "Telegram: handle", never
from an email address.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_PHONE = re.compile(r"(?<![\w+])(?:\+\s?)?\d[\d\s()\-–]{8,20}\d(?![\w])")
_PHONE_LABEL = re.compile(r"(?:телефон|тел\.?|моб\w*|phone|mobile|tel\.?|whatsapp|cell)", re.I)
_TG_URL = re.compile(r"(?:https?://)?(?:t(?:elegram)?\.me)/@?([A-Za-z][A-Za-z0-9_]{3,31})\b", re.I)
_TG_WORD = r"(?<![^\W\d_])(?:telegram|телеграмм?|tg|тг)"
_TG_LABEL = re.compile(
    rf"{_TG_WORD}\s*(?::|—|–|-)\s*@?([A-Za-z][A-Za-z0-9_]{{3,31}})\b"
    rf"|{_TG_WORD}\s+@([A-Za-z][A-Za-z0-9_]{{3,31}})\b",
    re.I,
)
_TG_BARE = re.compile(r"(?<![\w.@/])@([A-Za-z][A-Za-z0-9_]{3,31})(?![\w@]|\.[A-Za-z])")
_NAME_LABEL = re.compile(
    r"^\s*(?:фио|ф\.и\.о\.|имя|name|full name|candidate|кандидат)\s*[:—–-]\s*(.+)$", re.I | re.M
)
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
_NAME_WORD = re.compile(
    r"^(?:[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?|[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?|[A-Z]{2,}|[А-ЯЁ]{2,})$"
)
_INITIALS = re.compile(r"^[A-ZА-ЯЁ]\.(?:[A-ZА-ЯЁ]\.)?$")
TITLE_WORDS = re.compile(
    r"(?<![^\W\d_])(?:разработчик|программист|инженер|архитектор|менеджер|аналитик|дизайнер|"
    r"тестировщик|руководител|директор|начальник|заместител|специалист|администратор|"
    r"консультант|стаж[её]р|ассистент|помощник|координатор|бухгалтер|экономист|юрист|рекрутер|"
    r"маркетолог|тимлид|ведущий|старший|младший|главный|оператор|секретар|преподавател|"
    r"учител|продав|представител|логист|закупщик|аудитор|кассир|редактор|копирайтер|переводчик|"
    r"эксперт|основател|исследовател|техник|агент|супервайзер|офис-менеджер|hr|"
    r"developer|engineer|programmer|architect|manager|analyst|designer|tester|qa|lead|head|"
    r"director|officer|consultant|specialist|administrator|admin|scientist|intern|trainee|"
    r"assistant|coordinator|accountant|recruiter|sourcer|partner|owner|devops|sre|"
    r"support|operator|editor|writer|copywriter|marketer|representative|executive|cto|ceo|cfo|"
    r"coo|cio|founder|co-founder|teacher|lecturer|researcher|secretary|receptionist|chief|vp|"
    r"president|technician|agent|buyer|economist|lawyer|auditor|senior|junior|middle|"
    r"principal|staff|freelancer|фрилансер|analytics|специалистка)\w*",
    re.I,
)
_NOT_NAME = re.compile(
    r"(?<![^\W\d_])(?:резюме|resume|curriculum|vitae|cv|контакты|contacts|мужчина|женщина|"
    r"male|female|москва|россия|russia|moscow|санкт|нижний|новгород|ростов|великий|new|york|"
    r"san|los|saint|st|united|kingdom|states|area|bay|region|область|край|республика|"
    r"январ|феврал|март|апрел|май|июн|июл|август|сентябр|октябр|ноябр|декабр|january|february|"
    r"march|april|june|july|august|september|october|november|december|present|remote)\w*",
    re.I,
)


def find_email(text: str) -> str | None:
    match = EMAIL.search(text)
    return match.group().lower() if match else None


def normalize_phone(raw: str) -> str | None:
    """'+7 (916) 123-45-67' / '8 916 123 45 67' → '+79161234567'; None unless 10-15 digits."""
    digits = re.sub(r"\D", "", raw)
    if len(digits) == 11 and digits[0] == "8" and not raw.strip().startswith("+"):
        digits = "7" + digits[1:]
    elif len(digits) == 10 and digits[0] == "9" and not raw.strip().startswith("+"):
        digits = "7" + digits
    if not 10 <= len(digits) <= 15:
        return None
    return "+" + digits


def find_phone(text: str) -> str | None:
    """The first phone number, preferring one on a labelled line ("Телефон:", "Phone:")."""
    candidates: list[tuple[int, str]] = []
    for match in _PHONE.finditer(text):
        raw = match.group()
        if re.search(r"(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d", raw):  # "2017 - 2019", a range
            continue
        phone = normalize_phone(raw)
        if phone is None:
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        labelled = bool(_PHONE_LABEL.search(text[line_start : match.start()]))
        plus = raw.lstrip().startswith("+")
        candidates.append((0 if labelled else 1 if plus else 2, phone))
    return min(candidates)[1] if candidates else None


def find_telegram(text: str, head: str) -> str | None:
    """A Telegram username from a t.me link or a labelled handle anywhere, or a bare @handle
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


def looks_like_name(line: str) -> bool:
    """2-4 capitalised words (a patronymic or initials allowed), nothing that is not a name."""
    words = line.replace(",", " ").split()
    if not 2 <= len(words) <= 4 or _NOT_NAME.search(line) or TITLE_WORDS.search(line):
        return False
    named = [w for w in words if _NAME_WORD.match(w)]
    initials = [w for w in words if _INITIALS.match(w)]
    return len(named) >= 2 and len(named) + len(initials) == len(words) and len(named) <= 3


def find_name(text: str, head_lines: list[str]) -> str | None:
    """Name from "ФИО:" / "Name:" anywhere, else the first head line that looks like one."""
    label = _NAME_LABEL.search(text)
    if label is not None:
        value = clean_value(label.group(1))
        if value and looks_like_name(value):
            return value
    for line in head_lines[:12]:
        candidate = re.sub(r"\s+", " ", line.strip(" \t#*|"))
        if EMAIL.search(candidate) or any(ch.isdigit() for ch in candidate):
            continue
        if looks_like_name(candidate):
            return " ".join(
                w.title() if w.isupper() and len(w) > 1 else w for w in candidate.split()
            )
    return None
