"""Demo data for `selectio up --demo`: a workspace a new user can explore at once.

Idempotent: a second start finds the demo workspace and changes nothing. The demo password is
a known value on purpose, printed at start, and exists only in the demo workspace's user.
"""

from __future__ import annotations

import logging
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import applications, candidates, users, vacancies
from db.errors import NotFound
from db.pool import transaction
from serve_apps import accounts

log = logging.getLogger(__name__)

DEMO_SLUG = "demo"
DEMO_EMAIL = "demo@selectio.local"
DEMO_PASSWORD = "selectio-demo"

_VACANCIES = [
    {
        "title": "Python Backend Developer",
        "language": "en",
        "location": "Remote",
        "description": (
            "We build a recruiting platform. Must have: Python 3, PostgreSQL, FastAPI, "
            "3+ years of backend experience. Nice to have: Ray, asyncio, Docker."
        ),
    },
    {
        "title": "Аналитик данных",
        "language": "ru",
        "location": "Москва",
        "description": (
            "Ищем аналитика данных. Обязательно: SQL, Python (pandas), опыт от 2 лет. "
            "Будет плюсом: DuckDB, Superset, английский B2."
        ),
    },
]
_CANDIDATES = [
    ("Anna Smirnova", "anna.smirnova@example.com", "+79161234567", "anna_dev", 0),
    ("John Carter", "john.carter@example.com", "+14155550123", None, 0),
    ("Иван Петров", "ivan.petrov@example.ru", "+79031112233", "ivan_data", 1),
    ("Мария Кузнецова", "maria.k@example.ru", None, "maria_kuz", 1),
]


def seed_demo(pool: ConnectionPool) -> list[str]:
    """Create the demo workspace once; return lines to print for the user."""
    try:
        workspace = accounts.resolve_workspace(pool, DEMO_SLUG)
        created = False
    except NotFound:
        created = True
    if created:
        with transaction(pool) as conn:
            user = users.find_by_email(conn, email=DEMO_EMAIL)
        if user is None:
            user = accounts.create_user_account(
                pool, email=DEMO_EMAIL, password=DEMO_PASSWORD, full_name="Demo Recruiter"
            )
        workspace = accounts.create_workspace(
            pool, name="Demo Company", slug=DEMO_SLUG, owner_id=user.id
        )
        _seed_funnel(pool, workspace.id)
        log.info("demo workspace seeded")
    state = "created" if created else "already present"
    return [
        f"demo workspace '{workspace.name}' ({workspace.slug}) {state}",
        f"demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}",
    ]


def _seed_funnel(pool: ConnectionPool, workspace_id: UUID) -> None:
    with transaction(pool, workspace_id=workspace_id) as conn:
        made = [
            vacancies.create_vacancy(conn, workspace_id=workspace_id, source="manual", **spec)
            for spec in _VACANCIES
        ]
        for name, email, phone, telegram, vacancy_index in _CANDIDATES:
            candidate = candidates.create_candidate(
                conn,
                workspace_id=workspace_id,
                full_name=name,
                email=email,
                phone=phone,
                telegram_username=telegram,
            )
            applications.create_application(
                conn,
                workspace_id=workspace_id,
                candidate_id=candidate.id,
                vacancy_id=made[vacancy_index].id,
                source="demo",
            )
