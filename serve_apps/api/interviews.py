"""Interviews: recruiters invite and manage links; candidates validate a link and open the
interview page. Signalling (offer/answer, ICE) lives in serve_apps.api.signalling."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field

from db import interviews, turns
from db import live_interviews as live_interviews_db
from db.pool import transaction
from serve_apps import interview_invites
from serve_apps.deps import WORKSPACE_ERRORS, AppDispatcher, AppSettings, CurrentWorkspace, Pool
from serve_apps.errors import BODY_ERRORS, Responses, error_doc, error_responses

router = APIRouter(tags=["interviews"])
_RECRUITER: Responses = {403: error_doc("needs the recruiter role (`role_too_low`)")}
_NO_INTERVIEW: Responses = {404: error_doc("no such workspace or interview (`not_found`)")}
page_router = APIRouter(tags=["interview page"], include_in_schema=False)
PAGE = Path(__file__).resolve().parent.parent / "static" / "interview.html"


class InviteIn(BaseModel):
    application_id: int
    ttl_hours: float = Field(default=72, gt=0, le=24 * 30)
    replace: bool = Field(
        default=False,
        description="end the application's unfinished interview (its link stops working) "
        "and invite anew; without it such an interview is a 409 interview_exists",
    )


class LinkIn(BaseModel):
    ttl_hours: float = Field(default=72, gt=0, le=24 * 30)


class InvitationOut(BaseModel):
    interview_id: int
    status: str
    language: str
    questions: int
    link: str = Field(description="Send this to the candidate. Shown only in this response.")
    expires_at: datetime
    telegram_link: str | None = Field(
        default=None,
        description="t.me link to take the interview in the workspace's Telegram chat instead "
        "(when a Telegram account with a username is connected)",
    )


class TurnOut(BaseModel):
    seq: int
    role: str
    text: str
    question_index: int | None
    started_at: datetime | None
    ended_at: datetime | None
    voice_to_voice_ms: int | None
    stt_ttfb_ms: int | None
    llm_ttfb_ms: int | None
    tts_ttfb_ms: int | None
    engine: str | None


class InterviewOut(BaseModel):
    id: int
    application_id: int
    channel: str
    language: str
    status: str
    failure_reason: str | None
    started_at: datetime | None
    ended_at: datetime | None
    link_expires_at: datetime | None
    link_revoked: bool
    plan: dict[str, Any]
    turns: list[TurnOut]


class LiveInterviewOut(BaseModel):
    """A running interview on the live board (db.live_interviews)."""

    interview_id: int
    application_id: int
    candidate_id: int
    candidate_name: str
    vacancy_id: int
    vacancy_title: str
    language: str
    started_at: datetime | None
    elapsed_s: float = Field(description="running time as the time limit counts it (server)")
    question_index: int | None = Field(
        description="the question under way, 1-based; null before the first question"
    )
    questions_total: int
    voice_to_voice_ms: int | None = Field(description="latest turn's voice-to-voice latency")
    last_heartbeat_at: datetime | None
    heartbeat_age_s: float | None = Field(description="seconds since the actor's last heartbeat")
    connected: bool = Field(description="a candidate is connected now (a fresh heartbeat)")
    node: str | None = Field(description="Ray node id of the interview's actor, if recorded")


class EndedOut(BaseModel):
    interview_id: int
    status: str
    failure_reason: str | None
    ended_at: datetime | None
    analysis_job_id: int | None = Field(
        description="the analysis of what was answered; null when the candidate never answered"
    )


def _invitation(invitation: interview_invites.Invitation) -> InvitationOut:
    interview = invitation.interview
    return InvitationOut(
        interview_id=interview.id,
        status=interview.status,
        language=interview.language,
        questions=len(interview.plan.get("questions", [])),
        link=invitation.link,
        expires_at=invitation.expires_at,
        telegram_link=invitation.telegram_link,
    )


@router.post(
    "/interviews",
    response_model=InvitationOut,
    status_code=201,
    responses={
        **WORKSPACE_ERRORS,
        **BODY_ERRORS,
        **_RECRUITER,
        400: error_doc("the application is not screened yet (`invalid_value`), or a "
                       "malformed body (`bad_request`)"),
        404: error_doc("no such workspace or application (`not_found`)"),
        409: error_doc("`interview_exists`: the application has an unfinished one"),
    },
)  # fmt: skip
def invite(
    body: InviteIn, access: CurrentWorkspace, pool: Pool, settings: AppSettings
) -> InvitationOut:
    """Invite the application's candidate to a live voice interview."""
    access.require("recruiter")
    invitation = interview_invites.invite(
        pool, settings, workspace_id=access.workspace_id, application_id=body.application_id,
        ttl_hours=body.ttl_hours, replace=body.replace, actor_user_id=access.principal.user_id,
        actor_api_key_id=access.principal.api_key_id,
    )  # fmt: skip
    return _invitation(invitation)


@router.get("/interviews/live", response_model=list[LiveInterviewOut], responses=WORKSPACE_ERRORS)
def live_interviews(access: CurrentWorkspace, pool: Pool) -> list[LiveInterviewOut]:
    """Interviews running now (status `active`), longest-running first; any member may look.
    An interview only invited is not listed: it becomes active when the candidate connects."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        rows = live_interviews_db.list_live(conn)
    return [
        LiveInterviewOut(
            **{k: v for k, v in vars(row).items() if k not in ("heartbeat_at", "node_id")},
            last_heartbeat_at=row.heartbeat_at,
            node=row.node_id,
        )
        for row in rows
    ]


@router.post(
    "/interviews/{interview_id}/end",
    response_model=EndedOut,
    responses={
        **WORKSPACE_ERRORS,
        **_RECRUITER,
        **_NO_INTERVIEW,
        409: error_doc("`interview_not_running`: it has not started, or has already ended"),
    },
)
def end_interview(
    interview_id: int, access: CurrentWorkspace, pool: Pool, dispatcher: AppDispatcher
) -> EndedOut:
    """End a running interview now: it fails with "ended by recruiter", its link stops working
    and its actor, fenced through the database, stops within seconds. What the candidate
    answered is analysed (`analysis_job_id`)."""
    access.require("recruiter")
    ended = interview_invites.end(
        pool, workspace_id=access.workspace_id, interview_id=interview_id,
        actor_user_id=access.principal.user_id, actor_api_key_id=access.principal.api_key_id,
    )  # fmt: skip
    if ended.analysis_job_id is not None:
        dispatcher.submit_analysis(access.workspace_id, ended.analysis_job_id)
    interview = ended.interview
    return EndedOut(
        interview_id=interview.id,
        status=interview.status,
        failure_reason=interview.failure_reason,
        ended_at=interview.ended_at,
        analysis_job_id=ended.analysis_job_id,
    )


@router.get(
    "/interviews/{interview_id}",
    response_model=InterviewOut,
    responses={**WORKSPACE_ERRORS, **_NO_INTERVIEW},
)
def get_interview(interview_id: int, access: CurrentWorkspace, pool: Pool) -> InterviewOut:
    """The interview with its transcript so far."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        interview = interviews.get_interview(conn, interview_id=interview_id)
        rows = turns.list_turns(conn, interview_id=interview_id)
    return InterviewOut(
        **{k: getattr(interview, k) for k in InterviewOut.model_fields if hasattr(interview, k)},
        link_revoked=interview.link_revoked_at is not None,
        turns=[TurnOut.model_validate(t, from_attributes=True) for t in rows],
    )


@router.post(
    "/interviews/{interview_id}/link",
    response_model=InvitationOut,
    status_code=201,
    responses={
        **WORKSPACE_ERRORS,
        **BODY_ERRORS,
        **_RECRUITER,
        **_NO_INTERVIEW,
        400: error_doc("the interview has ended (`invalid_value`), or a malformed body"),
    },
)
def new_link(
    interview_id: int, body: LinkIn, access: CurrentWorkspace, pool: Pool, settings: AppSettings
) -> InvitationOut:
    """Issue a new link; the previous one stops working."""
    access.require("recruiter")
    invitation = interview_invites.reissue(
        pool, settings, workspace_id=access.workspace_id, interview_id=interview_id,
        ttl_hours=body.ttl_hours,
    )  # fmt: skip
    return _invitation(invitation)


@router.delete(
    "/interviews/{interview_id}/link",
    status_code=204,
    responses={**WORKSPACE_ERRORS, **_RECRUITER, **_NO_INTERVIEW},
)
def revoke_link(interview_id: int, access: CurrentWorkspace, pool: Pool) -> Response:
    access.require("recruiter")
    interview_invites.revoke(pool, workspace_id=access.workspace_id, interview_id=interview_id)
    return Response(status_code=204)


class LinkReady(BaseModel):
    """The candidate page's contract for a usable link."""

    canInterview: Literal[True]
    message: str
    language: str
    status: str
    candidateName: str
    vacancyTitle: str
    totalQuestions: int
    maxDurationMinutes: int
    elapsedSeconds: int


class LinkRefusal(BaseModel):
    """Why a link cannot start an interview: the candidate page's contract, not the API's
    `{"error": ...}` shape, so the page reads one shape from every link route."""

    canInterview: Literal[False]
    message: str
    code: str


# What the link routes answer for an unusable link (signalling's routes answer it too).
LINK_ERRORS: Responses = {
    400: {"model": LinkRefusal, "description": "the interview is not ready (`not_ready`)"},
    404: {"model": LinkRefusal, "description": "not a valid link (`unknown_link`)"},
    410: {"model": LinkRefusal, "description": "replaced, revoked, expired, timed out or "
                                               "finished (`link_replaced`, `link_revoked`, "
                                               "`link_expired`, `interview_timed_out`, "
                                               "`interview_finished`)"},
    **error_responses(422, 503),
}  # fmt: skip


def link_error_response(error: interview_invites.LinkError) -> JSONResponse:
    """The validate contract's shape for an unusable link (`canInterview: false`)."""
    return JSONResponse(
        {"canInterview": False, "message": error.message, "code": error.code}, error.status
    )


@router.get("/interview-links/{token}/validate", response_model=LinkReady, responses=LINK_ERRORS)
def validate_link(
    token: str, pool: Pool, settings: AppSettings, dispatcher: AppDispatcher
) -> JSONResponse:
    """Whether the candidate can start: 200, or 404 unknown, 400 not ready, 410 expired/used.

    `elapsedSeconds` is the interview's running time (0 before it starts): since it first
    started, less the time the server was down with the candidate connected; after a
    reconnect the page's clock goes on from there, as the time limit does."""
    try:
        context = interview_invites.check_link(
            pool, settings, token, start_analysis=dispatcher.submit_analysis
        )
    except interview_invites.LinkError as e:
        return link_error_response(e)
    interview = context.interview
    first_name = (context.candidate_name or "").split(" ")[0] if context.candidate_name else ""
    return JSONResponse(
        {
            "canInterview": True,
            "message": "ready",
            "language": interview.language,
            "status": interview.status,
            "candidateName": first_name,
            "vacancyTitle": context.vacancy_title,
            "totalQuestions": context.total_questions,
            "maxDurationMinutes": round(settings.interview_max_duration_s / 60),
            "elapsedSeconds": int(interview.elapsed_s()),
        }
    )


@page_router.get("/interview/{token}", response_class=HTMLResponse)
def interview_page(token: str, request: Request) -> HTMLResponse:
    """The candidate's page (it validates the token itself and explains any problem)."""
    headers = {
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",  # the token is in the URL: never leak it onwards
        "Permissions-Policy": "microphone=(self), camera=()",
        "X-Content-Type-Options": "nosniff",
    }
    return HTMLResponse(PAGE.read_text(encoding="utf-8"), headers=headers)
