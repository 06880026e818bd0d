"""One workspace's HH sync: vacancies, then the responses to its active ones, upserted by HH id.

Vacancies: `GET /me` → the employer → its active and archived vacancies → each one's details
(HTML description → text, key skills). A vacancy whose title and text did not change is left
alone; a changed one is analysed again. Responses: for each active HH vacancy, every collection,
every response in it: one that HH did not change since the last sync is skipped (no resume
fetched, no view quota spent), as is one refused at HH before it ever reached the product;
otherwise the full resume is fetched by the response's own URL,
becomes a candidate (merged with existing ones by e-mail, phone or Telegram), a resume (upserted
by HH's resume id, its profile from HH's fields) and an application (by the response's id), and
is screened when new or changed. The response's state and actions are kept for write-back.

A response that fails on its own data is counted and skipped; what stops HH for the whole
workspace (a captcha, paid access, a quota, a lost authorization) stops the run and is raised.
Everything is an upsert, so a run killed half-way is finished by the next one with no duplicate.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import hh_negotiations, vacancies
from db.pool import transaction
from pipelines.engine_set import Engines
from pipelines.hh_import.html_text import html_to_text
from pipelines.hh_import.resume_profile import profile_of, render_text
from pipelines.hh_import.store import SOURCE, ReadResponse, store_response
from pipelines.vacancy_flow import ensure_analysis, screen_application
from scraper.hh.client import HHClient
from scraper.hh.errors import (
    HHAuthorizationLost,
    HHCaptchaRequired,
    HHPaidAccessRequired,
    HHQuotaExceeded,
    HHRefused,
)
from scraper.hh.models import Negotiation, Vacancy

log = logging.getLogger(__name__)
# Errors about HH and this workspace, not about one response: the run stops.
STOPPING = (HHCaptchaRequired, HHPaidAccessRequired, HHQuotaExceeded, HHAuthorizationLost)
Welcome = Callable[[int, str], object]  # (application id, negotiation id)
# Told (kind, items handled so far in this run) after each vacancy or response: a CLI's progress.
Progress = Callable[[str, int], None]


@dataclass
class SyncCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # responses HH shows as discarded, never imported
    screened: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        names = ("new", "updated", "unchanged", "skipped", "screened", "failed")
        return {**{k: getattr(self, k) for k in names}, "errors": self.errors[:10]}

    def failed_with(self, what: str, error: Exception) -> None:
        self.failed += 1
        self.errors.append(f"{what}: {error}"[:300])


# ---- vacancies ----


def vacancy_text(vacancy: Vacancy) -> str:
    text = html_to_text(vacancy.description)
    if vacancy.key_skills:
        text += "\n\nКлючевые навыки: " + ", ".join(s.name for s in vacancy.key_skills)
    return text.strip()


async def sync_vacancies(
    client: HHClient,
    pool: ConnectionPool,
    engines: Engines,
    workspace_id: UUID,
    progress: Progress | None = None,
) -> SyncCounts:
    me = await client.me()
    if me.employer is None:
        raise HHRefused("the connected HH account is not an employer's account")
    counts = SyncCounts()
    for archived in (False, True):
        for brief in await client.vacancies(me.employer.id, archived=archived):
            try:
                full = await client.vacancy(brief.id)
                outcome = await asyncio.to_thread(
                    _save_vacancy, pool, engines, workspace_id, full, archived
                )
            except STOPPING:
                raise
            except Exception as e:  # this vacancy only
                log.warning("HH vacancy %s not imported: %s", brief.id, e)
                counts.failed_with(f"vacancy {brief.id}", e)
            else:
                setattr(counts, outcome, getattr(counts, outcome) + 1)
            if progress is not None:
                progress("vacancies", _handled(counts))
    return counts


def _handled(counts: SyncCounts) -> int:
    return counts.new + counts.updated + counts.unchanged + counts.skipped + counts.failed


def _save_vacancy(
    pool: ConnectionPool, engines: Engines, workspace_id: UUID, vacancy: Vacancy, archived: bool
) -> str:
    text, status = vacancy_text(vacancy), "archived" if archived or vacancy.archived else "active"
    with transaction(pool, workspace_id=workspace_id) as conn:
        existing = vacancies.find_external(conn, source=SOURCE, external_id=vacancy.id)
        if (existing is not None and existing.title == vacancy.name.strip()
                and existing.description == text and existing.status == status):  # fmt: skip
            return "unchanged"
        saved, created = vacancies.upsert_external_vacancy(
            conn, workspace_id=workspace_id, source=SOURCE, external_id=vacancy.id,
            title=vacancy.name, description=text,
            location=vacancy.area.name if vacancy.area else None,
        )  # fmt: skip
        if saved.status != status:
            vacancies.set_vacancy_status(conn, vacancy_id=saved.id, status=status)
    ensure_analysis(pool, engines, workspace_id=workspace_id, vacancy_id=saved.id)
    return "new" if created else "updated"


# ---- responses ----


async def sync_responses(
    client: HHClient,
    pool: ConnectionPool,
    engines: Engines,
    workspace_id: UUID,
    progress: Progress | None = None,
    welcome: Welcome | None = None,
) -> SyncCounts:
    """Every response to the workspace's active HH vacancies (see the module docstring); a new
    one is greeted by `welcome(application_id, negotiation_id)` when given."""
    counts = SyncCounts()
    with transaction(pool, workspace_id=workspace_id) as conn:
        targets = vacancies.external_ids(conn, source=SOURCE, status="active")
    for vacancy_id, external_id in targets:
        for collection in await client.collections(external_id):
            async for negotiation in client.responses(collection):
                try:
                    outcome = await _response(client, pool, engines, workspace_id, vacancy_id,
                                              external_id, negotiation, welcome)  # fmt: skip
                except STOPPING:
                    raise
                except Exception as e:  # this response only
                    log.warning("HH response %s not imported: %s", negotiation.id, e)
                    counts.failed_with(f"response {negotiation.id}", e)
                else:
                    setattr(counts, outcome[0], getattr(counts, outcome[0]) + 1)
                    counts.screened += outcome[1]
                if progress is not None:
                    progress("responses", _handled(counts))
    return counts


async def _response(
    client: HHClient,
    pool: ConnectionPool,
    engines: Engines,
    workspace_id: UUID,
    vacancy_id: int,
    vacancy_external_id: str,
    negotiation: Negotiation,
    welcome: Welcome | None,
) -> tuple[str, bool]:
    """("new" | "updated" | "unchanged" | "skipped", screened)."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        stored = hh_negotiations.get(conn, negotiation_id=negotiation.id)
    if (stored is not None and stored.application_id is not None
            and stored.hh_updated_at == negotiation.updated_at):  # fmt: skip
        return "unchanged", False
    state = negotiation.employer_state.id if negotiation.employer_state else ""
    if stored is None and state.startswith("discard"):
        return "skipped", False  # refused at HH before it reached the product
    if negotiation.resume is None or not negotiation.resume.url:
        raise HHRefused("the response has no resume the employer may open")
    resume = await client.resume(negotiation.resume.url)
    read = ReadResponse(
        negotiation_id=negotiation.id, resume_id=resume.id, vacancy_id=vacancy_id,
        vacancy_external_id=vacancy_external_id, text=render_text(resume),
        profile=lambda text: profile_of(resume, text),
        employer_state=negotiation.employer_state.id if negotiation.employer_state else None,
        actions=[a.model_dump(mode="json") for a in negotiation.actions],
        hh_updated_at=negotiation.updated_at,
    )  # fmt: skip
    application_id, created, changed = await asyncio.to_thread(
        store_response, pool, engines, workspace_id, read
    )
    if created or changed:
        await asyncio.to_thread(
            screen_application, pool, engines, workspace_id=workspace_id,
            application_id=application_id,
        )  # fmt: skip
    if created and welcome is not None:
        await asyncio.to_thread(welcome, application_id, negotiation.id)
    return ("new" if created else "updated"), created or changed
