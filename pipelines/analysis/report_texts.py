"""Every human-readable word of the interview report, in Russian and English.

Plain dicts keyed by language, so a translator edits one file and the template stays free of
prose. Dates are formatted here too (month names by hand: the server's locale is not trusted).
"""

from __future__ import annotations

from datetime import datetime

from pipelines.models import Lang

LABELS: dict[Lang, dict[str, str]] = {
    "en": {
        "product": "Selectio",
        "title": "Interview report",
        "candidate": "Candidate",
        "vacancy": "Vacancy",
        "date": "Interview date",
        "channel": "Channel",
        "duration": "Duration",
        "engine": "Analysis engine",
        "generated": "Generated",
        "verdict": "Verdict",
        "overall": "Overall score",
        "recommendation": "Recommendation",
        "scores": "Scores",
        "criteria": "Criteria",
        "evidence": "Evidence",
        "no_evidence": "No quotes.",
        "strengths": "Strengths",
        "concerns": "Concerns",
        "red_flags": "Red flags",
        "summary": "Summary",
        "signals": "Measurements",
        "weight": "Weight",
        "turn": "turn",
        "turn_column": "Turn",
        "role_column": "Speaker",
        "text_column": "Text",
        "not_assessed": "not assessed",
        "none_noted": "None noted.",
        "transcript": "Transcript",
        "empty_transcript": "The transcript is empty.",
        "unknown": "—",
        "page": "Page",
        "of": "of",
    },
    "ru": {
        "product": "Selectio",
        "title": "Отчёт по интервью",
        "candidate": "Кандидат",
        "vacancy": "Вакансия",
        "date": "Дата интервью",
        "channel": "Канал",
        "duration": "Длительность",
        "engine": "Движок анализа",
        "generated": "Сформирован",
        "verdict": "Заключение",
        "overall": "Итоговая оценка",
        "recommendation": "Рекомендация",
        "scores": "Оценки",
        "criteria": "Критерии",
        "evidence": "Подтверждения",
        "no_evidence": "Цитат нет.",
        "strengths": "Сильные стороны",
        "concerns": "Замечания",
        "red_flags": "Тревожные сигналы",
        "summary": "Резюме",
        "signals": "Измерения",
        "weight": "Вес",
        "turn": "реплика",
        "turn_column": "Реплика",
        "role_column": "Участник",
        "text_column": "Текст",
        "not_assessed": "не оценено",
        "none_noted": "Не отмечено.",
        "transcript": "Стенограмма",
        "empty_transcript": "Стенограмма пуста.",
        "unknown": "—",
        "page": "Стр.",
        "of": "из",
    },
}

CRITERION_NAMES: dict[Lang, dict[str, str]] = {
    "en": {
        "technical_skills": "Technical skills",
        "experience_relevance": "Experience relevance",
        "communication": "Communication",
        "problem_solving": "Problem solving",
        "cultural_fit": "Cultural fit",
    },
    "ru": {
        "technical_skills": "Технические навыки",
        "experience_relevance": "Релевантность опыта",
        "communication": "Коммуникация",
        "problem_solving": "Решение задач",
        "cultural_fit": "Соответствие культуре",
    },
}

RECOMMENDATIONS: dict[Lang, dict[str, str]] = {
    "en": {
        "strongly_recommend": "Strongly recommend",
        "recommend": "Recommend",
        "consider": "Consider",
        "reject": "Reject",
        "none": "No recommendation",
    },
    "ru": {
        "strongly_recommend": "Настоятельно рекомендуем",
        "recommend": "Рекомендуем",
        "consider": "Рассмотреть",
        "reject": "Отказать",
        "none": "Без рекомендации",
    },
}

# `{assessed}` and `{total}` are filled in; `{cap}` is the "consider" label.
STATUS_NOTES: dict[Lang, dict[str, str]] = {
    "en": {
        "partial": (
            "Interview incomplete: {assessed} of {total} criteria assessed; "
            "recommendation capped at {cap}"
        ),
        "insufficient": "The candidate gave no answers: no scores were given",
    },
    "ru": {
        "partial": (
            "Интервью не завершено: оценено критериев — {assessed} из {total}; "
            "рекомендация не выше «{cap}»"
        ),
        "insufficient": "Кандидат не дал ответов: оценки не выставлены",
    },
}

# Why a recommendation was capped (`Verdict.reasons`); the status notes already cover
# `partial_evidence` and `no_answers`, so the report lists only the others.
REASONS: dict[Lang, dict[str, str]] = {
    "en": {
        "red_flags": (
            "A contradiction or a prompt-injection attempt was found: "
            "the recommendation is capped at {cap}"
        ),
    },
    "ru": {
        "red_flags": (
            "Обнаружено противоречие или попытка манипуляции ИИ: рекомендация не выше «{cap}»"
        ),
    },
}

RED_FLAG_KINDS: dict[Lang, dict[str, str]] = {
    "en": {
        "contradiction": "Contradiction",
        "evasive": "Evasive answer",
        "injection": "Prompt injection",
        "off_topic": "Off topic",
        "aborted": "Interview aborted",
    },
    "ru": {
        "contradiction": "Противоречие",
        "evasive": "Уклончивый ответ",
        "injection": "Попытка манипуляции ИИ",
        "off_topic": "Не по теме",
        "aborted": "Интервью прервано",
    },
}

ROLES: dict[Lang, dict[str, str]] = {
    "en": {"interviewer": "Interviewer", "candidate": "Candidate", "system": "System"},
    "ru": {"interviewer": "Интервьюер", "candidate": "Кандидат", "system": "Система"},
}

CHANNELS: dict[Lang, dict[str, str]] = {
    "en": {"voice": "Voice", "telegram": "Telegram"},
    "ru": {"voice": "Голос", "telegram": "Telegram"},
}

# Opening and closing quotation marks for evidence quotes.
QUOTES: dict[Lang, tuple[str, str]] = {"en": ("“", "”"), "ru": ("«", "»")}

_MONTHS: dict[Lang, tuple[str, ...]] = {
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
    "ru": (  # genitive, as in "5 марта 2025"
        "января", "февраля", "марта", "апреля", "мая", "июня",
        "июля", "августа", "сентября", "октября", "ноября", "декабря",
    ),
}  # fmt: skip
_DURATION_UNITS: dict[Lang, tuple[str, str, str]] = {
    "en": ("h", "min", "s"),
    "ru": ("ч", "мин", "с"),
}


def format_datetime(value: datetime | None, lang: Lang) -> str:
    """ "5 March 2025, 14:30 UTC" / "5 марта 2025, 14:30 UTC"; a dash when unknown."""
    if value is None:
        return LABELS[lang]["unknown"]
    text = f"{value.day} {_MONTHS[lang][value.month - 1]} {value.year}, {value:%H:%M}"
    zone = value.tzname()
    return f"{text} {zone}" if zone else text


def format_duration(seconds: float | None, lang: Lang) -> str:
    """ "1 h 5 min", "12 min 30 s", "45 s" (units in the report's language)."""
    if seconds is None or seconds < 0:
        return LABELS[lang]["unknown"]
    hours_unit, minutes_unit, seconds_unit = _DURATION_UNITS[lang]
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} {hours_unit} {minutes} {minutes_unit}"
    if minutes and secs:
        return f"{minutes} {minutes_unit} {secs} {seconds_unit}"
    if minutes:
        return f"{minutes} {minutes_unit}"
    return f"{secs} {seconds_unit}"
