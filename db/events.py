"""Product events: what happened, told to integrators (webhooks) and people (notifications).

The storage functions that make each change call these in the same transaction, whoever asked
for it (a request, a flow, an actor, an automation job), so an event is published exactly when
its change commits, and a change retried under its own idempotency publishes once more at most
under the same keys (which the outbox and the inbox drop). Payloads carry ids, names and
scores, never resume text or contact details: an integrator reads the rest through the API with
its key.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import psycopg

from db import hh_writeback, notifications, webhooks

STRONG = "strongly_recommend"  # a screening this good tells recruiters at once


def _names(conn: psycopg.Connection, application_id: int) -> dict[str, Any]:
    row = conn.execute(
        """
        select a.candidate_id, a.vacancy_id, c.full_name, v.title
        from applications a
        join candidates c on c.id = a.candidate_id
        join vacancies v on v.id = a.vacancy_id
        where a.id = %s
        """,
        (application_id,),
    ).fetchone()
    if row is None:
        return {"application_id": application_id}
    return {
        "application_id": application_id,
        "candidate_id": row[0],
        "vacancy_id": row[1],
        "candidate": row[2] or f"#{row[0]}",
        "vacancy": row[3],
    }


def application_created(
    conn: psycopg.Connection, *, workspace_id: UUID, application_id: int, source: str
) -> None:
    """A candidate applied (an upload, an import, the API)."""
    webhooks.publish_event(
        conn, workspace_id=workspace_id, event="application.created",
        event_key=f"application:{application_id}",
        data={**_names(conn, application_id), "source": source},
    )  # fmt: skip


def screening_completed(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    application_id: int,
    screening_id: int,
    score: int,
    recommendation: str,
) -> None:
    """A resume was screened against its vacancy; a strong one tells the recruiters."""
    subject = {**_names(conn, application_id), "screening_id": screening_id, "score": score,
               "recommendation": recommendation}  # fmt: skip
    webhooks.publish_event(
        conn, workspace_id=workspace_id, event="screening.completed",
        event_key=f"screening:{screening_id}", data=subject,
    )  # fmt: skip
    if recommendation == STRONG:
        notifications.notify(
            conn, workspace_id=workspace_id, kind="candidate.strong",
            dedupe_key=f"strong:{application_id}", subject=subject,
        )  # fmt: skip


def interview_completed(
    conn: psycopg.Connection, *, workspace_id: UUID, interview_id: int, application_id: int
) -> None:
    """An interview ended normally (its report follows)."""
    webhooks.publish_event(
        conn, workspace_id=workspace_id, event="interview.completed",
        event_key=f"interview:{interview_id}",
        data={**_names(conn, application_id), "interview_id": interview_id},
    )  # fmt: skip


def report_saved(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    interview_id: int,
    report_id: int,
    status: str,
    overall: int | None,
    recommendation: str | None,
    red_flags: list[str],
) -> None:
    """An interview's report was stored (first time or re-analysed): integrators and recruiters
    hear of it once per report version; red flags also tell them to look."""
    row = conn.execute(
        "select application_id from interviews where id = %s", (interview_id,)
    ).fetchone()
    subject = {
        **(_names(conn, row[0]) if row else {}),
        "interview_id": interview_id, "report_id": report_id, "status": status,
        "overall": overall, "verdict": recommendation or status,
        "flags": ", ".join(sorted(set(red_flags))),
    }  # fmt: skip
    version = f"{interview_id}:{report_id}:{status}:{overall}:{recommendation}"
    webhooks.publish_event(
        conn, workspace_id=workspace_id, event="report.ready",
        event_key=f"report:{version}"[:180],
        data={k: v for k, v in subject.items() if k != "flags"} | {"red_flags": red_flags},
    )  # fmt: skip
    notifications.notify(
        conn, workspace_id=workspace_id, kind="report.ready",
        dedupe_key=f"report:{version}"[:150], subject=subject,
    )  # fmt: skip
    if red_flags:
        notifications.notify(
            conn, workspace_id=workspace_id, kind="report.flagged",
            dedupe_key=f"flagged:{version}"[:150], subject=subject,
        )  # fmt: skip


def stage_changed(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    application_id: int,
    previous: str,
    stage: str,
    changed_at: Any,
) -> None:
    """An application moved in the funnel (by a person or by the product)."""
    webhooks.publish_event(
        conn, workspace_id=workspace_id, event="candidate.stage_changed",
        event_key=f"stage:{application_id}:{previous}:{stage}:{changed_at}",
        data={**_names(conn, application_id), "from": previous, "to": stage},
    )  # fmt: skip
    hh_writeback.queue_for_stage(
        conn, workspace_id=workspace_id, application_id=application_id, stage=stage,
        changed_at=changed_at,
    )  # fmt: skip
