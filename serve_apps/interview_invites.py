"""Inviting a candidate to a live interview and checking the link they open.

An invitation creates the interview from the application's screening plan, issues a signed
link (only its hash is stored), and moves the resume to `interview_scheduled`. Checking a link
says precisely why it cannot be used: unknown or forged (404), not ready (400), expired,
revoked or already finished (410).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import (
    applications,
    audit,
    candidates,
    interview_expiry,
    interviews,
    jobs,
    resumes,
    telegram_sessions,
    vacancies,
)
from db.errors import Conflict, InvalidTransition, InvalidValue, NotFound
from db.pool import transaction
from db.settings import Settings
from pipelines.telegram.deep_link import deep_link, make_token
from serve_apps.interview_links import LinkClaims, issue_link_token, verify_link_token

log = logging.getLogger(__name__)


class LinkError(Exception):
    """Why a link cannot start an interview: HTTP status, stable code, message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Invitation:
    """A fresh link for an interview (the token is shown once)."""

    interview: interviews.Interview
    link: str
    expires_at: datetime
    telegram_link: str | None = None  # the same interview by Telegram chat, if connected


@dataclass(frozen=True)
class LinkContext:
    """A usable link: its interview and what the candidate's page shows."""

    workspace_id: UUID
    interview: interviews.Interview
    candidate_name: str
    vacancy_title: str

    @property
    def total_questions(self) -> int:
        return len(self.interview.plan.get("questions", []))


def _link(settings: Settings, token: str) -> str:
    return f"{settings.public_api_url}/interview/{token}"


def _issue(
    conn: Any, settings: Settings, interview: interviews.Interview, ttl_hours: float
) -> Invitation:
    token, claims = issue_link_token(
        settings.resolved_secret_key(),
        workspace_id=interview.workspace_id,
        interview_id=interview.id,
        ttl_s=ttl_hours * 3600,
    )
    expires_at = datetime.fromtimestamp(claims.expires_at, UTC)
    interview = interviews.set_link(
        conn, interview_id=interview.id, link_token_hash=claims.token_hash, expires_at=expires_at
    )
    return Invitation(
        interview, _link(settings, token), expires_at,
        _telegram_link(conn, settings, interview, ttl_hours),
    )  # fmt: skip


def _telegram_link(
    conn: Any, settings: Settings, interview: interviews.Interview, ttl_hours: float
) -> str | None:
    """t.me/<account>?start=<token> when the workspace's Telegram account is connected and has
    a username: the candidate may take the interview in the chat instead."""
    account = telegram_sessions.get(conn)
    if account is None or account.status != "active" or not account.username:
        return None
    token = make_token(
        settings.resolved_secret_key(), interview.workspace_id, interview.application_id,
        ttl_s=ttl_hours * 3600,
    )  # fmt: skip
    return deep_link(account.username, token)


class InterviewExists(Conflict):
    """The application already has an interview that has not finished."""

    code = "interview_exists"


def invite(
    pool: ConnectionPool,
    settings: Settings,
    *,
    workspace_id: UUID,
    application_id: int,
    ttl_hours: float = 72,
    replace: bool = False,
    actor_user_id: int | None = None,
    actor_api_key_id: int | None = None,
) -> Invitation:
    """Create a voice interview from the application's plan and issue its link.

    An application whose interview has not finished is not invited twice by accident (two
    links, two interviews, a candidate confused): that is `InterviewExists`, naming the
    interview, unless `replace` is asked for — then the unstarted one's link stops working
    and it is marked failed ("replaced by a new invitation") before the new one is made. An
    interview in progress is never replaced under the candidate.
    """
    with transaction(pool, workspace_id=workspace_id) as conn:
        application = applications.get_application(conn, application_id=application_id)
        plan = applications.get_interview_plan(conn, application_id=application_id)
        if not plan or not plan.get("questions"):
            raise InvalidValue("screen the application first: it has no interview plan yet")
        unfinished = [
            i for i in interviews.list_interviews(conn, application_id=application_id, limit=50)
            if i.status in ("created", "active")
        ]  # fmt: skip
        if unfinished and not replace:
            current = unfinished[0]
            raise InterviewExists(
                f"application {application_id} already has interview {current.id} "
                f"({current.status}); send a new link for it (POST /interviews/{current.id}/link) "
                "or invite with replace=true"
            )
        live = [i for i in unfinished if i.status == "active"]
        if live:
            raise InterviewExists(
                f"interview {live[0].id} of application {application_id} is in progress; "
                "it cannot be replaced until it ends"
            )
        for old in unfinished:
            interviews.revoke_link(conn, interview_id=old.id)
            interviews.set_interview_status(
                conn, interview_id=old.id, status="failed", reason="replaced by a new invitation"
            )
        interview = interviews.create_interview(
            conn, workspace_id=workspace_id, application_id=application_id, channel="voice",
            language=plan.get("language", "ru"), plan=plan,
        )  # fmt: skip
        invitation = _issue(conn, settings, interview, ttl_hours)
        if application.resume_id is not None:
            resume = resumes.get_resume(conn, resume_id=application.resume_id)
            if resume.status == "parsed":
                resumes.set_resume_status(conn, resume_id=resume.id, status="interview_scheduled")
        if application.stage in ("new", "screened"):
            applications.set_stage(conn, application_id=application_id, stage="interview_scheduled")
        audit.record(
            conn, workspace_id=workspace_id, action="interview.invite",
            actor_user_id=actor_user_id, actor_api_key_id=actor_api_key_id,
            target_type="interview", target_id=interview.id,
            details={"expires_at": invitation.expires_at.isoformat()},
        )  # fmt: skip
    log.info("interview %s invited", interview.id)
    return invitation


def reissue(
    pool: ConnectionPool, settings: Settings, *, workspace_id: UUID, interview_id: int,
    ttl_hours: float = 72,
) -> Invitation:  # fmt: skip
    """A new link for an unfinished interview; the previous link stops working."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        interview = interviews.get_interview(conn, interview_id=interview_id)
        if interview.status in ("completed", "failed"):
            raise InvalidValue(f"interview {interview_id} is {interview.status}")
        return _issue(conn, settings, interview, ttl_hours)


def revoke(pool: ConnectionPool, *, workspace_id: UUID, interview_id: int) -> None:
    """Make the interview's link unusable at once."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        interviews.revoke_link(conn, interview_id=interview_id)
        audit.record(
            conn, workspace_id=workspace_id, action="interview.revoke_link",
            target_type="interview", target_id=interview_id,
        )  # fmt: skip


ENDED_BY_RECRUITER = "ended by recruiter"


class InterviewNotRunning(Conflict):
    """Only an interview in progress can be ended; one not started yet has its link revoked."""

    code = "interview_not_running"


@dataclass(frozen=True)
class Ended:
    """An interview a recruiter ended, and the analysis queued for what was answered."""

    interview: interviews.Interview
    analysis_job_id: int | None  # None when the candidate never answered


def end(
    pool: ConnectionPool,
    *,
    workspace_id: UUID,
    interview_id: int,
    actor_user_id: int | None = None,
    actor_api_key_id: int | None = None,
) -> Ended:
    """End a running interview on a recruiter's request, through the database only: failed
    ("ended by recruiter"), link revoked, epoch taken (db.interviews.end_running), so its actor,
    wherever it runs and whether or not it still lives, writes nothing more and leaves. What
    the candidate answered is still analysed, as for an abandoned interview: the caller starts
    the job it gets back. `InterviewNotRunning` unless the interview is active."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        try:
            interview = interviews.end_running(
                conn, interview_id=interview_id, reason=ENDED_BY_RECRUITER
            )
        except InvalidTransition as e:
            raise InterviewNotRunning(
                f"interview {interview_id} is {e.current}, not in progress"
            ) from e
        answered = conn.execute(
            "select exists (select 1 from interview_turns "
            "where interview_id = %s and role = 'candidate')",
            (interview_id,),
        ).fetchone()
        job_id = None
        if answered and answered[0]:
            job_id = jobs.enqueue_job(
                conn, workspace_id=workspace_id, kind=jobs.INTERVIEW_ANALYSIS,
                payload={"interview_id": interview_id},
            ).id  # fmt: skip
        audit.record(
            conn, workspace_id=workspace_id, action="interview.end",
            actor_user_id=actor_user_id, actor_api_key_id=actor_api_key_id,
            target_type="interview", target_id=interview_id,
            details={"analysis_job_id": job_id},
        )  # fmt: skip
    log.info("interview %s ended by a recruiter; analysis job %s", interview_id, job_id)
    return Ended(interview, job_id)


def check_link(
    pool: ConnectionPool,
    settings: Settings,
    token: str,
    *,
    start_analysis: Callable[[UUID, int], None] | None = None,
) -> LinkContext:
    """The link's interview if it may be used now, else `LinkError` saying why.

    The link's own interview, if active past its time limit (its candidate gone:
    db.interview_expiry), is ended here; `start_analysis(workspace_id, job_id)` runs the
    analysis that queues. Other abandoned interviews are the Orchestrator's to end.
    """
    claims = verify_link_token(settings.resolved_secret_key(), token)
    if claims is None:
        raise LinkError(404, "unknown_link", "This interview link is not valid.")
    expired: list[interview_expiry.ExpiredInterview] = []
    # Errors are raised after the transaction: the expiry must commit, not roll back.
    with transaction(pool, workspace_id=claims.workspace_id) as conn:
        try:
            interview = interviews.get_interview(conn, interview_id=claims.interview_id)
        except NotFound:
            raise LinkError(404, "unknown_link", "This interview link is not valid.") from None
        problem = _unusable(interview, claims)
        if problem is None and interview.status == "active":
            expired = interview_expiry.expire_overdue(
                conn, workspace_id=claims.workspace_id,
                max_duration_s=settings.interview_max_duration_s, interview_id=interview.id,
            )  # fmt: skip
            if expired:
                problem = LinkError(
                    410, "interview_timed_out", "The time for this interview has run out."
                )
        if problem is None:
            application = applications.get_application(
                conn, application_id=interview.application_id
            )
            candidate = candidates.get_candidate(conn, candidate_id=application.candidate_id)
            vacancy = vacancies.get_vacancy(conn, vacancy_id=application.vacancy_id)
    for item in expired:
        if item.analysis_job_id is not None and start_analysis is not None:
            start_analysis(claims.workspace_id, item.analysis_job_id)
    if problem is not None:
        raise problem
    return LinkContext(claims.workspace_id, interview, candidate.full_name, vacancy.title)


def _unusable(interview: interviews.Interview, claims: LinkClaims) -> LinkError | None:
    """Why the link's interview cannot be used now (None when it can)."""
    if interview.link_token_hash != claims.token_hash:
        return LinkError(410, "link_replaced", "This link was replaced by a newer one.")
    if interview.link_revoked_at is not None:
        return LinkError(410, "link_revoked", "This interview link was cancelled.")
    if claims.expired:
        return LinkError(410, "link_expired", "This interview link has expired.")
    if interview.status in ("completed", "failed"):
        return LinkError(410, "interview_finished", "This interview has already ended.")
    if interview.channel != "voice" or not interview.plan.get("questions"):
        return LinkError(400, "not_ready", "This interview is not ready yet.")
    return None
