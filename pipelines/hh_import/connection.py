"""Connecting a workspace to HeadHunter (OAuth) and disconnecting it.

`begin` gives the authorize URL to send a person to (the state names the workspace and the
user, signed and expiring); HH redirects back to the API's callback with a code, and `finish`
exchanges it, asks HH who the account is (it must be an employer's), and stores the tokens
sealed with the employer in the workspace's `integrations` row. `disconnect` ends the token at
HH when it can and drops it here either way.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from uuid import UUID

import httpx
from psycopg_pool import ConnectionPool

from db import audit, integrations
from db.integrations import Integration
from db.pool import transaction
from db.settings import Settings
from pipelines.hh_import import webhooks
from scraper.hh import oauth
from scraper.hh.client import HHClient, user_agent
from scraper.hh.errors import HHRefused
from scraper.hh.models import Me
from scraper.hh.tokens import KIND, DbTokens

log = logging.getLogger(__name__)
CALLBACK_PATH = "/api/v1/integrations/hh/callback"


def callback_url(settings: Settings) -> str:
    return settings.public_api_url.rstrip("/") + CALLBACK_PATH


def begin(settings: Settings, *, workspace_id: UUID, user_id: int) -> str:
    """Where to send the person who connects HH (HH's authorize page)."""
    state = oauth.make_state(settings.resolved_secret_key(), workspace_id, user_id)
    return oauth.authorize_url(settings, state=state, redirect_uri=callback_url(settings))


class _Fixed:
    """A token source for the first call, before anything is stored."""

    def __init__(self, token: str) -> None:
        self.token = token

    def current(self) -> str:
        return self.token

    def refreshed(self, expired: str) -> str:  # a fresh token does not expire in a second
        raise HHRefused("HH refused a token it has just issued")


async def _who(settings: Settings, token: str) -> Me:
    async with HHClient(settings, _Fixed(token)) as client:
        return await client.me()


def finish(pool: ConnectionPool, settings: Settings, *, code: str, state: str) -> Integration:
    """Exchange HH's code and keep the connection; `InvalidState`, `HHRefused`…"""
    workspace_id, user_id = oauth.read_state(settings.resolved_secret_key(), state)
    tokens = oauth.exchange_code(settings, code=code, redirect_uri=callback_url(settings))
    me = asyncio.run(_who(settings, tokens.access_token))
    if not me.is_employer or me.employer is None:
        raise HHRefused("this HH account is not an employer's: sign in as the company's manager")
    sealed = DbTokens(pool, settings, workspace_id).seal(tokens)
    with transaction(pool, workspace_id=workspace_id) as conn:
        row = integrations.connect(
            conn, workspace_id=workspace_id, kind=KIND, sealed=sealed,
            settings={"employer_id": me.employer.id, "employer_name": me.employer.name,
                      "manager_email": me.email, "connected_by": user_id,
                      "token_expires_at": tokens.expires_at.isoformat()},
        )  # fmt: skip
        audit.record(
            conn, workspace_id=workspace_id, action="hh.connected", actor_user_id=user_id,
            target_type="integration", target_id=row.id,
            details={"employer_id": me.employer.id},
        )  # fmt: skip
    log.info("workspace %s connected to HH employer %s", workspace_id, me.employer.id)
    if webhooks.subscribe(pool, settings, workspace_id=workspace_id, user_id=user_id):
        with transaction(pool, workspace_id=workspace_id) as conn:
            row = integrations.require(conn, kind=KIND)
    return row


def disconnect(
    pool: ConnectionPool, settings: Settings, *, workspace_id: UUID, user_id: int | None
) -> bool:
    """Drop the connection; True when HH confirmed the token ended."""
    confirmed = False
    try:
        token = DbTokens(pool, settings, workspace_id).current()
        agent = user_agent(settings)
        answer = httpx.delete(
            f"{settings.hh_api_url.rstrip('/')}/oauth/token", timeout=settings.hh_timeout_s,
            headers={"Authorization": f"Bearer {token}", "User-Agent": agent,
                     "HH-User-Agent": agent},
        )  # fmt: skip
        confirmed = answer.status_code in (200, 204)
    except Exception as e:  # HH unreachable or the token already dead: dropped here anyway
        log.info("HH token of %s not ended at HH: %s", workspace_id, type(e).__name__)
    with transaction(pool, workspace_id=workspace_id) as conn:
        row = integrations.require(conn, kind=KIND)
        integrations.disconnect(conn, kind=KIND)
        audit.record(
            conn, workspace_id=workspace_id, action="hh.disconnected", actor_user_id=user_id,
            target_type="integration", target_id=row.id, details={"confirmed": confirmed},
        )  # fmt: skip
    return confirmed


def token_expires_at(row: Integration) -> datetime | None:
    value = row.settings.get("token_expires_at")
    return datetime.fromisoformat(value) if value else None
