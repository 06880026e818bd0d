"""Each HTTP request logs in its own scope of ids (pipelines.log_context).

The workspace is known only once authentication resolved it, in a FastAPI dependency that
may run in a worker thread (`serve_apps.deps.WorkspaceAccess` notes it); the scope opened here
is shared with those threads, so every line of the request after that, from the handler or
the code it calls, carries `workspace_id`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from pipelines import log_context

Scope = MutableMapping[str, Any]
App = Callable[[Scope, Any, Any], Awaitable[None]]


class RequestLogScope:
    """ASGI middleware: a fresh, empty log scope per HTTP or WebSocket request."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        with log_context.scope():
            await self.app(scope, receive, send)
