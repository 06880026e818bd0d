"""Everything the interviewer says offline, in Russian and English.

Phrases are short enough to be spoken: at most two sentences and about 35 words each. A
`{name}` placeholder takes the candidate's first name; without a name, ", {name}" is dropped,
so "Здравствуйте, {name}!" reads "Здравствуйте!". Russian phrases avoid gendered verb forms
so that any persona name fits.
"""

from __future__ import annotations

import re
from typing import Literal

from pipelines.models import Lang

AckPool = Literal["answer", "noted", "dont_know", "skip", "silence"]
CloseReason = Literal["complete", "time_up", "ended"]

_T = dict[Lang, str]

INTRO: _T = {
    "ru": "Здравствуйте, {name}! Меня зовут {persona}, я виртуальный интервьюер{company}.",
    "en": "Hello, {name}! I'm {persona}, a virtual interviewer{company}.",
}
# The introduction without saying she is an AI (a workspace's choice for Telegram chats).
INTRO_UNDISCLOSED: _T = {
    "ru": "Здравствуйте, {name}! Меня зовут {persona}, я помогаю с подбором{company}.",
    "en": "Hello, {name}! I'm {persona}, I help with hiring{company}.",
}
_INTRO_COMPANY: _T = {"ru": " компании {company}", "en": " at {company}"}
PLAN_VACANCY: _T = {
    "ru": "Сегодня поговорим о вакансии «{vacancy}»: я задам {questions}, это займёт около "
    "{minutes}.",
    "en": "Today we'll talk about the {vacancy} position: I'll ask {questions}, which will take "
    "about {minutes}.",
}
PLAN_PLAIN: _T = {
    "ru": "Я задам вам {questions}, это займёт около {minutes}.",
    "en": "I'll ask you {questions}, which will take about {minutes}.",
}
HOW_IT_WORKS: _T = {
    "ru": "Отвечайте своими словами, а если что-то непонятно, попросите повторить вопрос. Начнём!",
    "en": "Answer in your own words, and feel free to ask me to repeat a question. Let's begin!",
}
WELCOME_BACK: _T = {
    "ru": "С возвращением, {name}! Продолжим с вопроса {number} из {total}.",
    "en": "Welcome back, {name}! Let's continue with question {number} of {total}.",
}

ACKNOWLEDGEMENTS: dict[AckPool, dict[Lang, tuple[str, ...]]] = {
    "answer": {
        "ru": (
            "Спасибо, понятно.",
            "Отлично, спасибо за подробный ответ.",
            "Хорошо, спасибо за ответ.",
            "Спасибо, {name}, это интересно.",
            "Понятно, благодарю.",
            "Спасибо, это очень полезно.",
            "Принято, спасибо.",
            "Ясно, спасибо за ответ.",
        ),
        "en": (
            "Thank you, that's clear.",
            "Great, thanks for the detailed answer.",
            "Okay, thanks for sharing that.",
            "Thanks, {name}, that's interesting.",
            "Got it, thank you.",
            "Thanks, that's very helpful.",
            "Noted, thank you.",
            "I see, thanks for your answer.",
        ),
    },
    # For a brief answer the interview moves on from (its one follow-up already used).
    "noted": {
        "ru": ("Хорошо, спасибо.", "Понятно, спасибо.", "Спасибо, {name}, принято."),
        "en": ("Okay, thank you.", "I see, thank you.", "Thanks, {name}, noted."),
    },
    "dont_know": {
        "ru": (
            "Ничего страшного, давайте двигаться дальше.",
            "Это совершенно нормально, перейдём к следующему вопросу.",
            "Хорошо, ничего страшного.",
        ),
        "en": (
            "That's perfectly fine, let's move on.",
            "No problem at all, let's continue.",
            "That's okay, not everyone has come across this.",
        ),
    },
    "skip": {
        "ru": ("Хорошо, перейдём к следующему вопросу.", "Конечно, идём дальше."),
        "en": ("Sure, let's move on to the next question.", "Of course, let's continue."),
    },
    "silence": {
        "ru": ("Давайте тогда перейдём к следующему вопросу.", "Хорошо, тогда двигаемся дальше."),
        "en": (
            "Let's move on to the next question then.",
            "All right, let's go on to the next one.",
        ),
    },
}
LAST_QUESTION: _T = {"ru": "И последний вопрос.", "en": "And now the last question."}

FOLLOW_UPS: dict[Lang, tuple[str, ...]] = {
    "ru": (
        "Могли бы вы привести конкретный пример из вашей работы по теме «{topic}»?",
        "Расскажите, пожалуйста, чуть подробнее: какую задачу по теме «{topic}» вы решали и каким "
        "был результат?",
        "А как это выглядело на практике? Опишите, пожалуйста, конкретный случай, связанный "
        "с темой «{topic}».",
    ),
    "en": (
        "Could you give a concrete example from your work related to {topic}?",
        "Could you tell me a bit more: what task related to {topic} did you work on, and what was "
        "the outcome?",
        "How did that look in practice? Please describe a specific situation involving {topic}.",
    ),
}
# For questions whose topic is a category ("Work experience"), not a skill.
FOLLOW_UPS_GENERAL: dict[Lang, tuple[str, ...]] = {
    "ru": (
        "Могли бы вы привести конкретный пример из своего опыта?",
        "Расскажите, пожалуйста, чуть подробнее: как это было и каким был результат?",
        "А можете вспомнить конкретную ситуацию и описать, что именно вы сделали?",
    ),
    "en": (
        "Could you give a concrete example from your own experience?",
        "Could you tell me a bit more: how did it go, and what was the outcome?",
        "Can you recall a specific situation and describe what exactly you did?",
    ),
}
REDIRECT: _T = {
    "ru": "Кажется, мы немного отвлеклись. Давайте вернёмся к теме «{topic}»: что вы можете "
    "сказать именно об этом?",
    "en": "I think we drifted a little. Let's come back to {topic}: what can you tell me about "
    "that specifically?",
}
REPEAT: _T = {"ru": "Конечно, повторю: {question}", "en": "Of course, here it is again: {question}"}
NUDGE: _T = {
    "ru": "Не торопитесь, {name}, подумайте спокойно. Если хотите, я могу повторить вопрос.",
    "en": "Take your time, {name}. Would you like me to repeat the question?",
}
NOT_HEARD: _T = {
    "ru": "Извините, ответ не было слышно. Можете сказать ещё раз?",
    "en": "Sorry, I didn't catch that. Could you say it again?",
}
CLOSE_REASON: dict[CloseReason, _T] = {
    "time_up": {
        "ru": "Наше время подходит к концу, поэтому на этом мы закончим.",
        "en": "We're almost out of time, so let's stop here.",
    },
    "ended": {
        "ru": "Хорошо, давайте на этом закончим.",
        "en": "Of course, let's finish here.",
    },
}
THANKS: _T = {
    "ru": "Спасибо за интервью, {name}! Команда {company} изучит ваши ответы и свяжется с вами в "
    "ближайшее время.",
    "en": "Thank you for the interview, {name}! The {company} team will review your answers and "
    "get back to you soon.",
}
_HIRING_TEAM: _T = {"ru": "по подбору", "en": "hiring"}
GOODBYE: _T = {"ru": "Всего доброго, до свидания!", "en": "Have a great day, goodbye!"}

_NAME_GAP = re.compile(r",?\s*\{name\}")
# Endings common in surnames and rare in first names (not -ин/-ина: Марина, Валентин).
_SURNAME_ENDINGS = ("ов", "ев", "ёв", "ова", "ева", "ёва", "ский", "ская", "цкий", "цкая")
_PATRONYMIC_ENDINGS = ("вич", "вна", "ична", "ьич")
_GAP_PREFIX = re.compile(r"^(пробел|gap)\s*:\s*", re.IGNORECASE)


def fill(template: str, *, name: str | None = None, **values: object) -> str:
    """`template` with its placeholders filled; ", {name}" vanishes when there is no name."""
    text = template.replace("{name}", name) if name else _NAME_GAP.sub("", template)
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def ru_plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian noun form for `n`: 1 вопрос, 2 вопроса, 5 вопросов."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def first_name(full_name: str | None) -> str | None:
    """The name to address a candidate by: "Анна" from "Анна Петрова" or "Петрова Анна Ивановна"."""
    parts = (full_name or "").split()
    if not parts:
        return None
    if len(parts) == 3 and parts[2].casefold().endswith(_PATRONYMIC_ENDINGS):
        return parts[1]  # Russian documents put the surname first: Фамилия Имя Отчество
    surname_first = len(parts[0]) >= 5 and parts[0].casefold().endswith(_SURNAME_ENDINGS)
    if len(parts) == 2 and surname_first and not parts[1].casefold().endswith(_SURNAME_ENDINGS):
        return parts[1]
    return parts[0]


def topic_phrase(topic: str) -> str:
    """A topic as it reads inside a sentence: "Gap: Kafka" → "Kafka", "Work experience" →
    "work experience"; names such as "Python" or "Machine Learning" keep their capitals."""
    text = _GAP_PREFIX.sub("", topic.strip()) or topic.strip()
    words = text.split()
    if len(words) > 1 and all(w == w.lower() for w in words[1:]) and not words[0].isupper():
        text = text[0].lower() + text[1:]
    return text


def greeting(
    language: Lang,
    *,
    persona: str,
    name: str | None,
    company: str | None,
    vacancy: str | None,
    questions: int,
    minutes: int,
    disclose_ai: bool = True,
) -> list[str]:
    """The opening: who is speaking, what the interview is about and how long it takes."""
    company_part = fill(_INTRO_COMPANY[language], company=company) if company else ""
    if language == "ru":
        counted = f"{questions} {ru_plural(questions, 'вопрос', 'вопроса', 'вопросов')}"
        duration = f"{minutes} {'минуты' if minutes % 10 == 1 and minutes % 100 != 11 else 'минут'}"
    else:
        counted = f"{questions} question{'s' if questions != 1 else ''}"
        duration = f"{minutes} minute{'s' if minutes != 1 else ''}"
    template = PLAN_VACANCY[language] if vacancy else PLAN_PLAIN[language]
    return [
        fill(
            (INTRO if disclose_ai else INTRO_UNDISCLOSED)[language],
            name=name,
            persona=persona,
            company=company_part,
        ),  # fmt: skip
        fill(template, vacancy=vacancy or "", questions=counted, minutes=duration),
        HOW_IT_WORKS[language],
    ]


# Said, never stored, while the interview's record cannot be written: the interviewer waits
# for the database instead of going on with turns that would be lost.
HOLDING: _T = {
    "ru": "Одну секунду, пожалуйста.",
    "en": "One moment, please.",
}
STILL_HOLDING: _T = {
    "ru": "Ещё немного, пожалуйста, не отключайтесь: всё, что вы сказали, сохранится.",
    "en": "Just a little longer, please stay with me: everything you said will be kept.",
}


def holding(language: Lang, *, again: bool) -> str:
    """What the interviewer says while it waits to store a turn (first time, or again)."""
    return (STILL_HOLDING if again else HOLDING)[language]


def welcome_back(language: Lang, *, name: str | None, number: int, total: int) -> str:
    """What a restored interview opens with before asking the current question again."""
    return fill(WELCOME_BACK[language], name=name, number=number, total=total)


def acknowledgement(
    language: Lang, pool: AckPool, *, count: int, previous: str | None, name: str | None
) -> str:
    """The `count`-th acknowledgement of `pool`, rotating, never equal to `previous`."""
    options = ACKNOWLEDGEMENTS[pool][language]
    text = fill(options[count % len(options)], name=name)
    if text == previous:
        text = fill(options[(count + 1) % len(options)], name=name)
    return text


def follow_up(language: Lang, topic: str, variant: int, *, skill: bool = True) -> str:
    """A clarifying question asking for specifics on `topic`; when the topic is a category
    rather than a skill (`skill=False`), one that does not name it."""
    options = FOLLOW_UPS[language] if skill else FOLLOW_UPS_GENERAL[language]
    return fill(options[variant % len(options)], topic=topic_phrase(topic))


def redirect(language: Lang, topic: str) -> str:
    """A gentle way back to the question after an off-topic answer."""
    return fill(REDIRECT[language], topic=topic_phrase(topic))


def repeat(language: Lang, question: str) -> str:
    """The current question again, on request."""
    return fill(REPEAT[language], question=question)


def nudge(language: Lang, *, name: str | None, heard_nothing: bool) -> str:
    """After a silence (or an answer that came through empty): take your time, shall I repeat?"""
    return NOT_HEARD[language] if heard_nothing else fill(NUDGE[language], name=name)


def closing(
    language: Lang, reason: CloseReason, *, name: str | None, company: str | None
) -> list[str]:
    """The goodbye: why we stop (time, request), thanks and what happens next, goodbye."""
    lines = [CLOSE_REASON[reason][language]] if reason in CLOSE_REASON else []
    lines.append(fill(THANKS[language], name=name, company=company or _HIRING_TEAM[language]))
    lines.append(GOODBYE[language])
    return lines


def summary(language: Lang, *, answered: int, total: int, follow_ups: int, not_asked: int) -> str:
    """One line for the recruiter: "6 of 8 questions answered, 2 follow-ups, 1 not asked"."""
    if language == "ru":
        line = f"Отвечено вопросов: {answered} из {total}; уточняющих вопросов: {follow_ups}"
        return line + (f"; не задано: {not_asked}" if not_asked else "")
    line = f"{answered} of {total} questions answered, {follow_ups} follow-up"
    line += "" if follow_ups == 1 else "s"
    return line + (f", {not_asked} not asked" if not_asked else "")


def _prefix(template: str) -> str:
    return template.split("{", 1)[0].rstrip(" ,").casefold()


# Opening words of the fixed phrases, to tell the kind of a stored turn saved without one.
KNOWN_PREFIXES: dict[str, tuple[str, ...]] = {
    "greeting": tuple(_prefix(t[lang]) for t in (INTRO, WELCOME_BACK) for lang in ("ru", "en")),
    "nudge": tuple(_prefix(t[lang]) for t in (NUDGE, NOT_HEARD) for lang in ("ru", "en")),
    "repeat": tuple(_prefix(REPEAT[lang]) for lang in ("ru", "en")),
    "redirect": tuple(_prefix(REDIRECT[lang]) for lang in ("ru", "en")),
    "closing": tuple(
        _prefix(t[lang]) for t in (*CLOSE_REASON.values(), THANKS, GOODBYE) for lang in ("ru", "en")
    ),
}


def known_kind(text: str) -> str | None:
    """The kind of a fixed phrase recognised by its opening words, else None."""
    start = text.strip().casefold()
    for kind, prefixes in KNOWN_PREFIXES.items():
        if any(p and start.startswith(p) for p in prefixes):
            return kind
    return None
