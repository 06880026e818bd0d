"""Job boards' saved searches: recruiters save searches on Djinni, LinkedIn, Indeed or
HeadHunter's public vacancy search, run one now or leave them to the schedule (every six hours
by default), and everyone in the workspace sees how each last went and the leads they found.

A location is in the board's own terms; HeadHunter's is an area (its id, or a place such as
Москва or Kazakhstan) and an unknown one is refused here, not at the first run.

A run goes to a worker through the app's dispatcher (Ray in the product; inline in tools and
tests): `POST /searches/{id}/run` answers once it is handed over, and the search's last run
tells how it went.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Response
from psycopg_pool import ConnectionPool
from pydantic import BaseModel, Field, model_validator

from db import board_searches, import_runs, leads
from db.board_searches import BoardSearch
from db.pool import transaction
from pipelines.boards import searches
from scraper.hh.vacancy_search import HHAreaUnknown, area_id
from serve_apps.deps import WORKSPACE_ERRORS, AppDispatcher, CurrentWorkspace, Pool
from serve_apps.errors import BODY_ERRORS, error_doc

router = APIRouter(prefix="/integrations/boards", tags=["integrations"], responses=WORKSPACE_ERRORS)
Board = Literal["djinni", "linkedin", "indeed", "hh"]  # db.board_searches.BOARDS
RECRUITERS = {403: error_doc("needs the recruiter role (`role_too_low`)")}
NOT_FOUND = {404: error_doc("no such search in the workspace (`not_found`)")}


class SearchRunOut(BaseModel):
    status: str = Field(description="running, done or failed")
    found: int = Field(description="vacancies the run read")
    new: int = Field(description="leads it added")
    updated: int = Field(description="leads it refreshed (their status kept)")
    error: str | None = Field(description="why it stopped: `<code>: <message>`")
    started_at: datetime
    finished_at: datetime | None


class SearchOut(BaseModel):
    id: int
    board: Board
    query: str
    location: str | None
    max_results: int
    enabled: bool = Field(description="run on the schedule (a run by hand works either way)")
    last_run_at: datetime | None
    last_found: int | None
    last_error: str | None = Field(
        description="why the last run stopped, `<code>: <message>` (e.g. `jobspy_missing`, "
        "`page_budget_exhausted`); none when it finished"
    )
    created_at: datetime
    last_run: SearchRunOut | None = Field(default=None, description="the latest run's figures")


class SearchIn(BaseModel):
    board: Board
    query: str = Field(min_length=1, max_length=board_searches.MAX_QUERY_CHARS)
    location: str | None = Field(
        default=None, max_length=board_searches.MAX_QUERY_CHARS,
        description="in the board's own terms (Djinni: a location slug such as `kyiv`; "
        "HeadHunter: an area id from HH's /areas, or a place such as `Москва`, `Russia`, "
        "`Казахстан`)",
    )  # fmt: skip
    max_results: int = Field(
        default=board_searches.DEFAULT_RESULTS, ge=1, le=board_searches.MAX_RESULTS
    )

    @model_validator(mode="after")
    def _known_hh_area(self) -> SearchIn:
        """HH searches by area id: a place it cannot name would fail every run."""
        if self.board == "hh":
            try:
                area_id(self.location)
            except HHAreaUnknown as e:
                raise ValueError(e.message) from None
        return self


class EnabledIn(BaseModel):
    enabled: bool


class LeadOut(BaseModel):
    id: int
    source: str = Field(description="the board: djinni, linkedin, indeed, hh")
    external_id: str
    url: str | None
    title: str
    company: str | None
    status: str = Field(
        description="where the lead stands: new, qualified, responded, "
        "replied, meeting, won, lost or archived"
    )
    location: str | None = None
    salary_min: float | None = None
    salary_max: float | None = None
    salary_currency: str | None = None
    remote: bool | None = None
    skills: list[str] = Field(default_factory=list)
    published_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


def _runs_by_search(conn: Any) -> dict[int, SearchRunOut]:
    """The latest run of each search (runs are listed newest first)."""
    found: dict[int, SearchRunOut] = {}
    for source in sorted(set(searches.RUN_SOURCES.values())):
        for run in import_runs.recent(conn, source=source, limit=100):
            search_id = run.counts.get("search_id")
            if run.kind != searches.KIND or not isinstance(search_id, int) or search_id in found:
                continue
            found[search_id] = SearchRunOut(
                status=run.status, found=run.counts.get("found", 0),
                new=run.counts.get("new", 0), updated=run.counts.get("updated", 0),
                error=run.error, started_at=run.started_at, finished_at=run.finished_at,
            )  # fmt: skip
    return found


def _out(search: BoardSearch, runs: dict[int, SearchRunOut]) -> SearchOut:
    fields = {k: getattr(search, k) for k in SearchOut.model_fields if hasattr(search, k)}
    return SearchOut(**fields, last_run=runs.get(search.id))


def _one(pool: ConnectionPool, workspace_id: UUID, search_id: int) -> SearchOut:
    with transaction(pool, workspace_id=workspace_id) as conn:
        return _out(board_searches.get(conn, search_id=search_id), _runs_by_search(conn))


@router.get("/searches", response_model=list[SearchOut])
def list_searches(access: CurrentWorkspace, pool: Pool) -> list[SearchOut]:
    """The workspace's saved searches, oldest first, with their last runs."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        runs = _runs_by_search(conn)
        return [_out(s, runs) for s in board_searches.list_searches(conn)]


@router.post("/searches", status_code=201, response_model=SearchOut,
             responses={**BODY_ERRORS, **RECRUITERS,
                        409: error_doc("saved already (`board_search_exists`)")})  # fmt: skip
def create_search(body: SearchIn, access: CurrentWorkspace, pool: Pool) -> SearchOut:
    """Save a search; it runs on the schedule from now on (or now, on request)."""
    access.require("recruiter")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        search = board_searches.create(
            conn, workspace_id=access.workspace_id, board=body.board, query=body.query,
            location=body.location, max_results=body.max_results,
            created_by=access.principal.user_id,
        )  # fmt: skip
    return _out(search, {})


@router.patch("/searches/{search_id}", response_model=SearchOut,
              responses={**BODY_ERRORS, **RECRUITERS, **NOT_FOUND})  # fmt: skip
def set_enabled(search_id: int, body: EnabledIn, access: CurrentWorkspace, pool: Pool) -> SearchOut:
    """Turn a search's scheduled runs on or off."""
    access.require("recruiter")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        board_searches.set_enabled(conn, search_id=search_id, enabled=body.enabled)
    return _one(pool, access.workspace_id, search_id)


@router.delete("/searches/{search_id}", status_code=204, responses={**RECRUITERS, **NOT_FOUND})
def delete_search(search_id: int, access: CurrentWorkspace, pool: Pool) -> Response:
    """Forget a search; the leads it found stay."""
    access.require("recruiter")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        board_searches.delete(conn, search_id=search_id)
    return Response(status_code=204)


@router.post("/searches/{search_id}/run", status_code=202, response_model=SearchOut,
             responses={**RECRUITERS, **NOT_FOUND,
                        409: error_doc("a search of the same board is running "
                                       "(`import_running`)")})  # fmt: skip
def run_search(
    search_id: int, access: CurrentWorkspace, pool: Pool, dispatcher: AppDispatcher
) -> SearchOut:
    """Run a search now: a worker does it; the search's last run says how it went."""
    access.require("recruiter")
    searches.check_ready(pool, access.workspace_id, search_id)
    dispatcher.submit_import(access.workspace_id, "boards", (str(search_id),))
    return _one(pool, access.workspace_id, search_id)


@router.get("/leads", response_model=list[LeadOut])
def list_leads(
    access: CurrentWorkspace,
    pool: Pool,
    source: Board | None = Query(default=None, description="only this board's leads"),
    limit: int = Query(default=100, ge=1, le=100),
) -> list[LeadOut]:
    """The leads found most recently, newest first."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        rows = leads.list_leads(conn, source=source, limit=limit)
    return [_lead(row) for row in rows]


_DETAILS = ("location", "salary_min", "salary_max", "salary_currency", "remote", "skills",
            "published_at")  # fmt: skip


def _lead(row: leads.Lead) -> LeadOut:
    details: dict[str, Any] = {}
    if row.source in board_searches.BOARDS:  # a payload of pipelines/boards (store.lead_payload)
        details = {k: row.payload.get(k) for k in _DETAILS if row.payload.get(k) is not None}
    return LeadOut(
        id=row.id, source=row.source, external_id=row.external_id, url=row.url, title=row.title,
        company=row.company, status=row.status, created_at=row.created_at,
        updated_at=row.updated_at, **details,
    )  # fmt: skip
