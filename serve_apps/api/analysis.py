"""Interview analysis: start or re-run it, read the report, render and download the PDF,
tune a vacancy's weights and thresholds, and the vacancy's interview analytics.

Analysis runs as a Ray task in the product (the POST answers 202 with the job at once) and
inline when the app is built without Ray; either way the job row says how it ended.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from db import analytics, interviews, jobs, reports, vacancies
from db.errors import NotFound
from db.pool import transaction
from pipelines.analysis import flow
from pipelines.analysis.policy import AnalysisPolicy
from serve_apps.deps import WORKSPACE_ERRORS, AppDispatcher, AppEngines, CurrentWorkspace, Pool
from serve_apps.errors import (
    BODY_ERRORS,
    ApiError,
    ConflictError,
    NotFoundError,
    ServiceUnavailable,
    error_doc,
)

router = APIRouter(prefix="/analysis", tags=["analysis"], responses=WORKSPACE_ERRORS)
_RECRUITER = {403: error_doc("needs the recruiter role (`role_too_low`)")}
_NO_INTERVIEW = {404: error_doc("no such workspace or interview (`not_found`)")}
_NO_VACANCY = {404: error_doc("no such workspace or vacancy (`not_found`)")}


class JobOut(BaseModel):
    job_id: int
    interview_id: int
    status: str = Field(description="queued, running, succeeded or failed")
    error: str | None = None
    result: dict[str, Any] | None = None


class QuoteOut(BaseModel):
    turn: int
    quote: str


class CriterionOut(BaseModel):
    criterion: str
    score: int | None = Field(description="0-100; null when the interview gave nothing to judge")
    weight: float
    rationale: str
    evidence: list[QuoteOut]


class RedFlagOut(BaseModel):
    kind: str
    text: str
    turn: int | None


class ReportOut(BaseModel):
    interview_id: int
    status: str = Field(description="complete, partial (some criteria not assessed), insufficient")
    overall: int | None
    recommendation: str | None
    capped_because: list[str]
    criteria: list[CriterionOut]
    strengths: list[str]
    concerns: list[str]
    red_flags: list[RedFlagOut]
    summary: str
    language: str
    engine: str
    fallback_reason: str | None
    thresholds: dict[str, int]
    has_pdf: bool
    pdf_generated_at: datetime | None
    created_at: datetime
    updated_at: datetime | None


class PdfOut(BaseModel):
    interview_id: int
    has_pdf: bool
    pdf_generated_at: datetime | None
    download: str


class PolicyIn(BaseModel):
    weights: dict[str, float] | None = None
    thresholds: dict[str, int] | None = None


class PolicyOut(BaseModel):
    vacancy_id: int
    custom: bool
    weights: dict[str, float]
    thresholds: dict[str, int]


class VacancyAnalyticsOut(BaseModel):
    vacancy_id: int
    invited: int
    started: int
    completed: int
    failed: int
    completion_rate: float | None
    reports: int
    average_overall: float | None
    average_scores: dict[str, float | None]
    recommendations: dict[str, int]


class VacancyInterviewOut(BaseModel):
    interview_id: int
    application_id: int
    candidate_id: int
    full_name: str
    channel: str
    language: str
    status: str
    started_at: datetime | None
    ended_at: datetime | None
    report_status: str | None
    overall: int | None
    recommendation: str | None
    has_pdf: bool


def _job_out(job: jobs.Job) -> JobOut:
    return JobOut(
        job_id=job.id, interview_id=int(job.payload.get("interview_id", 0)),
        status=job.status, error=job.error, result=job.result,
    )  # fmt: skip


def _latest_job(conn: Any, interview_id: int) -> jobs.Job | None:
    return jobs.latest_job(conn, kind=flow.JOB_KIND, payload={"interview_id": interview_id})


@router.post(
    "/interview-report/{interview_id}",
    response_model=JobOut,
    status_code=202,
    responses={
        **_RECRUITER,
        **_NO_INTERVIEW,
        409: error_doc("the interview has not ended (`interview_not_finished`)"),
    },
)
def start_analysis(
    interview_id: int, access: CurrentWorkspace, pool: Pool, dispatcher: AppDispatcher
) -> JobOut:
    """Analyse a finished interview (again): queues a job and starts it; the report replaces
    the previous one. A job already queued or running for the interview is returned as is."""
    access.require("recruiter")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        interview = interviews.get_interview(conn, interview_id=interview_id)
        if interview.status not in flow.FINISHED:
            raise ConflictError(
                f"interview {interview_id} is {interview.status}; it can be analysed once it "
                "has completed or failed",
                code="interview_not_finished",
            )
        pending = _latest_job(conn, interview_id)
        if pending is not None and pending.status in ("queued", "running"):
            return _job_out(pending)
        job = flow.queue_analysis(conn, workspace_id=access.workspace_id, interview_id=interview_id)
    dispatcher.submit_analysis(access.workspace_id, job.id)
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        return _job_out(jobs.get_job(conn, job_id=job.id))


@router.get(
    "/jobs/{job_id}",
    response_model=JobOut,
    responses={404: error_doc("no such workspace or analysis job (`not_found`)")},
)
def analysis_job(job_id: int, access: CurrentWorkspace, pool: Pool) -> JobOut:
    """How an analysis job stands (queued, running, succeeded with its result, failed)."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        job = jobs.get_job(conn, job_id=job_id)
    if job.kind != flow.JOB_KIND:
        raise NotFoundError(f"analysis job {job_id} not found")
    return _job_out(job)


@router.get(
    "/report/{interview_id}",
    response_model=ReportOut,
    responses={
        404: error_doc("no such workspace, interview or report (`not_found`)"),
        409: error_doc("the report is being prepared (`report_not_ready`)"),
    },
)
def get_report(interview_id: int, access: CurrentWorkspace, pool: Pool) -> ReportOut:
    """The interview's report: scores with evidence, verdict, strengths, concerns, red flags."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        interviews.get_interview(conn, interview_id=interview_id)  # 404 for a foreign id
        try:
            report = reports.get_report_for_interview(conn, interview_id=interview_id)
        except NotFound:
            job = _latest_job(conn, interview_id)
            if job is not None and job.status in ("queued", "running"):
                raise ConflictError(
                    f"the report of interview {interview_id} is being prepared (job {job.id})",
                    code="report_not_ready",
                ) from None
            raise
    return _report_out(report)


def _report_out(report: reports.Report) -> ReportOut:
    details = report.details or {}
    assessment = flow.stored_assessment(report)
    policy = AnalysisPolicy.model_validate(details.get("policy") or {})
    return ReportOut(
        interview_id=report.interview_id,
        status=report.status,
        overall=report.overall,
        recommendation=report.recommendation,
        capped_because=list(details.get("reasons") or []),
        criteria=[
            CriterionOut(
                criterion=c.criterion,
                score=c.score,
                weight=policy.weights[c.criterion],
                rationale=c.rationale,
                evidence=[QuoteOut(turn=q.turn, quote=q.quote) for q in c.evidence],
            )  # fmt: skip
            for c in assessment.criteria
        ],
        strengths=assessment.strengths,
        concerns=assessment.concerns,
        red_flags=[RedFlagOut(kind=f.kind, text=f.text, turn=f.turn) for f in assessment.red_flags],
        summary=report.summary,
        language=report.language,
        engine=report.engine,
        fallback_reason=details.get("fallback_reason"),
        thresholds=policy.thresholds,
        has_pdf=report.has_pdf,
        pdf_generated_at=report.pdf_generated_at,
        created_at=report.created_at,
        updated_at=report.updated_at,
    )


@router.post(
    "/generate-pdf/{interview_id}",
    response_model=PdfOut,
    responses={
        **_RECRUITER,
        404: error_doc("no such workspace, interview or report (`not_found`)"),
        503: error_doc("no browser to render with (`pdf_browser_missing`), the browser failed "
                       "(`pdf_browser_failed`), or the database is unavailable"),
    },
)  # fmt: skip
def generate_pdf(
    interview_id: int, access: CurrentWorkspace, pool: Pool, engines: AppEngines
) -> PdfOut:
    """Render the report's PDF again (headless Chromium) and store it."""
    access.require("recruiter")
    report, error = flow.render_stored_report(
        pool, engines, workspace_id=access.workspace_id, interview_id=interview_id
    )
    if error is not None:
        raise ServiceUnavailable(
            "the PDF could not be rendered: "
            + (
                "no Chromium found (install Debian's chromium or run `playwright install "
                "chromium`, or set SELECTIO_REPORT_BROWSER_PATH)"
                if error == "browser_missing"
                else "the browser failed; see the server log"
            ),
            code=f"pdf_{error}",
        )
    return PdfOut(
        interview_id=interview_id, has_pdf=report.has_pdf,
        pdf_generated_at=report.pdf_generated_at,
        download=f"/api/v1/analysis/pdf-report/{interview_id}",
    )  # fmt: skip


@router.get(
    "/pdf-report/{interview_id}",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
        404: error_doc("no such workspace or interview, or no PDF yet (`not_found`)"),
    },
)
def download_pdf(interview_id: int, access: CurrentWorkspace, pool: Pool) -> Response:
    """The stored PDF report, as a download."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        pdf = reports.get_report_pdf(conn, interview_id=interview_id)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="interview-{interview_id}-report.pdf"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/vacancy/{vacancy_id}", response_model=VacancyAnalyticsOut, responses=_NO_VACANCY)
def vacancy_analytics(vacancy_id: int, access: CurrentWorkspace, pool: Pool) -> VacancyAnalyticsOut:
    """Interviews done, completion rate, average scores and the recommendation mix."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        stats = analytics.vacancy_interview_stats(conn, vacancy_id=vacancy_id)
    return VacancyAnalyticsOut(**asdict(stats))


@router.get(
    "/vacancy/{vacancy_id}/interviews",
    response_model=list[VacancyInterviewOut],
    responses=_NO_VACANCY,
)
def vacancy_interviews(
    vacancy_id: int, access: CurrentWorkspace, pool: Pool
) -> list[VacancyInterviewOut]:
    """The vacancy's interviews with their candidates and report headlines, best first."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        vacancies.get_vacancy(conn, vacancy_id=vacancy_id)  # 404 for a foreign id
        rows = analytics.vacancy_interviews(conn, vacancy_id=vacancy_id)
    return [VacancyInterviewOut(**asdict(row)) for row in rows]


@router.get("/vacancy/{vacancy_id}/policy", response_model=PolicyOut, responses=_NO_VACANCY)
def get_policy(vacancy_id: int, access: CurrentWorkspace, pool: Pool) -> PolicyOut:
    """The weights and thresholds the vacancy's interviews are judged with."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        vacancy = vacancies.get_vacancy(conn, vacancy_id=vacancy_id)
    return _policy_out(vacancy)


@router.put(
    "/vacancy/{vacancy_id}/policy",
    response_model=PolicyOut,
    responses={
        **BODY_ERRORS,
        **_RECRUITER,
        **_NO_VACANCY,
        400: error_doc("weights or thresholds out of range (`invalid_policy`), or a malformed "
                       "body (`bad_request`)"),
    },
)  # fmt: skip
def set_policy(vacancy_id: int, body: PolicyIn, access: CurrentWorkspace, pool: Pool) -> PolicyOut:
    """Change the vacancy's weights and/or thresholds (omitted parts keep the defaults);
    an empty body restores the defaults. Applies to analyses run from now on."""
    access.require("recruiter")
    stored = body.model_dump(exclude_none=True)
    try:
        AnalysisPolicy.from_stored(stored)
    except ValueError as e:
        raise ApiError(_first_error(e), code="invalid_policy") from e
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        vacancy = vacancies.set_analysis_policy(conn, vacancy_id=vacancy_id, policy=stored or None)
    return _policy_out(vacancy)


def _policy_out(vacancy: vacancies.Vacancy) -> PolicyOut:
    policy = AnalysisPolicy.from_stored(vacancy.analysis_policy)
    return PolicyOut(
        vacancy_id=vacancy.id, custom=bool(vacancy.analysis_policy),
        weights=policy.weights, thresholds=policy.thresholds,
    )  # fmt: skip


def _first_error(error: ValueError) -> str:
    errors = getattr(error, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "__root__")
        message = str(first.get("msg", error)).removeprefix("Value error, ")
        return f"{where}: {message}" if where else message
    return str(error)
