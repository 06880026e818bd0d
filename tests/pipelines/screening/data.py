"""Resumes, vacancies and profiles for screening tests, built directly (no extractor)."""

from __future__ import annotations

import re

from pipelines.models import LanguageSkill, Profile, VacancyRequirements, WorkExperience

RESUME_EN = """Anna Smirnova
Senior Backend Developer
anna.smirnova@example.com, +44 20 7946 0018, Telegram: @anna_dev

Summary
Backend developer with 6 years of experience building web services in Python. I follow
instructions carefully, write clear documentation and review code of my teammates.

Experience
Senior Backend Developer, Acme Payments (2021-03 — present)
- Designed REST APIs with Django and FastAPI serving 2,000 requests per second.
- Tuned PostgreSQL queries and indexes, cut report time from 40 to 3 minutes.
- Moved deployment to Docker; increased test coverage by 100% in six months.

Backend Developer, Northwind Shop (2018-09 — 2021-02)
- Built order processing with Django, Celery and Redis.

Skills: Python, Django, FastAPI, PostgreSQL, Docker, Redis, Celery, Git
Languages: English C1, Russian native
"""

RESUME_RU = """Иван Петров
Python-разработчик
ivan.petrov@example.ru, +7 916 000-00-00

О себе
Python-разработчик с опытом 5 лет. Отвечал за оценку качества кода и ревью, внимательно
следую инструкциям и регламентам команды.

Опыт работы
Яндекс, Backend-разработчик (2020-01 — настоящее время)
Разрабатывал сервисы на Python и Django, оптимизировал запросы к PostgreSQL, настраивал Docker.

Навыки: Python, Django, PostgreSQL, Docker, Redis
Языки: русский — родной, английский — B1
"""

RESUME_ACCOUNTANT_RU = """Мария Кузнецова
Главный бухгалтер

Опыт работы 12 лет: ведение бухгалтерского и налогового учёта, 1С:Бухгалтерия, расчёт
заработной платы, подготовка отчётности по МСФО, сверки с контрагентами, работа с аудиторами.

Навыки: Accounting, Payroll, 1C, Excel, Audit
"""

VACANCY_PY_EN = """Senior Python Developer
We are hiring a backend engineer to build APIs for our payments platform.
Requirements: Python, Django, PostgreSQL, Docker; 3+ years of backend development;
English B2. Nice to have: Kubernetes, Redis, Kafka. Remote."""

VACANCY_PY_RU = """Python-разработчик (backend)
Ищем Python-разработчика в команду платёжной платформы. Требования: Python, Django,
PostgreSQL, Docker, опыт разработки от 3 лет, английский B2. Будет плюсом: Kubernetes, Redis."""

VACANCY_ACCOUNTANT_RU = """Главный бухгалтер
Требования: опыт работы главным бухгалтером от 5 лет, 1С, налоговый учёт, МСФО, Excel."""

# Skills a toy extractor looks for; enough to show that removed text cannot add any.
KNOWN_SKILLS = [
    "Python", "Django", "FastAPI", "PostgreSQL", "Docker", "Redis", "Celery", "Git",
    "Kubernetes", "Kafka", "Accounting", "Payroll", "1C", "Excel", "Audit",
]  # fmt: skip

REQ_PY = VacancyRequirements(
    title="Senior Python Developer",
    must_have=["Python", "Django", "PostgreSQL", "Docker"],
    nice_to_have=["Kubernetes", "Redis", "Kafka"],
    min_years=3,
    languages=[LanguageSkill(name="english", level="B2")],
    remote=True,
    language="en",
)
REQ_PY_RU = REQ_PY.model_copy(update={"title": "Python-разработчик", "language": "ru"})


def keyword_profile(text: str, *, years: float, language: str = "en") -> Profile:
    """A stand-in for profile extraction: skills are the known names present in `text`."""
    skills = [s for s in KNOWN_SKILLS if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", text)]
    levels = re.findall(r"English[ —-]+(A1|A2|B1|B2|C1|C2|native)", text)
    languages = [LanguageSkill(name="english", level=levels[0])] if levels else []
    return Profile(skills=skills, total_years=years, languages=languages, language=language)


def python_profile(**update: object) -> Profile:
    """A strong Python backend candidate for REQ_PY."""
    profile = Profile(
        full_name="Anna Smirnova",
        email="anna.smirnova@example.com",
        skills=["Python", "Django", "FastAPI", "PostgreSQL", "Docker", "Redis", "Celery"],
        experience=[
            WorkExperience(
                company="Acme Payments", title="Senior Backend Developer", start="2021-03",
                current=True,
            ),
            WorkExperience(
                company="Northwind Shop", title="Backend Developer", start="2018-09",
                end="2021-02",
            ),
        ],
        total_years=6.0,
        languages=[
            LanguageSkill(name="english", level="C1"),
            LanguageSkill(name="russian", level="native"),
        ],
        language="en",
    )  # fmt: skip
    return profile.model_copy(update=update)


def accountant_profile() -> Profile:
    """A chief accountant: nothing in common with a Python vacancy."""
    return Profile(
        full_name="Мария Кузнецова",
        skills=["Accounting", "Payroll", "1C", "Excel", "Audit"],
        experience=[WorkExperience(company="ООО Ромашка", title="Главный бухгалтер")],
        total_years=12.0,
        languages=[LanguageSkill(name="russian", level="native")],
        language="ru",
    )
