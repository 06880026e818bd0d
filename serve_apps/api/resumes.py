"""Resumes: upload many files at once, list and filter, read, delete.

Every uploaded file becomes a resume row first (so nothing is lost), then its processing is
handed to the dispatcher; a file that is too large is stored as `failed` with the reason and
without its bytes. The workspace comes from the credential (see deps.get_current_workspace).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from pydantic import BaseModel

from db import audit, resumes, vacancies
from db.pool import transaction
from serve_apps.deps import WORKSPACE_ERRORS, AppDispatcher, AppEngines, CurrentWorkspace, Pool
from serve_apps.errors import BODY_ERRORS, ApiError, error_doc
from serve_apps.file_names import safe_file_name

router = APIRouter(tags=["resumes"], responses=WORKSPACE_ERRORS)
_RECRUITER = {403: error_doc("needs the recruiter role (`role_too_low`)")}
MAX_FILES_PER_UPLOAD = 200


class ResumeSummary(BaseModel):
    id: int
    file_name: str
    status: str
    failure_reason: str | None = None
    candidate_id: int | None = None
    full_name: str | None = None
    skills: list[str] = []
    total_years: float | None = None
    flags: list[str] = []
    engine: str | None = None


class ResumeDetail(ResumeSummary):
    profile: dict[str, Any] | None
    text: str | None
    hidden_text: str | None
    language: str | None
    content_type: str | None
    file_size: int


class UploadResult(BaseModel):
    resumes: list[ResumeSummary]


def summary(resume: resumes.Resume) -> ResumeSummary:
    """The listing view of a resume (profile highlights, no text)."""
    profile = resume.profile or {}
    return ResumeSummary(
        id=resume.id,
        file_name=resume.file_name,
        status=resume.status,
        failure_reason=resume.failure_reason,
        candidate_id=resume.candidate_id,
        full_name=profile.get("full_name"),
        skills=profile.get("skills", []),
        total_years=profile.get("total_years"),
        flags=list(resume.flags),
        engine=resume.profile_engine,
    )


@router.post(
    "/resumes",
    response_model=UploadResult,
    status_code=202,
    responses={
        **BODY_ERRORS,
        **_RECRUITER,
        400: error_doc(
            f"no files or more than {MAX_FILES_PER_UPLOAD} (`invalid_request`), or a "
            "malformed body (`bad_request`)"
        ),
        404: error_doc("no such workspace or vacancy (`not_found`)"),
    },
)
async def upload_resumes(
    access: CurrentWorkspace,
    pool: Pool,
    engines: AppEngines,
    dispatcher: AppDispatcher,
    files: Annotated[list[UploadFile], File(description="PDF, DOCX or TXT resumes")],
    vacancy_id: Annotated[int | None, Form()] = None,
) -> UploadResult:
    """Store each file as a resume and start parsing (and screening, with a vacancy)."""
    access.require("recruiter")
    if not files or len(files) > MAX_FILES_PER_UPLOAD:
        raise ApiError(f"send 1-{MAX_FILES_PER_UPLOAD} files", code="invalid_request")
    limit = engines.limits.max_bytes
    if vacancy_id is not None:
        with transaction(pool, workspace_id=access.workspace_id) as conn:
            vacancies.get_vacancy(conn, vacancy_id=vacancy_id)
    stored: list[int] = []
    for upload in files:
        data = await upload.read(limit + 1)
        name = safe_file_name(upload.filename, "resume")
        with transaction(pool, workspace_id=access.workspace_id) as conn:
            if len(data) > limit:
                resume = resumes.create_resume(
                    conn, workspace_id=access.workspace_id, file=b"", file_name=name,
                    content_type=upload.content_type,
                )  # fmt: skip
                resumes.set_resume_status(
                    conn, resume_id=resume.id, status="failed",
                    reason=f"file too large: over {limit / 2**20:.0f} MB limit",
                )  # fmt: skip
            else:
                resume = resumes.create_resume(
                    conn, workspace_id=access.workspace_id, file=data, file_name=name,
                    content_type=upload.content_type,
                )  # fmt: skip
            audit.record(
                conn, workspace_id=access.workspace_id, action="resume.upload",
                actor_user_id=access.principal.user_id,
                actor_api_key_id=access.principal.api_key_id,
                target_type="resume", target_id=resume.id,
            )  # fmt: skip
        stored.append(resume.id)
        if resume.status == "pending":
            dispatcher.submit_resume(access.workspace_id, resume.id, vacancy_id)
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        rows = [resumes.get_resume(conn, resume_id=i) for i in stored]
    return UploadResult(resumes=[summary(r) for r in rows])


@router.get("/resumes", response_model=list[ResumeSummary])
def list_resumes(
    access: CurrentWorkspace,
    pool: Pool,
    status: str | None = None,
    vacancy_id: int | None = None,
    skill: Annotated[list[str] | None, Query()] = None,
    min_years: float | None = Query(default=None, ge=0),
    resume_id: Annotated[
        list[int] | None, Query(alias="id", max_length=MAX_FILES_PER_UPLOAD)
    ] = None,
    limit: int = Query(default=50, ge=1, le=500),
    offset: int = Query(default=0, ge=0),
) -> list[ResumeSummary]:
    """Resumes newest first, filtered by status, vacancy, skills (all of), experience and
    ids (`id` repeated: an upload following its own files)."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        rows = resumes.list_resumes(
            conn, status=status, vacancy_id=vacancy_id, skills=skill, min_years=min_years,
            ids=resume_id, limit=limit, offset=offset,
        )  # fmt: skip
    return [summary(r) for r in rows]


@router.get(
    "/resumes/{resume_id}",
    response_model=ResumeDetail,
    responses={404: error_doc("no such workspace or resume (`not_found`)")},
)
def get_resume(resume_id: int, access: CurrentWorkspace, pool: Pool) -> ResumeDetail:
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        resume = resumes.get_resume(conn, resume_id=resume_id)
    return ResumeDetail(
        **summary(resume).model_dump(),
        profile=resume.profile,
        text=resume.text,
        hidden_text=resume.hidden_text,
        language=resume.language,
        content_type=resume.content_type,
        file_size=resume.file_size,
    )


@router.delete(
    "/resumes/{resume_id}",
    status_code=204,
    responses={**_RECRUITER, 404: error_doc("no such workspace or resume (`not_found`)")},
)
def delete_resume(resume_id: int, access: CurrentWorkspace, pool: Pool) -> Response:
    access.require("recruiter")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        resumes.delete_resume(conn, resume_id=resume_id)
        audit.record(
            conn, workspace_id=access.workspace_id, action="resume.delete",
            actor_user_id=access.principal.user_id, actor_api_key_id=access.principal.api_key_id,
            target_type="resume", target_id=resume_id,
        )  # fmt: skip
    return Response(status_code=204)
