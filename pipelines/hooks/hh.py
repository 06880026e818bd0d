"""HeadHunter's webhook notifications: a new response to one of the employer's vacancies.

HH signs nothing, so the notification is only a hint: its body is kept, and a responses sync
of the workspace is requested (the Orchestrator runs it on its next tick, and a sync running
already is not doubled). What gets imported is what HH's API says, never the body: a forged
notification can at most make the product ask HH sooner. HH does not promise delivery, so the
schedule syncs anyway.
"""

from __future__ import annotations

import json
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import jobs
from db.inbound_hooks import InboundEvent
from db.pool import transaction

NEW_RESPONSES = ("NEW_NEGOTIATION_VACANCY", "NEW_RESPONSE_OR_INVITATION_VACANCY")


def hh_event_id(body: bytes) -> str:
    """HH's notification id (its body's `id`); a body without one is refused."""
    from pipelines.hooks.receive import HookEventIdMissing

    try:
        data = json.loads(body)
    except ValueError as e:
        raise HookEventIdMissing("an HH notification is JSON with an `id`") from e
    event_id = str(data.get("id") or "").strip() if isinstance(data, dict) else ""
    if not event_id or len(event_id) > 150:
        raise HookEventIdMissing("an HH notification is JSON with an `id`")
    return f"hh:{event_id}"


def on_hh_event(pool: ConnectionPool, workspace_id: UUID, event: InboundEvent, body: bytes) -> str:
    data = json.loads(body)
    if data.get("action_type") not in NEW_RESPONSES:
        return "stored"
    with transaction(pool, workspace_id=workspace_id) as conn:
        jobs.request_run(conn, workspace_id=workspace_id, kind="hh_responses")
    return "processed"
