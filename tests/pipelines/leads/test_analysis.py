"""A lead's analysis on realistic Djinni-like (English) and HH-like (Russian) vacancies."""

from __future__ import annotations

import json

import pytest

from pipelines.leads.analysis import (
    EMBED_MAX_CHARS,
    EMBED_MIN_CHARS,
    Budget,
    LeadAnalysis,
    analyse_lead,
    embedding_text,
    find_budget,
    find_contact,
    find_engagement,
    find_seniority,
    find_timeline,
)

DJINNI_EN = """Acme Analytics is a US fintech company building payments for marketplaces.
We are looking for an outstaff engineer to join our payments team full-time (40 h/week),
fully remote, for a 6-month contract with a possible extension. Start ASAP.

Goals:
- Migrate the billing service from Django 2 to Django 4 by Q3
- Reduce p95 API latency by 30%
- Raise test coverage to 85%

Requirements:
- 5+ years of commercial Python experience
- Django, Django REST Framework, Postgres
- Celery, Redis
- English Upper-Intermediate (B2)

Nice to have:
- AWS, Terraform

Budget: $4,000–5,000 per month, paid via B2B contract.

Contact: Jane Miller, jane.miller@acme-analytics.com, Telegram @jane_hr_acme, +1 (415) 555-0132
"""

HH_RU = """Ищем Python-разработчика в команду платёжного шлюза крупного финтех-проекта.
Контракт на 3 месяца с возможностью продления, старт с 1 марта.

Задачи:
- разработка микросервисов на FastAPI
- увеличить пропускную способность шлюза на 20%
- довести покрытие тестами до 80%

Требования:
- опыт коммерческой разработки на Python от 3 лет
- FastAPI, PostgreSQL, Docker
- английский язык B1

Условия:
- Зарплата: 200 000 — 300 000 ₽ на руки
- удалённая работа, полная занятость, аутстафф через наше ООО

Контакт: Анна Петрова, t.me/anna_petrova_hr, тел. 8 (916) 123-45-67, hr@fintech.ru
Срочно!
"""


def test_english_djinni_vacancy() -> None:
    lead = analyse_lead("Senior Python Developer (Django)", DJINNI_EN, company="Acme Analytics")
    req = lead.requirements
    assert lead.language == "en" and lead.company == "Acme Analytics"
    assert {"Python", "Django", "PostgreSQL", "Celery", "Redis"} <= set(req.must_have)
    assert {"AWS", "Terraform"} <= set(req.nice_to_have) and req.min_years == 5
    assert req.remote is True and [x.name for x in req.languages] == ["english"]
    assert lead.seniority == ("senior",)
    assert lead.kpis[:3] == (
        "Migrate the billing service from Django 2 to Django 4 by Q3",
        "Reduce p95 API latency by 30%",
        "Raise test coverage to 85%",
    )
    assert lead.budget == Budget(4000, 5000, "USD", "month", True, "$4,000–5,000")
    assert lead.timeline.asap and lead.timeline.duration_months == 6
    assert lead.contact.name == "Jane Miller"
    assert lead.contact.emails == ("jane.miller@acme-analytics.com",)
    assert lead.contact.telegram == ("jane_hr_acme",) and lead.contact.phones == ("+14155550132",)
    assert lead.engagement == ("full_time", "contract", "outstaff")


def test_russian_hh_vacancy() -> None:
    lead = analyse_lead("Middle+ Python-разработчик (FastAPI)", HH_RU, company="ООО «Финтех»")
    req = lead.requirements
    assert lead.language == "ru" and lead.seniority == ("middle",)
    assert {"Python", "FastAPI", "PostgreSQL", "Docker"} <= set(
        req.must_have
    ) and req.min_years == 3
    assert "увеличить пропускную способность шлюза на 20%" in lead.kpis
    assert "довести покрытие тестами до 80%" in lead.kpis
    assert (lead.budget.min, lead.budget.max, lead.budget.currency) == (200_000, 300_000, "RUB")
    assert lead.budget.unit == "month" and not lead.budget.unit_stated
    assert lead.timeline.asap and lead.timeline.start == "1 марта"
    assert lead.timeline.duration_months == 3
    assert lead.contact.name == "Анна Петрова" and lead.contact.telegram == ("anna_petrova_hr",)
    assert lead.contact.phones == ("+79161234567",) and lead.contact.emails == ("hr@fintech.ru",)
    assert set(lead.engagement) == {"full_time", "contract", "outstaff"}


def test_analysis_survives_json() -> None:
    lead = analyse_lead("Senior Python Developer (Django)", DJINNI_EN, company="Acme")
    stored = json.loads(json.dumps(lead.to_json()))
    assert stored["budget"]["currency"] == "USD" and stored["requirements"]["min_years"] == 5
    assert LeadAnalysis.from_json(stored) == lead


@pytest.mark.parametrize(
    ("text", "low", "high", "currency", "unit"),
    [
        ("$4,000–5,000 per month", 4000, 5000, "USD", "month"),
        ("от 300 000 ₽", 300_000, None, "RUB", "month"),
        ("Rate: $40/hour", 40, 40, "USD", "hour"),
        ("5k EUR", 5000, 5000, "EUR", "month"),
        ("до 250 тыс. руб.", None, 250_000, "RUB", "month"),
        ("Зарплата: 200 000 — 300 000 ₽ на руки", 200_000, 300_000, "RUB", "month"),
        ("Ставка 50-60 USD в час", 50, 60, "USD", "hour"),
        ("Salary: up to $6k", None, 6000, "USD", "month"),
        ("Compensation: $120,000 per year", 120_000, 120_000, "USD", "year"),
        ("Бюджет: 150 000 - 200 000 руб/мес", 150_000, 200_000, "RUB", "month"),
    ],
)
def test_budgets(
    text: str, low: float | None, high: float | None, currency: str, unit: str
) -> None:
    budget = find_budget(text)
    assert budget is not None
    assert (budget.min, budget.max, budget.currency, budget.unit) == (low, high, currency, unit)


@pytest.mark.parametrize(
    "text",
    ["Salary review every 6 months", "Опыт от 3 лет", "Python 3.11, 20% time for R&D", ""],
)
def test_no_budget(text: str) -> None:
    assert find_budget(text) is None


@pytest.mark.parametrize(
    ("text", "asap", "start", "months"),
    [
        ("We need someone to start ASAP", True, None, None),
        ("6-month contract", False, None, 6),
        ("контракт на 3 месяца", False, None, 3),
        ("Срочно ищем разработчика", True, None, None),
        ("Выход на работу с 1 марта", False, "1 марта", None),
        ("Start date: April 15", False, "April 15", None),
        ("Проект на полгода", False, None, 6),
        ("Длительность проекта: 12 недель", False, None, 2.8),
        ("3+ years of experience", False, None, None),
        ("Испытательный срок 3 месяца", False, None, None),
    ],
)
def test_timelines(text: str, asap: bool, start: str | None, months: float | None) -> None:
    found = find_timeline(text)
    assert (found.asap, found.start, found.duration_months) == (asap, start, months)


def test_contact_and_engagement_details() -> None:
    ru = find_contact("Пишите Марии в Telegram: @maria_recruit или на почту jobs@example.ru", "ru")
    assert ru.name == "Марии" and ru.telegram == ("maria_recruit",) and ru.phones == ()
    en = find_contact("Questions? Write to us at hr@corp.io. Call 2024-2025 budget 4000-5000.")
    assert en.name is None and en.emails == ("hr@corp.io",) and en.phones == ()
    assert find_engagement("Part-time, 20 hours per week, freelance") == ("part_time", "freelance")
    assert find_engagement("Solidity developer for smart contracts") == ()
    assert find_engagement("Проектная работа, аутсорс") == ("outsource", "project")


def test_seniority_from_title_text_or_years() -> None:
    assert find_seniority("Middle/Senior Go Developer") == ("middle", "senior")
    assert find_seniority("Тимлид backend-команды") == ("lead",)
    assert find_seniority("Backend Developer", "You will lead the payments team.") == ()
    assert find_seniority("Backend Developer", "", 6) == ("senior",)
    assert find_seniority("Backend Developer", "", 1) == ("junior",)


def test_the_embedded_text_is_the_title_and_what_the_vacancy_asks() -> None:
    """A lead's vector encodes its title and requirements before the company blurb; a vacancy
    that lists little is topped up with its opening, and none runs long."""
    lead = analyse_lead("Senior Python Developer (Django)", DJINNI_EN, company="Acme")
    text = embedding_text(lead, DJINNI_EN)
    assert text.startswith("Senior Python Developer (Django)\nPython\nDjango\n")
    blurb = text.find("Acme Analytics is")
    assert blurb == -1 or blurb > text.index("Celery")
    assert EMBED_MIN_CHARS <= len(text) <= EMBED_MAX_CHARS
    prose = "We need someone to look after our office plants twice a week. " * 20
    sparse = analyse_lead("Gardener", prose)
    topped = embedding_text(sparse, prose)
    assert topped.startswith("Gardener\nWe need someone") and len(topped) == EMBED_MIN_CHARS
    long = "Requirements:\n" + "\n".join(f"- {n}+ years of Kotlin and Swift" for n in range(40))
    assert len(embedding_text(analyse_lead("Mobile Developer", long), long)) <= EMBED_MAX_CHARS


def test_contacts_and_the_company_name_are_no_requirements() -> None:
    """ "hr@…" is no HR skill and "Globex Logistics is rebuilding…" asks for no logistics."""
    text = (
        "Globex Logistics is rebuilding its route planning services.\n\nRequirements:\n"
        "- Python, FastAPI\n- PostgreSQL\n\nContact: hr@globex.example, https://globex.example/jobs"
    )
    found = analyse_lead("Backend Engineer", text, company="Globex Logistics")
    names = set(found.requirements.must_have + found.requirements.nice_to_have)
    assert {"Python", "FastAPI", "PostgreSQL"} <= names
    assert not names & {"Human Resources", "Logistics"}
    assert found.contact.emails == ("hr@globex.example",)  # still read as the contact
