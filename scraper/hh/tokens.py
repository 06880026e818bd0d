"""The workspace's HH tokens from the database, refreshed exactly once however many use them.

HH's refresh token works once, and only after the access token expired. Several syncs (threads,
processes, nodes) may meet the expiry together; each asks `refreshed(expired)`, which locks the
workspace's `integrations` row: the first one in refreshes and stores the new pair, the others
find a token newer than the one they saw expire and use it. A refused refresh marks the
connection `reconnect_needed` and tells the owners (once); nothing retries it.
"""

from __future__ import annotations

import logging
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import integrations, notifications
from db.pool import transaction
from db.secret_box import SecretBox
from db.settings import Settings
from scraper.hh import oauth
from scraper.hh.errors import HHAuthorizationLost
from scraper.hh.oauth import Tokens

log = logging.getLogger(__name__)
KIND = "hh"


class DbTokens:
    """`scraper.hh.client.TokenSource` for one workspace."""

    def __init__(self, pool: ConnectionPool, settings: Settings, workspace_id: UUID) -> None:
        self.pool, self.settings, self.workspace_id = pool, settings, workspace_id
        self._box = SecretBox(settings.resolved_secret_key())
        self._purpose = integrations.secret_purpose(workspace_id, KIND)

    def _open(self, row: integrations.Integration) -> Tokens:
        if row.status == "reconnect_needed" or not row.secrets_encrypted:
            raise HHAuthorizationLost("HeadHunter must be connected again (the Integrations page)")
        return Tokens.from_sealed_form(self._box.open(row.secrets_encrypted, purpose=self._purpose))

    def seal(self, tokens: Tokens) -> bytes:
        return self._box.seal(tokens.sealed_form(), purpose=self._purpose)

    def current(self) -> str:
        with transaction(self.pool, workspace_id=self.workspace_id) as conn:
            return self._open(integrations.require(conn, kind=KIND)).access_token

    def refreshed(self, expired: str) -> str:
        with transaction(self.pool, workspace_id=self.workspace_id) as conn:
            row = integrations.require(conn, kind=KIND, lock=True)
            stored = self._open(row)
            if stored.access_token != expired:
                return stored.access_token  # another sync refreshed it meanwhile
            try:
                fresh = oauth.refresh(self.settings, refresh_token=stored.refresh_token)
            except HHAuthorizationLost as e:
                lost = e
            else:
                integrations.save_secrets(conn, kind=KIND, sealed=self.seal(fresh))
                integrations.merge_settings(
                    conn, kind=KIND, values={"token_expires_at": fresh.expires_at.isoformat()}
                )
                log.info("workspace %s: HH token refreshed", self.workspace_id)
                return fresh.access_token
        mark_reconnect_needed(self.pool, self.workspace_id, lost)
        raise lost


def mark_reconnect_needed(
    pool: ConnectionPool, workspace_id: UUID, error: HHAuthorizationLost
) -> None:
    """HH no longer accepts the workspace's authorization: the connection says so and the
    owners are told, once (a second report of the same loss changes nothing)."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        row = integrations.require(conn, kind=KIND, lock=True)
        if row.status == "reconnect_needed":
            return
        integrations.set_status(conn, kind=KIND, status="reconnect_needed", error=error.message)
        notifications.notify(
            conn, workspace_id=workspace_id, kind="hh.reconnect_needed",
            dedupe_key=f"hh-reconnect:{row.updated_at.isoformat()}",
            subject={"reason": error.message},
        )  # fmt: skip
    log.warning("workspace %s: HH authorization lost (%s)", workspace_id, error.message)
