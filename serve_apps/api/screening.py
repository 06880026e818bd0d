"""Vacancies analysed for screening, a vacancy's ranked shortlist, semantic resume search,
and interview plans. The workspace comes from the credential (deps.get_current_workspace)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Response, UploadFile
from pydantic import BaseModel, Field

from db import applications, audit, vacancies
from db.pool import transaction
from db.ranking import count_ranked, rank_vacancy
from pipelines import vacancy_flow
from pipelines.models import VacancyRequirements
from pipelines.search import search
from serve_apps.api.schemas import RequirementsEdit, Stage, VacancyPatch, VacancyPreview, paged
from serve_apps.deps import WORKSPACE_ERRORS, AppEngines, CurrentWorkspace, Pool
from serve_apps.errors import BODY_ERRORS, NotFoundError, error_doc
from serve_apps.file_names import safe_file_name

router = APIRouter(tags=["screening"], responses=WORKSPACE_ERRORS)
_RECRUITER = {403: error_doc("needs the recruiter role (`role_too_low`)")}
_NO_VACANCY = {404: error_doc("no such workspace or vacancy (`not_found`)")}
_TEXT_REFUSED = "too little text to screen against (`vacancy_too_short`)"
_EDIT_REFUSED = "a corrected requirement with nothing to check (`requirement_unreadable`)"
_FILE_ERRORS = {
    413: error_doc("request body or file over the limit (`request_too_large`, `too_large`)"),
    422: error_doc("invalid request (`invalid_request`), or a file that cannot be read "
                   "(its own code: `empty_file`, `corrupt_pdf`, `unsupported_type`...)"),
}  # fmt: skip


class VacancyIn(BaseModel):
    title: str = Field(default="", max_length=300)
    description: str = Field(min_length=1, max_length=100_000)
    location: str | None = Field(default=None, max_length=200)
    requirements: RequirementsEdit | None = Field(
        default=None, description="the recruiter's corrections of the analysed requirements"
    )


class VacancyDetail(BaseModel):
    id: int
    title: str
    description: str
    language: str
    location: str | None
    status: str
    source: str
    requirements: dict[str, Any]
    requirements_engine: str | None
    created_at: datetime
    updated_at: datetime


class RankedOut(BaseModel):
    rank: int
    application_id: int
    candidate_id: int
    full_name: str
    email: str | None
    resume_id: int | None
    stage: str
    score: int | None
    recommendation: str | None
    similarity: float | None
    matched: list[Any] | None
    missing: list[Any] | None
    flags: list[Any] | None
    rationale: str | None
    engine: str | None
    applied_at: datetime
    interview_id: int | None
    interview_status: str | None


class SearchHitOut(BaseModel):
    resume_id: int
    candidate_id: int | None
    full_name: str | None
    file_name: str
    status: str
    skills: list[str]
    total_years: float | None
    flags: list[str]
    similarity: float
    relevance: float


def _detail(vacancy: vacancies.Vacancy) -> VacancyDetail:
    return VacancyDetail.model_validate(vacancy, from_attributes=True)


@router.post(
    "/vacancies",
    response_model=VacancyDetail,
    status_code=201,
    responses={
        **BODY_ERRORS,
        **_RECRUITER,
        400: error_doc(f"{_TEXT_REFUSED}, {_EDIT_REFUSED}, or a malformed body "
                       "(`bad_request`)"),
    },
)  # fmt: skip
def create_vacancy(
    body: VacancyIn, access: CurrentWorkspace, pool: Pool, engines: AppEngines
) -> VacancyDetail:
    """Create a vacancy from pasted text; its requirements are analysed at once, and replaced
    by the recruiter's `requirements` when given."""
    access.require("recruiter")
    vacancy = vacancy_flow.create_vacancy(
        pool, engines, workspace_id=access.workspace_id, title=body.title,
        text=body.description, location=body.location,
        source="api" if access.principal.api_key else "manual",
        actor_user_id=access.principal.user_id, actor_api_key_id=access.principal.api_key_id,
        edit=body.requirements.to_edit() if body.requirements else None,
    )  # fmt: skip
    return _detail(vacancy)


def _preview(
    title: str, text: str, location: str | None, found: VacancyRequirements
) -> VacancyPreview:
    return VacancyPreview(
        title=title.strip() or found.title, description=text, language=found.language,
        location=location or found.location, requirements=found.model_dump(mode="json"),
    )  # fmt: skip


@router.post(
    "/vacancies/preview",
    response_model=VacancyPreview,
    responses={
        **BODY_ERRORS,
        **_RECRUITER,
        400: error_doc(f"{_TEXT_REFUSED}, {_EDIT_REFUSED}, or a malformed body "
                       "(`bad_request`)"),
    },
)  # fmt: skip
def preview_vacancy(
    body: VacancyIn, access: CurrentWorkspace, engines: AppEngines
) -> VacancyPreview:
    """The requirements a vacancy would be saved with, for the recruiter to check and correct
    before saving (POST /vacancies with `requirements`); nothing is stored. `requirements` in
    the body, when given, is applied as on create."""
    access.require("recruiter")
    edit = body.requirements.to_edit() if body.requirements else None
    found = vacancy_flow.preview_vacancy(engines, body.title, body.description, edit)
    return _preview(body.title, body.description, body.location, found)


@router.post(
    "/vacancies/preview-file",
    response_model=VacancyPreview,
    responses={
        **BODY_ERRORS,
        **_RECRUITER,
        **_FILE_ERRORS,
        400: error_doc(f"{_TEXT_REFUSED}, or a malformed upload (`bad_request`)"),
    },
)
async def preview_vacancy_file(
    access: CurrentWorkspace,
    engines: AppEngines,
    file: Annotated[UploadFile, File(description="TXT, DOCX or PDF vacancy")],
) -> VacancyPreview:
    """A vacancy file read as POST /vacancies/parse would save it (title = its first line),
    for the recruiter to check and correct before saving with POST /vacancies; stores nothing."""
    access.require("recruiter")
    data = await file.read(engines.limits.max_bytes + 1)
    name = safe_file_name(file.filename, "vacancy")
    # Parsing and analysis are blocking work: off the replica's event loop.
    title, text = await asyncio.to_thread(vacancy_flow.vacancy_text_from_file, engines, data, name)
    found = await asyncio.to_thread(vacancy_flow.preview_vacancy, engines, title, text)
    return _preview(title, text, None, found)


@router.post(
    "/vacancies/parse",
    response_model=VacancyDetail,
    status_code=201,
    responses={
        **BODY_ERRORS,
        **_RECRUITER,
        **_FILE_ERRORS,
        400: error_doc(f"{_TEXT_REFUSED}, or a malformed upload (`bad_request`)"),
    },
)
async def parse_vacancy(
    access: CurrentWorkspace,
    pool: Pool,
    engines: AppEngines,
    file: Annotated[UploadFile, File(description="TXT, DOCX or PDF vacancy")],
) -> VacancyDetail:
    """Create a vacancy from an uploaded file (title = its first line)."""
    access.require("recruiter")
    data = await file.read(engines.limits.max_bytes + 1)
    name = safe_file_name(file.filename, "vacancy")
    # Parsing is blocking work (in a capped child process): off the replica's event loop.
    title, text = await asyncio.to_thread(vacancy_flow.vacancy_text_from_file, engines, data, name)
    vacancy = vacancy_flow.create_vacancy(
        pool, engines, workspace_id=access.workspace_id, title=title, text=text,
        source="upload", actor_user_id=access.principal.user_id,
        actor_api_key_id=access.principal.api_key_id,
    )  # fmt: skip
    return _detail(vacancy)


@router.get("/vacancies/{vacancy_id}", response_model=VacancyDetail, responses=_NO_VACANCY)
def get_vacancy(vacancy_id: int, access: CurrentWorkspace, pool: Pool) -> VacancyDetail:
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        return _detail(vacancies.get_vacancy(conn, vacancy_id=vacancy_id))


@router.patch(
    "/vacancies/{vacancy_id}",
    response_model=VacancyDetail,
    responses={
        **BODY_ERRORS,
        **_RECRUITER,
        **_NO_VACANCY,
        400: error_doc(f"{_TEXT_REFUSED}, {_EDIT_REFUSED}, or a malformed body "
                       "(`bad_request`)"),
        422: error_doc("invalid body (`invalid_request`), e.g. one with nothing to change"),
    },
)  # fmt: skip
def update_vacancy(
    vacancy_id: int, body: VacancyPatch, access: CurrentWorkspace, pool: Pool, engines: AppEngines
) -> VacancyDetail:
    """Edit a vacancy: a new title or text is analysed again (then `requirements` applied over
    it), `requirements` alone corrects the stored ones, `status` archives or restores it.
    Fields left out stay as they are; `location: null` clears it."""
    access.require("recruiter")
    location = (body.location or "") if "location" in body.model_fields_set else None
    vacancy = vacancy_flow.update_vacancy(
        pool, engines, workspace_id=access.workspace_id, vacancy_id=vacancy_id,
        title=body.title, description=body.description, location=location,
        edit=body.requirements.to_edit() if body.requirements else None, status=body.status,
        actor_user_id=access.principal.user_id, actor_api_key_id=access.principal.api_key_id,
    )  # fmt: skip
    return _detail(vacancy)


@router.get(
    "/vacancies/{vacancy_id}/ranking",
    response_model=list[RankedOut],
    responses={**_NO_VACANCY, **paged("applications")},
)
def ranking(
    vacancy_id: int,
    access: CurrentWorkspace,
    pool: Pool,
    response: Response,
    stage: Stage | None = None,
    flagged: bool = False,
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = Query(default=0, ge=0),
) -> list[RankedOut]:
    """The vacancy's candidates, best first: screening score, then semantic similarity;
    optionally only those at one `stage`, or only those whose screening raised a flag.
    `rank` is the place in the whole list whatever the filter; `X-Total-Count` says how
    many match the filters, for paging."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        vacancies.get_vacancy(conn, vacancy_id=vacancy_id)
        rows = rank_vacancy(
            conn, vacancy_id=vacancy_id, limit=limit, offset=offset, stage=stage,
            flagged=flagged,
        )  # fmt: skip
        total = count_ranked(conn, vacancy_id=vacancy_id, stage=stage, flagged=flagged)
    response.headers["X-Total-Count"] = str(total)
    return [RankedOut(**row.__dict__) for row in rows]


class ScreenedOut(BaseModel):
    application_id: int
    score: int
    recommendation: str
    matched: list[str]
    missing: list[str]
    flags: list[str]
    rationale: str
    engine: str


@router.post(
    "/applications/{application_id}/screen",
    response_model=ScreenedOut,
    responses={
        **_RECRUITER,
        400: error_doc("the application has no parsed resume yet (`invalid_value`)"),
        404: error_doc("no such workspace or application (`not_found`)"),
    },
)
def screen_one(
    application_id: int, access: CurrentWorkspace, pool: Pool, engines: AppEngines
) -> ScreenedOut:
    """Screen one application again (after the vacancy or the engines changed)."""
    access.require("recruiter")
    result = vacancy_flow.screen_application(
        pool, engines, workspace_id=access.workspace_id, application_id=application_id
    )
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        audit.record(
            conn, workspace_id=access.workspace_id, action="application.screen",
            actor_user_id=access.principal.user_id, actor_api_key_id=access.principal.api_key_id,
            target_type="application", target_id=application_id,
            details={"score": result.score, "engine": result.engine},
        )  # fmt: skip
    return ScreenedOut(application_id=application_id, **result.model_dump(mode="json"))


@router.post(
    "/vacancies/{vacancy_id}/rescreen", status_code=200, responses={**_RECRUITER, **_NO_VACANCY}
)
def rescreen(
    vacancy_id: int, access: CurrentWorkspace, pool: Pool, engines: AppEngines
) -> dict[str, int]:
    """Screen every parsed application of the vacancy again."""
    access.require("recruiter")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        vacancies.get_vacancy(conn, vacancy_id=vacancy_id)  # 404 for another's or none
    count = vacancy_flow.rescreen_vacancy(
        pool, engines, workspace_id=access.workspace_id, vacancy_id=vacancy_id
    )
    return {"screened": count}


@router.get("/search", response_model=list[SearchHitOut])
def search_resumes(
    access: CurrentWorkspace,
    pool: Pool,
    engines: AppEngines,
    q: str = Query(min_length=1, max_length=500),
    status: str | None = None,
    vacancy_id: int | None = None,
    skill: Annotated[list[str] | None, Query()] = None,
    min_years: float | None = Query(default=None, ge=0),
    limit: int = Query(default=20, ge=1, le=200),
) -> list[SearchHitOut]:
    """Semantic search over the workspace's parsed resumes, with filters."""
    hits = search(
        pool, engines, workspace_id=access.workspace_id, query=q, status=status,
        vacancy_id=vacancy_id, skills=skill, min_years=min_years, limit=limit,
    )  # fmt: skip
    return [SearchHitOut.model_validate(h, from_attributes=True) for h in hits]


@router.get(
    "/applications/{application_id}/plan",
    responses={404: error_doc("no such application, or not screened yet (`no_plan`)")},
)
def interview_plan(application_id: int, access: CurrentWorkspace, pool: Pool) -> dict[str, Any]:
    """The interview plan made when the application was screened."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        plan = applications.get_interview_plan(conn, application_id=application_id)
    if plan is None:
        raise NotFoundError("this application has not been screened yet", code="no_plan")
    return plan
