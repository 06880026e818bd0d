"""HH's notifications of new responses, subscribed when the installation has a public address.

HH can only call an address it can reach, so nothing is subscribed unless `SELECTIO_API_URL`
is set (the API's public URL). The subscription points at an inbound hook of source 'hh' (an
unguessable address, pipelines/hooks/hh.py); HH allows one subscription per user and app, so
an old one is replaced. The schedule syncs anyway: HH does not promise delivery.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import inbound_hooks, integrations
from db.pool import transaction
from db.secret_box import SecretBox
from db.settings import Settings
from pipelines.hooks.hh import NEW_RESPONSES
from scraper.hh.client import HHClient
from scraper.hh.errors import HHError
from scraper.hh.tokens import KIND, DbTokens

log = logging.getLogger(__name__)


def subscribe(
    pool: ConnectionPool, settings: Settings, *, workspace_id: UUID, user_id: int | None
) -> str | None:
    """Subscribe the workspace to HH's new-response notifications; the subscription id, or
    None when the installation has no public address or HH refused (the schedule syncs)."""
    if not settings.api_url:
        return None
    box = SecretBox(settings.resolved_secret_key())
    with transaction(pool, workspace_id=workspace_id) as conn:
        hook = inbound_hooks.create_hook(
            conn, workspace_id=workspace_id, source="hh", created_by=user_id,
            description="HeadHunter: new responses",
            seal=lambda hook_id: box.seal(secrets.token_urlsafe(32),
                                          purpose=inbound_hooks.secret_purpose(hook_id)),
        )  # fmt: skip
        previous = integrations.require(conn, kind=KIND).settings.get("webhook_subscription")
    url = f"{settings.public_api_url.rstrip('/')}/api/v1/hooks/{hook.public_id}"

    async def call() -> str:
        async with HHClient(settings, DbTokens(pool, settings, workspace_id)) as client:
            if previous:
                try:
                    await client.unsubscribe(str(previous))
                except HHError:
                    pass  # gone at HH already
            return await client.subscribe(url, NEW_RESPONSES)

    try:
        subscription_id = asyncio.run(call())
    except HHError as e:
        log.warning("workspace %s: HH notifications not subscribed (%s)", workspace_id, e.code)
        with transaction(pool, workspace_id=workspace_id) as conn:
            inbound_hooks.delete_hook(conn, hook_id=hook.id)
        return None
    with transaction(pool, workspace_id=workspace_id) as conn:
        integrations.merge_settings(conn, kind=KIND, values={
            "webhook_subscription": subscription_id, "webhook_hook_id": hook.id})  # fmt: skip
    return subscription_id
