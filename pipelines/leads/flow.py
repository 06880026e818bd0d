"""What happens to leads after a job-board scan, in one place: every lead still unanalysed is
analysed and scored (qualify.py: archived with the reason under the threshold, the owner told
about strong ones), a response is drafted for each qualified lead that has none, and drafts of
leads at or above the profile's auto-send threshold go out through the outbox. After a scan
(`after_scan`), the Djinni inbox is read too when the workspace keeps a Djinni session, so
recruiters' replies move their leads.

Everything it picks up comes from Postgres (unanalysed leads, qualified leads with no
response), never from the scan's memory, so a worker killed half-way leaves nothing behind:
the next scan, or `POST /leads/process`, finishes the job. One lead's failure is logged and
counted; the others go on.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import leadgen_profiles, leads
from db.pool import transaction
from db.settings import Settings
from pipelines.engine_set import Engines
from pipelines.leads import djinni_session
from pipelines.leads.qualify import qualify_leads
from pipelines.leads.replies import read_djinni_inbox
from pipelines.leads.response import draft_response
from pipelines.leads.sending import send_response
from scraper.browser.djinni_apply import DjinniError

log = logging.getLogger(__name__)


@dataclass
class FlowResult:
    """What one pass did: the qualification's figures, the drafts and the automatic sends."""

    analysed: int = 0
    qualified: int = 0
    archived: int = 0
    duplicates: int = 0
    strong: int = 0
    drafted: list[int] = field(default_factory=list)
    auto_sent: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def process_leads(
    pool: ConnectionPool, engines: Engines, settings: Settings, workspace_id: UUID
) -> FlowResult:
    """Qualify, draft and auto-send whatever the workspace's leads are waiting for."""
    result = FlowResult()
    qualified = qualify_leads(pool, engines, workspace_id)
    result.analysed = qualified.analysed
    result.qualified = len(qualified.qualified)
    result.archived = len(qualified.archived)
    result.duplicates = len(qualified.duplicates)
    result.strong = len(qualified.strong)
    result.failed.update({lead_id: "analysis failed" for lead_id in qualified.failed})
    with transaction(pool, workspace_id=workspace_id) as conn:
        profile = leadgen_profiles.get_profile(conn)
        waiting = leads.awaiting_response(conn)
    for lead_id in waiting:
        try:
            draft_response(pool, settings, workspace_id, lead_id)
        except Exception as e:  # one lead's failure stays with it
            log.exception("lead %s in %s: drafting failed", lead_id, workspace_id)
            result.failed[lead_id] = f"drafting failed: {type(e).__name__}"
            continue
        result.drafted.append(lead_id)
        if _auto_sends(pool, workspace_id, lead_id, profile.auto_send_threshold):
            try:
                send_response(pool, settings, workspace_id, lead_id, auto=True)
            except Exception as e:
                code = getattr(e, "code", type(e).__name__)
                log.warning("lead %s in %s: auto-send refused: %s", lead_id, workspace_id, code)
                result.failed[lead_id] = f"auto-send refused: {code}"
                continue
            result.auto_sent.append(lead_id)
    log.info("leads processed in %s: %s", workspace_id, result.as_dict())
    return result


def _auto_sends(
    pool: ConnectionPool, workspace_id: UUID, lead_id: int, threshold: int | None
) -> bool:
    if threshold is None:
        return False
    with transaction(pool, workspace_id=workspace_id) as conn:
        lead = leads.get_lead(conn, lead_id=lead_id)
    return lead.fit_score is not None and lead.fit_score >= threshold


def after_scan(
    pool: ConnectionPool, engines: Engines, settings: Settings, workspace_id: UUID
) -> dict[str, Any]:
    """The lead flow after the workspace's board searches ran, then its Djinni inbox (when a
    session is kept); the figures of both. A dead Djinni login is marked on the session (the
    settings page asks for fresh cookies) and never stops the flow."""
    figures: dict[str, Any] = {"leads": process_leads(pool, engines, settings, workspace_id)
                               .as_dict()}  # fmt: skip
    if djinni_session.is_connected(pool, workspace_id):
        try:
            inbox = read_djinni_inbox(pool, settings, workspace_id)
        except DjinniError as e:
            log.warning("workspace %s: the Djinni inbox was not read: %s", workspace_id, e.code)
            figures["djinni_inbox"] = {"error": e.code}
        else:
            figures["djinni_inbox"] = asdict(inbox)
    return figures
