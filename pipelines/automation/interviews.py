"""Interview housekeeping: abandoned interviews expired, expired links' tokens dropped."""

from __future__ import annotations

import functools
import logging
from uuid import UUID

import psycopg

from db import interview_expiry
from pipelines.automation.base import JobContext, JobOutcome

log = logging.getLogger(__name__)


def expire_interviews(
    conn: psycopg.Connection, *, workspace_id: UUID, context: JobContext
) -> JobOutcome:
    """End the workspace's abandoned interviews as failed and analyse what was answered
    (db.interview_expiry), whether or not anyone touches the workspace."""
    expired = interview_expiry.expire_overdue(
        conn, workspace_id=workspace_id, max_duration_s=context.max_interview_s
    )
    outcome = JobOutcome({"expired": len(expired)})
    for item in expired:
        if item.analysis_job_id is not None:
            outcome.after_commit.append(
                functools.partial(
                    context.dispatcher.submit_analysis, workspace_id, item.analysis_job_id
                )
            )
    outcome.counts["analyses"] = len(outcome.after_commit)
    return outcome


def expire_links(
    conn: psycopg.Connection, *, workspace_id: UUID, context: JobContext
) -> JobOutcome:
    """Drop the token hashes of expired interview links: a dead link needs no credential
    stored, and the interview keeps `link_expires_at` to say why it no longer opens."""
    dropped = conn.execute(
        """
        update interviews set link_token_hash = null
        where link_token_hash is not null and link_expires_at <= now()
        """
    ).rowcount
    return JobOutcome({"links_dropped": dropped})
