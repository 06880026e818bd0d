"""Normalising what boards print: HTML to plain text, salary strings to numbers, employment
types, salary periods, dates and skill lists.

Shared by the JSON-LD, DOM and jobspy paths on purpose: the same vacancy read from a page's
JSON-LD and from its DOM must come out equal, which only holds when both end in one function.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time

import lxml.html
from lxml.etree import _Element

from scraper.browser.models import EmploymentType, SalaryPeriod

_BLOCKS = frozenset(
    "address article aside blockquote br dd div dl dt footer h1 h2 h3 h4 h5 h6 header hr li "
    "main nav ol p pre section table tbody td th thead tr ul".split()
)
_SKIP = frozenset(("script", "style", "noscript", "template"))
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2009\u202f]+")


# ---- text -----------------------------------------------------------------------------------


def element_text(element: _Element) -> str:
    """The visible text of an element, one line per block (paragraph, list item, heading),
    spaces collapsed; scripts and styles left out."""
    parts: list[str] = []
    _walk(element, parts)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _walk(element: _Element, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _SKIP:
        if element.tail:
            parts.append(element.tail.replace("\n", " "))
        return
    block = tag in _BLOCKS
    if block:
        parts.append("\n")
    if element.text and tag:
        parts.append(element.text.replace("\n", " "))
    for child in element:
        _walk(child, parts)
    if block:
        parts.append("\n")
    if element.tail:
        parts.append(element.tail.replace("\n", " "))


def fragment_text(markup: str) -> str:
    """Plain text of an HTML fragment or of plain text (JSON-LD descriptions are either, and
    some sites escape their HTML twice)."""
    if not markup.strip():
        return ""
    if "&lt;" in markup and "<" not in markup:
        markup = html.unescape(markup)
    root = lxml.html.fragment_fromstring(markup, create_parent="div")
    return element_text(root)


def clean(value: object) -> str | None:
    """A one-line string with spaces collapsed, or None for empty and non-strings."""
    if not isinstance(value, str):
        return None
    text = _SPACES.sub(" ", value.replace("\n", " ")).strip()
    return text or None


# ---- salaries -------------------------------------------------------------------------------

_CURRENCIES = {
    "$": "USD",
    "usd": "USD",
    "€": "EUR",
    "eur": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "₴": "UAH",
    "грн": "UAH",
    "uah": "UAH",
    "₽": "RUB",
    "руб": "RUB",
    "rub": "RUB",
    "₸": "KZT",
    "kzt": "KZT",
    "zł": "PLN",
    "pln": "PLN",
}
_CURRENCY = re.compile(r"(\$|€|£|₴|₽|₸|zł|\b(?:usd|eur|gbp|uah|грн|rub|руб|kzt|pln)\b)", re.I)
_AMOUNT = re.compile(r"\d[\d\s\u00a0\u202f,]*(?:\.\d+)?\s*[kк]?", re.I)
_FROM = re.compile(r"^\s*(?:from|від|от|з)\b", re.I)
_UP_TO = re.compile(r"^\s*(?:up to|до|to)\b", re.I)


def parse_salary(text: str) -> tuple[float | None, float | None, str | None]:
    """(min, max, currency) of a printed salary: "$4000-5500", "від $3000", "up to $5k",
    "100 000 – 150 000 ₽". A single amount without "from"/"up to" is both min and max."""
    found = _CURRENCY.search(text)
    currency = _CURRENCIES.get(found.group(1).lower()) if found else None
    amounts = [_amount(m.group(0)) for m in _AMOUNT.finditer(text)]
    amounts = [a for a in amounts if a is not None]
    if not amounts:
        return None, None, currency
    if len(amounts) >= 2:
        return amounts[0], amounts[1], currency
    if _FROM.search(text):
        return amounts[0], None, currency
    if _UP_TO.search(text):
        return None, amounts[0], currency
    return amounts[0], amounts[0], currency


def _amount(raw: str) -> float | None:
    thousands = raw.strip()[-1:].lower() in ("k", "к")
    digits = re.sub(r"[^\d.]", "", raw.replace(",", ""))
    if not digits or digits == ".":
        return None
    value = float(digits)
    return value * 1000 if thousands else value


def number(value: object) -> float | None:
    """A JSON number or a numeric string as float; anything else (or NaN) as None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value == value else None
    if isinstance(value, str):
        return _amount(value) if re.search(r"\d", value) else None
    return None


_PERIODS: dict[str, SalaryPeriod] = {
    "hour": "hour",
    "hourly": "hour",
    "day": "day",
    "daily": "day",
    "week": "week",
    "weekly": "week",
    "month": "month",
    "monthly": "month",
    "year": "year",
    "yearly": "year",
    "annual": "year",
    "annually": "year",
}


def salary_period(value: object) -> SalaryPeriod | None:
    """schema.org `unitText` ("MONTH") or jobspy's `interval` ("monthly") as a period."""
    text = clean(value)
    return _PERIODS.get(text.lower()) if text else None


# ---- employment types -------------------------------------------------------------------------

_EMPLOYMENT: dict[str, EmploymentType] = {
    "fulltime": "full_time",
    "parttime": "part_time",
    "contract": "contract",
    "contractor": "contract",
    "freelance": "contract",
    "temporary": "temporary",
    "temp": "temporary",
    "seasonal": "temporary",
    "intern": "internship",
    "internship": "internship",
    "perdiem": "other",
    "other": "other",
    "volunteer": "other",
}


def employment_type(value: object) -> EmploymentType | None:
    """The first recognised employment type of schema.org's `FULL_TIME`, jobspy's
    `fulltime, contract`, or a page's "Full-time"; None when none is recognised."""
    values: Iterable[object] = value if isinstance(value, list | tuple) else [value]
    for item in values:
        text = clean(item)
        if not text:
            continue
        for part in re.split(r"[,;/]", text):
            key = re.sub(r"[\s_\-]", "", part.lower())
            if key in _EMPLOYMENT:
                return _EMPLOYMENT[key]
    return None


# ---- dates and skills -----------------------------------------------------------------------


def parse_datetime(value: object) -> datetime | None:
    """An ISO 8601 date or date-time (a date is midnight UTC; a naive time is taken as UTC)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=UTC)
    text = clean(value)
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def split_skills(value: object) -> tuple[str, ...]:
    """Skills from a list or a comma/semicolon-separated string, de-duplicated in order."""
    items: list[object] = list(value) if isinstance(value, list | tuple) else [value]
    seen: dict[str, str] = {}
    for item in items:
        if not isinstance(item, str):
            continue
        for part in re.split(r"[,;]", item):
            skill = clean(part)
            if skill and skill.lower() not in seen:
                seen[skill.lower()] = skill
    return tuple(seen.values())
