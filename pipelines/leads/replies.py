"""Replies from the companies a workspace answered: recorded once, the lead moved, the team told.

`record_reply` is the one way a reply enters a lead's history, whoever found it (the Djinni
inbox read here, a person logging a call or a mail that came elsewhere): a `message_in` event
keyed by the reply's external id (Djinni's message id), so a reply read twice is recorded
once; the lead advances to 'replied'; `lead.replied` tells the recruiters with an excerpt. All
in one transaction: a reply either did all three or none.

`read_djinni_inbox` opens the workspace's Djinni inbox with its stored session
(pipelines/leads/djinni_session.py), skips threads whose newest message is recorded already,
and records each recruiter's message for the lead whose vacancy the thread is about (the
Djinni lead with that vacancy id). Messages about vacancies that are no lead are left alone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import urlsplit
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import leads, notifications
from db.errors import InvalidValue
from db.pool import transaction
from db.settings import Settings
from pipelines.hh_import.page_budget import DbPageBudget
from pipelines.leads import djinni_session
from scraper.browser.djinni_apply import (
    DjinniError,
    InboxMessage,
    SharedBrowser,
    read_inbox,
    run_with_browser,
    signed_in_context,
)
from scraper.browser.human import Pacing

log = logging.getLogger(__name__)
EXCERPT_CHARS = 280
DJINNI_PREFIX = "djinni:"


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The reply's first `limit` characters on one line, cut at a word."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + "…"


def record_reply(
    pool: ConnectionPool,
    workspace_id: UUID,
    lead_id: int,
    *,
    text: str,
    external_id: str | None,
    received_at: datetime | None,
    actor_user_id: int | None = None,
) -> bool:
    """Record one reply to the lead (see the module docstring); False when `external_id`
    was recorded before (nothing changes, nobody is told again)."""
    body = text.strip()
    if not body:
        raise InvalidValue("a reply needs its text")
    with transaction(pool, workspace_id=workspace_id) as conn:
        lead = leads.get_lead(conn, lead_id=lead_id)
        event = leads.add_event(
            conn, lead_id=lead_id, kind="message_in", body=body, external_id=external_id,
            data={"received_at": received_at.isoformat() if received_at else None},
            actor_user_id=actor_user_id,
        )  # fmt: skip
        if event is None:
            return False
        leads.advance(conn, lead_id=lead_id, status="replied", actor_user_id=actor_user_id)
        notifications.notify(
            conn, workspace_id=workspace_id, kind="lead.replied",
            dedupe_key=f"lead-replied:{event.id}",
            subject={"lead_id": lead_id, "company": lead.company or lead.title,
                     "title": lead.title, "excerpt": excerpt(body)},
        )  # fmt: skip
    return True


@dataclass
class InboxCounts:
    """What one inbox read did."""

    messages: int = 0
    recorded: int = 0
    repeats: int = 0
    unmatched: int = 0
    lead_ids: list[int] = field(default_factory=list)


def read_djinni_inbox(
    pool: ConnectionPool,
    settings: Settings,
    workspace_id: UUID,
    *,
    pacing: Pacing | None = None,
    browser: SharedBrowser | None = None,
    timeout_s: float = 600.0,
) -> InboxCounts:
    """Read the workspace's Djinni inbox now (blocking) and record the recruiters' replies;
    `DjinniNotConnected` without a session, `DjinniError` when Djinni refused (a dead login
    marks the session `reconnect_needed` first)."""
    cookies = djinni_session.cookies_of(pool, settings, workspace_id)
    with transaction(pool, workspace_id=workspace_id) as conn:
        known = {
            r[0].removeprefix(DJINNI_PREFIX)
            for r in conn.execute(
                "select external_id from lead_events where kind = 'message_in' "
                "and external_id like %s",
                (DJINNI_PREFIX + "%",),
            ).fetchall()
        }
    paced = replace(pacing or Pacing(), budget=DbPageBudget(pool, workspace_id))
    account = djinni_session.account_of(workspace_id)
    base = settings.djinni_url

    async def work(chromium: object) -> list[InboxMessage]:
        host = (urlsplit(base).hostname or "").lower()
        context = await signed_in_context(chromium, cookies, host=host)  # type: ignore[arg-type]
        try:
            page = await context.new_page()
            return await read_inbox(page, base, paced, account=account, known=known)
        finally:
            await context.close()

    try:
        found = run_with_browser(work, shared=browser, timeout_s=timeout_s)
    except DjinniError as e:
        if e.code in ("djinni_login_expired", "djinni_cookies_invalid"):
            djinni_session.mark_expired(pool, workspace_id, e)
        raise
    return _record_all(pool, workspace_id, found)


def _record_all(pool: ConnectionPool, workspace_id: UUID, found: list[InboxMessage]) -> InboxCounts:
    counts = InboxCounts(messages=len(found))
    for message in found:
        lead_id = _lead_of(pool, workspace_id, message.job_id)
        if lead_id is None or not message.text:
            counts.unmatched += 1
            continue
        if record_reply(pool, workspace_id, lead_id, text=message.text,
                        external_id=DJINNI_PREFIX + message.message_id,
                        received_at=message.sent_at):  # fmt: skip
            counts.recorded += 1
            counts.lead_ids.append(lead_id)
        else:
            counts.repeats += 1
    log.info("Djinni inbox of %s: %s", workspace_id, counts)
    return counts


def _lead_of(pool: ConnectionPool, workspace_id: UUID, job_id: str | None) -> int | None:
    if not job_id:
        return None
    with transaction(pool, workspace_id=workspace_id) as conn:
        row = conn.execute(
            "select id from leads where source = 'djinni' and external_id = %s", (job_id,)
        ).fetchone()
    return int(row[0]) if row else None
