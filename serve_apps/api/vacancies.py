"""Vacancies and candidates of a workspace (the console's first views)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Response

from db import audit, candidates, vacancies
from db.pool import transaction
from pipelines.vacancy_validation import check_vacancy_text
from serve_apps.api.schemas import (
    CandidateOut,
    VacancyCreate,
    VacancyOut,
    VacancySource,
    paged,
)
from serve_apps.deps import ACCESS_ERRORS, Access, Pool
from serve_apps.errors import BODY_ERRORS, error_doc

router = APIRouter(tags=["vacancies"], responses=ACCESS_ERRORS)


@router.get(
    "/workspaces/{workspace_id}/vacancies",
    response_model=list[VacancyOut],
    responses=paged("vacancies"),
)
def list_vacancies(
    access: Access,
    pool: Pool,
    response: Response,
    status: Literal["active", "archived"] | None = None,
    source: VacancySource | None = None,
    q: str | None = Query(
        default=None, max_length=200, description="part of the title or description, any case"
    ),
    limit: int = Query(default=100, ge=1, le=500),
    offset: int = Query(default=0, ge=0),
) -> list[VacancyOut]:
    """Vacancies, newest first, with how many applications each has; `X-Total-Count` says
    how many match the filters in all, for paging."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        rows = vacancies.list_vacancies(
            conn, status=status, source=source, search=q, limit=limit, offset=offset
        )
        total = vacancies.count_vacancies(conn, status=status, source=source, search=q)
        counts = vacancies.application_counts(conn, vacancy_ids=[v.id for v in rows])
    response.headers["X-Total-Count"] = str(total)
    return [
        VacancyOut.model_validate(v, from_attributes=True).model_copy(
            update={"applications": counts.get(v.id, 0)}
        )
        for v in rows
    ]


@router.post(
    "/workspaces/{workspace_id}/vacancies",
    response_model=VacancyOut,
    status_code=201,
    responses={
        **BODY_ERRORS,
        400: error_doc("too little text to screen against (`vacancy_too_short`)"),
        403: error_doc("needs the recruiter role (`role_too_low`)"),
    },
)
def create_vacancy(body: VacancyCreate, access: Access, pool: Pool) -> VacancyOut:
    """Recruiters and owners add vacancies by hand (analysed when first screened against);
    one with too little text to screen against is refused like any other."""
    access.require("recruiter")
    check_vacancy_text(body.title, body.description or "")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        vacancy = vacancies.create_vacancy(
            conn,
            workspace_id=access.workspace_id,
            title=body.title,
            description=body.description,
            language=body.language,
            location=body.location,
            source="api" if access.principal.api_key else "manual",
        )
        audit.record(
            conn,
            workspace_id=access.workspace_id,
            action="vacancy.create",
            actor_user_id=access.principal.user_id,
            actor_api_key_id=access.principal.api_key_id,
            target_type="vacancy",
            target_id=vacancy.id,
        )
    return VacancyOut.model_validate(vacancy, from_attributes=True)


@router.get("/workspaces/{workspace_id}/candidates", response_model=list[CandidateOut])
def list_candidates(
    access: Access,
    pool: Pool,
    q: str | None = Query(default=None, max_length=200),
    limit: int = Query(default=100, ge=1, le=500),
    offset: int = Query(default=0, ge=0),
) -> list[CandidateOut]:
    """Candidates, optionally filtered by a name or email fragment."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        rows = candidates.list_candidates(conn, search=q, limit=limit, offset=offset)
    return [CandidateOut.model_validate(c, from_attributes=True) for c in rows]
