"""Texts of the demo vacancies and resumes (English and Russian)."""

from __future__ import annotations

PYTHON_VACANCY = """We build a recruiting platform used by hundreds of recruiters.

Requirements:
- Python 3, FastAPI
- PostgreSQL
- Docker
- 3+ years of backend development
- English B2

Nice to have:
- Ray, asyncio
- Kubernetes

Remote.
"""

ANALYST_VACANCY = """Ищем аналитика данных в команду продукта.

Требования:
- SQL
- Python (pandas)
- опыт работы от 2 лет

Будет плюсом:
- DuckDB, Superset
- английский B2

Москва, гибрид.
"""

ANNA = """Anna Smirnova
Email: anna.smirnova@example.com
Phone: +7 916 123-45-67
Telegram: @anna_dev
Location: Remote

Senior Backend Engineer

Experience
Northwind — Senior Backend Engineer
February 2020 - Present
FastAPI services on PostgreSQL, asyncio workers, Ray jobs for batch scoring, Docker and
Kubernetes in production.

Contoso — Python Developer
July 2017 - January 2020
Django and PostgreSQL, Celery, Redis.

Skills
Python, FastAPI, PostgreSQL, Docker, Kubernetes, Ray, asyncio, Redis

Languages
English — C1
Russian — native
"""

JOHN = """John Carter
Email: john.carter@example.com
Phone: +1 415 555 0123

Frontend Developer

Experience
Globex — Frontend Developer
May 2021 - Present
React and TypeScript single-page apps, some Node.js.

Skills
JavaScript, TypeScript, React, Node.js, CSS

Languages
English — native
"""

IVAN = """Петров Иван Сергеевич
Телефон: +7 (903) 111-22-33
Почта: ivan.petrov@example.ru
Telegram: @ivan_data
Город: Москва

Желаемая должность: Аналитик данных

Опыт работы — 4 года 2 месяца
Сбербанк — Аналитик данных
Сентябрь 2021 — настоящее время
Анализ данных на SQL и Python (pandas), дашборды в Superset, эксперименты.

Ключевые навыки
SQL, Python, pandas, Superset, DuckDB

Знание языков
Русский — родной
Английский — B2
"""

MARIA = """Кузнецова Мария
Почта: maria.k@example.ru
Telegram: t.me/maria_kuz
Город: Санкт-Петербург

Желаемая должность: Бухгалтер

Опыт работы
ООО Ромашка — Главный бухгалтер
Март 2016 — настоящее время
Учёт, отчётность, 1С, Excel.

Ключевые навыки
1С, Excel, бухгалтерский учёт

Знание языков
Русский — родной
"""

FUNNELS = [
    ("Python Backend Developer", PYTHON_VACANCY, [("anna.txt", ANNA), ("john.txt", JOHN)]),
    ("Аналитик данных", ANALYST_VACANCY, [("ivan.txt", IVAN), ("maria.txt", MARIA)]),
]
