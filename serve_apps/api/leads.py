"""Leads: the CRM of vacancies a staffing workspace answers with its own people.

Recruiters list and filter leads, open one (the vacancy, its analysis, the fit's reasons, the
best bench matches, the response and the whole history), move it along the funnel, give it an
owner, rate it, note what happened and log a reply that came some other way. The response is
drafted by the product, edited and approved by a person, then sent through the outbox (the
board's own channel or e-mail). Owners set what the workspace sells (lead-gen settings, the
bench, the prompt variants) in serve_apps/api/leads_setup.py; the reports are here.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from db import lead_meetings, lead_reports, lead_responses, leads
from db.pool import transaction
from pipelines.leads import replies
from pipelines.leads.response import draft_response
from pipelines.leads.sending import send_response
from serve_apps.deps import WORKSPACE_ERRORS, AppDispatcher, AppSettings, CurrentWorkspace, Pool
from serve_apps.errors import BODY_ERRORS, error_doc

router = APIRouter(prefix="/leads", tags=["leads"], responses=WORKSPACE_ERRORS)
Status = Literal["new", "qualified", "responded", "replied", "meeting", "won", "lost", "archived"]
RECRUITERS = {403: error_doc("needs the recruiter role (`role_too_low`)")}
NOT_FOUND = {404: error_doc("no such lead in the workspace (`not_found`)")}
MOVE_ERRORS = {409: error_doc("the funnel does not allow that move (`invalid_transition`)")}


class LeadSummary(BaseModel):
    id: int
    source: str = Field(description="where it was found: djinni, linkedin, indeed, hh")
    title: str
    company: str | None
    url: str | None
    status: Status
    fit_score: int | None = Field(description="0-100; none until analysed")
    language: str | None
    owner_user_id: int | None
    quality: int | None = Field(description="the owner's rating, 1-5")
    best_match: dict[str, Any] | None = Field(description="the bench person who fits best")
    created_at: datetime
    status_changed_at: datetime


class EventOut(BaseModel):
    id: int
    kind: str
    body: str
    data: dict[str, Any]
    actor_user_id: int | None
    created_at: datetime


class ResponseOut(BaseModel):
    id: int
    lead_id: int
    variant_id: int | None
    language: str
    subject: str
    body: str
    engine: str
    channel: str = Field(description="djinni, linkedin, hh or email")
    recipient: str | None
    status: str = Field(description="draft, approved, queued, sent or failed")
    error: str | None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None


class MeetingOut(BaseModel):
    id: int
    status: str = Field(description="link_sent, scheduled or canceled")
    booking_url: str | None
    invitee_name: str | None
    invitee_email: str | None
    start_at: datetime | None
    end_at: datetime | None
    timezone: str | None
    cancel_reason: str | None


class LeadDetail(LeadSummary):
    external_id: str
    description: str
    contact: dict[str, Any]
    analysis: dict[str, Any] | None
    fit_reasons: list[dict[str, Any]]
    bench_matches: list[dict[str, Any]]
    archive_reason: str | None
    lost_reason: str | None
    duplicate_of: int | None
    variant_id: int | None
    payload: dict[str, Any]
    response: ResponseOut | None
    meetings: list[MeetingOut]
    events: list[EventOut]


class LeadPatch(BaseModel):
    status: Status | None = None
    reason: str | None = Field(default=None, max_length=500,
                               description="required for lost and archived")  # fmt: skip
    owner_user_id: int | None = Field(default=None, description="0 takes the owner away")
    quality: int | None = Field(default=None, ge=1, le=5)


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)


class ReplyIn(BaseModel):
    text: str = Field(min_length=1, max_length=20000)


class ResponseEdit(BaseModel):
    subject: str = Field(default="", max_length=300)
    body: str = Field(min_length=1, max_length=20000)
    recipient: str | None = Field(
        default=None, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
        description="the e-mail address to send to (e-mail and LinkedIn responses); none keeps it",
    )  # fmt: skip


def _summary_fields(lead: leads.Lead) -> dict[str, Any]:
    best = lead.bench_matches[0] if lead.bench_matches else None
    fields = {k: getattr(lead, k) for k in LeadSummary.model_fields if hasattr(lead, k)}
    return {**fields, "best_match": best}


def _response(row: Any) -> ResponseOut | None:
    if row is None:
        return None
    return ResponseOut(**{k: getattr(row, k) for k in ResponseOut.model_fields})


def _detail(conn: Any, lead_id: int) -> LeadDetail:
    lead = leads.get_lead(conn, lead_id=lead_id)
    events = [EventOut(**{k: getattr(e, k) for k in EventOut.model_fields})
              for e in leads.list_events(conn, lead_id=lead_id)]  # fmt: skip
    meetings = [MeetingOut(**{k: getattr(m, k) for k in MeetingOut.model_fields})
                for m in lead_meetings.list_for_lead(conn, lead_id=lead_id)]  # fmt: skip
    extra = {k: getattr(lead, k) for k in LeadDetail.model_fields
             if k not in LeadSummary.model_fields and hasattr(lead, k)}  # fmt: skip
    return LeadDetail(
        **_summary_fields(lead), **extra, events=events, meetings=meetings,
        response=_response(lead_responses.get_for_lead(conn, lead_id=lead_id)),
    )  # fmt: skip


@router.get("", response_model=list[LeadSummary])
def list_leads(
    access: CurrentWorkspace,
    pool: Pool,
    status: Status | None = None,
    source: str | None = Query(default=None, max_length=40),
    owner_user_id: int | None = None,
    min_score: int | None = Query(default=None, ge=0, le=100),
    q: str | None = Query(default=None, max_length=200, description="in the title or company"),
    limit: int = Query(default=100, ge=1, le=500),
    offset: int = Query(default=0, ge=0),
) -> list[LeadSummary]:
    """The workspace's leads, newest first."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        rows = leads.list_leads(
            conn, status=status, source=source, owner_user_id=owner_user_id,
            min_score=min_score, query=q, limit=limit, offset=offset,
        )  # fmt: skip
    return [LeadSummary(**_summary_fields(row)) for row in rows]


@router.get("/counts", response_model=dict[str, int])
def counts(access: CurrentWorkspace, pool: Pool) -> dict[str, int]:
    """How many leads are in each status (the board's columns)."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        return leads.status_counts(conn)


@router.get("/report")
def report(
    access: CurrentWorkspace,
    pool: Pool,
    since: date | None = Query(default=None, description="first day; default: 12 weeks ago"),
    until: date | None = Query(default=None, description="last day; default: today"),
) -> dict[str, Any]:
    """Leads per source per week, response / reply / meeting / win rates, and each prompt
    variant's conversion with 95% confidence intervals."""
    until = until or date.today()
    since = since or until - timedelta(weeks=12)
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        return lead_reports.lead_report(conn, since=since, until=until)


@router.post("/process", status_code=202, responses=RECRUITERS)
def process(access: CurrentWorkspace, dispatcher: AppDispatcher) -> dict[str, str]:
    """Analyse and score every lead still waiting, draft responses for the qualified ones
    (a worker does it; the leads show the outcome)."""
    access.require("recruiter")
    dispatcher.submit_import(access.workspace_id, "leads", ())
    return {"status": "submitted"}


@router.get("/{lead_id}", response_model=LeadDetail, responses=NOT_FOUND)
def get_lead(lead_id: int, access: CurrentWorkspace, pool: Pool) -> LeadDetail:
    """One lead with its analysis, fit, bench matches, response, meetings and history."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        return _detail(conn, lead_id)


@router.patch("/{lead_id}", response_model=LeadDetail,
              responses={**BODY_ERRORS, **RECRUITERS, **NOT_FOUND, **MOVE_ERRORS})  # fmt: skip
def update_lead(lead_id: int, body: LeadPatch, access: CurrentWorkspace, pool: Pool) -> LeadDetail:
    """Move the lead (lost and archived need a reason), give it an owner, rate it."""
    access.require("recruiter")
    actor = access.principal.user_id
    sent = body.model_fields_set
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        if body.status is not None:
            leads.set_status(conn, lead_id=lead_id, status=body.status, reason=body.reason,
                             actor_user_id=actor)  # fmt: skip
        if "owner_user_id" in sent:
            owner = body.owner_user_id or None
            leads.assign_owner(conn, lead_id=lead_id, owner_user_id=owner, actor_user_id=actor)
        if body.quality is not None:
            leads.rate(conn, lead_id=lead_id, quality=body.quality, actor_user_id=actor)
        return _detail(conn, lead_id)


@router.post("/{lead_id}/notes", status_code=201, response_model=EventOut,
             responses={**BODY_ERRORS, **RECRUITERS, **NOT_FOUND})  # fmt: skip
def add_note(lead_id: int, body: NoteIn, access: CurrentWorkspace, pool: Pool) -> EventOut:
    """A note in the lead's history (a call, an agreement, anything worth remembering)."""
    access.require("recruiter")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        event = leads.add_event(conn, lead_id=lead_id, kind="note", body=body.text.strip(),
                                actor_user_id=access.principal.user_id)  # fmt: skip
    assert event is not None  # no external id: never a repeat
    return EventOut(**{k: getattr(event, k) for k in EventOut.model_fields})


@router.post("/{lead_id}/replies", response_model=LeadDetail,
             responses={**BODY_ERRORS, **RECRUITERS, **NOT_FOUND})  # fmt: skip
def log_reply(lead_id: int, body: ReplyIn, access: CurrentWorkspace, pool: Pool) -> LeadDetail:
    """Record a reply that came another way (a call, a personal mailbox): the lead moves to
    replied and the team is told, as for a reply the product read itself."""
    access.require("recruiter")
    replies.record_reply(pool, access.workspace_id, lead_id, text=body.text.strip(),
                         external_id=None, received_at=None,
                         actor_user_id=access.principal.user_id)  # fmt: skip
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        return _detail(conn, lead_id)


@router.post("/{lead_id}/response", response_model=ResponseOut,
             responses={**RECRUITERS, **NOT_FOUND,
                        409: error_doc("sent or queued already (`response_locked`)")})  # fmt: skip
def draft(lead_id: int, access: CurrentWorkspace, pool: Pool, settings: AppSettings) -> ResponseOut:
    """Draft the response (again): the lead's prompt variant, its language, its best bench
    match."""
    access.require("recruiter")
    out = _response(draft_response(pool, settings, access.workspace_id, lead_id))
    assert out is not None
    return out


@router.put("/{lead_id}/response", response_model=ResponseOut,
            responses={**BODY_ERRORS, **RECRUITERS, **NOT_FOUND,
                       409: error_doc("sent or queued already (`response_locked`)")})  # fmt: skip
def edit_response(
    lead_id: int, body: ResponseEdit, access: CurrentWorkspace, pool: Pool
) -> ResponseOut:
    """A person's edit of the draft (an approved response goes back to draft)."""
    access.require("recruiter")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        row = lead_responses.edit(conn, lead_id=lead_id, subject=body.subject, body=body.body,
                                  recipient=body.recipient,
                                  edited_by=access.principal.user_id)  # fmt: skip
    out = _response(row)
    assert out is not None
    return out


@router.post("/{lead_id}/response/approve", response_model=ResponseOut,
             responses={**RECRUITERS, **NOT_FOUND})  # fmt: skip
def approve(lead_id: int, access: CurrentWorkspace, pool: Pool) -> ResponseOut:
    """Approve the response as it stands."""
    access.require("recruiter")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        row = lead_responses.approve(conn, lead_id=lead_id, approved_by=access.principal.user_id)
    out = _response(row)
    assert out is not None
    return out


@router.post("/{lead_id}/response/send", status_code=202, response_model=ResponseOut,
             responses={**RECRUITERS, **NOT_FOUND,
                        409: error_doc("not approved, or sent already")})  # fmt: skip
def send(lead_id: int, access: CurrentWorkspace, pool: Pool, settings: AppSettings) -> ResponseOut:
    """Queue the approved response once (the board's channel or e-mail, within the board's
    daily cap); the response's status follows the delivery."""
    access.require("recruiter")
    out = _response(send_response(pool, settings, access.workspace_id, lead_id,
                                  actor_user_id=access.principal.user_id))  # fmt: skip
    assert out is not None
    return out
