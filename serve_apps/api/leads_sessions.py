"""Lead-gen board sessions: the cookies of a browser signed in to Djinni or LinkedIn, which
lead responses are sent (and Djinni's replies read) with (pipelines/leads/board_session.py).

Everyone in the workspace sees whether a session is saved and works, never its cookies; owners
paste fresh cookies or forget the session. Each board has the same three routes,
`/leads/setup/<board>`, made by `_routes`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from db import integrations
from db.pool import transaction
from pipelines.leads import board_session, djinni_session, linkedin_session
from pipelines.leads.board_session import Board
from scraper.browser.signed_in import BoardError
from serve_apps.deps import WORKSPACE_ERRORS, AppSettings, CurrentWorkspace, Pool
from serve_apps.errors import BODY_ERRORS, ApiError, error_doc

router = APIRouter(prefix="/leads/setup", tags=["leads"], responses=WORKSPACE_ERRORS)
OWNERS = {403: error_doc("needs the owner role (`role_too_low`)")}


class SessionIn(BaseModel):
    cookies: str = Field(
        min_length=2, max_length=200_000,
        description="the cookies JSON exported from a browser signed in to the board (a list "
        "of cookies, or a Playwright storage state)",
    )  # fmt: skip


class SessionOut(BaseModel):
    status: str = Field(
        description="disconnected, connected, reconnect_needed (the board wants a new login: "
        "paste fresh cookies) or error"
    )
    site_url: str
    cookies_saved_at: str | None = None
    last_error: str | None = None


def _out(board: Board, pool: Any, settings: Any, workspace_id: Any) -> SessionOut:
    with transaction(pool, workspace_id=workspace_id) as conn:
        row = integrations.get(conn, kind=board.kind)
    site = board.base_url(settings)
    if row is None or row.secrets_encrypted is None:
        return SessionOut(status="disconnected", site_url=site)
    return SessionOut(
        status=row.status, site_url=row.settings.get("base_url") or site,
        cookies_saved_at=row.settings.get("cookies_saved_at"), last_error=row.last_error,
    )  # fmt: skip


def _routes(board: Board, uses: str) -> None:
    """GET, PUT and DELETE `/leads/setup/<kind>` for the board; `uses` says what the session
    is for, in the routes' descriptions."""
    path, label = f"/{board.kind}", board.label
    refused = {422: error_doc(f"not {label} cookies (`{board.kind}_cookies_invalid`)")}

    def status(access: CurrentWorkspace, pool: Pool, settings: AppSettings) -> SessionOut:
        return _out(board, pool, settings, access.workspace_id)

    def save(
        body: SessionIn, access: CurrentWorkspace, pool: Pool, settings: AppSettings
    ) -> SessionOut:
        access.require("owner")
        try:
            board_session.save_cookies(board, pool, settings, access.workspace_id, body.cookies,
                                       access.principal.user_id)  # fmt: skip
        except BoardError as e:
            error = ApiError(e.message, code=e.code)
            error.status = 422
            raise error from e
        return _out(board, pool, settings, access.workspace_id)

    def forget(access: CurrentWorkspace, pool: Pool, settings: AppSettings) -> SessionOut:
        access.require("owner")
        board_session.forget(board, pool, access.workspace_id)
        return _out(board, pool, settings, access.workspace_id)

    router.add_api_route(
        path, status, methods=["GET"], response_model=SessionOut, name=f"{board.kind}_status",
        summary=f"{label} session",
        description=f"The workspace's {label} session (never its cookies): whether {uses}.",
    )  # fmt: skip
    router.add_api_route(
        path, save, methods=["PUT"], response_model=SessionOut, name=f"save_{board.kind}",
        summary=f"Save the {label} session",
        responses={**BODY_ERRORS, **OWNERS, **refused},
        description=f"Keep the {label} session of the owner's browser (sealed; the reply "
        "never shows it).",
    )  # fmt: skip
    router.add_api_route(
        path, forget, methods=["DELETE"], response_model=SessionOut, responses=OWNERS,
        name=f"forget_{board.kind}", summary=f"Forget the {label} session",
        description=f"Forget the {label} session: what needs it waits until cookies are saved "
        "again.",
    )  # fmt: skip


_routes(djinni_session.BOARD, "Djinni responses can be sent and replies read")
_routes(linkedin_session.BOARD, "LinkedIn responses can go to the jobs' posters")
