"""A screened application (with its interview plan) for tests that need one to invite."""

from __future__ import annotations

from uuid import UUID

from psycopg_pool import ConnectionPool

from db import resumes
from db.pool import transaction
from pipelines import vacancy_flow
from pipelines.engine_set import offline_engines
from pipelines.resume_flow import process_resume
from tests.pipelines import samples


def screened_application(pool: ConnectionPool, workspace_id: UUID) -> int:
    """A strong English candidate screened for the Python vacancy, by the real offline
    pipeline, in the workspace; the application's id."""
    engines = offline_engines()
    vacancy = vacancy_flow.create_vacancy(
        pool, engines, workspace_id=workspace_id, title="", text=samples.VACANCY_EN
    )
    with transaction(pool, workspace_id=workspace_id) as conn:
        rid = resumes.create_resume(
            conn, workspace_id=workspace_id, file=samples.STRONG_EN.encode(), file_name="cv.txt"
        ).id
    return process_resume(
        pool, engines, workspace_id=workspace_id, resume_id=rid, vacancy_id=vacancy.id
    ).application_id
