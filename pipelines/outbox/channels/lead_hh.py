"""Lead responses to HeadHunter vacancies: HH's own application, `POST /negotiations`.

The application is made with the workspace's HH connection (its OAuth tokens, refreshed as the
import refreshes them) and the HH resume the profile names (`leadgen_profiles.hh_resume_id`):
vacancy_id, resume_id and the response's text as the cover letter. HH keeps one application
per resume and vacancy and refuses another with 403 `negotiations/already_applied`, which
counts as delivered: a dispatcher killed after applying finds it so on the next claim.

Refusals: a captcha, a lost authorization, paid access or a quota wait for a person (retried in
an hour); 429 and 5xx are retried; HH's application limit for the day waits six hours; any
other refusal (a closed vacancy, a resume HH hides, a letter too long) fails the response.
"""

from __future__ import annotations

import asyncio

from psycopg_pool import ConnectionPool

from db.outbox import OutboxItem
from db.settings import Settings
from pipelines.leads.sending import Prepared
from pipelines.outbox.channels.lead_board import LeadChannel
from pipelines.outbox.errors import DeliveryError
from scraper.hh.client import HHClient
from scraper.hh.errors import HHError
from scraper.hh.tokens import DbTokens

WAIT_FOR_PERSON_S = 3600
LIMIT_WAIT_S = 6 * 3600
_FOR_A_PERSON = ("hh_captcha_required", "hh_reconnect_needed", "hh_paid_access_required",
                 "hh_quota_exceeded", "hh_token_expired")  # fmt: skip


def refused_as(error: HHError, value: str) -> bool:
    """Whether HH's refusal names `negotiations/<value>` (errors.error_for keeps the
    type/value pairs in its message)."""
    return f"negotiations/{value}" in error.message


class LeadHHChannel(LeadChannel):
    """Applies to HH vacancies with the profile's resume."""

    name = "lead.hh"

    def __init__(self, pool: ConnectionPool, settings: Settings) -> None:
        super().__init__(pool)
        self.settings = settings
        self.timeout_s = min(100.0, settings.hh_timeout_s * 3)

    def send(self, item: OutboxItem, prepared: Prepared) -> str:
        vacancy_id = str(item.payload["vacancy_id"])
        resume_id = str(item.payload["resume_id"])
        try:
            asyncio.run(self._apply(item, vacancy_id, resume_id, prepared.response.body))
        except HHError as e:
            if refused_as(e, "already_applied"):
                return f"hh:{vacancy_id}:{resume_id}:already"
            if e.retryable:
                raise DeliveryError(
                    e.message, retry_after_s=getattr(e, "retry_after_s", None)
                ) from e
            if e.code in _FOR_A_PERSON:
                raise DeliveryError(f"{e.message} (waits for a person)",
                                    retry_after_s=WAIT_FOR_PERSON_S) from e  # fmt: skip
            if refused_as(e, "limit_exceeded"):
                raise DeliveryError(f"{e.message} (HH's daily limit)",
                                    retry_after_s=LIMIT_WAIT_S) from e  # fmt: skip
            raise DeliveryError(e.message, retryable=False) from e
        return f"hh:{vacancy_id}:{resume_id}"

    async def _apply(self, item: OutboxItem, vacancy_id: str, resume_id: str, text: str) -> None:
        tokens = DbTokens(self.pool, self.settings, item.workspace_id)
        async with HHClient(self.settings, tokens) as client:
            try:
                await client.request("POST", "/negotiations", data={
                    "vacancy_id": vacancy_id, "resume_id": resume_id, "message": text})  # fmt: skip
            except ValueError:  # 201 with a body that is no JSON: HH took it all the same
                pass
