"""Resumes stuck in `parsing` (their worker died): submitted again, or failed for good."""

from __future__ import annotations

import functools
from uuid import UUID

import psycopg

from db import resume_leases
from pipelines.automation.base import JobContext, JobOutcome


def recover_parses(
    conn: psycopg.Connection, *, workspace_id: UUID, context: JobContext
) -> JobOutcome:
    """Resubmit the workspace's resumes whose parse lease ran out (the new task takes the
    expired lease over); those out of attempts are failed with a reason (db.resume_leases)."""
    expired = resume_leases.recover_expired_parses(conn)
    outcome = JobOutcome({"resubmitted": len(expired.resubmit), "failed": len(expired.abandoned)})
    for resume_id in expired.resubmit:
        outcome.after_commit.append(
            functools.partial(context.dispatcher.submit_resume, workspace_id, resume_id, None)
        )
    return outcome
