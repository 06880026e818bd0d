"""Analysing a finished interview: read it from Postgres, assess, decide, store, render the PDF.

The offline engine always runs: it is the report when no LLM is configured, the fallback when
the LLM fails, and the ceiling the LLM's scores are held under. Analysing again replaces the
report (one per interview). The PDF is rendered after the report is stored: a missing browser
costs the PDF, never the report. Jobs (`kind` interview_analysis) run through
`run_analysis_job`, which starts a job at most once, so a retried submit does not analyse twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg_pool import ConnectionPool

from db import applications, candidates, interviews, jobs, reports, resumes, turns, vacancies
from db.errors import Conflict
from db.pool import transaction
from pipelines.analysis.models import AnalysisInput, InterviewAssessment, TranscriptTurn
from pipelines.analysis.offline import OfflineAnalyzer
from pipelines.analysis.policy import AnalysisPolicy, Verdict, decide
from pipelines.engine_set import Engines
from pipelines.engines.errors import EngineError
from pipelines.models import InterviewPlan, Profile, VacancyRequirements

log = logging.getLogger(__name__)

JOB_KIND = jobs.INTERVIEW_ANALYSIS
FINISHED = ("completed", "failed")


@dataclass(frozen=True)
class InterviewContext:
    """What a report is about: the analysis input plus what only the document shows."""

    data: AnalysisInput
    policy: AnalysisPolicy
    candidate_name: str
    vacancy_title: str
    vacancy_id: int


@dataclass(frozen=True)
class AnalysisOutcome:
    """The stored report, the engine that produced it and what went wrong on the way."""

    report: reports.Report
    engine: str
    fallback_reason: str | None = None  # why the LLM's assessment was not used
    pdf_error: str | None = None  # why no PDF was rendered (the report is stored anyway)

    def as_result(self) -> dict[str, Any]:
        """A job's result: small, no personal data."""
        return {
            "report_id": self.report.id,
            "interview_id": self.report.interview_id,
            "status": self.report.status,
            "overall": self.report.overall,
            "recommendation": self.report.recommendation,
            "engine": self.engine,
            "fallback_reason": self.fallback_reason,
            "pdf": self.report.has_pdf,
            "pdf_error": self.pdf_error,
        }


def load_context(conn: psycopg.Connection, *, interview_id: int) -> InterviewContext:
    """The interview, its transcript, plan, vacancy, resume profile and analysis policy."""
    interview = interviews.get_interview(conn, interview_id=interview_id)
    application = applications.get_application(conn, application_id=interview.application_id)
    candidate = candidates.get_candidate(conn, candidate_id=application.candidate_id)
    vacancy = vacancies.get_vacancy(conn, vacancy_id=application.vacancy_id)
    profile = None
    if application.resume_id is not None:
        stored = resumes.get_resume(conn, resume_id=application.resume_id).profile
        profile = _valid(Profile, stored)
    rows = turns.list_turns(conn, interview_id=interview_id)
    data = AnalysisInput(
        interview_id=interview.id,
        language="en" if interview.language == "en" else "ru",
        channel=interview.channel,
        status=interview.status,
        turns=[
            TranscriptTurn(
                seq=t.seq,
                role=t.role,
                text=t.text,
                question_index=t.question_index,
                kind=t.kind,
                started_at=t.started_at,
                ended_at=t.ended_at,
            )  # fmt: skip
            for t in rows
        ],
        plan=_valid(InterviewPlan, interview.plan),
        requirements=_valid(VacancyRequirements, vacancy.requirements),
        profile=profile,
        candidate_name=candidate.full_name or None,
        vacancy_title=vacancy.title,
        started_at=interview.started_at,
        ended_at=interview.ended_at,
        server_down_s=interview.server_down_s,
    )
    return InterviewContext(
        data=data,
        policy=AnalysisPolicy.from_stored(vacancy.analysis_policy),
        candidate_name=candidate.full_name or f"#{candidate.id}",
        vacancy_title=vacancy.title,
        vacancy_id=vacancy.id,
    )


def assess(
    engines: Engines, data: AnalysisInput
) -> tuple[InterviewAssessment, InterviewAssessment, str | None]:
    """(final assessment, offline baseline, why the LLM was not used or None)."""
    baseline = OfflineAnalyzer().assess(data)
    if engines.analyzer is None:
        return baseline, baseline, None
    if not data.candidate_turns:
        return baseline, baseline, "no_answers"  # nothing for a model to read
    try:
        return engines.analyzer.assess(data, baseline), baseline, None
    except EngineError as e:
        log.warning(
            "interview %s: LLM analysis failed (%s), keeping the offline report",
            data.interview_id, e.code,
        )  # fmt: skip
        return baseline, baseline, e.code


def analyse_interview(
    pool: ConnectionPool,
    engines: Engines,
    *,
    workspace_id: UUID,
    interview_id: int,
    render_pdf: bool = True,
) -> AnalysisOutcome:
    """Assess a finished interview and store (replace) its report, then its PDF."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        context = load_context(conn, interview_id=interview_id)
    if context.data.status not in FINISHED:
        raise Conflict(
            f"interview {interview_id} is {context.data.status}: it can be analysed once it has "
            "completed or failed"
        )
    assessment, _, fallback = assess(engines, context.data)
    verdict = decide(assessment, context.policy)
    with transaction(pool, workspace_id=workspace_id) as conn:
        report = store_report(
            conn, workspace_id=workspace_id, context=context, assessment=assessment,
            verdict=verdict, fallback_reason=fallback,
        )  # fmt: skip
    log.info(
        "interview %s analysed by %s: %s, overall %s, %s",
        interview_id, assessment.engine, verdict.status, verdict.overall, verdict.recommendation,
    )  # fmt: skip
    pdf_error = None
    if render_pdf:
        report, pdf_error = attach_pdf(pool, engines, workspace_id=workspace_id, context=context)
    return AnalysisOutcome(report, assessment.engine, fallback, pdf_error)


def store_report(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    context: InterviewContext,
    assessment: InterviewAssessment,
    verdict: Verdict,
    fallback_reason: str | None = None,
) -> reports.Report:
    """Write the report row: scores in columns, the whole assessment in `details`."""
    scores = {c.criterion: c.score for c in assessment.criteria}
    return reports.save_report(
        conn,
        workspace_id=workspace_id,
        interview_id=context.data.interview_id,
        **scores,
        overall=verdict.overall,
        recommendation=verdict.recommendation,
        engine=assessment.engine,
        evidence={c.criterion: [q.model_dump() for q in c.evidence] for c in assessment.criteria},
        summary=assessment.summary,
        status=verdict.status,
        language=context.data.language,
        details={
            "channel": context.data.channel,  # voice or telegram: where the answers came from
            "assessment": assessment.model_dump(mode="json"),
            "policy": context.policy.model_dump(mode="json"),
            "reasons": list(verdict.reasons),
            "fallback_reason": fallback_reason,
        },
    )


def stored_assessment(report: reports.Report) -> InterviewAssessment:
    """The assessment a stored report was made from."""
    return InterviewAssessment.model_validate((report.details or {})["assessment"])


def attach_pdf(
    pool: ConnectionPool, engines: Engines, *, workspace_id: UUID, context: InterviewContext
) -> tuple[reports.Report, str | None]:
    """Render the stored report as a PDF and store it; (report, error code or None)."""
    from pipelines.analysis.pdf import PdfError, ReportDocument, render_report_pdf

    interview_id = context.data.interview_id
    with transaction(pool, workspace_id=workspace_id) as conn:
        report = reports.get_report_for_interview(conn, interview_id=interview_id)
    policy = AnalysisPolicy.model_validate((report.details or {}).get("policy") or {})
    document = ReportDocument(
        candidate_name=context.candidate_name,
        vacancy_title=context.vacancy_title,
        language=context.data.language,
        channel=context.data.channel,
        interview_date=context.data.started_at or context.data.ended_at,
        duration_s=_duration_s(context.data),
        assessment=stored_assessment(report),
        verdict=Verdict(
            report.status,  # type: ignore[arg-type]
            report.overall,
            report.recommendation,  # type: ignore[arg-type]
            tuple((report.details or {}).get("reasons") or ()),
        ),
        policy=policy,
        transcript=context.data.turns,
        engine=report.engine,
        generated_at=datetime.now(UTC),
    )
    try:
        pdf = render_report_pdf(document, browser_path=engines.report_browser_path)
    except PdfError as e:
        log.warning("interview %s: no PDF report (%s): %s", interview_id, e.code, e)
        return report, e.code
    with transaction(pool, workspace_id=workspace_id) as conn:
        return reports.set_report_pdf(conn, interview_id=interview_id, pdf=pdf), None


def render_stored_report(
    pool: ConnectionPool, engines: Engines, *, workspace_id: UUID, interview_id: int
) -> tuple[reports.Report, str | None]:
    """Render (again) the PDF of an interview's stored report."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        reports.get_report_for_interview(conn, interview_id=interview_id)  # NotFound first
        context = load_context(conn, interview_id=interview_id)
    return attach_pdf(pool, engines, workspace_id=workspace_id, context=context)


def queue_analysis(conn: psycopg.Connection, *, workspace_id: UUID, interview_id: int) -> jobs.Job:
    """A queued analysis job for the interview (run it with `run_analysis_job`)."""
    return jobs.enqueue_job(
        conn, workspace_id=workspace_id, kind=JOB_KIND, payload={"interview_id": interview_id}
    )


def run_analysis_job(
    pool: ConnectionPool,
    engines: Engines,
    *,
    workspace_id: UUID,
    job_id: int,
    render_pdf: bool = True,
) -> dict[str, Any] | None:
    """Run one queued analysis job; None when it was already started elsewhere. Without
    `render_pdf` the report is stored without its PDF (rendered later on request).

    A failure ends the job as failed with a readable error (and is logged); it is not raised:
    the job row is where a recruiter or the API sees it, and the API can run it again.
    """
    with transaction(pool, workspace_id=workspace_id) as conn:
        job = jobs.start_job(conn, job_id=job_id)
    if job is None:
        log.info("analysis job %s already started or done", job_id)
        return None
    try:
        interview_id = int(job.payload["interview_id"])
        outcome = analyse_interview(
            pool, engines, workspace_id=workspace_id, interview_id=interview_id,
            render_pdf=render_pdf,
        )  # fmt: skip
    except Exception as e:
        log.exception("analysis job %s failed", job_id)
        error = _error_text(e)
        with transaction(pool, workspace_id=workspace_id) as conn:
            jobs.finish_job(conn, job_id=job_id, status="failed", error=error)
        return {"error": error}
    result = outcome.as_result()
    with transaction(pool, workspace_id=workspace_id) as conn:
        jobs.finish_job(conn, job_id=job_id, status="succeeded", result=result)
    return result


def _error_text(error: Exception) -> str:
    message = str(error).strip() or type(error).__name__
    return f"{getattr(error, 'code', type(error).__name__)}: {message}"[:500]


def _duration_s(data: AnalysisInput) -> float | None:
    if data.started_at and data.ended_at:
        span = (data.ended_at - data.started_at).total_seconds()
        return max(0.0, span - data.server_down_s)
    stamps = [t.ended_at or t.started_at for t in data.turns if t.ended_at or t.started_at]
    if len(stamps) >= 2:
        return max(0.0, (max(stamps) - min(stamps)).total_seconds())
    return None


def _valid(model: Any, stored: dict[str, Any] | None) -> Any:
    """A stored JSON document as `model`, or None when it is empty or from an older shape."""
    if not stored:
        return None
    try:
        return model.model_validate(stored)
    except ValueError:
        log.warning("stored %s does not validate; analysing without it", model.__name__)
        return None
