"""Ray tasks for heavy, stateless work: parsing + screening resumes, rescreening vacancies,
analysing finished interviews (report + PDF).

Each worker process builds its database pool and engines once (they are expensive) and
reuses them for every task it runs. Tasks take ids, never file bytes: the database holds the
file, so a retried task reads the same input and the status machine makes a retry harmless.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from functools import lru_cache
from typing import Any
from uuid import UUID

import ray
from psycopg_pool import ConnectionPool

from db.bootstrap import resolve_app_url
from db.errors import DatabaseUnavailable
from db.pool import open_pool
from db.settings import get_settings
from pipelines.analysis.flow import run_analysis_job
from pipelines.engine_set import Engines, engines_from_settings
from pipelines.resume_flow import process_resume
from pipelines.vacancy_flow import rescreen_vacancy

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def worker_runtime() -> tuple[ConnectionPool, Engines]:
    """This worker process's pool (as the RLS-subject role) and engines."""
    settings = get_settings()
    pool = open_pool(resolve_app_url(settings), min_size=0, max_size=2, name="tasks")
    return pool, engines_from_settings(settings)


@ray.remote(num_cpus=1, max_retries=2, retry_exceptions=[DatabaseUnavailable])
def process_resume_task(
    workspace_id: str, resume_id: int, vacancy_id: int | None = None
) -> dict[str, Any]:
    """Parse (and screen, with a vacancy) one stored resume; returns its outcome."""
    pool, engines = worker_runtime()
    outcome = process_resume(
        pool, engines, workspace_id=UUID(workspace_id), resume_id=resume_id, vacancy_id=vacancy_id
    )
    return asdict(outcome)


@ray.remote(num_cpus=1, max_retries=2, retry_exceptions=[DatabaseUnavailable])
def rescreen_vacancy_task(workspace_id: str, vacancy_id: int) -> int:
    """Screen every parsed application of a vacancy again (after its text changed)."""
    pool, engines = worker_runtime()
    return rescreen_vacancy(pool, engines, workspace_id=UUID(workspace_id), vacancy_id=vacancy_id)


@ray.remote(num_cpus=1, max_retries=0)
def analyse_interview_task(workspace_id: str, job_id: int) -> dict[str, Any] | None:
    """Run a queued interview analysis job (report, then PDF). Not retried by Ray: the job
    row records a failure, and the API runs the analysis again on request."""
    pool, engines = worker_runtime()
    return run_analysis_job(pool, engines, workspace_id=UUID(workspace_id), job_id=job_id)
