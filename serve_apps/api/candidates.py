"""The candidate page and the funnel moves made from it: one candidate with everything known
about them, notes, and an application's stage. The workspace comes from the credential
(deps.get_current_workspace); every change leaves an audit entry that the page's timeline shows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, StringConstraints

from db import applications, audit, candidate_notes, candidate_view
from db.pool import transaction
from pipelines.screening.injection import detect_injection
from serve_apps.api import schemas
from serve_apps.api.schemas import Stage
from serve_apps.deps import WORKSPACE_ERRORS, CurrentWorkspace, Pool
from serve_apps.errors import BODY_ERRORS, error_doc

router = APIRouter(tags=["candidates"], responses=WORKSPACE_ERRORS)
_RECRUITER = {403: error_doc("needs the recruiter role (`role_too_low`)")}
_NO_CANDIDATE = {404: error_doc("no such workspace or candidate (`not_found`)")}
_NO_APPLICATION = {404: error_doc("no such workspace or application (`not_found`)")}


class CandidateOut(schemas.CandidateOut):
    """The candidate as listed, and when their record last changed."""

    updated_at: datetime


class FindingOut(BaseModel):
    """A stretch of the resume text that gives instructions to an AI: where it is in `text`
    (character offsets, end excluded) and what kind of instruction it is."""

    kind: str
    start: int
    end: int
    excerpt: str


class ResumeOut(BaseModel):
    """A resume with its profile, document flags (hidden text, instructions aimed at the AI)
    and extracted texts, cut at 200,000 characters (`text_truncated` says so); `findings`
    locates the instructions in `text`, for the console to mark them."""

    id: int
    file_name: str
    content_type: str | None
    file_size: int
    status: str
    failure_reason: str | None
    language: str | None
    profile: dict[str, Any] | None
    profile_engine: str | None
    flags: list[str]
    text: str | None
    text_truncated: bool
    hidden_text: str | None
    created_at: datetime
    updated_at: datetime
    findings: list[FindingOut] = []


class ScreeningOut(BaseModel):
    matched: list[Any]
    missing: list[Any]
    flags: list[Any]
    rationale: str
    engine: str
    created_at: datetime


class ApplicationOut(BaseModel):
    """An application with its latest screening (null before the first one)."""

    id: int
    vacancy_id: int
    vacancy_title: str
    resume_id: int | None
    source: str
    stage: str
    score: int | None
    recommendation: str | None
    created_at: datetime
    updated_at: datetime
    screening: ScreeningOut | None


class ReportHeadline(BaseModel):
    status: str
    overall: int | None
    recommendation: str | None
    has_pdf: bool


class InterviewOut(BaseModel):
    id: int
    application_id: int
    vacancy_id: int
    channel: str
    language: str
    status: str
    failure_reason: str | None
    started_at: datetime | None
    ended_at: datetime | None
    created_at: datetime
    has_report: bool
    report: ReportHeadline | None


class NoteOut(BaseModel):
    """A note; the author's name and e-mail are null once they are no longer a member."""

    id: int
    candidate_id: int
    author_user_id: int | None
    author_name: str | None
    author_email: str | None
    body: str
    created_at: datetime


class TimelineEntryOut(BaseModel):
    id: int
    action: str
    actor_user_id: int | None
    actor_name: str | None
    actor_email: str | None
    actor_api_key_id: int | None
    actor_api_key_name: str | None
    target_type: str | None
    target_id: str | None
    details: dict[str, Any]
    created_at: datetime


class CandidatePageOut(BaseModel):
    candidate: CandidateOut
    resumes: list[ResumeOut]
    applications: list[ApplicationOut]
    interviews: list[InterviewOut]
    notes: list[NoteOut]
    timeline: list[TimelineEntryOut]


class NoteIn(BaseModel):
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]


class StageIn(BaseModel):
    stage: Stage


class ApplicationStageOut(BaseModel):
    id: int
    vacancy_id: int
    candidate_id: int
    stage: str
    score: int | None
    recommendation: str | None
    updated_at: datetime


def _application(row: candidate_view.ApplicationView) -> ApplicationOut:
    screening = None
    if row.screened:
        screening = ScreeningOut(
            matched=row.matched or [], missing=row.missing or [],
            flags=row.screening_flags or [], rationale=row.rationale or "",
            engine=row.screening_engine or "", created_at=row.screened_at,
        )  # fmt: skip
    return ApplicationOut(
        **{k: getattr(row, k) for k in ApplicationOut.model_fields if k != "screening"},
        screening=screening,
    )


def _interview(row: candidate_view.InterviewView) -> InterviewOut:
    report = None
    if row.has_report:
        report = ReportHeadline(
            status=row.report_status or "", overall=row.report_overall,
            recommendation=row.report_recommendation, has_pdf=row.report_has_pdf,
        )  # fmt: skip
    return InterviewOut(
        **{k: getattr(row, k) for k in InterviewOut.model_fields if k != "report"},
        report=report,
    )


def _note(note: candidate_notes.Note) -> NoteOut:
    return NoteOut.model_validate(note, from_attributes=True)


@router.get("/candidates/{candidate_id}", response_model=CandidatePageOut, responses=_NO_CANDIDATE)
def get_candidate_page(candidate_id: int, access: CurrentWorkspace, pool: Pool) -> CandidatePageOut:
    """Everything about one candidate: contacts, resumes (profile, flags, text), applications
    with their screening, interviews with their report's verdict, notes, and the audit
    timeline of the candidate and their resumes, applications and interviews (newest 200)."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        page = candidate_view.candidate_page(conn, candidate_id=candidate_id)
    return CandidatePageOut(
        candidate=CandidateOut.model_validate(page.candidate, from_attributes=True),
        resumes=[_resume(r) for r in page.resumes],
        applications=[_application(a) for a in page.applications],
        interviews=[_interview(i) for i in page.interviews],
        notes=[_note(n) for n in page.notes],
        timeline=[TimelineEntryOut.model_validate(t, from_attributes=True) for t in page.timeline],
    )


def _resume(row: Any) -> ResumeOut:
    resume = ResumeOut.model_validate(row, from_attributes=True)
    found = detect_injection(resume.text or "")
    return resume.model_copy(
        update={
            "findings": [
                FindingOut(kind=f.kind, start=f.start, end=f.end, excerpt=f.excerpt) for f in found
            ]
        }
    )


@router.post(
    "/candidates/{candidate_id}/notes",
    response_model=NoteOut,
    status_code=201,
    responses={**BODY_ERRORS, **_RECRUITER, **_NO_CANDIDATE},
)
def add_note(candidate_id: int, body: NoteIn, access: CurrentWorkspace, pool: Pool) -> NoteOut:
    """Add a note about the candidate (1-5000 characters, surrounding blanks dropped)."""
    access.require("recruiter")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        note = candidate_notes.add_note(
            conn, workspace_id=access.workspace_id, candidate_id=candidate_id,
            author_user_id=access.principal.user_id, body=body.body,
        )  # fmt: skip
        audit.record(
            conn, workspace_id=access.workspace_id, action="candidate.note",
            actor_user_id=access.principal.user_id, actor_api_key_id=access.principal.api_key_id,
            target_type="candidate", target_id=candidate_id, details={"note_id": note.id},
        )  # fmt: skip
    return _note(note)


@router.patch(
    "/applications/{application_id}",
    response_model=ApplicationStageOut,
    responses={**BODY_ERRORS, **_RECRUITER, **_NO_APPLICATION},
)
def set_application_stage(
    application_id: int, body: StageIn, access: CurrentWorkspace, pool: Pool
) -> ApplicationStageOut:
    """Move the application to any funnel stage (skipping or going back is allowed); the move
    is audited, setting the stage it already has changes and records nothing."""
    access.require("recruiter")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        row, previous = applications.change_stage(
            conn, application_id=application_id, stage=body.stage
        )
        if previous != body.stage:
            audit.record(
                conn, workspace_id=access.workspace_id, action="application.stage",
                actor_user_id=access.principal.user_id,
                actor_api_key_id=access.principal.api_key_id, target_type="application",
                target_id=application_id, details={"from": previous, "to": body.stage},
            )  # fmt: skip
    return ApplicationStageOut.model_validate(row, from_attributes=True)
