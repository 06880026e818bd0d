"""How the API hands heavy work off: Ray tasks in the product, the caller's thread in tests
that exercise the HTTP layer alone. Both run the very same pipeline functions."""

from __future__ import annotations

import logging
from typing import Protocol
from uuid import UUID

from psycopg_pool import ConnectionPool

from db.settings import Settings
from pipelines.analysis.flow import run_analysis_job
from pipelines.engine_set import Engines
from pipelines.resume_flow import process_resume

log = logging.getLogger(__name__)


class Dispatcher(Protocol):
    """Starts resume processing and interview analysis; returns at once (Ray) or when done
    (inline)."""

    def submit_resume(self, workspace_id: UUID, resume_id: int, vacancy_id: int | None) -> None: ...

    def submit_analysis(self, workspace_id: UUID, job_id: int) -> None: ...

    def submit_import(self, workspace_id: UUID, source: str, kinds: tuple[str, ...]) -> None: ...


class RayDispatcher:
    """Fire-and-forget Ray tasks; progress is visible through the resumes' statuses."""

    def submit_resume(self, workspace_id: UUID, resume_id: int, vacancy_id: int | None) -> None:
        from actors.tasks import process_resume_task

        process_resume_task.remote(str(workspace_id), resume_id, vacancy_id)

    def submit_analysis(self, workspace_id: UUID, job_id: int) -> None:
        from actors.tasks import analyse_interview_task

        analyse_interview_task.remote(str(workspace_id), job_id)

    def submit_import(self, workspace_id: UUID, source: str, kinds: tuple[str, ...]) -> None:
        """`source`: "hh" (kinds: vacancies, responses), "hh_browser", "boards" (kinds: the
        ids of the saved searches to run; none: every enabled one; the lead flow follows), or
        "leads" (the lead flow alone)."""
        from actors.tasks import import_task

        import_task.remote(str(workspace_id), source, list(kinds))


class InlineDispatcher:
    """Runs the pipeline in the calling thread (HTTP-layer tests, single-process tools)."""

    def __init__(
        self, pool: ConnectionPool, engines: Engines, settings: Settings | None = None
    ) -> None:
        self._pool = pool
        self._engines = engines
        self._settings = settings

    def submit_resume(self, workspace_id: UUID, resume_id: int, vacancy_id: int | None) -> None:
        process_resume(
            self._pool,
            self._engines,
            workspace_id=workspace_id,
            resume_id=resume_id,
            vacancy_id=vacancy_id,
        )

    def submit_analysis(self, workspace_id: UUID, job_id: int) -> None:
        run_analysis_job(self._pool, self._engines, workspace_id=workspace_id, job_id=job_id)

    def submit_import(self, workspace_id: UUID, source: str, kinds: tuple[str, ...]) -> None:
        from pipelines.boards.searches import run_searches
        from pipelines.hh_import.browser import sync_by_browser
        from pipelines.hh_import.run import run_sync
        from pipelines.leads.flow import after_scan, process_leads

        if self._settings is None or source not in ("hh", "hh_browser", "boards", "leads"):
            raise ValueError(f"cannot import from '{source}' here")
        if source == "boards":  # kinds: the ids of the searches to run; none: every enabled one
            run_searches(self._pool, self._settings, workspace_id,
                         [int(k) for k in kinds] or None)  # fmt: skip
            after_scan(self._pool, self._engines, self._settings, workspace_id)
            return
        if source == "leads":
            process_leads(self._pool, self._engines, self._settings, workspace_id)
            return
        if source == "hh_browser":
            sync_by_browser(self._pool, self._engines, self._settings, workspace_id)
            return
        run_sync(self._pool, self._engines, self._settings, workspace_id=workspace_id,
                 kinds=kinds)  # fmt: skip
