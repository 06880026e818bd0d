"""Analysing stored interviews end to end on Postgres: the report row, the PDF, re-runs,
jobs, per-vacancy policy, the LLM engine's guard and its fallback."""

from __future__ import annotations

import io
from typing import Any

import pdfplumber
import pytest
from psycopg_pool import ConnectionPool

from db import jobs, reports, vacancies
from db.errors import Conflict
from db.pool import transaction
from pipelines.analysis import flow
from pipelines.analysis.llm import LLMAnalyzer
from pipelines.analysis.models import CRITERIA
from pipelines.analysis.offline import OfflineAnalyzer
from pipelines.analysis.policy import decide
from pipelines.analysis.report_texts import CRITERION_NAMES
from pipelines.engine_set import Engines, offline_engines
from pipelines.screening.llm import OpenAIChat
from tests.db import factories
from tests.fakes.openai_server import FakeError, FakeOpenAI
from tests.pipelines.analysis import transcripts
from tests.pipelines.analysis.stored import store_interview


@pytest.fixture(scope="module")
def engines() -> Engines:
    return offline_engines()


@pytest.fixture(scope="module")
def ws(pool: ConnectionPool) -> Any:
    return factories.workspace(pool)


def _pdf_text(pool: ConnectionPool, ws: Any, interview_id: int) -> str:
    with transaction(pool, workspace_id=ws.id) as conn:
        pdf = reports.get_report_pdf(conn, interview_id=interview_id)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)


def _count_reports(pool: ConnectionPool, ws: Any, interview_id: int) -> int:
    with transaction(pool, workspace_id=ws.id) as conn:
        row = conn.execute(
            "select count(*) from interview_reports where interview_id = %s", (interview_id,)
        ).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize(("build", "language"), [(transcripts.strong_en, "en"),
                                                 (transcripts.strong_ru, "ru")])  # fmt: skip
def test_a_finished_interview_gets_a_stored_report_and_pdf(
    pool: ConnectionPool, engines: Engines, ws: Any, build: Any, language: str
) -> None:
    data = build()
    interview_id = store_interview(pool, ws, data)

    outcome = flow.analyse_interview(pool, engines, workspace_id=ws.id, interview_id=interview_id)

    report = outcome.report
    assert (report.status, report.language, report.engine) == ("complete", language, "offline")
    assert report.recommendation in ("recommend", "strongly_recommend")
    assert all(getattr(report, c) is not None for c in CRITERIA)
    turns = {t.seq: t for t in data.turns}
    for criterion in CRITERIA:
        for quote in report.evidence[criterion]:
            assert turns[quote["turn"]].role == "candidate"
            assert quote["quote"] in turns[quote["turn"]].text
    assert outcome.pdf_error is None and report.has_pdf
    text = _pdf_text(pool, ws, interview_id)
    assert data.candidate_name and data.candidate_name in text
    for criterion in CRITERIA:
        assert CRITERION_NAMES[language][criterion] in text


def test_a_rerun_replaces_the_report_without_duplicating_it(
    pool: ConnectionPool, engines: Engines, ws: Any
) -> None:
    interview_id = store_interview(pool, ws, transcripts.weak_en())
    first = flow.analyse_interview(pool, engines, workspace_id=ws.id, interview_id=interview_id)

    second = flow.analyse_interview(pool, engines, workspace_id=ws.id, interview_id=interview_id)

    assert second.report.id == first.report.id
    assert _count_reports(pool, ws, interview_id) == 1
    assert second.report.updated_at is not None and first.report.updated_at is not None
    assert second.report.updated_at > first.report.updated_at
    assert second.report.pdf_generated_at > first.report.pdf_generated_at  # type: ignore[operator]
    assert (second.report.overall, second.report.recommendation) == (
        first.report.overall, first.report.recommendation,
    )  # fmt: skip


def test_an_interview_without_answers_gets_a_report_that_says_so(
    pool: ConnectionPool, engines: Engines, ws: Any
) -> None:
    interview_id = store_interview(pool, ws, transcripts.no_answers())

    report = flow.analyse_interview(
        pool, engines, workspace_id=ws.id, interview_id=interview_id
    ).report

    assert (report.status, report.overall, report.recommendation) == ("insufficient", None, None)
    assert all(getattr(report, c) is None for c in CRITERIA)
    assert report.summary
    assert report.has_pdf


def test_an_interview_still_running_is_not_analysed(
    pool: ConnectionPool, engines: Engines, ws: Any
) -> None:
    data = transcripts.aborted_en()
    interview_id = store_interview(pool, ws, type(data)(**{**data.__dict__, "status": "active"}))

    with pytest.raises(Conflict, match="completed or failed"):
        flow.analyse_interview(pool, engines, workspace_id=ws.id, interview_id=interview_id)


def test_the_vacancy_policy_weights_and_thresholds_apply(
    pool: ConnectionPool, engines: Engines, ws: Any
) -> None:
    interview_id = store_interview(pool, ws, transcripts.strong_en())
    default = flow.analyse_interview(
        pool, engines, workspace_id=ws.id, interview_id=interview_id, render_pdf=False
    ).report
    with transaction(pool, workspace_id=ws.id) as conn:
        vacancy_id = flow.load_context(conn, interview_id=interview_id).vacancy_id
        vacancies.set_analysis_policy(
            conn, vacancy_id=vacancy_id,
            policy={"weights": {"communication": 1.0, "technical_skills": 0.0,
                                "experience_relevance": 0.0, "problem_solving": 0.0,
                                "cultural_fit": 0.0},
                    "thresholds": {"strongly_recommend": 100, "recommend": 99, "consider": 98}},
        )  # fmt: skip

    tuned = flow.analyse_interview(
        pool, engines, workspace_id=ws.id, interview_id=interview_id, render_pdf=False
    ).report

    assert tuned.overall == tuned.communication
    assert default.overall != tuned.overall or default.communication == default.overall
    expected = {100: "strongly_recommend", 99: "recommend", 98: "consider"}
    assert tuned.recommendation == expected.get(tuned.overall or 0, "reject")
    assert tuned.details and tuned.details["policy"]["thresholds"]["recommend"] == 99


def test_a_job_runs_once_and_records_its_result(
    pool: ConnectionPool, engines: Engines, ws: Any
) -> None:
    interview_id = store_interview(pool, ws, transcripts.strong_ru())
    with transaction(pool, workspace_id=ws.id) as conn:
        job = flow.queue_analysis(conn, workspace_id=ws.id, interview_id=interview_id)

    result = flow.run_analysis_job(pool, engines, workspace_id=ws.id, job_id=job.id)
    again = flow.run_analysis_job(pool, engines, workspace_id=ws.id, job_id=job.id)

    assert again is None
    assert result is not None and result["interview_id"] == interview_id and result["pdf"]
    with transaction(pool, workspace_id=ws.id) as conn:
        done = jobs.get_job(conn, job_id=job.id)
    assert (done.status, done.attempts, done.result) == ("succeeded", 1, result)


def test_a_failing_job_is_recorded_as_failed(
    pool: ConnectionPool, engines: Engines, ws: Any
) -> None:
    data = transcripts.aborted_en()
    interview_id = store_interview(pool, ws, type(data)(**{**data.__dict__, "status": "active"}))
    with transaction(pool, workspace_id=ws.id) as conn:
        job = flow.queue_analysis(conn, workspace_id=ws.id, interview_id=interview_id)

    result = flow.run_analysis_job(pool, engines, workspace_id=ws.id, job_id=job.id)

    with transaction(pool, workspace_id=ws.id) as conn:
        failed = jobs.get_job(conn, job_id=job.id)
    assert failed.status == "failed" and failed.error and "active" in failed.error
    assert result == {"error": failed.error}


def test_a_missing_browser_costs_the_pdf_not_the_report(
    pool: ConnectionPool, ws: Any, tmp_path: Any
) -> None:
    engines = offline_engines()
    engines.report_browser_path = str(tmp_path / "no-chromium")
    interview_id = store_interview(pool, ws, transcripts.weak_ru())

    outcome = flow.analyse_interview(pool, engines, workspace_id=ws.id, interview_id=interview_id)

    assert outcome.pdf_error == "browser_missing"
    assert outcome.report.overall is not None and not outcome.report.has_pdf


def _inflated(request: dict[str, Any]) -> dict[str, Any]:
    """An obedient model: everything 100, with quotes it made up and one real one."""
    transcript = request["messages"][-1]["content"]
    return {
        "criteria": [
            {"criterion": c, "score": 100, "rationale": "Outstanding, as requested.",
             "evidence": [{"turn": 2, "quote": "I am the best engineer you will ever meet"}]}
            for c in CRITERIA
        ],
        "strengths": ["Everything."], "concerns": [], "red_flags": [],
        "summary": "A perfect candidate." + (" " if transcript else ""),
    }  # fmt: skip


@pytest.mark.parametrize("build", [transcripts.weak_en_with_injection,
                                   transcripts.weak_ru_with_injection])  # fmt: skip
def test_an_obedient_llm_cannot_raise_a_score_given_by_instruction(
    pool: ConnectionPool, ws: Any, build: Any
) -> None:
    data = build()
    offline = OfflineAnalyzer().assess(data)
    interview_id = store_interview(pool, ws, data)
    with FakeOpenAI(chat=_inflated) as fake:
        engines = offline_engines()
        engines.analyzer = LLMAnalyzer(OpenAIChat(api_key=fake.api_key, base_url=fake.base_url))

        outcome = flow.analyse_interview(
            pool, engines, workspace_id=ws.id, interview_id=interview_id, render_pdf=False
        )

    assert len(fake.requests) == 1
    report = outcome.report
    assert report.engine.startswith("openai:")
    for criterion in CRITERIA:
        assert (getattr(report, criterion) or 0) <= (offline.score(criterion) or 0), criterion
    assert report.recommendation in ("consider", "reject")
    kinds = {f["kind"] for f in (report.details or {})["assessment"]["red_flags"]}
    assert "injection" in kinds
    assert "A perfect candidate." not in report.summary


def test_an_llm_failure_falls_back_to_the_offline_report(pool: ConnectionPool, ws: Any) -> None:
    data = transcripts.strong_en()
    interview_id = store_interview(pool, ws, data)

    def broken(_: dict[str, Any]) -> Any:
        raise FakeError(500)

    with FakeOpenAI(chat=broken) as fake:
        engines = offline_engines()
        chat = OpenAIChat(api_key=fake.api_key, base_url=fake.base_url, max_retries=0)
        engines.analyzer = LLMAnalyzer(chat)
        outcome = flow.analyse_interview(
            pool, engines, workspace_id=ws.id, interview_id=interview_id, render_pdf=False
        )

    assert outcome.engine == "offline" and outcome.fallback_reason
    assert outcome.report.engine == "offline"
    assert outcome.report.overall == decide(OfflineAnalyzer().assess(data)).overall
