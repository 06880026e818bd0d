"""Webhooks for integrators: outbound endpoints with their deliveries, inbound hooks with
their events, and the public address inbound events are POSTed to.

Managing endpoints and hooks (they hold signing secrets) is for owners; sending a test or a
delivery again, and reading deliveries and events, for recruiters too. A secret is shown once,
when it is made (create or rotate); it is stored encrypted. Every change is audited.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from db import audit, inbound_hooks, outbox, webhooks
from db.pool import transaction
from db.secret_box import SecretBox
from pipelines.hooks.receive import HookRefused, receive
from pipelines.outbox.signing import EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER
from serve_apps.deps import WORKSPACE_ERRORS, AppSettings, CurrentWorkspace, Pool
from serve_apps.errors import BODY_ERRORS, error_body, error_doc
from serve_apps.outbound_targets import refuse_internal

router = APIRouter(tags=["webhooks"], responses=WORKSPACE_ERRORS)
public_router = APIRouter(tags=["webhooks"])
_OWNER = {403: error_doc("owners only (`role_too_low`)")}
_RECRUITER = {403: error_doc("needs the recruiter role (`role_too_low`)")}
Event = Literal[webhooks.EVENTS]  # type: ignore[valid-type]


class EndpointIn(BaseModel):
    url: str = Field(pattern=r"^https?://", max_length=2000)
    events: list[Event] = Field(min_length=1)
    description: str = Field(default="", max_length=200)


class EndpointPatch(BaseModel):
    url: str | None = Field(default=None, pattern=r"^https?://", max_length=2000)
    events: list[Event] | None = Field(default=None, min_length=1)
    description: str | None = Field(default=None, max_length=200)
    enabled: bool | None = None


class EndpointOut(BaseModel):
    id: int
    url: str
    events: list[str]
    description: str
    enabled: bool
    created_at: datetime
    updated_at: datetime


class EndpointWithSecret(EndpointOut):
    secret: str = Field(description="the signing secret: shown this once, stored encrypted")


class DeliveryOut(BaseModel):
    id: int
    event: str
    event_id: str
    status: str
    attempts: int
    response: str | None = Field(description="the receiver's answer to the last success")
    last_error: str | None
    next_attempt_at: datetime | None
    sent_at: datetime | None
    created_at: datetime


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


def _box(settings: AppSettings) -> SecretBox:
    return SecretBox(settings.resolved_secret_key())


def _audit(conn: Any, access: Any, action: str, target_type: str, target_id: int, **details: Any):
    audit.record(
        conn, workspace_id=access.workspace_id, action=action,
        actor_user_id=access.principal.user_id, actor_api_key_id=access.principal.api_key_id,
        target_type=target_type, target_id=target_id, details=details,
    )  # fmt: skip


def _endpoint_out(e: webhooks.Endpoint) -> EndpointOut:
    return EndpointOut.model_validate(e, from_attributes=True)


def _delivery_out(item: outbox.OutboxItem) -> DeliveryOut:
    return DeliveryOut(
        id=item.id, event=str(item.payload.get("event")),
        event_id=str(item.payload.get("event_id") or item.idempotency_key), status=item.status,
        attempts=item.attempts, response=item.external_id, last_error=item.last_error,
        next_attempt_at=item.available_at if item.status == "pending" else None,
        sent_at=item.sent_at, created_at=item.created_at,
    )  # fmt: skip


@router.get("/webhooks/events", response_model=list[str])
def list_event_kinds() -> list[str]:
    """The events an endpoint can subscribe to."""
    return list(webhooks.EVENTS)


@router.get("/webhooks", response_model=list[EndpointOut])
def list_endpoints(access: CurrentWorkspace, pool: Pool) -> list[EndpointOut]:
    """The workspace's outbound endpoints."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        return [_endpoint_out(e) for e in webhooks.list_endpoints(conn)]


@router.post(
    "/webhooks", status_code=201, response_model=EndpointWithSecret,
    responses={**_OWNER, **BODY_ERRORS},
)  # fmt: skip
def create_endpoint(
    body: EndpointIn, access: CurrentWorkspace, pool: Pool, settings: AppSettings
) -> EndpointWithSecret:
    """Register an endpoint for some events; the answer carries its signing secret, once."""
    access.require("owner")
    refuse_internal(body.url, settings)
    secret, box = "whsec_" + secrets.token_urlsafe(32), _box(settings)
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        endpoint = webhooks.create_endpoint(
            conn, workspace_id=access.workspace_id, url=body.url, events=list(body.events),
            description=body.description, created_by=access.principal.user_id,
            seal=lambda endpoint_id: box.seal(secret, purpose=webhooks.secret_purpose(endpoint_id)),
        )  # fmt: skip
        _audit(conn, access, "webhook.create", "webhook", endpoint.id, events=endpoint.events)
    return EndpointWithSecret(**_endpoint_out(endpoint).model_dump(), secret=secret)


@router.patch(
    "/webhooks/{endpoint_id}", response_model=EndpointOut, responses={**_OWNER, **BODY_ERRORS}
)
def update_endpoint(
    endpoint_id: int,
    body: EndpointPatch,
    access: CurrentWorkspace,
    pool: Pool,
    settings: AppSettings,
) -> EndpointOut:
    """Change an endpoint's URL, events, description, or pause / resume it."""
    access.require("owner")
    refuse_internal(body.url, settings)
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        endpoint = webhooks.update_endpoint(
            conn, endpoint_id=endpoint_id, url=body.url,
            events=list(body.events) if body.events is not None else None,
            description=body.description, enabled=body.enabled,
        )  # fmt: skip
        _audit(conn, access, "webhook.update", "webhook", endpoint_id,
               **body.model_dump(exclude_none=True, exclude={"url"}))  # fmt: skip
    return _endpoint_out(endpoint)


@router.delete("/webhooks/{endpoint_id}", status_code=204, responses=_OWNER)
def delete_endpoint(endpoint_id: int, access: CurrentWorkspace, pool: Pool) -> None:
    """Remove an endpoint; its undelivered deliveries are withdrawn, sent ones kept."""
    access.require("owner")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        webhooks.delete_endpoint(conn, endpoint_id=endpoint_id)
        _audit(conn, access, "webhook.delete", "webhook", endpoint_id)


@router.post(
    "/webhooks/{endpoint_id}/rotate-secret", response_model=EndpointWithSecret, responses=_OWNER
)
def rotate_secret(
    endpoint_id: int, access: CurrentWorkspace, pool: Pool, settings: AppSettings
) -> EndpointWithSecret:
    """A new signing secret (shown once); deliveries still queued are signed with it."""
    access.require("owner")
    secret = "whsec_" + secrets.token_urlsafe(32)
    sealed = _box(settings).seal(secret, purpose=webhooks.secret_purpose(endpoint_id))
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        webhooks.set_secret(conn, endpoint_id=endpoint_id, sealed=sealed)
        endpoint = webhooks.get_endpoint(conn, endpoint_id=endpoint_id)
        _audit(conn, access, "webhook.rotate_secret", "webhook", endpoint_id)
    return EndpointWithSecret(**_endpoint_out(endpoint).model_dump(), secret=secret)


@router.post(
    "/webhooks/{endpoint_id}/ping", status_code=202, response_model=DeliveryOut,
    responses=_RECRUITER,
)  # fmt: skip
def ping(endpoint_id: int, access: CurrentWorkspace, pool: Pool) -> DeliveryOut:
    """Queue a signed test event (`ping`) to the endpoint."""
    access.require("recruiter")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        item = webhooks.send_ping(conn, endpoint_id=endpoint_id)
    return _delivery_out(item)


@router.get("/webhooks/{endpoint_id}/deliveries", response_model=list[DeliveryOut])
def deliveries(
    endpoint_id: int,
    access: CurrentWorkspace,
    pool: Pool,
    status: Literal["pending", "sending", "sent", "failed", "cancelled"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[DeliveryOut]:
    """The endpoint's deliveries, newest first: status, attempts, the receiver's last answer."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        rows = webhooks.list_deliveries(conn, endpoint_id=endpoint_id, status=status, limit=limit)
    return [_delivery_out(i) for i in rows]


@router.post(
    "/webhooks/deliveries/{delivery_id}/resend", status_code=202, response_model=DeliveryOut,
    responses={**_RECRUITER, 400: error_doc("still on its way (`invalid_value`)")},
)  # fmt: skip
def resend(delivery_id: int, access: CurrentWorkspace, pool: Pool) -> DeliveryOut:
    """Send a delivery again: a failed one is queued again, a sent one re-sent with the same
    event id (receivers that dedupe by it see a repeat)."""
    access.require("recruiter")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        item = webhooks.resend(conn, item_id=delivery_id)
        _audit(conn, access, "webhook.resend", "outbox", delivery_id, new_id=item.id)
    return _delivery_out(item)


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
    responses={**_OWNER, **BODY_ERRORS},
)  # fmt: skip
def create_hook(
    body: HookIn, access: CurrentWorkspace, pool: Pool, settings: AppSettings
) -> HookWithSecret:
    """Give a sender an address and a signing secret (shown once)."""
    access.require("owner")
    secret, box = "whsec_" + secrets.token_urlsafe(32), _box(settings)
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        hook = inbound_hooks.create_hook(
            conn, workspace_id=access.workspace_id, source=body.source,
            description=body.description, created_by=access.principal.user_id,
            seal=lambda hook_id: box.seal(secret, purpose=inbound_hooks.secret_purpose(hook_id)),
        )  # fmt: skip
        _audit(conn, access, "inbound_hook.create", "inbound_hook", hook.id, source=hook.source)
    return HookWithSecret(**_hook_out(hook).model_dump(), secret=secret)


@router.patch("/inbound-hooks/{hook_id}", response_model=HookOut, responses=_OWNER)
def update_hook(hook_id: int, body: HookPatch, access: CurrentWorkspace, pool: Pool) -> HookOut:
    """Pause or resume a hook (a paused one answers 404 to its sender)."""
    access.require("owner")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        hook = inbound_hooks.set_enabled(conn, hook_id=hook_id, enabled=body.enabled)
        _audit(conn, access, "inbound_hook.update", "inbound_hook", hook_id, enabled=body.enabled)
    return _hook_out(hook)


@router.delete("/inbound-hooks/{hook_id}", status_code=204, responses=_OWNER)
def delete_hook(hook_id: int, access: CurrentWorkspace, pool: Pool) -> None:
    """Remove a hook and the events it brought."""
    access.require("owner")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        inbound_hooks.delete_hook(conn, hook_id=hook_id)
        _audit(conn, access, "inbound_hook.delete", "inbound_hook", hook_id)


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
            receive, pool, _box(settings), public_id=public_id,
            headers=dict(request.headers), body=body,
        )  # fmt: skip
    except HookRefused as e:
        return JSONResponse(error_body(e.code, e.message), e.status)
    out = ReceivedOut(status=received.status, duplicate=received.duplicate)
    return JSONResponse(out.model_dump(), 200 if received.duplicate else 202)
