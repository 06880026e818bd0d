"""Outbound webhooks for integrators: endpoints with the events they want, and their
deliveries (inbound hooks are in serve_apps/api/inbound_hooks.py).

Managing endpoints (they hold signing secrets) is for owners; sending a test or a delivery
again is for recruiters too; every member reads deliveries. A secret is shown once, when it is
made (create or rotate); it is stored encrypted. Every change is audited.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from db import audit, outbox, webhooks
from db.pool import transaction
from db.secret_box import SecretBox
from serve_apps.deps import WORKSPACE_ERRORS, AppSettings, CurrentWorkspace, Pool
from serve_apps.errors import BODY_ERRORS, error_doc
from serve_apps.outbound_targets import refuse_internal

router = APIRouter(tags=["webhooks"], responses=WORKSPACE_ERRORS)
OWNER_ONLY = {403: error_doc("owners only (`role_too_low`)")}
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


def secret_box(settings: AppSettings) -> SecretBox:
    """The installation's sealer of signing secrets."""
    return SecretBox(settings.resolved_secret_key())


def audit_change(  # type: ignore[no-untyped-def]
    conn: Any, access: Any, action: str, target_type: str, target_id: int, **details: Any
):
    """One audit entry for a change made through these routes."""
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
    responses={**OWNER_ONLY, **BODY_ERRORS},
)  # fmt: skip
def create_endpoint(
    body: EndpointIn, access: CurrentWorkspace, pool: Pool, settings: AppSettings
) -> EndpointWithSecret:
    """Register an endpoint for some events; the answer carries its signing secret, once."""
    access.require("owner")
    refuse_internal(body.url, settings)
    secret, box = "whsec_" + secrets.token_urlsafe(32), secret_box(settings)
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        endpoint = webhooks.create_endpoint(
            conn, workspace_id=access.workspace_id, url=body.url, events=list(body.events),
            description=body.description, created_by=access.principal.user_id,
            seal=lambda endpoint_id: box.seal(secret, purpose=webhooks.secret_purpose(endpoint_id)),
        )  # fmt: skip
        audit_change(conn, access, "webhook.create", "webhook", endpoint.id, events=endpoint.events)
    return EndpointWithSecret(**_endpoint_out(endpoint).model_dump(), secret=secret)


@router.patch(
    "/webhooks/{endpoint_id}", response_model=EndpointOut, responses={**OWNER_ONLY, **BODY_ERRORS}
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
        audit_change(conn, access, "webhook.update", "webhook", endpoint_id,
               **body.model_dump(exclude_none=True, exclude={"url"}))  # fmt: skip
    return _endpoint_out(endpoint)


@router.delete("/webhooks/{endpoint_id}", status_code=204, responses=OWNER_ONLY)
def delete_endpoint(endpoint_id: int, access: CurrentWorkspace, pool: Pool) -> None:
    """Remove an endpoint; its undelivered deliveries are withdrawn, sent ones kept."""
    access.require("owner")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        webhooks.delete_endpoint(conn, endpoint_id=endpoint_id)
        audit_change(conn, access, "webhook.delete", "webhook", endpoint_id)


@router.post(
    "/webhooks/{endpoint_id}/rotate-secret", response_model=EndpointWithSecret, responses=OWNER_ONLY
)
def rotate_secret(
    endpoint_id: int, access: CurrentWorkspace, pool: Pool, settings: AppSettings
) -> EndpointWithSecret:
    """A new signing secret (shown once); deliveries still queued are signed with it."""
    access.require("owner")
    secret = "whsec_" + secrets.token_urlsafe(32)
    sealed = secret_box(settings).seal(secret, purpose=webhooks.secret_purpose(endpoint_id))
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        webhooks.set_secret(conn, endpoint_id=endpoint_id, sealed=sealed)
        endpoint = webhooks.get_endpoint(conn, endpoint_id=endpoint_id)
        audit_change(conn, access, "webhook.rotate_secret", "webhook", endpoint_id)
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
        audit_change(conn, access, "webhook.resend", "outbox", delivery_id, new_id=item.id)
    return _delivery_out(item)
