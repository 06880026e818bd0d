"""Dates and durations as resumes write them, in Russian and English.

Ranges: "Январь 2019 — настоящее время", "янв. 2019 – мар. 2021", "01.2019 - 03.2021",
"Jan 2019 - Present", "2017 - 2019", "March 2020 – now", "с мая 2018 по июль 2020". Months are
counted inclusively, the way hh.ru does ("Jan 2019 – Mar 2021" is 2 years 3 months); a date
with only a year is taken as January of that year. Total experience is the union of the
ranges, so overlapping jobs are not counted twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

YearMonth = tuple[int, int]

_MONTH_NAMES = {
    1: r"январ[ьяюе]|янв|january|jan",
    2: r"феврал[ьяюе]|февр?|february|feb",
    3: r"март[аеу]?|мар|march|mar",
    4: r"апрел[ьяюе]|апр|april|apr",
    5: r"ма[йяюе]|may",
    6: r"июн[ьяюе]|июн|june|jun",
    7: r"июл[ьяюе]|июл|july|jul",
    8: r"август[аеу]?|авг|august|aug",
    9: r"сентябр[ьяюе]|сент?|september|sept?",
    10: r"октябр[ьяюе]|окт|october|oct",
    11: r"ноябр[ьяюе]|нояб?|november|nov",
    12: r"декабр[ьяюе]|дек|december|dec",
}
_MONTH = "|".join(f"(?:{pattern})" for pattern in _MONTH_NAMES.values())
_MONTH_RE = [(n, re.compile(f"^(?:{p})$", re.I)) for n, p in _MONTH_NAMES.items()]
_YEAR = r"(?:19[5-9]\d|20\d\d)"
_YEAR_WORD = r"(?:\s*(?:г\.|гг\.|года?|год|y\.))?"
_POINT = (
    rf"(?:(?<![^\W\d_])(?:{_MONTH})\.?,?\s*{_YEAR}"
    rf"|(?<![\d.])(?:0?[1-9]|1[0-2])[./]{_YEAR}"
    rf"|{_YEAR}[./-](?:0[1-9]|1[0-2])(?![\d])"
    rf"|(?<![\d./]){_YEAR}(?!\d|[./-](?:0[1-9]|1[0-2])(?!\d)))"
)
_PRESENT = (
    r"(?:по\s+)?(?:настоящ\w*(?:\s+врем\w*)?|наст\.\s*вр(?:емя|\.)?|н\.\s*в\.?|сейчас|"
    r"текущ\w*(?:\s+(?:момент|время))?|по\s+сей\s+день|сегодня|present|now|current(?:ly)?|"
    r"today|till\s+now|to\s+date|ongoing)"
)
_DASH = r"(?:\s*[-–—−－]+\s*|\s*\.\.\.\s*|\s*…\s*|\s+(?:to|по|до|until|till|through|thru)\s+)"
RANGE = re.compile(
    rf"(?:\b(?:с|since|from)\s+)?(?P<start>{_POINT}){_YEAR_WORD}{_DASH}"
    rf"(?P<end>(?P<present>{_PRESENT})|{_POINT}){_YEAR_WORD}(?![^\W_])",
    re.I,
)
POINT = re.compile(_POINT, re.I)
_CONNECTOR = r"(?:[-–—−－]+|to|по|до|until|till|through|thru)"
_ENDS_WITH_POINT = re.compile(rf"{_POINT}{_YEAR_WORD}\s*$", re.I)
_ENDS_WITH_CONNECTOR = re.compile(rf"{_POINT}{_YEAR_WORD}\s*{_CONNECTOR}\s*$", re.I)
_CONNECTOR_ONLY = re.compile(rf"^\s*{_CONNECTOR}\s*$", re.I)
_STARTS_WITH_CONNECTOR = re.compile(rf"^\s*{_CONNECTOR}(?:\s|$)", re.I)
_PRESENT_ONLY = re.compile(rf"^\s*{_PRESENT}\s*[.,;)]?\s*$", re.I)
YEAR = re.compile(rf"(?<!\d){_YEAR}(?!\d)")
_DURATION = re.compile(
    r"(?:(?P<y>\d{1,2})(?:[.,](?P<yf>\d))?\s*\+?\s*(?:год\w*|лет|years?|yrs?)\b)?"
    r"(?:\s*(?:и\s+|and\s+|,\s*)?(?P<m>\d{1,2})\s*(?:месяц\w*|мес\b\.?|months?|mos?\b))?",
    re.I,
)


@dataclass(frozen=True)
class DateRange:
    """One span of time; `end` is None for "till now" (then `current` is True)."""

    start: YearMonth
    end: YearMonth | None
    current: bool
    span: tuple[int, int]  # where the range was found in its line

    def bounded(self, today: date) -> tuple[YearMonth, YearMonth] | None:
        """(start, end) with "now" read as `today` and a future end cut to it; None if absurd."""
        now = (today.year, today.month)
        end = min(self.end or now, now)
        if self.start > now or end < self.start:
            return None
        return self.start, end


def parse_point(text: str) -> YearMonth | None:
    """'янв. 2019' / '01.2019' / '2019-01' / 'March 2020' / '2019' → (year, month)."""
    text = text.strip().rstrip(".")
    year_match = YEAR.search(text)
    if year_match is None:
        return None
    year = int(year_match.group())
    rest = (text[: year_match.start()] + " " + text[year_match.end() :]).strip(" ,./-")
    if not rest:
        return year, 1
    if rest.isdigit():
        month = int(rest)
        return (year, month) if 1 <= month <= 12 else None
    word = rest.rstrip(".").strip()
    for number, pattern in _MONTH_RE:
        if pattern.match(word):
            return year, number
    return None


def find_range(text: str) -> DateRange | None:
    """The first date range in `text`, or None."""
    if not YEAR.search(text):  # cheap test first: most lines have no year at all
        return None
    for match in RANGE.finditer(text):
        start = parse_point(match.group("start"))
        current = match.group("present") is not None
        end = None if current else parse_point(match.group("end"))
        if start is None or (end is None and not current):
            continue
        if end is not None and end < start:
            continue
        return DateRange(start, end, current, match.span())
    return None


def _joined(last: str, line: str) -> str | None:
    """`last` and `line` as one line when together they finish a range `last` began."""
    head, tail = last.rstrip(), line.strip()
    if _CONNECTOR_ONLY.match(tail) and _ENDS_WITH_POINT.search(head):
        return f"{head} {tail}"  # "April 2015" + "to": the end is on a later line
    if _ENDS_WITH_CONNECTOR.search(head) or _STARTS_WITH_CONNECTOR.match(tail):
        candidate = f"{head} {tail}"
    elif _PRESENT_ONLY.match(tail):
        candidate = f"{head} – {tail}"  # "Январь 2019" + "настоящее время"
    else:
        return None
    found = find_range(candidate)
    return candidate if found is not None and found.span[0] < len(head) < found.span[1] else None


def join_split_ranges(lines: list[str]) -> list[str]:
    """Lines with date ranges broken over lines glued back into one line each.

    PDFs break ranges wherever the layout wraps: "Май 2021 —" / "настоящее время" (hh.ru),
    "April 2015" / "to" / "Current" (livecareer), "Январь 2019" / "по н.в.". Blank lines
    between the pieces are dropped; lines that do not finish a range are left as they are.
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        last = out[-1] if out else ""
        if YEAR.search(last) and (
            _ENDS_WITH_POINT.search(last) or _ENDS_WITH_CONNECTOR.search(last)
        ):
            j = i
            while j < len(lines) - 1 and not lines[j].strip():
                j += 1
            joined = _joined(last, lines[j]) if find_range(last) is None else None
            if joined is not None:
                out[-1] = joined
                i = j + 1
                continue
        out.append(lines[i])
        i += 1
    return out


def months_inclusive(start: YearMonth, end: YearMonth) -> int:
    """Months from start to end, both counted: Jan–Mar is 3."""
    return (end[0] - start[0]) * 12 + end[1] - start[1] + 1


def union_months(spans: list[tuple[YearMonth, YearMonth]]) -> int:
    """Months covered by any of the (start, end) spans, overlaps counted once."""
    indexed = sorted((s[0] * 12 + s[1] - 1, e[0] * 12 + e[1] - 1) for s, e in spans)
    total = 0
    current_start = current_end = None
    for start, end in indexed:
        if current_end is None or start > current_end + 1:
            if current_end is not None:
                total += current_end - current_start + 1
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += current_end - current_start + 1
    return total


def format_month(value: YearMonth) -> str:
    return f"{value[0]:04d}-{value[1]:02d}"


def parse_duration(text: str) -> int | None:
    """'6 лет 2 месяца' / '5 years 3 months' / '3,5 года' / '8 месяцев' → months, else None."""
    if not any(ch.isdigit() for ch in text):
        return None
    for match in _DURATION.finditer(text):
        if match.group("y") is None and match.group("m") is None:
            continue
        years = int(match.group("y") or 0)
        tenths = int(match.group("yf") or 0)
        return years * 12 + round(tenths * 1.2) + int(match.group("m") or 0)
    return None
