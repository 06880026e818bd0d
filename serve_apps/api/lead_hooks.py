"""Calendly's webhooks for lead generation: the public address Calendly POSTs invitee events
to (no credentials: the signature made with the workspace's signing key is the credential,
pipelines/leads/calendly_hooks.py checks it before anything is read or written).

Mounted under the API prefix: `POST /api/v1/hooks/calendly/{workspace_id}`, the URL the lead-gen
settings page shows and the webhook subscription names.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from pipelines.leads.calendly_hooks import SIGNATURE_HEADER, CalendlyHookRefused, handle_calendly
from serve_apps.deps import AppSettings, Pool
from serve_apps.errors import error_body, error_doc

router = APIRouter(tags=["leads"])


class CalendlyReceived(BaseModel):
    status: str = Field(
        description="scheduled, canceled, duplicate (received before), unmatched (no lead) "
        "or ignored (an event lead generation does not follow)"
    )
    lead_id: int | None


@router.post(
    "/hooks/calendly/{workspace_id}",
    response_model=CalendlyReceived,
    responses={
        400: error_doc("the signed body is no Calendly event (`calendly_payload_invalid`)"),
        401: error_doc(
            f"no {SIGNATURE_HEADER} (`calendly_signature_missing`), one that does not sign "
            "the body (`calendly_signature_invalid`) or older than 3 minutes "
            "(`calendly_timestamp_stale`)"
        ),
        403: error_doc("the workspace has no Calendly signing key (`calendly_not_configured`)"),
        422: error_doc("the address names no workspace id (`invalid_request`)"),
    },
)
async def calendly_event(
    request: Request,
    workspace_id: Annotated[UUID, Path()],
    pool: Pool,
    settings: AppSettings,
) -> JSONResponse:
    """A booking or cancellation from Calendly: the lead it concerns moves (see
    pipelines/leads/calendly_hooks.py). A repeat is answered 200 and changes nothing."""
    from starlette.concurrency import run_in_threadpool

    body = await request.body()
    try:
        outcome = await run_in_threadpool(
            handle_calendly, pool, settings, workspace_id, headers=dict(request.headers),
            body=body,
        )  # fmt: skip
    except CalendlyHookRefused as e:
        return JSONResponse(error_body(e.code, e.message), e.status)
    return JSONResponse(CalendlyReceived(status=outcome.status, lead_id=outcome.lead_id)
                        .model_dump())  # fmt: skip
