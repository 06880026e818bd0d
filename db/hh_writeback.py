"""A recruiter's stage change on an application that came from HH goes back to HH.

Called by `db.events.stage_changed` in the change's transaction: when the application is an HH
response and the workspace has HH's API connected (a response read by browser has no token
to act with), an `hh.action` outbox item is queued naming the HH employer states the new stage
stands for (HH's actions are chosen by the state they lead to when the item is delivered:
pipelines/outbox/channels/hh.py). Stages with no HH counterpart queue nothing.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import psycopg

from db import outbox

KIND = "hh.action"
# Product stage → the HH employer states (in order of preference) that say the same.
STAGE_STATES: dict[str, tuple[str, ...]] = {
    "interview_scheduled": ("interview", "invitation"),
    "offer": ("offer",),
    "hired": ("hired",),
    "rejected": ("discard_by_employer", "discard", "discard_after_interview"),
}


def queue_for_stage(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    application_id: int,
    stage: str,
    changed_at: Any,
) -> None:
    wanted = STAGE_STATES.get(stage)
    if wanted is None:
        return
    row = conn.execute(
        "select a.source, a.external_id, v.language from applications a "
        "join vacancies v on v.id = a.vacancy_id where a.id = %s",
        (application_id,),
    ).fetchone()
    if row is None or row[0] != "hh" or not row[1]:
        return
    connected = conn.execute(
        "select 1 from integrations where kind = 'hh' and secrets_encrypted is not null "
        "and status <> 'disconnected'"
    ).fetchone()
    if connected is None:  # read by browser only: no API token to act with
        return
    outbox.enqueue(
        conn, workspace_id=workspace_id, kind=KIND,
        idempotency_key=f"hh-stage:{application_id}:{stage}:{changed_at}"[:200],
        payload={"negotiation_id": row[1], "application_id": application_id, "stage": stage,
                 "states": list(wanted), "language": row[2]},
    )  # fmt: skip
