"""Vacancies of other companies for the demo's lead generation (English and Russian), as job
boards would show them: (board, board id, title, company, contact e-mail or None, text)."""

from __future__ import annotations

LEADS: list[tuple[str, str, str, str, str | None, str]] = [
    (
        "djinni",
        "demo-dj-1",
        "Senior Python Developer (FastAPI)",
        "Northwind Payments",
        None,
        """Northwind Payments builds a payments API for marketplaces in 12 countries.

Requirements:
- 5+ years of Python
- FastAPI, PostgreSQL, Docker
- English B2

Goals: cut payout latency by 30% this year.
Fully remote, long-term contract. Budget: $6,000-7,500 per month. Start ASAP.
""",
    ),
    (
        "linkedin",
        "demo-li-1",
        "Backend Engineer, Python",
        "Globex Logistics",
        "talent@globex-logistics.example",
        """Globex Logistics is rebuilding its route planning services.

What you'll need:
- Python, Django or FastAPI
- PostgreSQL, Redis
- Docker, Kubernetes is a plus

Remote within the EU. 6-month contract with extension. Contact: Laura Chen,
talent@globex-logistics.example
""",
    ),
    (
        "hh",
        "demo-hh-1",
        "Python-разработчик (FastAPI)",
        "Северный Код",
        "hr@severcode.example",
        """Северный Код делает платёжную платформу для банков.

Требования:
- Python от 3 лет
- FastAPI, PostgreSQL
- Docker

Удалённо, контракт на 6 месяцев. Бюджет: 350 000 ₽ в месяц.
Контакт: Анна Смирнова, hr@severcode.example
""",
    ),
    (
        "indeed",
        "demo-in-1",
        "Data Analyst (SQL, Python)",
        "Acme Retail",
        "jobs@acme-retail.example",
        """Acme Retail needs a data analyst for its pricing team.

Requirements:
- SQL, Python (pandas)
- 2+ years in analytics
- English C1

Hybrid in Berlin. Contact: jobs@acme-retail.example
""",
    ),
    (
        "djinni",
        "demo-dj-2",
        "iOS Developer (Swift)",
        "Appsberg",
        None,
        """Our consumer app needs an iOS developer in the Tokyo office.

Requirements:
- 3+ years with Swift and SwiftUI
- Objective-C, Core Data

No remote. Salary: $2,000 per month.
""",
    ),
    (
        "linkedin",
        "demo-li-2",
        "Senior Python Developer, FastAPI",
        "Northwind Payments",
        None,
        """Northwind Payments builds a payments API for marketplaces in 12 countries.

Requirements:
- 5+ years of Python
- FastAPI, PostgreSQL, Docker
- English B2

Goals: cut payout latency by 30% this year.
Fully remote, long-term contract. Budget: $6,000-7,500 per month. Start ASAP.
Apply on LinkedIn.
""",
    ),
    (
        "hh",
        "demo-hh-2",
        "Аналитик данных",
        "Вектор",
        "jobs@vector.example",
        """Вектор ищет аналитика данных в команду маркетплейса.

Требования:
- SQL, Python (pandas)
- опыт от 2 лет
- DuckDB или ClickHouse будет плюсом

Москва или удалённо. Контакт: jobs@vector.example
""",
    ),
]

# What the demo recruiter did with some of them (nothing is sent anywhere from the demo).
APPROVED = "demo-dj-1"  # its response approved: Send asks for the Djinni session first
NOTE = ("demo-li-1", "Called Laura: they want two engineers from March; send CVs by Friday.")
RATED = {"demo-dj-1": 5, "demo-li-1": 4, "demo-hh-2": 3}
LOST = ("demo-in-1", "the client hired in-house")
