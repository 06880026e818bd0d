"""The offline response writer: Russian and English templates, one family per variant style.

- 'direct' opens with the matching bench person (first name, headline, years, matching skills,
  when they can start), then why they fit, the pitch, the questions, the booking link;
- 'consultative' opens with the client's goal (the vacancy's KPIs), asks the questions first
  and only then introduces the person.

A variant's instructions pick the family (`style_of`). Every optional part is built only from
data that is there and disappears whole when it is not: no empty slot, no dangling comma, no
blank paragraph. Sentences avoid grammatical gender and the declension of names (the person is
always named in the nominative), so any first name fits in Russian.

The booking link is the profile's plain `booking_url`, or `BOOKING_PLACEHOLDER` when the
workspace books through Calendly: the sender creates a personal scheduling link at send time
and calls `fill_booking_link`, which puts it in, or removes the line when there is none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from pipelines.interviewer.texts import ru_plural
from pipelines.models import Lang

Style = Literal["direct", "consultative"]
STYLES: tuple[Style, ...] = ("direct", "consultative")
BOOKING_PLACEHOLDER = "{booking_link}"
MAX_KPIS, MAX_KPI_CHARS, MAX_SKILLS, MAX_MISSING, MAX_QUESTIONS = 2, 140, 4, 2, 3
_STYLE_LINE = re.compile(r"^\s*style\s*:\s*(direct|consultative)\b", re.I | re.M)
_SPACES = re.compile(r"[ \t]+")
_RU_MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
    "октября", "ноября", "декабря",
)  # fmt: skip
_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class Person:
    """The bench person a response proposes, as the client is told about them."""

    first_name: str
    headline: str = ""
    matched: tuple[str, ...] = ()
    years: int | None = None
    available_from: date | None = None  # None or a past date: can start right away


@dataclass(frozen=True)
class ResponseContext:
    """Everything a response may say, already picked and cleaned (pipelines.leads.response)."""

    language: Lang
    style: Style
    title: str = ""
    company: str = ""
    contact_name: str = ""
    person: Person | None = None
    kpis: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()  # what the vacancy asks and the person lacks
    budget_known: bool = False
    timeline_known: bool = False
    reasons: tuple[str, ...] = ()  # why it fits, safe to tell the client (`fit_lines`)
    pitch: str = ""
    sender_name: str = ""
    booking: str = ""  # a URL, BOOKING_PLACEHOLDER, or "" for none
    today: date = field(default_factory=date.today)


@dataclass(frozen=True)
class Drafted:
    """A written response: the e-mail subject and the body."""

    subject: str
    body: str


def style_of(instructions: str) -> Style:
    """The template family of a variant: its `style: direct|consultative` line, else
    'consultative' when the instructions say so anywhere, else 'direct'."""
    if match := _STYLE_LINE.search(instructions):
        return "consultative" if match.group(1).lower() == "consultative" else "direct"
    return "consultative" if "consultative" in instructions.lower() else "direct"


def _items(items: tuple[str, ...], language: Lang) -> str:
    """Items as a phrase: "a, b and c" / "a, b и c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {'and' if language == 'en' else 'и'} {items[-1]}"


def _years(n: int, language: Lang) -> str:
    if language == "en":
        return f"{n} year{'s' if n != 1 else ''} of experience"
    return f"{n} {ru_plural(n, 'год', 'года', 'лет')} опыта"


def _start(person: Person, today: date, language: Lang) -> str:
    """When the person can start: "Available to start right away." and the like."""
    day = person.available_from
    if day is None or day <= today:
        return "Available to start right away." if language == "en" else "Может приступить сразу."
    if language == "en":
        return f"Available to start on {day.day} {_EN_MONTHS[day.month - 1]} {day.year}."
    return f"Может приступить с {day.day} {_RU_MONTHS[day.month - 1]} {day.year} г."


def _introduce(person: Person, language: Lang) -> str:
    """The person in a phrase: "Anna, Senior Python developer, 7 years of experience"."""
    parts = [person.first_name, person.headline]
    if person.years:
        parts.append(_years(person.years, language))
    return ", ".join(p for p in parts if p)


def _skills_and_start(person: Person, today: date, language: Lang) -> str:
    start = _start(person, today, language)
    if not person.matched:
        return start
    skills = _items(person.matched, language)
    works = "has hands-on experience with" if language == "en" else "работает с"
    return f"{person.first_name} {works} {skills}. {start}"


def _at(ctx: ResponseContext) -> str:
    if not ctx.company:
        return ""
    return f" at {ctx.company}" if ctx.language == "en" else f" в компании {ctx.company}"


def _vacancy(ctx: ResponseContext) -> str:
    """The vacancy in a phrase: "your Python developer vacancy at Acme"."""
    if ctx.language == "en":
        return f"your {ctx.title + ' ' if ctx.title else ''}vacancy{_at(ctx)}"
    return f"вашу вакансию{' «' + ctx.title + '»' if ctx.title else ''}{_at(ctx)}"


def fit_lines(
    language: Lang, *, full_stack: bool, years: int | None, min_years: int | None
) -> tuple[str, ...]:
    """Why it fits, as a client may read it. The fit reasons themselves are notes for the owner
    (scores, "your rate", what is missing), so only facts safe to tell are said: the team
    covers every must-have skill, the person has the years the vacancy asks for."""
    lines = []
    if full_stack:
        lines.append(
            "Our team covers all the must-have skills of the vacancy"
            if language == "en"
            else "Наша команда закрывает все обязательные навыки из вакансии"
        )
    if years and min_years and years >= min_years:
        if language == "en":
            lines.append(f"{_years(years, 'en')}, with {min_years}+ years required")
        else:
            unit = ru_plural(min_years, "года", "лет", "лет")
            lines.append(f"{_years(years, 'ru')} при требуемых от {min_years} {unit}")
    return tuple(lines)


# ---- questions -------------------------------------------------------------------------------

_QUESTIONS: dict[Lang, dict[str, str]] = {
    "en": {
        "missing": "How critical is hands-on experience with {skills}: a must from day one, "
        "or something that can be picked up on the project?",
        "timeline": "When should the work start, and for how long is it planned?",
        "budget": "What budget or rate range do you have in mind for this role?",
        "team": "What does the team look like, and how is the work organised (process, time "
        "zone overlap)?",
        "goal": "What should this person achieve in the first three months?",
        "process": "What does your selection process look like: how many interviews, and who "
        "takes part?",
    },
    "ru": {
        "missing": "Насколько критичен опыт с {skills}: он нужен с первого дня или его можно "
        "добрать на проекте?",
        "timeline": "Когда нужно начать и на какой срок рассчитана работа?",
        "budget": "Какой бюджет или диапазон ставки вы закладываете на эту роль?",
        "team": "Как устроены команда и процесс работы (состав, ритм, пересечение по часовым "
        "поясам)?",
        "goal": "Какого результата вы ждёте от специалиста в первые три месяца?",
        "process": "Как устроен ваш процесс отбора: сколько этапов интервью и кто в них участвует?",
    },
}


def questions(ctx: ResponseContext) -> list[str]:
    """Two or three questions: about what the person lacks, the timeline or the budget when the
    vacancy does not say, the team and process otherwise; the consultative style asks about
    the goal first when the vacancy names no KPI."""
    texts = _QUESTIONS[ctx.language]
    keys = []
    if ctx.style == "consultative" and not ctx.kpis:
        keys.append("goal")
    if ctx.missing:
        keys.append("missing")
    if not ctx.timeline_known:
        keys.append("timeline")
    if not ctx.budget_known:
        keys.append("budget")
    keys += ["team", "goal", "process"]
    if ctx.kpis:
        keys.remove("goal")
    chosen = list(dict.fromkeys(keys))[:MAX_QUESTIONS]
    skills = _items(ctx.missing[:MAX_MISSING], ctx.language)
    return [texts[k].replace("{skills}", skills) for k in chosen]


# ---- paragraphs ------------------------------------------------------------------------------


def _greeting(ctx: ResponseContext) -> str:
    hello = "Hello" if ctx.language == "en" else "Здравствуйте"
    return f"{hello}, {ctx.contact_name}!" if ctx.contact_name else f"{hello}!"


def _questions_block(ctx: ResponseContext, lead_in: str) -> str:
    lines = [f"{i}. {q}" for i, q in enumerate(questions(ctx), 1)]
    return "\n".join([lead_in, *lines])


def _reasons_block(ctx: ResponseContext) -> str:
    if not ctx.reasons:
        return ""
    head = "Why we think it fits:" if ctx.language == "en" else "Почему это подходит:"
    return "\n".join([head, *(f"– {r}" for r in ctx.reasons)])


def _booking_block(ctx: ResponseContext) -> str:
    if not ctx.booking:
        return ""
    lines = {
        ("en", "direct"): "If a short call is easier, pick a convenient time here: {link}",
        ("en", "consultative"): "Happy to go through the details on a short call; choose a "
        "time that suits you: {link}",
        ("ru", "direct"): "Если удобнее обсудить голосом, выберите время для короткого "
        "звонка: {link}",
        ("ru", "consultative"): "Будем рады обсудить детали на коротком звонке. Выберите "
        "удобное время: {link}",
    }
    return lines[(ctx.language, ctx.style)].replace("{link}", ctx.booking)


def _sign_off(ctx: ResponseContext) -> str:
    regards = "Best regards" if ctx.language == "en" else "С уважением"
    return f"{regards},\n{ctx.sender_name}" if ctx.sender_name else regards


def _direct(ctx: ResponseContext) -> list[str]:
    en = ctx.language == "en"
    role = f"{ctx.title} role" if ctx.title else "opening"
    person = ctx.person
    if person is not None:
        if en:
            intro = f"For your {role}{_at(ctx)}, we'd like to propose {_introduce(person, 'en')}."
        else:
            intro = f"На {_vacancy(ctx)} можем предложить специалиста: {_introduce(person, 'ru')}."
        intro += " " + _skills_and_start(person, ctx.today, ctx.language)
    elif en:
        intro = f"For your {role}{_at(ctx)}, we can offer engineers from our team with the right "
        intro += "experience."
    else:
        intro = f"На {_vacancy(ctx)} можем предложить инженеров нашей команды с подходящим опытом."
    lead_in = (
        "A few questions so that we can propose the best setup:"
        if en
        else "Несколько вопросов, чтобы предложить оптимальный вариант:"
    )
    return [intro, _reasons_block(ctx), ctx.pitch, _questions_block(ctx, lead_in)]


def _consultative(ctx: ResponseContext) -> list[str]:
    en = ctx.language == "en"
    opening = f"We've read {_vacancy(ctx)}." if en else f"Посмотрели {_vacancy(ctx)}."
    if ctx.kpis:
        goals = "; ".join(ctx.kpis)
        opening += (
            f" As we understand it, the key results you expect are: {goals}."
            if en
            else f" Как мы поняли, ключевые результаты: {goals}."
        )
    else:
        opening += (
            " Before proposing anyone, we'd like to understand what this hire should achieve."
            if en
            else " Прежде чем предлагать кандидата, хотим лучше понять задачу."
        )
    lead_in = (
        "A few questions first, so that we propose the right person:"
        if en
        else "Сначала несколько вопросов, чтобы предложить подходящего человека:"
    )
    person = ctx.person
    if person is not None:
        offer = (
            f"From our team, a strong fit is {_introduce(person, 'en')}."
            if en
            else f"Со своей стороны видим подходящего специалиста: {_introduce(person, 'ru')}."
        )
        offer += " " + _skills_and_start(person, ctx.today, ctx.language)
    else:
        offer = (
            "Once we know more, we will propose engineers from our team who match the role."
            if en
            else "Как только поймём задачу, предложим инженеров нашей команды с подходящим опытом."
        )
    return [opening, _questions_block(ctx, lead_in), offer, _reasons_block(ctx), ctx.pitch]


def _tidy(paragraphs: list[str]) -> str:
    """Paragraphs that have content, one blank line apart; spaces collapsed in each line."""
    out = []
    for paragraph in paragraphs:
        lines = [_SPACES.sub(" ", line).strip() for line in paragraph.strip().splitlines()]
        text = "\n".join(line for line in lines if line)
        if text:
            out.append(text)
    return "\n\n".join(out)


def subject(ctx: ResponseContext) -> str:
    """The e-mail subject: the vacancy, then the person proposed."""
    en = ctx.language == "en"
    if ctx.title:
        base = ctx.title + _at(ctx) if en else f"Вакансия «{ctx.title}»{_at(ctx)}"
    else:
        base = f"Your vacancy{_at(ctx)}" if en else f"Ваша вакансия{_at(ctx)}"
    if ctx.person is not None:
        tail = ", ".join(p for p in (ctx.person.first_name, ctx.person.headline) if p)
    else:
        tail = "engineers from our team" if en else "инженеры нашей команды"
    return _SPACES.sub(" ", f"{base} — {tail}").strip()[:200]


def render(ctx: ResponseContext) -> Drafted:
    """The whole response in the context's language and style."""
    middle = _direct(ctx) if ctx.style == "direct" else _consultative(ctx)
    body = _tidy([_greeting(ctx), *middle, _booking_block(ctx), _sign_off(ctx)])
    return Drafted(subject=subject(ctx), body=body)


def booking_block(ctx: ResponseContext) -> str:
    """The booking paragraph alone ("" without a link): added to an LLM text that left it out."""
    return _booking_block(ctx)


def fill_booking_link(body: str, link: str | None) -> str:
    """The body with `BOOKING_PLACEHOLDER` replaced by `link`; with no link, the line that
    offers it is removed (the rest of the text never depends on it)."""
    if BOOKING_PLACEHOLDER not in body:
        return body
    if link:
        return body.replace(BOOKING_PLACEHOLDER, link)
    lines = [line for line in body.split("\n") if BOOKING_PLACEHOLDER not in line]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
