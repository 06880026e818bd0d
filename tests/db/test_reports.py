"""Interview reports repository: one per interview, PDF kept out of rows."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pytest
from psycopg_pool import ConnectionPool

from db import reports
from db.errors import InvalidValue, NotFound
from db.pool import transaction
from db.workspaces import Workspace
from tests.db import factories

PDF = b"%PDF-1.7\n% report\n"


def _scores(ws: Workspace, interview_id: int, **overrides: Any) -> dict[str, Any]:
    values = {
        "workspace_id": ws.id,
        "interview_id": interview_id,
        "technical_skills": 80,
        "experience_relevance": 70,
        "communication": 90,
        "problem_solving": 60,
        "cultural_fit": 75,
        "overall": 76,
        "recommendation": "recommend",
        "engine": "offline",
        "evidence": {"technical_skills": ["explained indexes well"]},
        "summary": "Solid backend engineer.",
    }
    return {**values, **overrides}


def test_save_and_read_back_without_pdf_bytes(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        interview = factories.interview(conn, ws)
        saved = reports.save_report(conn, **_scores(ws, interview.id), pdf=PDF)
    with transaction(pool, workspace_id=ws.id) as conn:
        loaded = reports.get_report_for_interview(conn, interview_id=interview.id)
        pdf = reports.get_report_pdf(conn, interview_id=interview.id)
    assert loaded == saved and loaded.has_pdf and pdf == PDF
    assert (loaded.overall, loaded.communication, loaded.recommendation) == (76, 90, "recommend")
    assert loaded.evidence == {"technical_skills": ["explained indexes well"]}
    assert "pdf" not in {f.name for f in fields(reports.Report)}


def test_saving_again_replaces_report_and_drops_stale_pdf(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        interview = factories.interview(conn, ws)
        first = reports.save_report(conn, **_scores(ws, interview.id), pdf=PDF)
        second = reports.save_report(
            conn, **_scores(ws, interview.id, overall=40, recommendation="reject")
        )
        with pytest.raises(NotFound):
            reports.get_report_pdf(conn, interview_id=interview.id)
        with_pdf = reports.set_report_pdf(conn, interview_id=interview.id, pdf=b"%PDF new")
        pdf = reports.get_report_pdf(conn, interview_id=interview.id)
        listed = reports.list_reports(conn)
    assert second.id == first.id
    assert (second.overall, second.recommendation, second.has_pdf) == (40, "reject", False)
    assert with_pdf.has_pdf and pdf == b"%PDF new"
    assert [r.id for r in listed] == [first.id]


def test_invalid_scores_and_missing_interview(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        interview = factories.interview(conn, ws)
        with pytest.raises(InvalidValue):
            reports.save_report(conn, **_scores(ws, interview.id, communication=101))
        with pytest.raises(InvalidValue):
            reports.save_report(conn, **_scores(ws, interview.id, recommendation="hire"))
        with pytest.raises(NotFound):
            reports.save_report(conn, **_scores(ws, interview.id + 999))
        with pytest.raises(NotFound):
            reports.get_report_for_interview(conn, interview_id=interview.id)
        with pytest.raises(NotFound):
            reports.set_report_pdf(conn, interview_id=interview.id, pdf=PDF)


def test_list_filters_by_recommendation_and_is_tenant_scoped(pool: ConnectionPool) -> None:
    ws, other = factories.workspace(pool), factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        good = reports.save_report(conn, **_scores(ws, factories.interview(conn, ws).id))
        bad = reports.save_report(
            conn, **_scores(ws, factories.interview(conn, ws).id, recommendation="reject")
        )
        assert [r.id for r in reports.list_reports(conn)] == [bad.id, good.id]
        assert [r.id for r in reports.list_reports(conn, recommendation="reject")] == [bad.id]
        assert [r.id for r in reports.list_reports(conn, limit=1, offset=1)] == [good.id]
    with transaction(pool, workspace_id=other.id) as conn:
        assert reports.list_reports(conn) == []
        with pytest.raises(NotFound):
            reports.get_report_pdf(conn, interview_id=good.interview_id)


def test_an_insufficient_report_has_no_invented_scores(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        interview = factories.interview(conn, ws)
        none = dict.fromkeys(
            ("technical_skills", "experience_relevance", "communication", "problem_solving",
             "cultural_fit", "overall", "recommendation"),
        )  # fmt: skip
        saved = reports.save_report(
            conn, **_scores(ws, interview.id, **none), status="insufficient", language="en",
            details={"red_flags": [{"kind": "aborted", "text": "no answers"}]},
        )  # fmt: skip
        assert (saved.status, saved.overall, saved.recommendation) == ("insufficient", None, None)
        assert saved.details == {"red_flags": [{"kind": "aborted", "text": "no answers"}]}
        assert saved.pdf_generated_at is None
        with pytest.raises(InvalidValue, match="insufficient"):
            reports.save_report(conn, **_scores(ws, interview.id), status="insufficient")
        with pytest.raises(InvalidValue):
            reports.save_report(conn, **_scores(ws, interview.id, overall=None), status="partial")
        partial = reports.save_report(
            conn, **_scores(ws, interview.id, cultural_fit=None), status="partial"
        )
        with_pdf = reports.set_report_pdf(conn, interview_id=interview.id, pdf=PDF)

    assert partial.id == saved.id  # replaced, not duplicated
    assert (partial.status, partial.cultural_fit, partial.overall) == ("partial", None, 76)
    assert with_pdf.has_pdf and with_pdf.pdf_generated_at is not None
