"""Scheduled imports: the Orchestrator starts a workspace's HH sync as a Ray task (screening
is heavy work, not the Orchestrator's); the task records what it did in `import_runs`, and a
second run while one is running is refused there, so a slow sync is never doubled."""

from __future__ import annotations

from uuid import UUID

from pipelines.automation.base import JobContext


def start_hh_vacancies(_pool: object, *, workspace_id: UUID, context: JobContext) -> dict[str, int]:
    context.dispatcher.submit_import(workspace_id, "hh", ("vacancies",))
    return {"started": 1}


def start_hh_responses(_pool: object, *, workspace_id: UUID, context: JobContext) -> dict[str, int]:
    context.dispatcher.submit_import(workspace_id, "hh", ("responses",))
    return {"started": 1}


def start_hh_browser(_pool: object, *, workspace_id: UUID, context: JobContext) -> dict[str, int]:
    context.dispatcher.submit_import(workspace_id, "hh_browser", ("responses",))
    return {"started": 1}
