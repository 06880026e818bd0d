"""Jobs and schooling from resume sections: each date range anchors one entry.

Two layouts are common: the date line comes first and company/title follow (hh.ru), or
title/company lines come first and the date follows (LinkedIn). The layout is decided per
section from what precedes its first date; "Company — Title" and "Title at Company" on one
line are split, and parts are told apart by title words ("разработчик", "engineer") and
company marks ("ООО", "LLC", quotes).
"""

from __future__ import annotations

import re
from datetime import date

from pipelines.models import Education, WorkExperience
from pipelines.profiles.dates import (
    YEAR,
    DateRange,
    find_range,
    format_month,
    join_split_ranges,
    months_inclusive,
    parse_duration,
    union_months,
)
from pipelines.profiles.occupations import TITLE_WORDS

_BULLET = re.compile(r"^\s*(?:[-–—*•·●▪►✓]|\d+[.)])\s+")
_SPLIT = re.compile(r"\s+[—–|]\s+|\s+-\s+|\s+@\s+|\s+(?:at|в компании)\s+|\s*\|\s*", re.I)
_TITLE_FIRST = re.compile(r"\s+(?:at|@|в компании)\s+", re.I)
_COMPANY_MARK = re.compile(
    r"(?<![^\W\d_])(?:ООО|ОАО|ЗАО|ПАО|АО|ИП|НКО|ГК|ФГУП|МУП|LLC|Inc|Ltd|LLP|GmbH|Corp|"
    r"Corporation|Company|Co|Group|Bank|Банк|Holding|Холдинг|Technologies|Solutions|Systems|"
    r"Labs?|Studio|Студия|Агентство|Agency|Компания|Группа|S\.A|B\.V|AG|PLC)(?![^\W\d_])|[«»\"“”]",
)
_PLACE = re.compile(
    r"^(?:г\.\s*)?(?:москва|санкт-петербург|спб|новосибирск|екатеринбург|казань|нижний новгород|"
    r"минск|алматы|ташкент|киев|remote|удал[её]нно|berlin|london|amsterdam|moscow|"
    r"saint petersburg|[\w .-]+,\s*(?:россия|russia|germany|usa|uk|united states))\b"
    r"|^(?:https?://|www\.)|\.(?:ru|com|org|net|io)\b",
    re.I,
)
_PAREN_DURATION = re.compile(
    r"\(\s*\d[^()]*\)|\b\d+\s*(?:год\w*|лет|years?|yrs?|месяц\w*|мес|months?)\b.*$", re.I
)
_SCHOOL = re.compile(
    r"университет|институт|академи|колледж|техникум|училищ|школ|лицей|гимнази|консерватори|"
    r"\b(?:МГУ|МФТИ|МГТУ|МИФИ|МИЭТ|МЭИ|МАИ|ВШЭ|НИУ|СПбГУ|ИТМО|УрФУ|НГУ|РЭУ|РАНХиГС|МГИМО|"
    r"КФУ|ТПУ|ЮФУ|ДВФУ|БГУ|БГУИР|ЛЭТИ)\b|university|institute|college|school|academy|"
    r"polytechnic|universit[äé]t|\bMIT\b",
    re.I,
)
_DEGREE = re.compile(
    r"бакалавр\w*|магистр\w*|специалист(?=\W*$|,)|аспирантур\w*|кандидат\w* \w+ наук|"
    r"доктор\w* \w+ наук|неоконченное высшее|среднее специальное|среднее профессиональное|"
    r"высшее|ph\.?\s?d\.?|mba|bachelor(?:'s)?(?: of [a-z]+(?: [a-z]+)?)?|"
    r"master(?:'s)?(?: of [a-z]+(?: [a-z]+)?)?|b\.?sc\.?|m\.?sc\.?|\bb\.?s\.?\b|\bm\.?s\.?\b|"
    r"\bb\.?a\.?\b|\bm\.?a\.?\b|specialist degree|associate degree|doctor of \w+",
    re.I,
)
_LEVEL = re.compile(
    r"высшее|неоконченное высшее|среднее специальное|среднее профессиональное", re.I
)
_FIELD_SPLIT = re.compile(r",|\s+[—–]\s+|\s+in\s+|\(|\)")
_FACULTY = re.compile(r"факультет|кафедр|институт|faculty|department|school of", re.I)
_EDU_WORDS = re.compile(
    r"университет|институт|academy|university|college|бакалавр|магистр|bachelor|master|курс|"
    r"course|школ|school|студент|student",
    re.I,
)


def _is_header_line(line: str) -> bool:
    text = line.strip()
    if not text or _BULLET.match(line) or len(text) > 100 or text[0].islower():
        return False
    if text.endswith(".") and not re.search(r"\b(?:Inc|Ltd|Co|Corp|LLC)\.$", text):
        return False
    return parse_duration(text) is None or find_range(text) is not None


def _parts(line: str) -> tuple[list[str], bool]:
    """Pieces of a header line, and whether the title is written first ("X at Y")."""
    title_first = bool(_TITLE_FIRST.search(line))
    pieces = [p.strip(" ,;:()-–—\t") for p in _SPLIT.split(line)]
    pieces = [p for p in pieces if p and not _PLACE.search(p)]
    if len(pieces) == 1 and "," in pieces[0]:
        head, tail = (p.strip() for p in pieces[0].split(",", 1))
        if bool(TITLE_WORDS.search(head)) != bool(TITLE_WORDS.search(tail)):
            pieces = [p for p in (head, tail) if not _PLACE.search(p)]
    return pieces, title_first


def _company_and_title(lines: list[str], title_first: bool) -> tuple[str | None, str | None]:
    pieces: list[str] = []
    for line in lines:
        found, first = _parts(line)
        pieces += found
        title_first = title_first or first
    title = next((p for p in pieces if TITLE_WORDS.search(p) and not _COMPANY_MARK.search(p)), None)
    company = next((p for p in pieces if p != title and _COMPANY_MARK.search(p)), None)
    rest = [p for p in pieces if p not in (title, company)]
    order = ["title", "company"] if title_first else ["company", "title"]
    for slot in order:
        if not rest:
            break
        if slot == "title" and title is None:
            title = rest.pop(0)
        elif slot == "company" and company is None:
            company = rest.pop(0)
    return company, title


def _strip_range(line: str, found: DateRange) -> str:
    rest = line[: found.span[0]] + " " + line[found.span[1] :]
    rest = _PAREN_DURATION.sub("", rest)
    return rest.strip(" ,;:()-–—|\t")


def parse_jobs(
    lines: list[str], today: date, *, skip_schooling: bool = False
) -> list[WorkExperience]:
    """One `WorkExperience` per date range in the lines of an experience section."""
    lines = join_split_ranges(lines)
    anchors = [(i, r) for i, line in enumerate(lines) if (r := find_range(line)) is not None]
    if skip_schooling:
        anchors = [(i, r) for i, r in anchors if not _EDU_WORDS.search(lines[i])]
    if not anchors:
        return []
    first = anchors[0][0]
    dates_last = any(_is_header_line(line) and not find_range(line) for line in lines[:first])
    jobs: list[WorkExperience] = []
    for k, (i, found) in enumerate(anchors):
        inline = _strip_range(lines[i], found)
        header = [inline] if inline else []
        if dates_last:
            lower = anchors[k - 1][0] + 1 if k else 0
            above: list[str] = []
            for line in reversed(lines[lower:i]):
                if header or len(above) == 2 or not _is_header_line(line):
                    break
                above.insert(0, line.strip())
                if len(_parts(line)[0]) > 1:  # "Company — Title" says it all
                    break
            header = above + header
        else:
            upper = anchors[k + 1][0] if k + 1 < len(anchors) else len(lines)
            for line in lines[i + 1 : upper]:
                if not line.strip() or parse_duration(line) is not None and len(line) < 30:
                    continue
                if not _is_header_line(line) or len(header) == 3:
                    break
                header.append(line.strip())
                if len(header) == 1 and len(_parts(line)[0]) > 1:
                    break
        company, title = _company_and_title(header, title_first=dates_last)
        jobs.append(_job(company, title, found, today))
    return jobs


def _job(company: str | None, title: str | None, found: DateRange, today: date) -> WorkExperience:
    bounded = found.bounded(today)
    months = months_inclusive(*bounded) if bounded else None
    return WorkExperience(
        company=company[:200] if company else None,
        title=title[:200] if title else None,
        start=format_month(found.start),
        end=format_month(found.end) if found.end else None,
        current=found.current,
        months=months,
    )


def total_years(jobs: list[WorkExperience], today: date) -> float | None:
    """Years covered by the jobs' dates, overlaps once; None when no job has dates."""
    spans = []
    for job in jobs:
        if job.start is None or (job.end is None and not job.current):
            continue
        start = (int(job.start[:4]), int(job.start[5:]))
        end = (int(job.end[:4]), int(job.end[5:])) if job.end else None
        bounded = DateRange(start, end, job.current, (0, 0)).bounded(today)
        if bounded:
            spans.append(bounded)
    return round(union_months(spans) / 12, 1) if spans else None


def parse_schooling(lines: list[str]) -> list[Education]:
    """Education entries: one per institution line, with degree, field and graduation year.

    Year lines belong to the institution after them when the section starts with a year
    (hh.ru), else to the one before them (LinkedIn).
    """
    items = [s for line in lines if (s := line.strip(" \t•-–—*"))]
    starts = [i for i, line in enumerate(items) if _SCHOOL.search(line)]
    if not starts:
        return []
    years_first = any(_year_only(line) for line in items[: starts[0]])
    entries: list[Education] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(items)
        block = items[start:end]
        if years_first:
            while n + 1 < len(starts) and block and _year_only(block[-1]):
                block.pop()  # the next institution's year
            lead = 0 if n == 0 else start
            while lead > 0 and n > 0 and _year_only(items[lead - 1]):
                lead -= 1
            block = items[lead:start] + block
        elif n == 0:
            block = items[:start] + block
        entries.append(_education(block))
    return entries


def _year_only(line: str) -> bool:
    return bool(YEAR.search(line)) and not re.sub(r"[\d\s\-–—.,/гг]", "", line)


def _education(block: list[str]) -> Education:
    line = next(line for line in block if _SCHOOL.search(line))
    years = [int(y) for text in block for y in YEAR.findall(text)]
    degrees = [m.group().strip() for text in block for m in _DEGREE.finditer(text)]
    specific = [d for d in degrees if not _LEVEL.fullmatch(d)]
    degree = (specific or degrees or [None])[0]
    # "МГУ им. Ломоносова, экономист" / "University of California, Berkeley": the school is
    # its own part plus capitalised parts that are not a city, a title or a degree.
    parts = [p for raw in YEAR.sub("", line).split(",") if (p := raw.strip(" .-–—()"))]
    first = next((i for i, p in enumerate(parts) if _SCHOOL.search(p)), 0)
    school = [parts[first]]
    for part in parts[first + 1 :]:
        if not part[0].isupper() or _PLACE.search(part) or TITLE_WORDS.search(part):
            break
        if _DEGREE.search(part) or _SCHOOL.search(part):
            break
        school.append(part)
    leftover = parts[first + len(school) :]
    others = [text for text in block if text != line and not _year_only(text)]
    pieces = [
        piece
        for raw in leftover + [p for text in others for p in _FIELD_SPLIT.split(text)]
        if (piece := YEAR.sub("", raw).strip(" ,.-–—"))
        and not _DEGREE.fullmatch(piece)
        and not _SCHOOL.search(piece)
        and not _PLACE.search(piece)
    ]
    field = next((p for p in pieces if not _FACULTY.search(p)), pieces[0] if pieces else None)
    institution = ", ".join(school)
    return Education(
        institution=institution[:200] or None,
        degree=degree[:100] if degree else None,
        field=field[:200] if field else None,
        year=max(years) if years and 1950 <= max(years) <= 2100 else None,
    )
