"""Request bodies over the installation's limit are refused with 413 before they are read.

Starlette's multipart parser spools a whole upload to disk and memory before a route sees it,
so a route cannot refuse a 500 MB body in time; this ASGI middleware can. A declared
`Content-Length` over the limit is answered at once without reading a byte; a body without
one (chunked) is counted as it streams and cut off at the limit. FastAPI turns an error in
body parsing into a 400, so the middleware remembers that it cut the body and answers 413 in
place of whatever the app then sends.
"""

from __future__ import annotations

import json
import logging

from starlette.types import ASGIApp as App
from starlette.types import Message, Receive, Scope, Send

from serve_apps.errors import error_body

log = logging.getLogger(__name__)


MIB = 1024 * 1024


class BodyTooLarge(Exception):
    """Raised into the app's body reading once the limit is passed."""


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _limit_of(scope: Scope) -> int:
    settings = scope["app"].state.settings
    return int(settings.max_request_mb * MIB)


async def _refuse(send: Send, limit: int) -> None:
    message = f"request body too large: limit {limit / MIB:g} MB"
    body = json.dumps(error_body("request_too_large", message)).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """ASGI middleware: 413 `request_too_large` for bodies over `Settings.max_request_mb`."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = _limit_of(scope)
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            log.warning("request_too_large", extra={"path": scope.get("path"), "bytes": declared})
            await _refuse(send, limit)
            return
        seen = 0
        cut = False
        replaced = False

        async def counted() -> Message:
            nonlocal seen, cut
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    cut = True
                    raise BodyTooLarge(f"body passed {limit} bytes")
            return message

        async def answering(message: Message) -> None:
            nonlocal replaced
            if cut:
                if not replaced and message["type"] == "http.response.start":
                    replaced = True
                    log.warning("request_too_large", extra={"path": scope.get("path")})
                    await _refuse(send, limit)
                return
            await send(message)

        try:
            await self.app(scope, counted, answering)
        except BodyTooLarge:
            if not replaced:
                await _refuse(send, limit)
