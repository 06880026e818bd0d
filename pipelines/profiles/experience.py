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
from pipelines.profiles.places import cut_places, is_place

_BULLET = re.compile(r"^\s*(?:[-–—*•·●▪►✓]|\d+[.)])\s+")
_SPLIT = re.compile(r"\s+[—–|－｜]\s+|\s+-\s+|\s+@\s+|\s+(?:at|в компании)\s+|\s*[|｜]\s*", re.I)
_TITLE_FIRST = re.compile(r"\s+(?:at|@|в компании)\s+", re.I)
_COMPANY_MARK = re.compile(
    r"(?<![^\W\d_])(?:ООО|ОАО|ЗАО|ПАО|АО|ИП|НКО|ГК|ФГУП|МУП|LLC|Inc|Ltd|LLP|GmbH|Corp|"
    r"Corporation|Company|Co|Group|Bank|Банк|Holding|Холдинг|Technologies|Solutions|Systems|"
    r"Labs?|Studio|Студия|Агентство|Agency|Компания|Группа|S\.A|B\.V|AG|PLC)(?![^\W\d_])|[«»\"“”]",
)
# Anonymised resumes (livecareer, HeadHunter exports) write this for every employer.
# Anonymised resumes (livecareer, HeadHunter exports) write this for every employer, often
# followed by the anonymised town ("Company Name City Project Accountant").
_ANONYMISED = re.compile(r"(?<![^\W\d_])Company Name(?:\s+City(?![^\W\d_]))?")
_GRADE = re.compile(r"(?:\s+(?:[IVX]{1,4}|\d{1,2}|[A-Z]{1,2}-\d{1,2}))+\b")
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
    pieces = [p.strip(" ,;:()-–—－\t") for p in _SPLIT.split(cut_places(line))]
    pieces = [p for p in pieces if p and not is_place(p)]
    if len(pieces) == 1 and "," in pieces[0]:
        head, tail = (p.strip() for p in pieces[0].split(",", 1))
        if bool(TITLE_WORDS.search(head)) != bool(TITLE_WORDS.search(tail)):
            pieces = [p for p in (head, tail) if not is_place(p)]
    return [part for piece in pieces for part in _title_then_company(piece)], title_first


def _title_then_company(piece: str) -> list[str]:
    """ "Sales Associate Acme Stores Inc" → ["Sales Associate", "Acme Stores Inc"]: a piece
    holding a company mark after a job word is cut after the last job word before the mark
    (and its grade: "Technician III"); "Acme Inc Director of Sales" is cut before the first
    job word after the mark. Anything else stays whole."""
    placeholder = _ANONYMISED.search(piece)
    if placeholder is not None and piece != "Company Name":
        head, tail = piece[: placeholder.start()], piece[placeholder.end() :]
        parts = [head.strip(" ,;:-–—/"), "Company Name", tail.strip(" ,;:-–—/")]
        return [p for p in parts if p]
    mark = _COMPANY_MARK.search(piece)
    if mark is None or _COMPANY_MARK.fullmatch(piece):
        return [piece]
    jobs = list(TITLE_WORDS.finditer(piece))
    before = [m for m in jobs if m.end() <= mark.start()]
    if before:
        grade = _GRADE.match(piece, before[-1].end())
        cut = grade.end() if grade else before[-1].end()
    else:
        # ...but not inside the company's own description: "ПАО «Телеком» (оператор связи)"
        after = [m for m in jobs if m.start() >= mark.end() and "(" not in piece[: m.start()]]
        if not after:
            return [piece]
        cut = after[0].start()
    head, tail = piece[:cut].strip(" ,;:-–—"), piece[cut:].strip(" ,;:-–—")
    return [p for p in (head, tail) if p]


def _company_and_title(lines: list[str], title_first: bool) -> tuple[str | None, str | None]:
    pieces: list[str] = []
    for line in lines:
        found, first = _parts(line)
        pieces += found
        title_first = title_first or first
    # The anonymised employer is the company for sure; else a piece with a company mark and
    # no job word ("Acme Systems", not "Network Systems QA Tester").
    company = next((p for p in pieces if p == "Company Name"), None) or next(
        (p for p in pieces if _COMPANY_MARK.search(p) and not TITLE_WORDS.search(p)), None
    )
    named = [p for p in pieces if p != company and TITLE_WORDS.search(p)]
    title = next((p for p in named if not _COMPANY_MARK.search(p)), named[0] if named else None)
    if company is None:
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
    rest = line[: found.span[0]] + " | " + line[found.span[1] :]
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
        lower = anchors[k - 1][0] + 1 if k else 0
        upper = anchors[k + 1][0] if k + 1 < len(anchors) else len(lines)
        above, below = _lines_above(lines[lower:i]), _lines_below(lines[i + 1 : upper])
        near, far = (above, below) if dates_last else (below, above)
        # The date line's own text first ("Engineer 2019 - 2021 Acme"), then the lines on the
        # side this section's first job put them, then the other side ("Production
        # Supervisor / January 1988 to 1992 Acme Corp" after jobs whose title came below).
        tries = [(header, dates_last)] if header else []
        tries += [(_joined(header, near, dates_last), dates_last)]
        tries += [(_joined(header, far, not dates_last), not dates_last)]
        company = title = None
        for candidate, title_first in tries:
            found_company, found_title = _company_and_title(candidate, title_first=title_first)
            company = company or found_company
            if found_title is not None and TITLE_WORDS.search(found_title):
                title = found_title
                break
            title = title or found_title
        if company == title:
            company = None
        jobs.append(_job(company, title, found, today))
    return jobs


def _joined(inline: list[str], side: list[str], side_first: bool) -> list[str]:
    return side + inline if side_first else inline + side


def _lines_above(lines: list[str]) -> list[str]:
    """Up to two header lines right above a date line (title, company), nearest last."""
    above: list[str] = []
    for line in reversed(lines):
        if len(above) == 2 or not _is_header_line(line):
            break
        above.insert(0, line.strip())
        if len(_parts(line)[0]) > 1:  # "Company — Title" says it all
            break
    return above


def _lines_below(lines: list[str]) -> list[str]:
    """Up to three header lines right below a date line, durations ("2 years") skipped."""
    below: list[str] = []
    for line in lines:
        if not line.strip() or parse_duration(line) is not None and len(line) < 30:
            continue
        if not _is_header_line(line) or len(below) == 3:
            break
        below.append(line.strip())
        if len(below) == 1 and len(_parts(line)[0]) > 1:
            break
    return below


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
        if not part[0].isupper() or is_place(part) or TITLE_WORDS.search(part):
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
        and not is_place(piece)
    ]
    field = next((p for p in pieces if not _FACULTY.search(p)), pieces[0] if pieces else None)
    institution = ", ".join(school)
    return Education(
        institution=institution[:200] or None,
        degree=degree[:100] if degree else None,
        field=field[:200] if field else None,
        year=max(years) if years and 1950 <= max(years) <= 2100 else None,
    )
