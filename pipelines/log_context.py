"""The ids every log line of a unit of work carries (`workspace_id`, `interview_id`).

Two layers, read together by `current()`:
- the process's own ids (`bind_process`), for an actor that *is* one unit of work: an
  interview's actor, a workspace's bot (Ray gives each actor its own process);
- a context variable (`scope`, `note`), for a process that serves many: an API request, one
  automation job in the Orchestrator. `asyncio` tasks and `asyncio.to_thread` copy it, so a
  scope opened around an `await` follows the work into its threads.

`note` fills the innermost scope in place (its dict is shared by the copies a request's
threads hold), so a FastAPI dependency that learns the workspace in a worker thread still
labels the handler's lines. `ContextFilter` puts the ids on log records for the formatters
(serve_apps.logs). Standard library only: actors and pipelines import it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

KEYS = ("workspace_id", "interview_id")

_scope: ContextVar[dict[str, str] | None] = ContextVar("selectio_log_scope", default=None)
_process: dict[str, str] = {}


def _clean(ids: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in ids.items() if v is not None}


def bind_process(**ids: Any) -> None:
    """Label every line of this process (an actor that is one interview or one workspace)."""
    _process.update(_clean(ids))


@contextmanager
def scope(**ids: Any) -> Iterator[dict[str, str]]:
    """Label the lines logged inside the block (and the tasks and threads it starts)."""
    token = _scope.set({**(_scope.get() or {}), **_clean(ids)})
    try:
        yield _scope.get() or {}
    finally:
        _scope.reset(token)


def note(**ids: Any) -> None:
    """Add ids to the innermost open scope, visible to every copy of it; without an open
    scope, to this context only."""
    current_scope = _scope.get()
    if current_scope is None:
        _scope.set(_clean(ids))
    else:
        current_scope.update(_clean(ids))


def current() -> dict[str, str]:
    """The ids in effect here: the process's, overridden by the innermost scope's."""
    return {**_process, **(_scope.get() or {})}


class ContextFilter(logging.Filter):
    """Puts the ids in effect on each record (an explicit `extra=` value wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in current().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True
