"""The workspace's signed-in Djinni account: what lead responses are sent and replies read with.

Djinni has no API for companies answering vacancies; a person signs in to Djinni in their own
browser and exports its cookies, which the product keeps sealed as the workspace's
`integrations` row of kind 'djinni' (SecretBox, purpose `integration:djinni:<workspace>`), as
it keeps the HH browser session (pipelines/hh_import/browser.py). When Djinni sends the
browser to its login page the cookies are dead: the row becomes `reconnect_needed` and only a
new export helps.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from urllib.parse import urlsplit
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import audit, integrations
from db.errors import Conflict
from db.pool import transaction
from db.secret_box import SealedValueInvalid, SecretBox
from db.settings import Settings
from scraper.browser.djinni_apply import DjinniError, load_djinni_cookies

log = logging.getLogger(__name__)
KIND = "djinni"


class DjinniNotConnected(Conflict):
    """No live Djinni session is stored for the workspace."""

    code = "djinni_not_connected"


def account_of(workspace_id: UUID) -> str:
    """The account whose pages are paced and budgeted (the board searches' Djinni account)."""
    return f"djinni:{workspace_id}"


def save_cookies(
    pool: ConnectionPool,
    settings: Settings,
    workspace_id: UUID,
    cookies_json: str,
    user_id: int | None,
) -> integrations.Integration:
    """Keep the cookies of a browser signed in to Djinni, sealed; usable at once.
    `DjinniError("djinni_cookies_invalid")` for anything but live Djinni cookies."""
    host = (urlsplit(settings.djinni_url).hostname or "").lower()
    cookies = load_djinni_cookies(cookies_json, host=host)
    box = SecretBox(settings.resolved_secret_key())
    sealed = box.seal(json.dumps(cookies, ensure_ascii=False),
                      purpose=integrations.secret_purpose(workspace_id, KIND))  # fmt: skip
    with transaction(pool, workspace_id=workspace_id) as conn:
        row = integrations.connect(
            conn, workspace_id=workspace_id, kind=KIND, sealed=sealed,
            settings={"base_url": settings.djinni_url, "saved_by": user_id,
                      "cookies_saved_at": datetime.now(UTC).isoformat()},
        )  # fmt: skip
        audit.record(conn, workspace_id=workspace_id, action="djinni.cookies_saved",
                     actor_user_id=user_id, target_type="integration", target_id=row.id,
                     details={"cookies": len(cookies), "site": host})  # fmt: skip
    return row


def cookies_of(pool: ConnectionPool, settings: Settings, workspace_id: UUID) -> str:
    """The stored cookies JSON; `DjinniNotConnected` when none are usable."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        row = integrations.get(conn, kind=KIND)
    if row is None or row.secrets_encrypted is None or row.status == "reconnect_needed":
        raise DjinniNotConnected(
            "connect the workspace's Djinni account first (export its cookies after signing in)"
        )
    try:
        return SecretBox(settings.resolved_secret_key()).open(
            row.secrets_encrypted, purpose=integrations.secret_purpose(workspace_id, KIND)
        )
    except SealedValueInvalid as e:
        raise DjinniNotConnected(
            "the stored Djinni cookies do not open with this installation's key: export them again"
        ) from e


def is_connected(pool: ConnectionPool, workspace_id: UUID) -> bool:
    """Whether a usable session is stored (checked before a response is queued for Djinni)."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        row = integrations.get(conn, kind=KIND)
    return row is not None and row.secrets_encrypted is not None and row.status in (
        "connected", "error")  # fmt: skip


def mark_expired(pool: ConnectionPool, workspace_id: UUID, error: DjinniError) -> None:
    """Djinni asked to log in again: the session waits for a person's new export."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        integrations.set_status(conn, kind=KIND, status="reconnect_needed", error=error.message)
    log.warning("workspace %s: the Djinni session ended (%s)", workspace_id, error.code)
