"""Lead generation in the demo workspace: what it sells, its strongest candidates on the bench,
and a handful of other companies' vacancies run through the real lead flow (analysis, fit,
deduplication, drafts) with the offline engines, then a response approved, a note, ratings and
a lost deal, so the Leads page, a lead's page and the reports show something real on a fresh
start. Nothing is sent anywhere: the demo has no board sessions and no mail server."""

from __future__ import annotations

import logging
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import bench, lead_responses, leadgen_profiles, leads
from db.pool import transaction
from db.settings import Settings
from pipelines.engine_set import Engines
from pipelines.leads.dedupe import dedupe_key
from pipelines.leads.flow import process_leads
from serve_apps import demo_leads_texts as texts

log = logging.getLogger(__name__)


def seed_leads(
    pool: ConnectionPool,
    engines: Engines,
    settings: Settings,
    *,
    workspace_id: UUID,
    owner_id: int,
    bench_ids: list[int],
) -> None:
    """The profile, the bench, the leads found and what became of some of them."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        leadgen_profiles.save_profile(
            conn, workspace_id=workspace_id, updated_by=owner_id,
            pitch="Demo Company: 40 engineers and analysts, Python and data since 2015.",
            stacks=["Python", "FastAPI", "Django", "PostgreSQL", "Docker", "SQL", "pandas"],
            seniority=["middle", "senior"], rate_min=35, rate_max=60, rate_currency="USD",
            regions=["Remote", "EU", "Russia"], languages=["English", "Russian"],
            sender_name="Demo Recruiter", booking_url="https://cal.example.com/demo",
            meeting_timezone="Europe/Berlin",
        )  # fmt: skip
        for candidate_id in bench_ids:
            bench.put_member(conn, workspace_id=workspace_id, candidate_id=candidate_id,
                             added_by=owner_id, note="available for client projects")  # fmt: skip
        found = {}
        for board, board_id, title, company, email, text in texts.LEADS:
            lead, _ = leads.upsert_lead(
                conn, workspace_id=workspace_id, source=board, external_id=board_id,
                url=f"https://{board}.example/jobs/{board_id}", title=title, company=company,
                contact={"email": email} if email else {}, description=text,
                dedupe_key=dedupe_key(company, title),
            )  # fmt: skip
            found[board_id] = lead.id
    process_leads(pool, engines, settings, workspace_id)
    with transaction(pool, workspace_id=workspace_id) as conn:
        if lead_responses.get_for_lead(conn, lead_id=found[texts.APPROVED]) is not None:
            lead_responses.approve(conn, lead_id=found[texts.APPROVED], approved_by=owner_id)
        board_id, note = texts.NOTE
        leads.add_event(conn, lead_id=found[board_id], kind="note", body=note,
                        actor_user_id=owner_id)  # fmt: skip
        for board_id, quality in texts.RATED.items():
            leads.rate(conn, lead_id=found[board_id], quality=quality, actor_user_id=owner_id)
        board_id, reason = texts.LOST
        leads.set_status(conn, lead_id=found[board_id], status="lost", reason=reason,
                         actor_user_id=owner_id)  # fmt: skip
    log.info("demo leads seeded: %s", len(found))
