"""Ray tasks for heavy, stateless work: parsing + screening resumes, rescreening vacancies,
analysing finished interviews (report + PDF).

Each worker process builds its database pool and engines once (they are expensive) and
reuses them for every task it runs. Tasks take ids, never file bytes: the database holds the
file, so a retried task reads the same input and the status machine makes a retry harmless.

Uploaded files are untrusted: a worker parses them in a child process with a memory and a
time limit (settings `parse_memory_mb`, `parse_timeout_s`; `pipelines.documents.isolation`),
so a hostile PDF or DOCX costs the child, never the worker, and the child is replaced once it
grew.
A resume worker is itself replaced after `RESUME_TASKS_PER_WORKER` tasks (Ray `max_calls`).
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
from pipelines import log_context
from pipelines.analysis.flow import run_analysis_job
from pipelines.engine_set import Engines, engines_from_settings
from pipelines.resume_flow import process_resume
from pipelines.vacancy_flow import rescreen_vacancy

log = logging.getLogger(__name__)

# The 300 real resumes of benchmarks/screening_quality.py parse in 0.7 s at most, and all of
# them within a 400 MiB address-space limit; the child starts at ~200 MB of address space
# (imports), so 1 GiB leaves it ~800 MB, 30 s ~40 times the slowest.
PARSE_TIMEOUT_S = 30.0
PARSE_MEMORY = 1024 * 1024 * 1024
# Starting a worker again costs ~1.9 s (process, imports, the sentence encoder; measured on
# the 2-core dev machine), ~10 ms per resume over 200. Parsing never grows the worker (it
# happens in the child), so this only bounds slow growth elsewhere: heap fragmentation from
# profiles and embeddings, leaks in third-party code; the memory goes back to the OS at exit.
RESUME_TASKS_PER_WORKER = 200


@lru_cache(maxsize=1)
def worker_runtime() -> tuple[ConnectionPool, Engines]:
    """This worker process's pool (as the RLS-subject role) and engines; uploads are parsed
    in an isolated child process (see the module docstring)."""
    settings = get_settings()
    pool = open_pool(resolve_app_url(settings), min_size=0, max_size=2, name="tasks")
    return pool, engines_from_settings(settings)


@ray.remote(
    num_cpus=1,
    max_retries=2,
    retry_exceptions=[DatabaseUnavailable],
    max_calls=RESUME_TASKS_PER_WORKER,
)
def process_resume_task(
    workspace_id: str, resume_id: int, vacancy_id: int | None = None
) -> dict[str, Any]:
    """Parse (and screen, with a vacancy) one stored resume; returns its outcome.

    Runs in workers recycled after `RESUME_TASKS_PER_WORKER` calls (see above)."""
    pool, engines = worker_runtime()
    # The task id is the same across Ray's retries of this task: a retry after the worker
    # died takes over the parse lease its dead attempt left (db.resume_leases) at once.
    with log_context.scope(workspace_id=workspace_id):
        outcome = process_resume(
            pool, engines, workspace_id=UUID(workspace_id), resume_id=resume_id,
            vacancy_id=vacancy_id, owner=ray.get_runtime_context().get_task_id(),
        )  # fmt: skip
    return asdict(outcome)


@ray.remote(num_cpus=1, max_retries=2, retry_exceptions=[DatabaseUnavailable])
def rescreen_vacancy_task(workspace_id: str, vacancy_id: int) -> int:
    """Screen every parsed application of a vacancy again (after its text changed)."""
    pool, engines = worker_runtime()
    with log_context.scope(workspace_id=workspace_id):
        return rescreen_vacancy(
            pool, engines, workspace_id=UUID(workspace_id), vacancy_id=vacancy_id
        )


@ray.remote(num_cpus=1, max_retries=0)
def analyse_interview_task(workspace_id: str, job_id: int) -> dict[str, Any] | None:
    """Run a queued interview analysis job (report, then PDF). Not retried by Ray: the job
    row records a failure, and the API runs the analysis again on request."""
    pool, engines = worker_runtime()
    with log_context.scope(workspace_id=workspace_id):
        return run_analysis_job(pool, engines, workspace_id=UUID(workspace_id), job_id=job_id)


@ray.remote(num_cpus=1, max_retries=0)
def import_task(workspace_id: str, source: str, kinds: list[str]) -> dict[str, Any]:
    """Sync a workspace's vacancies and responses from a source (HeadHunter's API, or its
    pages in the recruiter's browser session: "hh_browser"), or run its saved job-board
    searches ("boards": kinds name the searches, none: every enabled one; the lead flow
    follows), or only the lead flow ("leads"); its counts. Not
    retried by Ray: the next scheduled run picks up where this one stopped (upserts)."""
    from pipelines.boards.searches import run_searches
    from pipelines.hh_import.browser import sync_by_browser
    from pipelines.hh_import.run import run_sync
    from pipelines.leads.flow import after_scan, process_leads

    pool, engines = worker_runtime()
    if source == "boards":  # the searches, then what their finds are waiting for
        found = run_searches(pool, get_settings(), UUID(workspace_id),
                             [int(k) for k in kinds] or None)  # fmt: skip
        return {**found, **after_scan(pool, engines, get_settings(), UUID(workspace_id))}
    if source == "leads":  # leads waiting for analysis or a draft (POST /leads/process)
        return process_leads(pool, engines, get_settings(), UUID(workspace_id)).as_dict()
    if source == "hh_browser":
        return sync_by_browser(pool, engines, get_settings(), UUID(workspace_id))
    if source != "hh":
        raise ValueError(f"unknown import source '{source}'")
    return run_sync(pool, engines, get_settings(), workspace_id=UUID(workspace_id),
                    kinds=tuple(kinds))  # fmt: skip
