"""The workspace's signed-in Djinni account: what lead responses are sent and replies read with.

The cookies are kept and checked as every board's session is (board_session.py), as the
`integrations` row of kind 'djinni'; this module names the board and keeps the calls short.
"""

from __future__ import annotations

from uuid import UUID

from psycopg_pool import ConnectionPool

from db import integrations
from db.settings import Settings
from pipelines.leads import board_session
from pipelines.leads.board_session import Board, SessionMissing
from scraper.browser.djinni_apply import DjinniError, load_djinni_cookies


class DjinniNotConnected(SessionMissing):
    """No live Djinni session is stored for the workspace."""

    code = "djinni_not_connected"


BOARD = Board(kind="djinni", label="Djinni", url_setting="djinni_url",
              load_cookies=load_djinni_cookies, missing=DjinniNotConnected)  # fmt: skip
KIND = BOARD.kind


def account_of(workspace_id: UUID) -> str:
    """The account whose pages are paced and budgeted (the board searches' Djinni account)."""
    return board_session.account_of(BOARD, workspace_id)


def save_cookies(
    pool: ConnectionPool,
    settings: Settings,
    workspace_id: UUID,
    cookies_json: str,
    user_id: int | None,
) -> integrations.Integration:
    """Keep the cookies of a browser signed in to Djinni, sealed; usable at once.
    `DjinniError("djinni_cookies_invalid")` for anything but live Djinni cookies."""
    return board_session.save_cookies(BOARD, pool, settings, workspace_id, cookies_json, user_id)


def cookies_of(pool: ConnectionPool, settings: Settings, workspace_id: UUID) -> str:
    """The stored cookies JSON; `DjinniNotConnected` when none are usable."""
    return board_session.cookies_of(BOARD, pool, settings, workspace_id)


def is_connected(pool: ConnectionPool, workspace_id: UUID) -> bool:
    """Whether a usable session is stored (checked before a response is queued for Djinni)."""
    return board_session.is_connected(BOARD, pool, workspace_id)


def mark_expired(pool: ConnectionPool, workspace_id: UUID, error: DjinniError) -> None:
    """Djinni asked to log in again: the session waits for a person's new export."""
    board_session.mark_expired(BOARD, pool, workspace_id, error)
