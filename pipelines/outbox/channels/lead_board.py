"""Lead responses as outbox channels: the shared bookkeeping, Djinni by browser, and e-mail.

Every lead channel delivers the same way (`LeadChannel.deliver`): ask pipelines/leads/sending.py
whether the response may go (the board's daily cap, or `NotYet` until the next local
midnight; a response this item already delivered is not sent again), send it, and record it
sent at once, before the dispatcher marks the item. So a dispatcher killed between delivery
and its mark finds, when the item is claimed again, the response recorded and sends nothing:
only a kill between the board's answer and that record can repeat, and Djinni (the page shows
the application) and HH (`already_applied`) drop such a repeat themselves; an e-mail keeps its
Message-ID.

- `DjinniChannel` ('lead.djinni'): headless Chromium with the workspace's Djinni cookies
  (pipelines/leads/djinni_session.py) opens the vacancy, reads it at a person's pace, clicks
  Apply, pastes the letter and sends (scraper/browser/djinni_apply.py). A vacancy already
  showing this account's application counts as delivered. The pages count against the
  account's daily page budget, shared with the board searches.
- `LinkedInChannel` ('lead.linkedin', lead_linkedin.py): the same, on `BrowserLeadChannel`,
  writing to the LinkedIn job's poster.
- `LeadEmailChannel` ('email.lead'): the installation's SMTP (EmailChannel), From the
  profile's sender name and address, Reply-To the sender's address.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import formataddr, parseaddr
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from psycopg_pool import ConnectionPool

from db.outbox import OutboxItem
from db.settings import Settings
from pipelines.hh_import.page_budget import DbPageBudget
from pipelines.leads import board_session, djinni_session, sending
from pipelines.leads.board_session import Board, SessionMissing
from pipelines.leads.sending import Prepared
from pipelines.outbox.channels.base import Channel
from pipelines.outbox.channels.email import EmailChannel, SmtpConfig
from pipelines.outbox.errors import DeliveryError, NotYet
from scraper.browser.djinni_apply import apply, signed_in_context
from scraper.browser.errors import PageBudgetExhausted, ScraperError
from scraper.browser.human import Pacing
from scraper.browser.signed_in import BoardError, SharedBrowser, run_with_browser

if TYPE_CHECKING:
    from playwright.async_api import Browser

log = logging.getLogger(__name__)
WAIT_FOR_PERSON_S = 3600  # a new login on the board: look again in an hour


class LeadChannel(Channel):
    """A lead response's way out; subclasses only `send`."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def deliver(self, item: OutboxItem) -> str | None:
        prepared = sending.prepare_delivery(self.pool, item)
        if prepared.delivered is not None:
            log.info("outbox item %s: delivered before (%s); not sent again", item.id,
                     prepared.delivered)  # fmt: skip
            return prepared.delivered
        delivered = self.send(item, prepared)
        sending.record_sent(self.pool, item, prepared, delivered)
        return delivered

    @abstractmethod
    def send(self, item: OutboxItem, prepared: Prepared) -> str:
        """Send the response; the board's id for it."""


class LeadEmailChannel(LeadChannel):
    """Lead responses by e-mail (a lead's contact, or LinkedIn's when only the address is
    known), through the installation's SMTP server."""

    name = "email.lead"

    def __init__(self, pool: ConnectionPool, config: SmtpConfig) -> None:
        super().__init__(pool)
        self.config = config
        self.timeout_s = config.timeout_s

    def send(self, item: OutboxItem, prepared: Prepared) -> str:
        response, lead, profile = prepared.response, prepared.lead, prepared.profile
        to = sending.recipient_of(lead, response) or item.payload.get("to")
        address = profile.sender_email or parseaddr(self.config.sender)[1]
        sender = formataddr((profile.sender_name or "", address)) if profile.sender_name \
            else address  # fmt: skip
        message = replace(item, payload={
            "to": to, "subject": response.subject or f"Re: {lead.title}",
            "text": response.body, **({"reply_to": profile.sender_email}
                                      if profile.sender_email else {}),
        })  # fmt: skip
        sent = EmailChannel(replace(self.config, sender=sender)).deliver(message)
        return sent or f"email:{item.idempotency_key}"


def apply_pacing() -> Pacing:
    """A person's pace, short enough to fit one application within the channel's timeout
    (a read of at most 20 s, breaks of at most 10 s)."""
    return Pacing(max_reading_s=20.0, long_break_s=(5.0, 10.0))


class BrowserLeadChannel(LeadChannel):
    """A lead channel that acts on a board's site as the workspace's signed-in account: the
    session (pipelines/leads/board_session.py), the pacing and the shared daily page budget,
    the browser run and the meaning of the board's errors are common; subclasses say which
    board (`board`, `expired`) and what to do there (`work`)."""

    board: Board
    expired: frozenset[str]  # the board's codes for a dead login: a person must export again

    def __init__(
        self,
        pool: ConnectionPool,
        settings: Settings,
        *,
        pacing: Callable[[], Pacing] = apply_pacing,
        browser: SharedBrowser | None = None,
        timeout_s: float = 100.0,
    ) -> None:
        super().__init__(pool)
        self.settings, self._pacing, self._browser = settings, pacing, browser
        self.timeout_s = timeout_s  # under the automation job's message lease (120 s)

    @abstractmethod
    def work(
        self, item: OutboxItem, prepared: Prepared, cookies: str, pacing: Pacing, account: str
    ) -> Callable[[Browser], Awaitable[str]]:
        """What the browser does for this item; it returns the board's id for the response."""

    def send(self, item: OutboxItem, prepared: Prepared) -> str:
        ws, board = item.workspace_id, self.board
        try:
            cookies = board_session.cookies_of(board, self.pool, self.settings, ws)
        except SessionMissing as e:
            raise DeliveryError(f"{e.message} (waits for a person)",
                                retry_after_s=WAIT_FOR_PERSON_S) from e  # fmt: skip
        pacing = replace(self._pacing(), budget=DbPageBudget(self.pool, ws))
        work = self.work(item, prepared, cookies, pacing, board_session.account_of(board, ws))
        try:
            return run_with_browser(work, shared=self._browser, timeout_s=self.timeout_s,
                                    site=board.label)  # fmt: skip
        except BoardError as e:
            if e.code in self.expired:
                board_session.mark_expired(board, self.pool, ws, e)
                raise DeliveryError(f"{e.message} (waits for a person)",
                                    retry_after_s=WAIT_FOR_PERSON_S) from e  # fmt: skip
            raise DeliveryError(e.message, retryable=e.retryable) from e
        except PageBudgetExhausted as e:
            tomorrow = datetime.now(UTC).date() + timedelta(days=1)
            until = datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=UTC)
            raise NotYet(f"waits: {e.message}", until=until) from e
        except ScraperError as e:
            raise DeliveryError(e.message, retryable=e.retryable) from e


class DjinniChannel(BrowserLeadChannel):
    """Answers Djinni vacancies with the workspace's signed-in account."""

    name = "lead.djinni"
    board = djinni_session.BOARD
    expired = frozenset({"djinni_login_expired", "djinni_cookies_invalid"})

    def work(
        self, item: OutboxItem, prepared: Prepared, cookies: str, pacing: Pacing, account: str
    ) -> Callable[[Browser], Awaitable[str]]:
        url, letter = str(item.payload["url"]), prepared.response.body
        host = (urlsplit(url).hostname or "").lower()

        async def work(browser: Browser) -> str:
            context = await signed_in_context(browser, cookies, host=host)
            try:
                page = await context.new_page()
                result = await apply(page, url, letter, pacing, account=account)
            finally:
                await context.close()
            log.info("lead response %s: Djinni vacancy %s %s", prepared.response.id,
                     result.vacancy_id, result.status)  # fmt: skip
            return f"djinni:{result.vacancy_id}:{result.status}"

        return work
