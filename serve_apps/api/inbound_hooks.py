"""Inbound webhooks: hooks a workspace gives other systems (an address and a signing secret),
the events they sent, and the public address those events are POSTed to (no credentials: the
signature is the credential, pipelines/hooks/receive.py checks it). Managing hooks is for
owners; reading events for every member. Secrets are shown once and stored encrypted.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from db import inbound_hooks
from db.pool import transaction
from pipelines.hooks.receive import HookRefused, receive
from pipelines.outbox.signing import EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER
from serve_apps.api.webhooks import OWNER_ONLY, audit_change, secret_box
from serve_apps.deps import WORKSPACE_ERRORS, AppSettings, CurrentWorkspace, Pool
from serve_apps.errors import BODY_ERRORS, error_body, error_doc

router = APIRouter(tags=["webhooks"], responses=WORKSPACE_ERRORS)
public_router = APIRouter(tags=["webhooks"])


class HookIn(BaseModel):
    source: Literal["generic"] = "generic"
    description: str = Field(default="", max_length=200)


class HookOut(BaseModel):
    id: int
    source: str
    public_id: str
    path: str = Field(description="where the sender POSTs events, relative to the API's host")
    description: str
    enabled: bool
    created_at: datetime


class HookWithSecret(HookOut):
    secret: str = Field(description="the signing secret: shown this once, stored encrypted")


class HookPatch(BaseModel):
    enabled: bool


class InboundEventOut(BaseModel):
    id: int
    hook_id: int
    event_id: str
    size: int
    status: str
    error: str | None
    received_at: datetime
    processed_at: datetime | None


class ReceivedOut(BaseModel):
    status: str = Field(description="processed, stored, failed (kept, acting failed) or duplicate")
    duplicate: bool


def _hook_out(h: inbound_hooks.InboundHook) -> HookOut:
    return HookOut(
        id=h.id, source=h.source, public_id=h.public_id, path=f"/api/v1/hooks/{h.public_id}",
        description=h.description, enabled=h.enabled, created_at=h.created_at,
    )  # fmt: skip


@router.get("/inbound-hooks", response_model=list[HookOut])
def list_hooks(access: CurrentWorkspace, pool: Pool) -> list[HookOut]:
    """The workspace's inbound hooks."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        return [_hook_out(h) for h in inbound_hooks.list_hooks(conn)]


@router.post(
    "/inbound-hooks", status_code=201, response_model=HookWithSecret,
    responses={**OWNER_ONLY, **BODY_ERRORS},
)  # fmt: skip
def create_hook(
    body: HookIn, access: CurrentWorkspace, pool: Pool, settings: AppSettings
) -> HookWithSecret:
    """Give a sender an address and a signing secret (shown once)."""
    access.require("owner")
    secret, box = "whsec_" + secrets.token_urlsafe(32), secret_box(settings)
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        hook = inbound_hooks.create_hook(
            conn, workspace_id=access.workspace_id, source=body.source,
            description=body.description, created_by=access.principal.user_id,
            seal=lambda hook_id: box.seal(secret, purpose=inbound_hooks.secret_purpose(hook_id)),
        )  # fmt: skip
        audit_change(
            conn, access, "inbound_hook.create", "inbound_hook", hook.id, source=hook.source
        )
    return HookWithSecret(**_hook_out(hook).model_dump(), secret=secret)


@router.patch("/inbound-hooks/{hook_id}", response_model=HookOut, responses=OWNER_ONLY)
def update_hook(hook_id: int, body: HookPatch, access: CurrentWorkspace, pool: Pool) -> HookOut:
    """Pause or resume a hook (a paused one answers 404 to its sender)."""
    access.require("owner")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        hook = inbound_hooks.set_enabled(conn, hook_id=hook_id, enabled=body.enabled)
        audit_change(
            conn, access, "inbound_hook.update", "inbound_hook", hook_id, enabled=body.enabled
        )
    return _hook_out(hook)


@router.delete("/inbound-hooks/{hook_id}", status_code=204, responses=OWNER_ONLY)
def delete_hook(hook_id: int, access: CurrentWorkspace, pool: Pool) -> None:
    """Remove a hook and the events it brought."""
    access.require("owner")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        inbound_hooks.delete_hook(conn, hook_id=hook_id)
        audit_change(conn, access, "inbound_hook.delete", "inbound_hook", hook_id)


@router.get("/inbound-hooks/events", response_model=list[InboundEventOut])
def list_events(
    access: CurrentWorkspace,
    pool: Pool,
    hook_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[InboundEventOut]:
    """Events received, newest first (of one hook if given), with what became of them."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        rows = inbound_hooks.list_events(conn, hook_id=hook_id, limit=limit)
    return [InboundEventOut.model_validate(e, from_attributes=True) for e in rows]


@public_router.post(
    "/hooks/{public_id}",
    response_model=ReceivedOut,
    status_code=202,
    responses={
        200: {"model": ReceivedOut, "description": "a duplicate of an event already received"},
        400: error_doc(f"no {EVENT_ID_HEADER} header (`hook_event_id_missing`)"),
        401: error_doc(
            f"{SIGNATURE_HEADER} does not sign the body (`hook_signature_invalid`) or "
            f"{TIMESTAMP_HEADER} is outside the 5-minute window (`hook_timestamp_stale`)"
        ),
        404: error_doc("no (enabled) hook at this address (`hook_not_found`)"),
        413: error_doc("request body over the installation's limit (`request_too_large`)"),
        422: error_doc("an address longer than any hook's (`invalid_request`)"),
    },
)
async def receive_event(
    request: Request,
    public_id: Annotated[str, Path(max_length=64)],
    pool: Pool,
    settings: AppSettings,
) -> JSONResponse:
    """Receive a signed event from a registered sender: the signature is HMAC-SHA256 over
    "<timestamp>.<raw body>" with the hook's secret (`v1=<hex>`); the event is stored raw
    before it is acted on, and a repeated event id is acknowledged without acting again."""
    from starlette.concurrency import run_in_threadpool

    body = await request.body()
    try:
        received = await run_in_threadpool(
            receive, pool, secret_box(settings), public_id=public_id,
            headers=dict(request.headers), body=body,
        )  # fmt: skip
    except HookRefused as e:
        return JSONResponse(error_body(e.code, e.message), e.status)
    out = ReceivedOut(status=received.status, duplicate=received.duplicate)
    return JSONResponse(out.model_dump(), 200 if received.duplicate else 202)
