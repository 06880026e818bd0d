"""`Idempotency-Key` on the API's creating POSTs: a request retried with its key has one effect.

As Stripe and draft-ietf-httpapi-idempotency-key-header describe it, on the covered POSTs:
- no header: the request runs as ever;
- the first request with a key runs; its response (2xx or 4xx) is kept 24 hours and sent with
  the key echoed in `Idempotency-Key`;
- the same key with the same request again: the kept response (status, body, `Location`), with
  `Idempotent-Replayed: true`; nothing runs again;
- the same key with another request (query, media type or body): 422 `idempotency_key_reused`;
- the same key while the first request still runs: 409 `idempotency_key_in_progress`,
  `Retry-After: 1`;
- a key over 255 characters, empty, or with characters other than printable ASCII: 400
  `idempotency_key_invalid` (the draft's sf-string form, in double quotes, is unquoted);
- a server error (5xx, an exception) or a 429 gives the key back, so a retry runs again,
  unless the request's work had committed: then the failure is kept and replayed (Stripe's
  rule);
- a request that died after its work committed and before keeping its answer: 409
  `idempotency_outcome_unknown` once its lease passes (the key never runs twice).
Keys belong to the workspace and the principal (user or API key) the request runs as and to
its path: another workspace's or another caller's identical key is a different key (rows under
RLS, db.idempotency). A multipart body is fingerprinted with its boundary blanked out, since a
client that rebuilds the same upload picks a new random boundary.

Covered (serve_apps.idempotency_routes.COVERED): creating vacancies (both paths, and from a
file), resume uploads, candidate notes, interview invitations and new links, analysis runs,
workspace invitations (and the older `members`), API keys, webhooks (create, rotate the
secret, ping, resend), inbound hooks, job runs, HeadHunter and browser syncs, board searches
(create, run), lead prompt variants, lead processing, lead notes and logged replies. Left out,
each with its reason in `LEFT_OUT` there: sign-in steps and signed or public entry points (no
principal to scope a key by), creating a workspace (a user's, in no workspace yet), previews
that store nothing, state changes whose repeat is refused or harmless, and what is once-only
by its own outbox key already (Telegram replies have their own `Idempotency-Key`).

How: ASGI middleware inside BodyLimit (so the body it reads is bounded), handing the app the
body it read. Before claiming a key it resolves the caller as the routes' dependencies do
(serve_apps.deps); a caller they would refuse is left to the route, which answers as always,
and nothing is claimed. The response is kept before it is sent, so a replica that dies after
answering leaves a replayable key. A request cancelled mid-way (its client or Serve gave up)
keeps its key until the lease (`Settings.idempotency_lease_s`) runs out, since a route in a
worker thread may still finish its work; so does a request whose replica died. Past the lease
a retry runs again only if the dead request's work never committed: each of the route's
writing transactions marks the key in that same transaction (db.pool.before_commit;
authentication's own bookkeeping does not count, db.pool.bookkeeping), so the mark and the
effect commit together or not at all.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from datetime import timedelta
from typing import Any
from uuid import UUID

from fastapi import FastAPI
from fastapi.security import HTTPAuthorizationCredentials
from starlette.routing import compile_path
from starlette.types import ASGIApp as App
from starlette.types import Message, Receive, Scope, Send

from db import idempotency
from db.errors import DatabaseError
from db.pool import before_commit, transaction
from db.secret_box import SecretBox
from serve_apps.deps import get_current_workspace, get_principal, get_workspace_access
from serve_apps.errors import ApiError, error_body
from serve_apps.idempotency_routes import COVERED, MAX_KEY, document

log = logging.getLogger(__name__)

Header = tuple[bytes, bytes]

_MAX_PATH = 1000  # 0039's limit; a covered route's valid path is far shorter
_ROUTES = [compile_path(template)[0] for template in COVERED]
_BOUNDARY = re.compile(r"""boundary=(?:"([^"]*)"|([^\s;]+))""", re.IGNORECASE)


class _Refusal(Exception):
    """An answer of the middleware's own (400, 409, 422, 503)."""

    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after


def install(app: FastAPI) -> None:
    """Add the middleware (call before BodyLimit is added, so BodyLimit wraps it) and document
    the header on the covered operations."""
    app.add_middleware(IdempotencyKeys)
    document(app)


def _headers(scope: Scope, name: bytes) -> list[bytes]:
    return [value for key, value in scope.get("headers", ()) if key == name]


def _route_path(scope: Scope) -> str:
    path, root = scope["path"], scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _match(path: str) -> dict[str, str] | None:
    for regex in _ROUTES:
        found = regex.match(path)
        if found:
            return found.groupdict()
    return None


def parse_key(values: list[bytes]) -> str:
    """The key of the request's `Idempotency-Key` header(s), or a 400 `_Refusal`."""
    if len(values) != 1:
        raise _Refusal(400, "idempotency_key_invalid", "send one Idempotency-Key header")
    raw = values[0].strip(b" \t")
    if len(raw) >= 2 and raw[:1] == raw[-1:] == b'"':
        raw = raw[1:-1]  # the draft's sf-string form: "8e03978e-..."
    if not raw or len(raw) > MAX_KEY or any(b < 0x20 or b > 0x7E for b in raw):
        raise _Refusal(
            400, "idempotency_key_invalid",
            f"Idempotency-Key must be 1-{MAX_KEY} printable ASCII characters (a UUID will do)",
        )  # fmt: skip
    return raw.decode("ascii")


def fingerprint(scope: Scope, body: bytes) -> bytes:
    """SHA-256 of what the request asks for: query, media type and body; a multipart body
    with its boundary blanked out (a rebuilt upload gets a new random one)."""
    content_type = b"".join(_headers(scope, b"content-type")).decode("latin-1")
    media = content_type.split(";", 1)[0].strip().lower()
    boundary = _BOUNDARY.search(content_type) if media.startswith("multipart/") else None
    if boundary:
        body = body.replace(b"--" + (boundary[1] or boundary[2]).encode("latin-1"), b"--~")
    digest = hashlib.sha256(scope.get("query_string", b""))
    digest.update(b"\n" + media.encode("latin-1") + b"\n")
    digest.update(body)
    return digest.digest()


def _caller(scope: Scope, params: dict[str, str]) -> tuple[UUID, str] | None:
    """The workspace and principal ('user:<id>' / 'api_key:<id>') the route will run as, or
    None when the route will refuse the caller itself (it answers as always)."""
    state = scope["app"].state
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", ())}
    scheme, _, token = headers.get("authorization", "").partition(" ")
    bearer = None
    if scheme.lower() == "bearer" and token.strip():
        bearer = HTTPAuthorizationCredentials(scheme=scheme, credentials=token.strip())
    try:
        principal = get_principal(state.pool, state.settings, bearer, headers.get("x-api-key"))
        if "workspace_id" in params:
            access = get_workspace_access(state.pool, principal, UUID(params["workspace_id"]))
        else:
            named = headers.get("x-workspace-id")
            access = get_current_workspace(state.pool, principal, UUID(named) if named else None)
    except (ApiError, DatabaseError, ValueError):
        return None
    if principal.api_key is not None:
        return access.workspace_id, f"api_key:{principal.api_key.id}"
    return access.workspace_id, f"user:{principal.user_id}"


def _json(status: int, payload: dict[str, Any], extra: list[Header]) -> Message:
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    return {"status": status, "headers": headers + extra, "body": body}


async def _send_whole(send: Send, answer: Message) -> None:
    await send({"type": "http.response.start", "status": answer["status"],
                "headers": answer["headers"]})  # fmt: skip
    await send({"type": "http.response.body", "body": answer["body"]})


def _replay(stored: idempotency.StoredResponse, echo: list[Header]) -> Message:
    headers = [(b"content-length", b"%d" % len(stored.body))]
    if stored.content_type:
        headers.append((b"content-type", stored.content_type.encode("latin-1")))
    if stored.location:
        headers.append((b"location", stored.location.encode("latin-1")))
    headers += [*echo, (b"idempotent-replayed", b"true")]
    return {"status": stored.status, "headers": headers, "body": stored.body}


class IdempotencyKeys:
    """ASGI middleware: `Idempotency-Key` on the `COVERED` POSTs (module docstring)."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        values = _headers(scope, b"idempotency-key") if scope["type"] == "http" else []
        path = _route_path(scope) if values else ""
        params = _match(path) if values and scope["method"] == "POST" else None
        if params is None or len(path) > _MAX_PATH:
            await self.app(scope, receive, send)
            return
        echo: list[Header] = []
        try:
            key = parse_key(values)
            echo = [(b"idempotency-key", values[0].strip(b" \t"))]
            body = await _read_body(receive)
            if body is None:
                return  # the client left before sending its request: nothing to run
            caller = await asyncio.to_thread(_caller, scope, params)
            if caller is None:
                await self.app(scope, _replaying(body, receive), send)
                return
            key_scope = idempotency.KeyScope(caller[0], caller[1], key, "POST", path)
            claim = await asyncio.to_thread(_claim, scope, key_scope, fingerprint(scope, body))
        except _Refusal as refusal:
            retry = [(b"retry-after", b"%d" % refusal.retry_after)] if refusal.retry_after else []
            answer = _json(refusal.status, error_body(refusal.code, refusal.message), echo + retry)
            await _send_whole(send, answer)
            return
        if isinstance(claim, idempotency.StoredResponse):
            log.info("idempotent replay of POST %s (%s)", path, claim.status)
            await _send_whole(send, _replay(claim, echo))
            return
        claimed = _Claimed(scope, key_scope.workspace_id, claim)
        await self._run(scope, _replaying(body, receive), send, claimed, echo)

    async def _run(
        self, scope: Scope, receive: Receive, send: Send, claimed: _Claimed, echo: list[Header]
    ) -> None:
        """Run the route with the key claimed; keep its answer, or give the key back."""
        start: Message | None = None
        chunks: list[bytes] = []
        settled = False

        async def keep(message: Message) -> None:
            nonlocal start, settled
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await claimed.finish(int(start["status"]), start, b"".join(chunks))
                    settled = True
                    start["headers"] = [*start.get("headers", []), *echo]
                    await _send_whole(send, {**start, "body": b"".join(chunks)})
            else:
                await send(message)

        try:
            with before_commit(claimed.mark_effect):
                await self.app(scope, receive, keep)
        except Exception:  # a cancelled request keeps its key until the lease: see above
            if not settled and not await asyncio.to_thread(claimed.release):
                # Its work committed: the failure is its answer (the app's own 500 below).
                await claimed.keep(idempotency.StoredResponse(
                    500, json.dumps(error_body("internal_error", "internal error")).encode(),
                    "application/json",
                ))  # fmt: skip
            raise
        if not settled:  # the route answered nothing whole
            await asyncio.to_thread(claimed.release)


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body (BodyLimit outside bounds it), or None if the client left."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the app the body already read, then what the client sends."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _box(scope: Scope) -> SecretBox:
    return SecretBox(scope["app"].state.settings.resolved_secret_key())


def _claim(
    scope: Scope, key_scope: idempotency.KeyScope, request_print: bytes
) -> idempotency.Claim | idempotency.StoredResponse:
    """Claim the key in a transaction of its own, or the stored answer to replay, or a
    `_Refusal` (another request, or the same one still running)."""
    state = scope["app"].state
    lease = timedelta(seconds=state.settings.idempotency_lease_s)
    try:
        with transaction(state.pool, workspace_id=key_scope.workspace_id) as conn:
            held = idempotency.claim(
                conn, scope=key_scope, fingerprint=request_print, box=_box(scope), lease=lease
            )
    except DatabaseError as e:
        raise _Refusal(503, "database_unavailable", "idempotency keys cannot be read now") from e
    if isinstance(held, idempotency.Claim):
        return held
    if not held.same_request(request_print):
        raise _Refusal(
            422, "idempotency_key_reused",
            "this Idempotency-Key was used for a different request; use a new key",
        )  # fmt: skip
    if held.lost:
        raise _Refusal(
            409, "idempotency_outcome_unknown",
            "the first request with this Idempotency-Key took effect, but the server stopped "
            "before answering it; look the result up instead of retrying (the key will not run "
            "again)",
        )  # fmt: skip
    if held.response is None:
        raise _Refusal(
            409, "idempotency_key_in_progress",
            "a request with this Idempotency-Key is still running; retry shortly", retry_after=1,
        )  # fmt: skip
    return held.response


class _Claimed:
    """A key this request claimed, and how to settle it when the route has answered."""

    def __init__(self, scope: Scope, workspace_id: UUID, claim: idempotency.Claim) -> None:
        self.pool = scope["app"].state.pool
        self.box = _box(scope)
        self.path = scope["path"]
        self.workspace_id = workspace_id
        self.claim = claim
        self.settling = False  # the middleware's own transactions mark nothing

    def mark_effect(self, conn: Any) -> None:
        """Before each of the route's transactions commits: its work is this key's effect."""
        if not self.settling:
            idempotency.mark_effect(conn, claim=self.claim)

    async def finish(self, status: int, start: Message, body: bytes) -> None:
        """Keep a 2xx/4xx answer for replay; give the key back after a 5xx or a 429 unless
        the work had committed (then the failure is kept and replayed)."""
        self.settling = True
        if (status >= 500 or status == 429) and await asyncio.to_thread(self.release):
            return
        headers = {k.lower(): v.decode("latin-1") for k, v in start.get("headers", [])}
        await self.keep(idempotency.StoredResponse(
            status, body, headers.get(b"content-type"), headers.get(b"location")
        ))  # fmt: skip

    async def keep(self, stored: idempotency.StoredResponse) -> None:
        """Store the answer for replay."""
        self.settling = True
        try:
            await asyncio.to_thread(self._complete, stored)
        except Exception:  # the work is done: answer it; past the lease a retry hears "unknown"
            log.exception("could not keep the response of an idempotent POST %s", self.path)

    def _complete(self, stored: idempotency.StoredResponse) -> None:
        with transaction(self.pool, workspace_id=self.workspace_id) as conn:
            idempotency.complete(conn, claim=self.claim, response=stored, box=self.box)

    def release(self) -> bool:
        """Give the key back, so a retry runs again; False when it stays (the work committed,
        or the release failed)."""
        self.settling = True
        try:
            with transaction(self.pool, workspace_id=self.workspace_id) as conn:
                return idempotency.release(conn, claim=self.claim)
        except Exception:  # the key stays running until its lease ends; the retry waits so long
            log.exception("could not release the idempotency key of POST %s", self.path)
            return False
