"""Demo data for `selectio up --demo`: a workspace a new user can explore at once.

Two vacancies (English and Russian) and a handful of resumes that go through the real
pipeline (parsing, deduplication, screening, interview plans) with the offline engines, so the
console shows a genuine ranking; the best candidate of each vacancy has a finished interview
with its report (serve_apps.demo_interview) and is on the bench of the lead-generation demo
(serve_apps.demo_leads). Idempotent: a second start finds the workspace
and changes nothing. The demo password is a known value on purpose, printed at start.
"""

from __future__ import annotations

import logging
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import resumes, users
from db.errors import NotFound
from db.pool import transaction
from db.settings import get_settings
from pipelines import vacancy_flow
from pipelines.engine_set import Engines, offline_engines
from pipelines.resume_flow import process_resume
from serve_apps import accounts, demo_texts
from serve_apps.demo_history import seed_history
from serve_apps.demo_interview import seed_demo_interview
from serve_apps.demo_leads import seed_leads

log = logging.getLogger(__name__)

DEMO_SLUG = "demo"
DEMO_EMAIL = "demo@selectio.local"
DEMO_PASSWORD = "selectio-demo"


def seed_demo(pool: ConnectionPool) -> list[str]:
    """Create the demo workspace once; return lines to print for the user."""
    try:
        workspace = accounts.resolve_workspace(pool, DEMO_SLUG)
        state = "already present"
    except NotFound:
        with transaction(pool) as conn:
            owner_id = users.id_by_email(conn, email=DEMO_EMAIL)
        if owner_id is None:
            owner_id = accounts.create_user_account(
                pool, email=DEMO_EMAIL, password=DEMO_PASSWORD, full_name="Demo Recruiter"
            ).id
        workspace = accounts.create_workspace(
            pool, name="Demo Company", slug=DEMO_SLUG, owner_id=owner_id
        )
        engines = offline_engines()
        best = _seed_funnel(pool, engines, workspace.id)
        seed_history(pool, engines, workspace_id=workspace.id)
        offline = get_settings().model_copy(update={"llm_engine": "offline"})
        seed_leads(pool, engines, offline, workspace_id=workspace.id, owner_id=owner_id,
                   bench_ids=best)  # fmt: skip
        log.info("demo workspace seeded")
        state = "created"
    return [
        f"demo workspace '{workspace.name}' ({workspace.slug}) {state}",
        f"demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}",
    ]


def _seed_funnel(pool: ConnectionPool, engines: Engines, workspace_id: UUID) -> list[int]:
    """Each demo vacancy with its applicants; the best candidate of each (put on the bench by
    the lead-generation demo)."""
    best_candidates: list[int] = []
    for title, text, resume_texts in demo_texts.FUNNELS:
        vacancy = vacancy_flow.create_vacancy(
            pool, engines, workspace_id=workspace_id, title=title, text=text
        )
        outcomes = []
        for file_name, body in resume_texts:
            with transaction(pool, workspace_id=workspace_id) as conn:
                resume = resumes.create_resume(
                    conn, workspace_id=workspace_id, file=body.encode(), file_name=file_name
                )
            outcomes.append(
                process_resume(
                    pool,
                    engines,
                    workspace_id=workspace_id,
                    resume_id=resume.id,
                    vacancy_id=vacancy.id,
                )  # fmt: skip
            )
        screened = [o for o in outcomes if o.application_id is not None and o.score is not None]
        if screened:
            best = max(screened, key=lambda o: o.score or 0)
            assert best.application_id is not None
            seed_demo_interview(
                pool, engines, workspace_id=workspace_id, application_id=best.application_id
            )
            if best.candidate_id is not None:
                best_candidates.append(best.candidate_id)
    return best_candidates
