"""Active interviews nobody can still be in: ended as failed, their analysis queued.

A live conversation closes itself at the interview's maximum duration (counted from the
first start, across reconnects, less the server's downtime already booked: db.interviews). An
interview still `active` well after that has lost its candidate: the browser closed and never
came back, or the actor's node went away for good. Downtime not yet booked (no actor copy has
started since) counts as the candidate's absence, as it always did: whether the candidate
would have come back is not known until they do.
Left alone it would hold a slot of the workspace's concurrent-interview limit forever. The
Orchestrator's `expire_interviews` job ends them in every workspace, whether or not anyone
touches it (pipelines/automation/interviews.py); the link check and an idle interview actor
leaving settle only their own interview (`interview_id`), since they must answer for it now;
the capacity check does not count overdue ones (`count_live`) and leaves them to the job.
Whatever the candidate did answer is still worth a (partial) report, so an analysis job is
queued for each expired interview that has answers; the caller starts the jobs it gets back.
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


_OVERDUE = "i.started_at < now() - make_interval(secs => %(overdue_after)s + i.server_down_s)"


def expire_overdue(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    max_duration_s: int,
    interview_id: int | None = None,
) -> list[ExpiredInterview]:
    """End the workspace's overdue active interviews (or only `interview_id`, if it is one)
    as failed (abandoned); queue analyses."""
    rows = conn.execute(
        f"""
        update interviews i
        set status = 'failed', failure_reason = %(reason)s, ended_at = now(), heartbeat_at = null
        where i.status = 'active' and {_OVERDUE}
          and (%(only)s::bigint is null or i.id = %(only)s)
        returning i.id, exists (
            select 1 from interview_turns t where t.interview_id = i.id and t.role = 'candidate'
        )
        """,
        {
            "reason": ABANDONED_REASON,
            "overdue_after": max_duration_s + OVERRUN_ALLOWANCE_S,
            "only": interview_id,
        },
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


def count_live(conn: psycopg.Connection, *, max_duration_s: int, besides: int) -> int:
    """Active interviews of the current workspace other than `besides` that may still have
    their candidate (the overdue ones are abandoned, whether or not the job has ended them)."""
    row = conn.execute(
        f"""
        select count(*) from interviews i
        where i.status = 'active' and i.id <> %(besides)s and not ({_OVERDUE})
        """,
        {"besides": besides, "overdue_after": max_duration_s + OVERRUN_ALLOWANCE_S},
    ).fetchone()
    return int(row[0]) if row else 0
