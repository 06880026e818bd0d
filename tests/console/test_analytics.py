"""Dashboard analytics on known data: the workspace's extract travels through the real API as
Parquet, loads into DuckDB, and its funnel and per-day figures equal plain SQL over Postgres."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from psycopg_pool import ConnectionPool

from console import analytics
from console.api_client import ApiClient, ApiFailure
from db import applications, candidates, interviews, reports, screenings, vacancies
from db.pool import transaction
from serve_apps import accounts

OWNER = ("ana@metrics.test", "ana-password-1")
OUTSIDER = ("otto@elsewhere.test", "otto-password-1")
NOW = datetime.now(UTC).replace(microsecond=0)

# (vacancy index, source, days ago, screening score or None, interview status or None,
#  report recommendation or None)
APPLICATIONS = [
    (0, "hh", 0, 91, "completed", "recommend"),
    (0, "hh", 0, 74, "completed", "reject"),
    (0, "manual", 1, 55, "failed", None),
    (0, "telegram", 2, 38, "created", None),
    (0, "hh", 2, None, None, None),
    (1, "manual", 3, 82, "active", None),
    (1, "hh", 9, 67, "completed", "strongly_recommend"),
    (1, "upload", 40, 12, None, None),
]


def seed_workspace(pool: ConnectionPool, workspace_id: UUID, rows: list[tuple[Any, ...]]) -> None:
    """Vacancies (the second archived), candidates and applications with the given history."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        jobs = [
            vacancies.create_vacancy(conn, workspace_id=workspace_id, title=title).id
            for title in ("Data Engineer", "QA Lead")
        ]
        vacancies.set_vacancy_status(conn, vacancy_id=jobs[1], status="archived")
        for n, (vacancy, source, days_ago, score, status, verdict) in enumerate(rows):
            person = candidates.create_candidate(
                conn, workspace_id=workspace_id, full_name=f"Person {n}"
            )
            app = applications.create_application(
                conn, workspace_id=workspace_id, candidate_id=person.id,
                vacancy_id=jobs[vacancy], source=source,
            )  # fmt: skip
            created = NOW - timedelta(days=days_ago, hours=1)
            conn.execute("update applications set created_at = %s where id = %s", (created, app.id))
            if score is not None:
                screenings.record_screening(
                    conn, workspace_id=workspace_id, application_id=app.id, score=score,
                    recommendation="recommend" if score >= 70 else "consider", engine="heuristic",
                )  # fmt: skip
            if status is None:
                continue
            interview = interviews.create_interview(
                conn, workspace_id=workspace_id, application_id=app.id, channel="voice"
            )
            if status != "created":
                interviews.set_interview_status(conn, interview_id=interview.id, status="active")
                conn.execute(
                    "update interviews set started_at = %s where id = %s",
                    (created + timedelta(hours=3), interview.id),
                )
            if status in ("completed", "failed"):
                interviews.set_interview_status(
                    conn, interview_id=interview.id, status=status, reason="dropped"
                )
            if verdict is not None:
                reports.save_report(
                    conn, workspace_id=workspace_id, interview_id=interview.id,
                    technical_skills=70, experience_relevance=70, communication=70,
                    problem_solving=70, cultural_fit=70, overall=70, recommendation=verdict,
                    engine="fake-llm",
                )  # fmt: skip


@pytest.fixture(scope="module")
def metrics_space(pool: ConnectionPool) -> UUID:
    """Ana's workspace with the known applications; Otto's workspace holds other data."""
    owner = accounts.create_user_account(pool, email=OWNER[0], password=OWNER[1])
    workspace = accounts.create_workspace(pool, name="Metrics Co", owner_id=owner.id)
    seed_workspace(pool, workspace.id, APPLICATIONS)
    outsider = accounts.create_user_account(pool, email=OUTSIDER[0], password=OUTSIDER[1])
    elsewhere = accounts.create_workspace(pool, name="Elsewhere", owner_id=outsider.id)
    seed_workspace(pool, elsewhere.id, APPLICATIONS[:3])
    return workspace.id


def _db(api_url: str, workspace_id: UUID, who: tuple[str, str] = OWNER) -> Any:
    token = ApiClient(api_url).login(*who)["access_token"]
    return analytics.connect(analytics.fetch_extract(ApiClient(api_url, token), str(workspace_id)))


def _sql_funnel(pool: ConnectionPool, workspace_id: UUID, where: str = "true") -> list[Any]:
    """The funnel straight from Postgres, by its definition, without the extract."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        return list(
            conn.execute(
                f"""
                select count(*),
                  count(*) filter (where exists (select 1 from screenings s
                                                 where s.application_id = a.id)),
                  count(*) filter (where exists (select 1 from interviews i
                                                 where i.application_id = a.id)),
                  count(*) filter (where exists (select 1 from interviews i
                      where i.application_id = a.id and i.status = 'completed')),
                  count(*) filter (where exists (select 1 from interviews i
                      join interview_reports r on r.interview_id = i.id
                      where i.application_id = a.id and i.status = 'completed'
                        and r.recommendation in ('strongly_recommend', 'recommend')))
                from applications a where {where}
                """
            ).fetchone()
        )


def test_funnel_equals_plain_sql(api_url, pool, metrics_space) -> None:
    con = _db(api_url, metrics_space)
    overall = analytics.funnel(con, analytics.Filters())
    assert overall["step"].tolist() == list(analytics.FUNNEL_STEPS)
    assert overall["count"].tolist() == _sql_funnel(pool, metrics_space) == [8, 7, 6, 3, 2]

    per_vacancy = analytics.funnel(con, analytics.Filters(), by_vacancy=True)
    for vacancy_id, rows in per_vacancy.groupby("vacancy_id"):
        expected = _sql_funnel(pool, metrics_space, f"a.vacancy_id = {int(vacancy_id)}")
        assert rows.sort_values("order")["count"].tolist() == expected

    since = NOW - timedelta(days=7)
    hh_week = analytics.funnel(con, analytics.Filters(since=since, source="hh"))
    expected = _sql_funnel(
        pool, metrics_space, f"a.source = 'hh' and a.created_at >= '{since.isoformat()}'"
    )
    assert hh_week["count"].tolist() == expected == [3, 2, 2, 2, 1]


def test_per_day_counts_equal_plain_sql(api_url, pool, metrics_space) -> None:
    con = _db(api_url, metrics_space)
    per_day = analytics.applications_per_day(con, analytics.Filters())
    figures = per_day.groupby(per_day["day"].dt.date)["applications"].sum().to_dict()
    with transaction(pool, workspace_id=metrics_space) as conn:
        rows = conn.execute(
            "select (created_at at time zone 'UTC')::date, count(*) from applications group by 1"
        ).fetchall()
    assert figures == dict(rows)
    assert sum(figures.values()) == len(APPLICATIONS)


def test_kpis_and_other_figures(api_url, metrics_space) -> None:
    con = _db(api_url, metrics_space)
    today = (NOW - timedelta(hours=1)).date()
    tiles = analytics.kpis(con, analytics.Filters(), today=today)
    new_today = sum(
        1 for row in APPLICATIONS if (NOW - timedelta(days=row[2], hours=1)).date() == today
    )
    assert tiles["open_vacancies"] == 1  # the QA Lead vacancy is archived
    assert tiles["new_today"] == new_today
    assert tiles["new_7_days"] == sum(
        1
        for row in APPLICATIONS
        if (NOW - timedelta(days=row[2], hours=1)).date() > today - timedelta(days=7)
    )
    assert (tiles["screened"], tiles["invited"], tiles["interviewed"], tiles["recommended"]) == (
        7, 6, 3, 2,
    )  # fmt: skip
    scores = analytics.score_distribution(con, analytics.Filters())
    assert dict(zip(scores["bin"], scores["count"], strict=True)) == {
        10: 1, 30: 1, 50: 1, 60: 1, 70: 1, 80: 1, 90: 1,
    }  # fmt: skip
    waits = analytics.time_to_interview(con, analytics.Filters())
    assert waits["hours"].tolist() == [3.0] * 5  # every started interview began 3 h in
    rates = analytics.completion_rate(con, analytics.Filters()).set_index("vacancy_title")
    assert rates.loc["Data Engineer", "started"] == 3
    assert rates.loc["Data Engineer", "rate"] == pytest.approx(2 / 3)
    assert rates.loc["QA Lead", "rate"] == pytest.approx(1 / 2)
    engines = analytics.engine_mix(con, analytics.Filters())
    assert {(r.kind, r.engine): r.count for r in engines.itertuples()} == {
        ("screening", "heuristic"): 7, ("report", "fake-llm"): 3,
    }  # fmt: skip


def test_extract_is_scoped_to_the_callers_workspace(api_url, metrics_space) -> None:
    token = ApiClient(api_url).login(*OUTSIDER)["access_token"]
    with pytest.raises(ApiFailure) as refused:
        ApiClient(api_url, token).analytics_extract(str(metrics_space), "applications")
    assert refused.value.status == 404
    own = ApiClient(api_url, token).me()["workspaces"][0]["id"]
    con = analytics.connect(analytics.fetch_extract(ApiClient(api_url, token), own))
    assert analytics.funnel(con, analytics.Filters())["count"].tolist()[0] == 3


def test_empty_workspace_gives_zero_figures(pool, api_url) -> None:
    user = accounts.create_user_account(pool, email="e@empty.test", password="empty-password-1")
    space = accounts.create_workspace(pool, name="Empty", owner_id=user.id)
    con = _db(api_url, space.id, ("e@empty.test", "empty-password-1"))
    assert analytics.funnel(con, analytics.Filters())["count"].tolist() == [0] * 5
    assert analytics.applications_per_day(con, analytics.Filters()).empty
    assert analytics.kpis(con, analytics.Filters(), today=date(2026, 1, 1))["open_vacancies"] == 0
