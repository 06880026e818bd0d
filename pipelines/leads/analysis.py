"""A lead's analysis: what the vacancy asks for, plus what a seller needs to answer it.

The requirements are the screening's own offline vacancy analysis (must / nice skills, years,
languages, place, remote), so a lead and a bench person compare exactly as a vacancy and a
resume do. On top, by rules in Russian and English: the seniority asked for, the goals and KPIs
(lines under "Задачи" / "Goals" headings and lines with measurable targets), the budget (a range
or one value with its currency and unit), the timeline (ASAP, a start date, a duration), the
contact (e-mails, Telegram, phones, the person's name) and the kind of engagement (full-time,
contract, outstaff, ...). Rules only: the product analyses and scores 50+ leads per second on a
core, and the same text always reads the same.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

import phonenumbers

from pipelines.models import VacancyRequirements
from pipelines.profiles.phones import country_hints
from pipelines.profiles.sections import VACANCY_HEADINGS, HeadingMatcher, split_sections
from pipelines.profiles.vacancy import analyze_vacancy_text

# Headings of goal sections; added last, so "задачи" and "responsibilities" move from the
# screening's "duties" to "goals" while the other vacancy headings still end a section.
_GOAL_HEADINGS = (
    "задачи", "ваши задачи", "твои задачи", "обязанности", "чем предстоит заниматься",
    "что предстоит делать", "цели", "цели и задачи", "ключевые задачи", "kpi", "kpis",
    "ожидаемые результаты", "результаты", "результат", "метрики", "goals", "objectives",
    "key results", "okr", "okrs", "responsibilities", "key responsibilities", "what you'll do",
    "what you will do", "your tasks", "deliverables", "success metrics", "metrics",
    "what success looks like", "expected results",
)  # fmt: skip
_HEADINGS = HeadingMatcher({**VACANCY_HEADINGS, "goals": _GOAL_HEADINGS})
_KPI_WORD = re.compile(
    r"\bkpis?\b|\bokrs?\b|\bmetrics?\b|\bsla\b|\btarget\b|\bgoals?\b|конверси\w*|метрик\w*|"
    r"показател\w*|\bцел[ьи]\b|результат\w*",
    re.I,
)
_MEASURE = re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|x\b|раз\w*|ms\b|мс\b|rps\b|k\b|тыс)", re.I)
_GOAL_VERB = re.compile(
    r"increase|reduce|grow|cut|improve|achieve|reach|launch|deliver|migrate|scale|"
    r"увелич\w*|сократ\w*|сниз\w*|повыс\w*|достич\w*|довести|запуст\w*|вырас\w*|перевести",
    re.I,
)
# A lead's vector (`embedding_text`): its title and requirements, within these bounds.
EMBED_MIN_CHARS, EMBED_MAX_CHARS = 300, 600
_BULLET = re.compile(r"^(?:[\s\-–—*•·●▪]+|\s*\d{1,2}[.)]\s+)+")

_SENIORITY = (
    ("lead", r"team\s*lead|tech\s*lead|\blead\b|principal|head\s+of|architect|тимлид|техлид|"
             r"руководител\w*|архитектор\w*"),
    ("senior", r"\bsenior\b|\bsr\b\.?|сеньор\w*|синьор\w*|старш\w+|ведущ\w+"),
    ("middle", r"\bmiddle\b|\bmid\b|мидл\w*"),
    ("junior", r"\bjunior\b|\bjr\b\.?|джун\w*|младш\w+|\bintern\b|стаж[её]р\w*|trainee"),
)  # fmt: skip
_SENIORITY_RE = [(level, re.compile(p, re.I)) for level, p in _SENIORITY]

_DIGIT = re.compile(r"\d")
_NUM = r"\d{1,3}(?:[ \u00a0\u202f,.’']\d{3})+(?!\d)|\d+(?:[.,]\d{1,2})?"
_MULT = r"(?:[kкKК](?![\w])|тыс(?:яч\w*)?\.?|thousand|млн\.?|mln)"
_CUR_SYM = r"[$€£₽₴₸]"
_CUR_WORD = (
    r"(?:USD|EUR|RUB|RUR|GBP|UAH|KZT|PLN|BYN|CHF|руб(?:лей|ля|ль)?\.?|р\.(?!\w)|dollars?|"
    r"euros?|долл(?:аров|ара|\.)|евро|грн\.?|тенге)"
)
_MONEY = re.compile(
    rf"(?P<pre>\bот|\bfrom|\bдо|\bup\s+to|\bstarting\s+(?:at|from))?\s*"
    rf"(?P<c1>{_CUR_SYM}|{_CUR_WORD}(?=\s*\d))?\s*(?P<a>{_NUM})(?!\s*%)\s*(?P<ma>{_MULT})?\s*"
    rf"(?P<c2>{_CUR_SYM}|{_CUR_WORD})?"
    rf"(?:\s*(?:-|–|—|to|до|\.\.)\s*(?P<c3>{_CUR_SYM})?\s*(?P<b>{_NUM})(?!\s*%)\s*"
    rf"(?P<mb>{_MULT})?\s*(?P<c4>{_CUR_SYM}|{_CUR_WORD})?)?",
    re.I,
)
_BUDGET_LABEL = re.compile(
    r"salary|compensation|budget|\brate\b|\bpay\b|зарплат\w*|з/п|\bзп\b|оклад\w*|доход\w*|"
    r"бюджет\w*|ставк\w*|вознагражд\w*|оплат\w*|вилк\w*",
    re.I,
)
_CURRENCIES = {
    "$": "USD", "dollar": "USD", "долл": "USD", "€": "EUR", "euro": "EUR", "евро": "EUR",
    "£": "GBP", "₽": "RUB", "руб": "RUB", "р.": "RUB", "rur": "RUB", "₴": "UAH", "грн": "UAH",
    "₸": "KZT", "тенге": "KZT",
}  # fmt: skip
_UNITS = (
    ("hour", re.compile(r"/\s*h(?:our|r)?\b|per\s+hour|an\s+hour|hourly|в\s+час|/\s*час|"
                        r"за\s+час|почасов\w*", re.I)),
    ("year", re.compile(r"per\s+(?:year|annum)|a\s+year|annual\w*|yearly|/\s*y(?:ea)?r\b|"
                        r"в\s+год|годов\w*", re.I)),
    ("month", re.compile(r"/\s*mo(?:nth)?\b|per\s+month|a\s+month|monthly|в\s+месяц|"
                         r"/\s*мес|в\s+мес|ежемесячн\w*", re.I)),
)  # fmt: skip

_ASAP = re.compile(
    r"\basap\b|as\s+soon\s+as\s+possible|\bimmediate(?:ly)?\b|\burgent(?:ly)?\b|срочн\w*|"
    r"как\s+можно\s+скорее|в\s+ближайшее\s+время|немедленн\w*",
    re.I,
)
_RU_MONTHS = r"(?:январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*"
_START = re.compile(
    r"\bstart(?:s|ing)?(?:\s+date)?\s*(?:[:—–-]\s*|\s+(?:on|from|in|by)\s+)(?P<en>[^.,;\n]{3,40})|"
    r"(?:старт|начало\s+работ\w*|выход\s+на\s+работу|приступить)\s*(?:[:—–-]\s*|\s+(?:с|со|в)\s+)"
    r"(?P<ru>[^.,;\n]{3,40})|"
    rf"(?<![\w])с\s+(?P<date>\d{{1,2}}(?:-?го)?\s+{_RU_MONTHS}|"
    r"\d{1,2}\.(?:0?[1-9]|1[0-2])(?:\.\d{2,4})?)",
    re.I,
)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "twelve": 12}
_DURATION_EN = re.compile(
    r"(?P<n>\d{1,2}|one|two|three|four|six|twelve)[\s-]*\+?[\s-]*"
    r"(?P<u>months?|mos?|weeks?|years?)\b",
    re.I,
)
_DURATION_RU = re.compile(
    r"(?:\bна|(?:длительность|продолжительность|срок)\w*(?:\s+\w+)?\s*[:—–-]?)\s*"
    r"(?:(?P<n>\d{1,2})\s*(?P<u>месяц\w*|мес\b\.?|недел\w*|лет|года?)|(?P<w>полгода|год)\b)",
    re.I,
)
_DURATION_CONTEXT = re.compile(
    r"contract|project|engagement|assignment|duration|\bfor\b|term|контракт\w*|проект\w*|"
    r"договор\w*|длительност\w*|продолжительност\w*|срок\w*",
    re.I,
)
_NOT_DURATION = re.compile(r"probation|испытательн\w*|experience|опыт\w*|стаж\w*", re.I)
_LONG_TERM = re.compile(r"long[\s-]term|долгосрочн\w*", re.I)

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_TG_URL = re.compile(r"(?:https?://)?t(?:elegram)?\.me/@?([A-Za-z][A-Za-z0-9_]{3,31})\b", re.I)
_TG_HANDLE = re.compile(r"(?<![\w.@/])@([A-Za-z][A-Za-z0-9_]{3,31})(?![\w@]|\.[A-Za-z])")
_PLUS_NUMBER = re.compile(r"\+\s?\(?\d")
_PHONE_LABEL = re.compile(
    r"(?<!\w)(?:тел(?:\.|ефон\w*|\b)|phone|call|звон\w*|whatsapp|viber|моб\w*|mobile|tel\b)", re.I
)
_NAME = r"[A-ZА-ЯЁ][a-zа-яё]+(?:[ -][A-ZА-ЯЁ][a-zа-яё]+){0,2}"
_CONTACT_NAME = re.compile(
    r"(?i:contact(?:\s+person)?|recruiter|hiring\s+manager|\bhr\b|контакт(?:ное\s+лицо|ы)?|"
    r"рекрутер|hr-менеджер)\s*[:—–-]\s*(?P<a>" + _NAME + r")|"
    r"(?i:пишите|напишите|пиши|обращайтесь\s+к|write\s+to|reach\s+out\s+to|message)\s+"
    r"(?P<b>" + _NAME + r")"
)
_NOT_NAMES = frozenset(
    "telegram телеграм телеграмм email e-mail mail whatsapp viber skype linkedin нам мне us me "
    "the our your hr в личку директ".split()
)

_ENGAGEMENT = (
    ("full_time", r"full[\s-]?time|полн\w+\s+(?:занятост\w*|рабоч\w+\s+день|день)|фулл?[\s-]?тайм"),
    ("part_time", r"part[\s-]?time|частичн\w+\s+занятост\w*|неполн\w+\s+(?:занятост\w*|день)|"
                  r"парт[\s-]?тайм|(?<!\d)(?:[1-9]|[12]\d|30)\s*(?:h|hours|часов)\s*(?:/|per|в)\s*"
                  r"(?:week|неделю)"),
    ("contract", r"(?<!smart\s)(?<!smart-)\bcontract(?:or)?\b|\bb2b\b|(?<!смарт-)(?<!смарт\s)"
                 r"контракт\w*|\bгпх\b|самозанят\w*"),
    ("freelance", r"free[\s-]?lanc\w*|фриланс\w*"),
    ("outstaff", r"out[\s-]?staff\w*|аутстаф\w*|staff\s+augmentation"),
    ("outsource", r"out[\s-]?sourc\w*|аутсорс\w*"),
    ("project", r"project[\s-]based|per\s+project|one[\s-]time\s+project|проектн\w+\s+"
                r"(?:работ\w*|занятост\w*|основ\w*)|разов\w+\s+проект\w*"),
)  # fmt: skip
_ENGAGEMENT_RE = [(kind, re.compile(p, re.I)) for kind, p in _ENGAGEMENT]


@dataclass(frozen=True)
class Budget:
    """What the client pays: `min`/`max` (one may be None: "от 300 000", "up to $6k") in
    `currency` (ISO code, None when the text names none) per `unit` ('hour', 'month', 'year';
    `unit_stated` False when guessed from the amount: under 300 an hour, else a month)."""

    min: float | None
    max: float | None
    currency: str | None
    unit: str
    unit_stated: bool
    text: str


@dataclass(frozen=True)
class Timeline:
    """When and for how long: ASAP, a start as written, a duration as written and in months."""

    asap: bool = False
    start: str | None = None
    duration: str | None = None
    duration_months: float | None = None


@dataclass(frozen=True)
class Contact:
    """Who to answer: e-mails, Telegram usernames (without '@'), phones (E.164), a name."""

    name: str | None = None
    emails: tuple[str, ...] = ()
    telegram: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()


@dataclass(frozen=True)
class LeadAnalysis:
    """Everything read from one lead's text; `to_json` is what `leads.analysis` stores."""

    title: str
    company: str | None
    language: str
    requirements: VacancyRequirements
    seniority: tuple[str, ...]
    kpis: tuple[str, ...]
    budget: Budget | None
    timeline: Timeline
    contact: Contact
    engagement: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the requirements as the screening stores them)."""
        data = asdict(self)
        data["requirements"] = self.requirements.model_dump(mode="json")
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LeadAnalysis:
        """The analysis back from `to_json`'s dict (a stored lead's `analysis`)."""
        budget = data.get("budget")
        contact = data.get("contact") or {}
        return cls(
            title=data.get("title", ""),
            company=data.get("company"),
            language=data.get("language", "en"),
            requirements=VacancyRequirements.model_validate(data["requirements"]),
            seniority=tuple(data.get("seniority") or ()),
            kpis=tuple(data.get("kpis") or ()),
            budget=Budget(**budget) if budget else None,
            timeline=Timeline(**(data.get("timeline") or {})),
            contact=Contact(
                **{k: tuple(v) if isinstance(v, list) else v for k, v in contact.items()}
            ),  # fmt: skip
            engagement=tuple(data.get("engagement") or ()),
        )


_CONTACT_BITS = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+|(?<![\w.])@\w{4,}|t\.me/\S+", re.I
)


def requirement_text(description: str, company: str | None) -> str:
    """The text the requirements are read from: without e-mail addresses, links, @handles and
    the hiring company's own name, which are no skills ("hr@…" is not HR, "Globex Logistics
    is rebuilding…" does not ask for logistics)."""
    text = _CONTACT_BITS.sub(" ", description)
    name = (company or "").strip()
    if len(name) >= 3:
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", text, flags=re.I)
    return text


def analyse_lead(title: str, description: str, *, company: str | None = None) -> LeadAnalysis:
    """The analysis of one vacancy (its title and its text, as the board shows them)."""
    requirements = analyze_vacancy_text(title, requirement_text(description, company),
                                        engine="offline")  # fmt: skip
    full = f"{title}\n{description}"
    return LeadAnalysis(
        title=requirements.title,
        company=company.strip() if company and company.strip() else None,
        language=requirements.language,
        requirements=requirements,
        seniority=find_seniority(title, description, requirements.min_years),
        kpis=find_kpis(description),
        budget=find_budget(full),
        timeline=find_timeline(full),
        contact=find_contact(description, requirements.language),
        engagement=find_engagement(full),
    )


def embedding_text(analysis: LeadAnalysis, description: str) -> str:
    """What of a lead is embedded: its title and its requirements as the analysis read them
    (what a bench person is matched on), topped up with the description's opening to
    EMBED_MIN_CHARS when they say little, at most EMBED_MAX_CHARS.

    Not the whole text: the sentence encoder costs ~50 µs a token on a core, ~25 ms for a
    2,000-character vacancy against ~5 ms for this, and on the real-resume benchmark the bench
    ranked the same with either (company blurbs, benefits and how to apply only blur it)."""
    lines = [analysis.title, *(r.text for r in analysis.requirements.requirements)]
    text = "\n".join(line for line in lines if line.strip())
    if len(text) < EMBED_MIN_CHARS:
        text = f"{text}\n{description.strip()}"[:EMBED_MIN_CHARS]
    return text[:EMBED_MAX_CHARS]


def find_seniority(title: str, text: str = "", min_years: float | None = None) -> tuple[str, ...]:
    """Levels asked for, lowest first: from the title, else the text's opening, else the years
    (under 2 junior, under 5 middle, else senior); () when nothing says."""
    # In the text's opening "lead" is as often the verb ("you will lead the team").
    for source, levels in ((title, _SENIORITY_RE), (text[:300], _SENIORITY_RE[1:])):
        found = [level for level, pattern in reversed(levels) if pattern.search(source)]
        if found:
            return tuple(found)
    if min_years is None or min_years <= 0:
        return ()
    return ("junior",) if min_years < 2 else ("middle",) if min_years < 5 else ("senior",)


def find_kpis(text: str, limit: int = 10) -> tuple[str, ...]:
    """Goals and KPIs: every line of a goals section, and elsewhere lines that name a metric
    or set a measurable target ("reduce p95 latency by 30%", "увеличить конверсию на 15%")."""
    out: dict[str, None] = {}
    for section in split_sections(text, _HEADINGS):
        for line in ([section.inline] if section.inline else []) + section.lines:
            clean = _BULLET.sub("", line).strip()
            if len(clean) < 4 or section.key == "offer":
                continue
            measurable = bool(_MEASURE.search(clean)) and bool(_GOAL_VERB.search(clean))
            if section.key == "goals" or _KPI_WORD.search(clean) or measurable:
                out.setdefault(clean[:200], None)
    return tuple(out)[:limit]


def _amount(number: str | None, mult: str | None) -> float | None:
    if not number:
        return None
    digits = re.sub(r"[ \u00a0\u202f’']", "", number)
    if re.fullmatch(r"\d{1,3}(?:[,.]\d{3})+", digits):
        digits = re.sub(r"[,.]", "", digits)
    value = float(digits.replace(",", "."))
    m = (mult or "").lower()
    if m.startswith("млн") or m == "mln":
        value *= 1_000_000
    elif m:
        value *= 1_000
    return value


def _currency(*marks: str | None) -> str | None:
    for mark in marks:
        if not mark:
            continue
        key = mark.lower().rstrip(".")
        if re.fullmatch(r"[a-z]{3}", key) and key not in ("rur",):
            return key.upper()
        for prefix, code in _CURRENCIES.items():
            if key.startswith(prefix.rstrip(".")) or key == prefix:
                return code
    return None


def find_budget(text: str) -> Budget | None:
    """The first amount of money on a salary/budget line, else the first one with a currency;
    None when the text names no amount."""
    best: tuple[int, Budget] | None = None
    for line in text.splitlines():
        if not _DIGIT.search(line):
            continue  # every amount has a digit; most lines have none, and _MONEY is slow
        labelled = bool(_BUDGET_LABEL.search(line))
        for m in _MONEY.finditer(line):
            currency = _currency(m["c1"], m["c2"], m["c3"], m["c4"])
            a = _amount(m["a"], m["ma"] or (m["mb"] if m["b"] else None))
            b = _amount(m["b"], m["mb"] or m["ma"])
            if m["b"] and m["mb"] and not m["ma"] and a is not None and b is not None and a > b:
                a = _amount(m["a"], None)  # "3 500 - 5k" keeps its own 3 500
            if a is None or (currency is None and (not labelled or a < 100)) or a <= 0:
                continue
            pre = " ".join((m["pre"] or "").lower().split())
            if b is not None:
                low, high = a, b
            elif pre in ("до", "up to"):
                low, high = None, a
            else:
                low, high = (a, None) if pre else (a, a)
            budget = Budget(low, high, currency, *_unit(line, m.end(), high or low or 0.0),
                            text=m.group().strip())  # fmt: skip
            rank = 0 if labelled else 1
            if best is None or rank < best[0]:
                best = (rank, budget)
            break
        if best is not None and best[0] == 0:
            break
    return best[1] if best else None


def _unit(line: str, end: int, value: float) -> tuple[str, bool]:
    for window in (line[end : end + 30], line):
        for unit, pattern in _UNITS:
            if pattern.search(window):
                return unit, True
    return ("hour" if value < 300 else "month"), False


def find_timeline(text: str) -> Timeline:
    """ASAP, the start and the duration as the vacancy states them."""
    asap = bool(_ASAP.search(text))
    start = None
    if m := _START.search(text):
        start = (m["en"] or m["ru"] or m["date"] or "").strip() or None
        if start and _ASAP.fullmatch(start.strip()):
            start = None
    duration, months = None, None
    for line in text.splitlines():
        if _NOT_DURATION.search(line):
            continue
        if (m := _DURATION_RU.search(line)) is not None:
            months = _months(m["n"] or m["w"], m["u"] or m["w"])
            duration = m.group().strip()
            break
        m = _DURATION_EN.search(line)
        if m is not None and _DURATION_CONTEXT.search(line):
            n = _NUMBER_WORDS.get(m["n"].lower()) or int(m["n"])
            months = _months(str(n), m["u"])
            duration = m.group().strip()
            break
    if duration is None and (long := _LONG_TERM.search(text)):
        duration = long.group()
    return Timeline(asap=asap, start=start, duration=duration, duration_months=months)


def _months(n: str, unit: str) -> float:
    u = unit.lower()
    if u == "полгода":
        return 6.0
    if u == "год":
        return 12.0
    count = float(n)
    if u.startswith(("week", "недел")):
        return round(count / 4.345, 1)
    if u.startswith(("year", "лет", "год")):
        return count * 12
    return count


def find_contact(text: str, language: str = "en") -> Contact:
    """E-mails, Telegram usernames, phones (with a country code or on a phone line), and the
    name after "Contact:" / "Контакт:" / "пишите …"."""
    at = "@" in text  # e-mails and handles have one: most texts need neither pattern
    emails = tuple(dict.fromkeys(e.rstrip(".") for e in _EMAIL.findall(text))) if at else ()
    handles = _TG_HANDLE.findall(text) if at else []
    telegram = tuple(dict.fromkeys([*_TG_URL.findall(text), *handles]))
    phones: dict[str, None] = {}
    # The matcher is slow on a whole vacancy: only lines with a "+" number or a phone label.
    lines = [ln for ln in text.splitlines() if _PLUS_NUMBER.search(ln) or _PHONE_LABEL.search(ln)]
    if lines:
        hints = country_hints(text) if language != "ru" else ["RU"]
        region = hints[0] if hints else "US"
        for line in lines:
            leniency = phonenumbers.Leniency.VALID
            for match in phonenumbers.PhoneNumberMatcher(line, region, leniency=leniency):
                if match.raw_string.startswith("+") or _PHONE_LABEL.search(line[: match.start]):
                    e164 = phonenumbers.PhoneNumberFormat.E164
                    phones.setdefault(phonenumbers.format_number(match.number, e164), None)
    name = None
    for m in _CONTACT_NAME.finditer(text):
        candidate = (m["a"] or m["b"] or "").strip()
        if candidate and candidate.split()[0].lower() not in _NOT_NAMES:
            name = candidate
            break
    return Contact(name=name, emails=emails, telegram=telegram, phones=tuple(phones))


def find_engagement(text: str) -> tuple[str, ...]:
    """Kinds of engagement named: full_time, part_time, contract, freelance, outstaff,
    outsource, project."""
    return tuple(kind for kind, pattern in _ENGAGEMENT_RE if pattern.search(text))
