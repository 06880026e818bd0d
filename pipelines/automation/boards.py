"""Scheduled job-board searches: the Orchestrator hands a workspace's enabled searches to a Ray
task (a Djinni read takes a person's pace, minutes to hours: not the Orchestrator's work); the
task runs them in turn and records each in `import_runs`, where a second run of a board while
one is running is refused."""

from __future__ import annotations

from uuid import UUID

from pipelines.automation.base import JobContext


def start_board_searches(
    _pool: object, *, workspace_id: UUID, context: JobContext
) -> dict[str, int]:
    context.dispatcher.submit_import(workspace_id, "boards", ())
    return {"started": 1}
