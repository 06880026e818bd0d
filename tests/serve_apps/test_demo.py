"""The demo workspace: seeded once through the real pipeline, with an analysed interview (and
its PDF) for the best candidate of each first vacancy, and a month of history behind it so the
dashboard has something to say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from psycopg_pool import ConnectionPool

from db import analytics, bench, lead_responses, leads, reports, turns, vacancies
from db.pool import transaction
from pipelines.interviewer.texts import first_name
from serve_apps import accounts
from serve_apps.demo import DEMO_SLUG, seed_demo
from serve_apps.demo_history_texts import HISTORY_VACANCIES


@pytest.fixture(scope="module")
def demo(pool: ConnectionPool):  # type: ignore[no-untyped-def]
    first = seed_demo(pool)
    again = seed_demo(pool)
    assert "created" in first[0] and "already present" in again[0]
    return accounts.resolve_workspace(pool, DEMO_SLUG)


def test_each_first_vacancy_has_its_analysed_interview(pool: ConnectionPool, demo) -> None:
    with transaction(pool, workspace_id=demo.id) as conn:
        rows = vacancies.list_vacancies(conn)
        history = {title for title, _ in HISTORY_VACANCIES}
        assert len(rows) == 2 + len(history)
        for vacancy in [v for v in rows if v.title not in history]:
            listed = analytics.vacancy_interviews(conn, vacancy_id=vacancy.id)
            with_pdf = [i for i in listed if i.has_pdf]
            assert len(with_pdf) == 1, vacancy.title
            interview = with_pdf[0]
            report = reports.get_report_for_interview(conn, interview_id=interview.interview_id)
            transcript = turns.list_turns(conn, interview_id=interview.interview_id)
            assert interview.status == "completed"
            assert report.status == "complete" and report.language == vacancy.language
            assert report.recommendation in ("recommend", "strongly_recommend"), [
                (c["criterion"], c["score"], c["rationale"])
                for c in (report.details or {})["assessment"]["criteria"]
            ]
            answers = {t.seq: t.text for t in transcript if t.role == "candidate"}
            for quotes in report.evidence.values():
                for quote in quotes:
                    assert quote["quote"] in answers[quote["turn"]]


def test_a_month_of_history_fills_the_funnel(pool: ConnectionPool, demo) -> None:
    now = datetime.now(UTC)
    with transaction(pool, workspace_id=demo.id) as conn:
        applied = [r[0] for r in conn.execute("select created_at from applications").fetchall()]
        sources = {r[0] for r in conn.execute("select source from applications").fetchall()}
        screened = conn.execute("select count(distinct application_id) from screenings").fetchone()[
            0
        ]
        statuses = dict(
            conn.execute("select status, count(*) from interviews group by status").fetchall()
        )
        unreported = conn.execute(
            "select count(*) from interviews i left join interview_reports r "
            "on r.interview_id = i.id where i.status = 'completed' and r.id is null"
        ).fetchone()[0]
        late_start = conn.execute(
            "select count(*) from interviews i join applications a on a.id = i.application_id "
            "where i.started_at < a.created_at"
        ).fetchone()[0]
    assert len(applied) >= 80
    assert all(now - timedelta(days=31) < at <= now for at in applied)
    assert len({at.date() for at in applied}) >= 20  # spread over the month
    assert {"upload", "hh", "manual"} <= sources
    assert screened == len(applied)
    assert statuses.get("completed", 0) >= 8 and statuses.get("failed", 0) >= 2
    assert statuses.get("created", 0) >= 2
    assert unreported == 0  # every completed interview was analysed
    assert late_start == 0  # nobody was interviewed before applying


def test_lead_generation_is_seeded_through_the_real_flow(pool: ConnectionPool, demo) -> None:
    """The Leads page starts with real leads: scored against the demo's profile and bench,
    a repeat across boards archived, a poor fit archived with its reason, drafts naming a
    bench person, and what the demo recruiter did (an approved response, a lost deal)."""
    with transaction(pool, workspace_id=demo.id) as conn:
        found = {lead.external_id: lead for lead in leads.list_leads(conn)}
        bench_names = {first_name(m.full_name) for m in bench.list_members(conn)}
        drafts = {key: lead_responses.get_for_lead(conn, lead_id=lead.id)
                  for key, lead in found.items()}  # fmt: skip
    assert len(found) == 7 and len(bench_names) == 2
    assert all(lead.fit_score is not None and lead.fit_reasons for lead in found.values())
    assert (found["demo-li-2"].status, found["demo-li-2"].duplicate_of) == (
        "archived", found["demo-dj-1"].id)  # fmt: skip
    ios = found["demo-dj-2"]
    assert ios.status == "archived" and f"fit {ios.fit_score} < threshold" in ios.archive_reason
    assert (found["demo-in-1"].status, found["demo-in-1"].lost_reason) == (
        "lost", "the client hired in-house")  # fmt: skip
    approved = drafts["demo-dj-1"]
    assert approved is not None and approved.status == "approved"
    qualified = [k for k, lead in found.items() if lead.status == "qualified"]
    assert qualified and all(drafts[k] is not None for k in qualified)
    assert bench_names == {"Anna", "Иван"}  # "Петров Иван Сергеевич": the first name is read
    assert all(any(name in drafts[k].body for name in bench_names) for k in qualified)
