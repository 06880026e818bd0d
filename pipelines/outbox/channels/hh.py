"""HeadHunter as an outbox channel: a recruiter's stage change taken as HH's own action on the
response (`hh.action`), and messages in the response's chat (`hh.message`).

An action is chosen when it goes out, by the HH employer state it leads to (the item names the
states its stage stands for): HH decides which actions exist, their URL, method and arguments,
and they change with the response's state. Before acting, the response is read again: if HH
already shows one of the wanted states (the action went through before a crash), nothing is
sent twice. An action that needs a message gets a polite one in the vacancy's language.
"""

from __future__ import annotations

import asyncio
from typing import Any

from psycopg_pool import ConnectionPool

from db import hh_negotiations
from db.outbox import OutboxItem
from db.pool import transaction
from db.settings import Settings
from pipelines.outbox.channels.base import Channel
from pipelines.outbox.errors import DeliveryError
from scraper.hh.client import HHClient
from scraper.hh.errors import HHError
from scraper.hh.models import Action, Negotiation
from scraper.hh.tokens import DbTokens

WAIT_FOR_PERSON_S = 3600  # a captcha, paid access, a reconnect: try again in an hour
MESSAGES = {
    "interview": {"ru": "Здравствуйте! Приглашаем вас на интервью по вакансии.",
                  "en": "Hello! We would like to invite you to an interview for the vacancy."},
    "offer": {"ru": "Здравствуйте! Мы готовы сделать вам предложение.",
              "en": "Hello! We are ready to make you an offer."},
    "discard": {"ru": "Здравствуйте! Спасибо за интерес к вакансии. К сожалению, сейчас мы не "
                "готовы продолжить с вашей кандидатурой.",
                "en": "Hello! Thank you for your interest in the vacancy. Unfortunately we will "
                "not continue with your application now."},
}  # fmt: skip


def message_for(state: str, language: str) -> str:
    key = "discard" if state.startswith("discard") else "offer" if state in ("offer", "hired") \
        else "interview"  # fmt: skip
    return MESSAGES[key]["en" if language == "en" else "ru"]


def choose_action(actions: list[Action], states: list[str]) -> Action | None:
    """The enabled action leading to the most preferred of `states`."""
    for state in states:
        for action in actions:
            result = action.resulting_employer_state
            if action.enabled and result is not None and result.id == state:
                return action
    return None


class HHChannel(Channel):
    name = "hh"

    def __init__(self, pool: ConnectionPool, settings: Settings) -> None:
        self.pool, self.settings = pool, settings
        # Two requests (read the response, act), each under HH's timeout; below the automation
        # job's message lease (pipelines.automation.outbox.LEASE_S).
        self.timeout_s = min(100.0, settings.hh_timeout_s * 3)

    def deliver(self, item: OutboxItem) -> str | None:
        try:
            return asyncio.run(self._deliver(item))
        except HHError as e:
            if e.retryable:
                raise DeliveryError(
                    e.message, retry_after_s=getattr(e, "retry_after_s", None)
                ) from e
            if e.code in ("hh_captcha_required", "hh_reconnect_needed", "hh_paid_access_required",
                          "hh_quota_exceeded", "hh_token_expired"):  # fmt: skip
                raise DeliveryError(
                    f"{e.message} (waits for a person)", retry_after_s=WAIT_FOR_PERSON_S
                ) from e
            raise DeliveryError(e.message, retryable=False) from e

    async def _deliver(self, item: OutboxItem) -> str:
        payload = item.payload
        nid = str(payload["negotiation_id"])
        async with HHClient(self.settings, DbTokens(self.pool, self.settings,
                                                    item.workspace_id)) as client:  # fmt: skip
            if item.kind == "hh.message":
                await client.send_message(nid, str(payload["text"]))
                return f"hh:message:{nid}"
            return await self._act(client, item.workspace_id, nid, payload)

    async def _act(
        self, client: HHClient, workspace_id: Any, nid: str, payload: dict[str, Any]
    ) -> str:
        states = [str(s) for s in payload.get("states") or []]
        current = Negotiation.model_validate(await client.request("GET", f"/negotiations/{nid}"))
        state = current.employer_state.id if current.employer_state else None
        if state in states:
            return f"hh:{nid}:{state}:already"
        action = choose_action(current.actions, states)
        if action is None:
            raise DeliveryError(
                f"HH offers no action on response {nid} leading to {' / '.join(states)} "
                f"(it is '{state}')",
                retryable=False,
            )
        arguments = {}
        if any(a.id == "message" for a in action.arguments):
            arguments["message"] = message_for(action.resulting_employer_state.id,  # type: ignore[union-attr]
                                               str(payload.get("language") or "ru"))  # fmt: skip
        await client.act(action, arguments)
        reached = action.resulting_employer_state.id if action.resulting_employer_state else None
        with transaction(self.pool, workspace_id=workspace_id) as conn:
            hh_negotiations.set_state(conn, negotiation_id=nid, employer_state=reached)
        return f"hh:{nid}:{reached}"
