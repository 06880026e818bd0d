"""HeadHunter integration: connect by OAuth (the authorize URL, then HH's redirect to the
callback), the connection's state with its last syncs and what it waits for, a sync started
now, and disconnecting. The callback is public (a browser comes back from HH): the signed
`state` says which workspace and user it is for."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from db import audit, import_runs, integrations
from db.pool import transaction
from pipelines.hh_import import connection
from scraper.hh.errors import HHError
from scraper.hh.tokens import KIND
from serve_apps.deps import WORKSPACE_ERRORS, AppDispatcher, AppSettings, CurrentWorkspace, Pool
from serve_apps.errors import BODY_ERRORS, ApiError, error_doc

router = APIRouter(prefix="/integrations/hh", tags=["integrations"], responses=WORKSPACE_ERRORS)
public_router = APIRouter(prefix="/integrations/hh", tags=["integrations"])
runs_router = APIRouter(prefix="/integrations", tags=["integrations"], responses=WORKSPACE_ERRORS)


class RunOut(BaseModel):
    kind: str
    status: str = Field(description="running, done or failed")
    counts: dict[str, Any]
    error: str | None
    started_at: datetime
    finished_at: datetime | None


class ImportRunOut(RunOut):
    source: str = Field(description="hh, djinni or board")


class HHOut(BaseModel):
    configured: bool = Field(description="the installation has HH_CLIENT_ID / HH_CLIENT_SECRET")
    status: str = Field(description="disconnected, connected, reconnect_needed, action_needed, "
                        "error; `disconnected` when never connected")  # fmt: skip
    employer_id: str | None = None
    employer_name: str | None = None
    manager_email: str | None = None
    token_expires_at: datetime | None = None
    last_error: str | None = None
    action: str | None = Field(default=None, description="what HH waits for a person to do")
    action_url: str | None = Field(default=None, description="the page to open (a captcha)")
    welcome: bool = Field(default=False, description="new applicants are invited and greeted")
    runs: list[RunOut] = Field(default_factory=list, description="the latest sync runs")


class SettingsIn(BaseModel):
    welcome: bool = Field(
        description="invite and greet each new HH applicant (Telegram if the resume gives a "
        "username and an account is connected, else in HH)"
    )


class ConnectOut(BaseModel):
    authorize_url: str = Field(description="open it in the browser to allow access at HH")


class SyncIn(BaseModel):
    kinds: list[Literal["vacancies", "responses"]] = Field(
        default=["vacancies", "responses"], min_length=1
    )


def _hh_error(e: HHError, status: int = 409) -> ApiError:
    error = ApiError(e.message, code=e.code)
    error.status = status
    return error


@router.get("", response_model=HHOut)
def status(access: CurrentWorkspace, pool: Pool, settings: AppSettings) -> HHOut:
    """The workspace's HH connection and its latest sync runs."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        row = integrations.get(conn, kind=KIND)
        runs = import_runs.recent(conn, source="hh", limit=10)
    configured = bool(settings.hh_client_id and settings.hh_client_secret)
    shown = [RunOut.model_validate(r, from_attributes=True) for r in runs]
    out = HHOut(configured=configured, status="disconnected", runs=shown)
    if row is None:
        return out
    given = row.settings
    return out.model_copy(update={
        "status": row.status, "employer_id": given.get("employer_id"),
        "employer_name": given.get("employer_name"), "manager_email": given.get("manager_email"),
        "token_expires_at": connection.token_expires_at(row), "last_error": row.last_error,
        "action": given.get("action") if row.status == "action_needed" else None,
        "action_url": given.get("action_url") if row.status == "action_needed" else None,
        "welcome": bool(given.get("welcome")),
    })  # fmt: skip


@router.post("/connect", response_model=ConnectOut,
             responses={403: error_doc("owners only (`role_too_low`)"),
                        409: error_doc("HH is not set up here (`hh_not_configured`)")})  # fmt: skip
def connect(access: CurrentWorkspace, settings: AppSettings) -> ConnectOut:
    """The HH page that asks the person to let Selectio in (owners)."""
    access.require("owner")
    if access.principal.user_id is None:
        raise ApiError("connecting HH needs a person signed in, not an API key",
                       code="user_needed")  # fmt: skip
    try:
        url = connection.begin(settings, workspace_id=access.workspace_id,
                               user_id=access.principal.user_id)  # fmt: skip
    except HHError as e:
        raise _hh_error(e) from e
    return ConnectOut(authorize_url=url)


_PAGE = """<!doctype html><html lang="en"><meta charset="utf-8"><title>HeadHunter</title>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto"><h1>{title}</h1><p>{text}</p>
<p>You can close this tab and return to the Selectio console.</p></body></html>"""


@public_router.get("/callback", response_class=HTMLResponse, include_in_schema=False)
def callback(
    pool: Pool,
    settings: AppSettings,
    state: Annotated[str, Query(max_length=500)] = "",
    code: Annotated[str | None, Query(max_length=500)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    """Where HH sends the browser back: the code becomes the workspace's connection."""
    if error or not code:
        reason = html.escape(error or "HH sent no code")
        return HTMLResponse(_PAGE.format(title="HeadHunter was not connected", text=reason), 400)
    try:
        row = connection.finish(pool, settings, code=code, state=state)
    except HHError as e:
        return HTMLResponse(_PAGE.format(title="HeadHunter was not connected",
                                         text=html.escape(e.message)), 400)  # fmt: skip
    name = html.escape(str(row.settings.get("employer_name") or row.settings.get("employer_id")))
    return HTMLResponse(_PAGE.format(title="HeadHunter connected",
                                     text=f"Connected as employer {name}."))  # fmt: skip


@router.post("/sync", status_code=202, response_model=HHOut,
             responses={**BODY_ERRORS, 403: error_doc("needs the recruiter role"),
                        409: error_doc("not connected (`hh_reconnect_needed`), or a sync of "
                                       "this kind runs already (`import_running`)")})  # fmt: skip
def sync(
    body: SyncIn,
    access: CurrentWorkspace,
    pool: Pool,
    settings: AppSettings,
    dispatcher: AppDispatcher,
) -> HHOut:
    """Sync now (in the background in the product): vacancies, then responses."""
    access.require("recruiter")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        row = integrations.get(conn, kind=KIND)
    if row is None or row.status not in ("connected", "action_needed", "error"):
        error = ApiError(
            "HeadHunter is not connected: connect it first", code="hh_reconnect_needed"
        )
        error.status = 409
        raise error
    try:
        dispatcher.submit_import(access.workspace_id, "hh", tuple(dict.fromkeys(body.kinds)))
    except HHError as e:  # an inline sync (tools, tests) that HH stopped
        raise _hh_error(e) from e
    return status(access, pool, settings)


@router.put("/settings", response_model=HHOut,
            responses={**BODY_ERRORS, 403: error_doc("owners only"),
                       404: error_doc("not connected (`not_found`)")})  # fmt: skip
def save_settings(
    body: SettingsIn, access: CurrentWorkspace, pool: Pool, settings: AppSettings
) -> HHOut:
    """Whether new HH applicants are invited and greeted by themselves (owners; audited)."""
    access.require("owner")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        row = integrations.require(conn, kind=KIND)
        integrations.merge_settings(conn, kind=KIND, values={"welcome": body.welcome})
        audit.record(
            conn, workspace_id=access.workspace_id, action="hh.settings",
            actor_user_id=access.principal.user_id, actor_api_key_id=access.principal.api_key_id,
            target_type="integration", target_id=row.id, details={"welcome": body.welcome},
        )  # fmt: skip
    return status(access, pool, settings)


@router.delete("", response_model=HHOut, responses={403: error_doc("owners only")})
def disconnect(access: CurrentWorkspace, pool: Pool, settings: AppSettings) -> HHOut:
    """End the HH token (at HH when it answers) and stop importing."""
    access.require("owner")
    connection.disconnect(pool, settings, workspace_id=access.workspace_id,
                          user_id=access.principal.user_id)  # fmt: skip
    return status(access, pool, settings)


@runs_router.get("/runs", response_model=list[ImportRunOut])
def import_runs_list(
    access: CurrentWorkspace,
    pool: Pool,
    source: Annotated[Literal["hh", "djinni", "board", "hh_search"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[ImportRunOut]:
    """The workspace's latest import runs (HH by API or browser, job boards), with counts."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        runs = import_runs.recent(conn, source=source, limit=limit)
    return [ImportRunOut.model_validate(r, from_attributes=True) for r in runs]
