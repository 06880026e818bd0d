"""The workspace's outbox as recruiters see it: what waits, what was sent, what failed and
why, and sending a failed message again. Payloads stay out of the answers: they may carry a
candidate's personal data and the console needs only the outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from db import audit, outbox
from db.pool import transaction
from serve_apps.deps import WORKSPACE_ERRORS, CurrentWorkspace, Pool
from serve_apps.errors import error_doc

router = APIRouter(prefix="/outbox", tags=["automation"], responses=WORKSPACE_ERRORS)


class OutboxItemOut(BaseModel):
    id: int
    kind: str
    idempotency_key: str
    status: str
    attempts: int
    available_at: datetime
    last_error: str | None
    sent_at: datetime | None
    created_at: datetime
    updated_at: datetime


def _out(item: outbox.OutboxItem) -> OutboxItemOut:
    return OutboxItemOut.model_validate(item, from_attributes=True)


@router.get("", response_model=list[OutboxItemOut])
def list_items(
    access: CurrentWorkspace,
    pool: Pool,
    status: Literal["pending", "sending", "sent", "failed", "cancelled"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[OutboxItemOut]:
    """The workspace's outgoing messages, newest first, optionally of one status."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        return [_out(i) for i in outbox.list_items(conn, status=status, limit=limit)]


@router.post(
    "/{item_id}/retry",
    response_model=OutboxItemOut,
    responses={
        400: error_doc("the message has not failed (`invalid_transition`)"),
        403: error_doc("needs the recruiter role (`role_too_low`)"),
        404: error_doc("no such workspace or message (`not_found`)"),
    },
)
def retry(item_id: int, access: CurrentWorkspace, pool: Pool) -> OutboxItemOut:
    """Send a failed message again (recruiters and owners); audited as `outbox.retry`."""
    access.require("recruiter")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        item = outbox.retry(conn, item_id=item_id)
        audit.record(
            conn, workspace_id=access.workspace_id, action="outbox.retry",
            actor_user_id=access.principal.user_id, actor_api_key_id=access.principal.api_key_id,
            target_type="outbox", target_id=item_id, details={"kind": item.kind},
        )  # fmt: skip
    return _out(item)
