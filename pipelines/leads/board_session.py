"""A workspace's signed-in account on a job board (Djinni, LinkedIn): what lead responses are
sent, and replies read, with.

These boards have no API for a company answering another company's job; a person signs in to
the board in their own browser and exports its cookies, which the product keeps sealed as the
workspace's `integrations` row of the board's kind (SecretBox, purpose
`integration:<kind>:<workspace>`), as it keeps the HH browser session
(pipelines/hh_import/browser.py). When the board sends the browser to its login page the
cookies are dead: the row becomes `reconnect_needed` and only a new export helps. Each board
is one `Board` (djinni_session.py, linkedin_session.py); the functions here take it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import audit, integrations
from db.errors import Conflict
from db.pool import transaction
from db.secret_box import SealedValueInvalid, SecretBox
from db.settings import Settings
from scraper.browser.signed_in import BoardError

log = logging.getLogger(__name__)


class SessionMissing(Conflict):
    """No live session of the board is stored for the workspace (each board names its code)."""

    code = "board_not_connected"


@dataclass(frozen=True)
class Board:
    """One board's session: its `integrations` kind, its name for people, the setting with its
    site's URL, how its cookies are checked, and its `SessionMissing` error."""

    kind: str
    label: str
    url_setting: str
    load_cookies: Callable[..., list[dict[str, Any]]]  # (cookies_json, *, host) -> cookies
    missing: type[SessionMissing]

    def base_url(self, settings: Settings) -> str:
        return str(getattr(settings, self.url_setting))


def account_of(board: Board, workspace_id: UUID) -> str:
    """The account whose pages are paced and budgeted (`<kind>:<workspace>`), shared by every
    use of the session (the board searches, the responses, the inbox)."""
    return f"{board.kind}:{workspace_id}"


def save_cookies(
    board: Board,
    pool: ConnectionPool,
    settings: Settings,
    workspace_id: UUID,
    cookies_json: str,
    user_id: int | None,
) -> integrations.Integration:
    """Keep the cookies of a browser signed in to the board, sealed; usable at once. The
    board's `BoardError("<board>_cookies_invalid")` for anything but its live cookies."""
    base_url = board.base_url(settings)
    host = (urlsplit(base_url).hostname or "").lower()
    cookies = board.load_cookies(cookies_json, host=host)
    box = SecretBox(settings.resolved_secret_key())
    sealed = box.seal(json.dumps(cookies, ensure_ascii=False),
                      purpose=integrations.secret_purpose(workspace_id, board.kind))  # fmt: skip
    with transaction(pool, workspace_id=workspace_id) as conn:
        row = integrations.connect(
            conn, workspace_id=workspace_id, kind=board.kind, sealed=sealed,
            settings={"base_url": base_url, "saved_by": user_id,
                      "cookies_saved_at": datetime.now(UTC).isoformat()},
        )  # fmt: skip
        audit.record(conn, workspace_id=workspace_id, action=f"{board.kind}.cookies_saved",
                     actor_user_id=user_id, target_type="integration", target_id=row.id,
                     details={"cookies": len(cookies), "site": host})  # fmt: skip
    return row


def cookies_of(board: Board, pool: ConnectionPool, settings: Settings, workspace_id: UUID) -> str:
    """The stored cookies JSON; the board's `SessionMissing` when none are usable."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        row = integrations.get(conn, kind=board.kind)
    if row is None or row.secrets_encrypted is None or row.status == "reconnect_needed":
        raise board.missing(f"connect the workspace's {board.label} account first (export its "
                            "cookies after signing in)")  # fmt: skip
    try:
        return SecretBox(settings.resolved_secret_key()).open(
            row.secrets_encrypted, purpose=integrations.secret_purpose(workspace_id, board.kind)
        )
    except SealedValueInvalid as e:
        raise board.missing(f"the stored {board.label} cookies do not open with this "
                            "installation's key: export them again") from e  # fmt: skip


def is_connected(board: Board, pool: ConnectionPool, workspace_id: UUID) -> bool:
    """Whether a usable session is stored (checked before a response is queued for it)."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        row = integrations.get(conn, kind=board.kind)
    return row is not None and row.secrets_encrypted is not None and row.status in (
        "connected", "error")  # fmt: skip


def mark_expired(board: Board, pool: ConnectionPool, workspace_id: UUID, error: BoardError) -> None:
    """The board asked to log in again: the session waits for a person's new export."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        integrations.set_status(conn, kind=board.kind, status="reconnect_needed",
                                error=error.message)  # fmt: skip
    log.warning("workspace %s: the %s session ended (%s)", workspace_id, board.label, error.code)


def forget(board: Board, pool: ConnectionPool, workspace_id: UUID) -> None:
    """Drop the stored session: what needs it waits until cookies are saved again."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        if integrations.get(conn, kind=board.kind) is not None:
            integrations.disconnect(conn, kind=board.kind)
