"""Active interviews nobody can still be in: ended as failed, their analysis queued.

A live conversation closes itself at the interview's maximum duration (counted from the
first start, across reconnects, less the server's downtime already booked: db.interviews). An
interview still `active` well after that has lost its candidate: the browser closed and never
came back, or the actor's node went away for good. Downtime not yet booked (no actor copy has
started since) counts as the candidate's absence, as it always did: whether the candidate
would have come back is not known until they do.
Left alone it would hold a slot of the workspace's concurrent-interview limit forever, so the
callers that care (the link check, the capacity check, an idle interview actor leaving) expire
the overdue ones of their workspace first. Whatever the candidate did answer is still worth a
(partial) report, so an analysis job is queued for each expired interview that has answers;
the caller starts the jobs it gets back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from uuid import UUID

import psycopg

from db import jobs

log = logging.getLogger(__name__)
# After its maximum duration a live conversation still says goodbye, and a long last answer is
# heard out first: an interview counts as abandoned only this much later.
OVERRUN_ALLOWANCE_S = 300
ABANDONED_REASON = "abandoned: the candidate left and did not come back before the time limit"


@dataclass(frozen=True)
class ExpiredInterview:
    interview_id: int
    analysis_job_id: int | None  # None when the candidate never answered


def expire_overdue(
    conn: psycopg.Connection, *, workspace_id: UUID, max_duration_s: int
) -> list[ExpiredInterview]:
    """End the workspace's overdue active interviews as failed (abandoned); queue analyses."""
    rows = conn.execute(
        """
        update interviews i
        set status = 'failed', failure_reason = %(reason)s, ended_at = now(), heartbeat_at = null
        where i.status = 'active'
          and i.started_at
              < now() - make_interval(secs => %(overdue_after)s + i.server_down_s)
        returning i.id, exists (
            select 1 from interview_turns t where t.interview_id = i.id and t.role = 'candidate'
        )
        """,
        {"reason": ABANDONED_REASON, "overdue_after": max_duration_s + OVERRUN_ALLOWANCE_S},
    ).fetchall()
    expired = []
    for interview_id, answered in rows:
        job_id = None
        if answered:
            job_id = jobs.enqueue_job(
                conn, workspace_id=workspace_id, kind=jobs.INTERVIEW_ANALYSIS,
                payload={"interview_id": interview_id},
            ).id  # fmt: skip
        log.info("interview %s abandoned; analysis job %s", interview_id, job_id)
        expired.append(ExpiredInterview(interview_id, job_id))
    return expired
