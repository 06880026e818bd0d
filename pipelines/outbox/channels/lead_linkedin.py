"""LinkedIn lead responses as an outbox channel ('lead.linkedin'): a message to the job's poster.

Jobs found on LinkedIn (jobspy) rarely come with the poster's e-mail, but the job page names
the hiring team and offers to message them. Headless Chromium with the workspace's LinkedIn
cookies (pipelines/leads/linkedin_session.py) opens `<site>/jobs/view/<id>/`, reads it at a
person's pace, clicks the poster's Message button, types the response and sends it
(scraper/browser/linkedin_message.py). The bookkeeping is every lead channel's (lead_board.py):
the daily cap ('linkedin' in the profile's `daily_caps`), the response recorded sent before
the dispatcher marks the item, and a repeat that finds the text in the conversation counts as
delivered. A dead login marks the session `reconnect_needed` and the item waits for a person;
a job without a poster fails for good, telling the person to apply by hand or add an e-mail.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from db.outbox import OutboxItem
from pipelines.leads import linkedin_session
from pipelines.leads.sending import Prepared
from pipelines.outbox.channels.lead_board import BrowserLeadChannel
from pipelines.outbox.errors import DeliveryError
from scraper.browser.human import Pacing
from scraper.browser.linkedin_message import job_page, message_poster, signed_in_context

if TYPE_CHECKING:
    from playwright.async_api import Browser

log = logging.getLogger(__name__)


class LinkedInChannel(BrowserLeadChannel):
    """Writes to LinkedIn jobs' posters with the workspace's signed-in account."""

    name = "lead.linkedin"
    board = linkedin_session.BOARD
    expired = frozenset({"linkedin_login_expired", "linkedin_cookies_invalid"})

    def work(
        self, item: OutboxItem, prepared: Prepared, cookies: str, pacing: Pacing, account: str
    ) -> Callable[[Browser], Awaitable[str]]:
        job_id = item.payload.get("job_id")
        if not isinstance(job_id, str) or not job_id:
            raise DeliveryError("the LinkedIn lead names no job to message", retryable=False)
        url = job_page(self.board.base_url(self.settings), job_id)
        host, text = (urlsplit(url).hostname or "").lower(), prepared.response.body

        async def work(browser: Browser) -> str:
            context = await signed_in_context(browser, cookies, host=host)
            try:
                page = await context.new_page()
                result = await message_poster(page, url, text, pacing, account=account)
            finally:
                await context.close()
            log.info("lead response %s: LinkedIn job %s, poster %s: %s", prepared.response.id,
                     result.job_id, result.poster.profile, result.status)  # fmt: skip
            return f"linkedin:{result.job_id}:{result.status}"

        return work
