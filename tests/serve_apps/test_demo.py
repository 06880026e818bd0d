"""The demo workspace: seeded once through the real pipeline, with one analysed interview per
vacancy so the reports page shows a real report."""

from __future__ import annotations

from psycopg_pool import ConnectionPool

from db import analytics, reports, turns, vacancies
from db.pool import transaction
from serve_apps import accounts
from serve_apps.demo import DEMO_SLUG, seed_demo


def test_the_demo_is_seeded_once_with_an_analysed_interview_per_vacancy(
    pool: ConnectionPool,
) -> None:
    first = seed_demo(pool)
    again = seed_demo(pool)

    assert "created" in first[0] and "already present" in again[0]
    workspace = accounts.resolve_workspace(pool, DEMO_SLUG)
    with transaction(pool, workspace_id=workspace.id) as conn:
        rows = vacancies.list_vacancies(conn)
        assert len(rows) == 2
        for vacancy in rows:
            listed = analytics.vacancy_interviews(conn, vacancy_id=vacancy.id)
            assert len(listed) == 1, vacancy.title
            interview = listed[0]
            report = reports.get_report_for_interview(conn, interview_id=interview.interview_id)
            transcript = turns.list_turns(conn, interview_id=interview.interview_id)
            assert interview.status == "completed"
            assert report.status == "complete" and report.language == vacancy.language
            assert report.recommendation in ("recommend", "strongly_recommend"), [
                (c["criterion"], c["score"], c["rationale"])
                for c in (report.details or {})["assessment"]["criteria"]
            ]
            assert report.has_pdf
            answers = {t.seq: t.text for t in transcript if t.role == "candidate"}
            for quotes in report.evidence.values():
                for quote in quotes:
                    assert quote["quote"] in answers[quote["turn"]]
