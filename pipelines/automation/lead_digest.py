"""The daily lead digest as an automation job (`lead_digest`): yesterday's figures told to the
owners, in the run's transaction (pipelines/leads/digest.py).

No global schedule drives it: each run is a singleton `jobs` row queued for 08:00 in the
profile's time zone, which automation_due_work() returns like any due queued run. The first
lead of a workspace queues one, and each run that ends queues the next while the workspace
has lead activity (triggers of 0035_lead_sending.sql), so a workspace without lead generation
never runs it and nothing else had to change in the Orchestrator's query.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import psycopg

from db import leadgen_profiles
from pipelines.automation.base import JobContext, JobOutcome
from pipelines.leads.digest import collect, notify_digest, yesterday

KIND = "lead_digest"


def lead_digest(conn: psycopg.Connection, *, workspace_id: UUID, context: JobContext) -> JobOutcome:
    """Tell yesterday's digest (a quiet day tells nobody); its figures for the run's record."""
    tz = leadgen_profiles.get_profile(conn).meeting_timezone
    digest = collect(conn, day=yesterday(datetime.now(UTC), tz), tz=tz)
    told = 0 if digest.empty else notify_digest(conn, workspace_id=workspace_id, digest=digest)
    return JobOutcome({"told": told, "new": digest.new, "strong": digest.strong,
                       "responded": digest.responded, "replied": digest.replied,
                       "meetings": digest.meetings})  # fmt: skip
