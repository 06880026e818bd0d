"""Analysis over HTTP: start and re-run, the report, the PDF, per-vacancy policy, analytics,
roles and workspace isolation. Jobs run inline (the app is built without Ray here)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from psycopg_pool import ConnectionPool

from db.pool import transaction
from pipelines.analysis import flow
from pipelines.analysis.models import CRITERIA
from serve_apps import accounts
from tests.pipelines.analysis import transcripts
from tests.pipelines.analysis.stored import store_interview


@pytest.fixture(scope="module")
def acme(pool: ConnectionPool) -> dict[str, Any]:
    workspace = accounts.create_workspace(pool, name="Analysis API", owner_id=None)
    _, recruiter = accounts.issue_api_key(pool, workspace_id=workspace.id, name="recruiter")
    _, viewer = accounts.issue_api_key(
        pool, workspace_id=workspace.id, name="viewer", role="viewer"
    )
    return {
        "ws": workspace,
        "recruiter": {"X-API-Key": recruiter},
        "viewer": {"X-API-Key": viewer},
    }


@pytest.fixture(scope="module")
def finished(pool: ConnectionPool, acme: dict[str, Any]) -> dict[str, int]:
    """Finished interviews (each of its own vacancy), by name."""
    return {
        "strong": store_interview(pool, acme["ws"], transcripts.strong_en()),
        "weak": store_interview(pool, acme["ws"], transcripts.weak_en()),
        "empty": store_interview(pool, acme["ws"], transcripts.no_answers()),
    }


def _analyse(client: TestClient, headers: dict[str, str], interview_id: int) -> dict[str, Any]:
    response = client.post(f"/api/v1/analysis/interview-report/{interview_id}", headers=headers)
    assert response.status_code == 202, response.text
    return response.json()


def test_analysis_runs_and_the_report_has_evidence(
    client: TestClient, acme: dict[str, Any], finished: dict[str, int]
) -> None:
    job = _analyse(client, acme["recruiter"], finished["strong"])
    assert job["status"] == "succeeded", job
    assert job["result"]["interview_id"] == finished["strong"]

    response = client.get(f"/api/v1/analysis/report/{finished['strong']}", headers=acme["viewer"])

    assert response.status_code == 200, response.text
    report = response.json()
    assert report["status"] == "complete"
    assert report["recommendation"] in ("recommend", "strongly_recommend")
    assert [c["criterion"] for c in report["criteria"]] == list(CRITERIA)
    assert all(c["score"] is not None and c["evidence"] for c in report["criteria"])
    assert sum(c["weight"] for c in report["criteria"]) == pytest.approx(1.0)
    assert report["has_pdf"] and report["engine"] == "offline"
    job_state = client.get(f"/api/v1/analysis/jobs/{job['job_id']}", headers=acme["viewer"])
    assert job_state.json()["status"] == "succeeded"


def test_a_rerun_replaces_the_report(
    client: TestClient, pool: ConnectionPool, acme: dict[str, Any], finished: dict[str, int]
) -> None:
    first = _analyse(client, acme["recruiter"], finished["weak"])
    second = _analyse(client, acme["recruiter"], finished["weak"])

    assert second["job_id"] != first["job_id"]
    assert second["result"]["report_id"] == first["result"]["report_id"]
    with transaction(pool, workspace_id=acme["ws"].id) as conn:
        row = conn.execute(
            "select count(*) from interview_reports where interview_id = %s", (finished["weak"],)
        ).fetchone()
    assert row == (1,)


def test_the_pdf_is_rendered_again_and_downloaded(
    client: TestClient, acme: dict[str, Any], finished: dict[str, int]
) -> None:
    _analyse(client, acme["recruiter"], finished["strong"])
    rendered = client.post(
        f"/api/v1/analysis/generate-pdf/{finished['strong']}", headers=acme["recruiter"]
    )
    assert rendered.status_code == 200, rendered.text
    assert rendered.json()["has_pdf"] and rendered.json()["pdf_generated_at"]

    download = client.get(rendered.json()["download"], headers=acme["viewer"])

    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    assert "attachment" in download.headers["content-disposition"]
    assert download.content.startswith(b"%PDF")


def test_no_answers_gives_an_insufficient_report(
    client: TestClient, acme: dict[str, Any], finished: dict[str, int]
) -> None:
    _analyse(client, acme["recruiter"], finished["empty"])

    report = client.get(
        f"/api/v1/analysis/report/{finished['empty']}", headers=acme["viewer"]
    ).json()

    assert (report["status"], report["overall"], report["recommendation"]) == (
        "insufficient", None, None,
    )  # fmt: skip
    assert all(c["score"] is None for c in report["criteria"])


def test_unfinished_unknown_and_foreign_interviews(
    client: TestClient, pool: ConnectionPool, acme: dict[str, Any], team: dict[str, Any]
) -> None:
    data = transcripts.aborted_en()
    active = store_interview(pool, acme["ws"], type(data)(**{**data.__dict__, "status": "active"}))
    foreign = store_interview(pool, team["globex"], transcripts.strong_en())

    refused = client.post(f"/api/v1/analysis/interview-report/{active}", headers=acme["recruiter"])
    unknown = client.get("/api/v1/analysis/report/999999", headers=acme["viewer"])
    other = client.post(f"/api/v1/analysis/interview-report/{foreign}", headers=acme["recruiter"])
    no_pdf = client.get(f"/api/v1/analysis/pdf-report/{active}", headers=acme["viewer"])

    assert (refused.status_code, refused.json()["error"]["code"]) == (
        409, "interview_not_finished",
    )  # fmt: skip
    assert unknown.status_code == 404
    assert other.status_code == 404  # another workspace's interview does not exist here
    assert no_pdf.status_code == 404


def test_viewers_read_but_do_not_start_analyses(
    client: TestClient, acme: dict[str, Any], finished: dict[str, int]
) -> None:
    response = client.post(
        f"/api/v1/analysis/interview-report/{finished['strong']}", headers=acme["viewer"]
    )
    assert (response.status_code, response.json()["error"]["code"]) == (403, "role_too_low")


def test_vacancy_policy_is_validated_stored_and_applied(
    client: TestClient, pool: ConnectionPool, acme: dict[str, Any]
) -> None:
    interview_id = store_interview(pool, acme["ws"], transcripts.strong_en())
    with transaction(pool, workspace_id=acme["ws"].id) as conn:
        vacancy_id = flow.load_context(conn, interview_id=interview_id).vacancy_id
    url = f"/api/v1/analysis/vacancy/{vacancy_id}/policy"
    headers = acme["recruiter"]

    default = client.get(url, headers=headers).json()
    bad = client.put(url, json={"thresholds": {"recommend": 90}}, headers=headers)
    tuned = client.put(url, json={"thresholds": {"strongly_recommend": 101, "recommend": 100,
                                                 "consider": 100}}, headers=headers)  # fmt: skip

    assert default["custom"] is False and default["thresholds"]["recommend"] == 65
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid_policy")
    assert tuned.status_code == 400  # 101 is out of range
    tuned = client.put(
        url,
        json={"thresholds": {"strongly_recommend": 100, "recommend": 100, "consider": 100}},
        headers=headers,
    )
    assert tuned.status_code == 200 and tuned.json()["custom"] is True
    _analyse(client, headers, interview_id)
    report = client.get(f"/api/v1/analysis/report/{interview_id}", headers=headers).json()
    assert report["recommendation"] == "reject"  # nobody reaches 100
    assert report["thresholds"]["consider"] == 100
    restored = client.put(url, json={}, headers=headers).json()
    assert restored["custom"] is False and restored["thresholds"]["consider"] == 45


def test_vacancy_analytics(
    client: TestClient, pool: ConnectionPool, acme: dict[str, Any], team: dict[str, Any]
) -> None:
    ws = acme["ws"]
    strong = store_interview(pool, ws, transcripts.strong_en())
    with transaction(pool, workspace_id=ws.id) as conn:
        context = flow.load_context(conn, interview_id=strong)
    _analyse(client, acme["recruiter"], strong)
    url = f"/api/v1/analysis/vacancy/{context.vacancy_id}"

    stats = client.get(url, headers=acme["viewer"]).json()
    _, globex_key = accounts.issue_api_key(pool, workspace_id=team["globex"].id, name="g")
    foreign = client.get(url, headers={"X-API-Key": globex_key})

    assert stats["invited"] == stats["started"] == stats["completed"] == 1
    assert stats["completion_rate"] == 1.0 and stats["reports"] == 1
    assert stats["average_overall"] is not None
    assert set(stats["average_scores"]) == set(CRITERIA)
    assert sum(stats["recommendations"].values()) == 1
    assert foreign.status_code == 404


def test_a_vacancy_lists_its_interviews_with_report_headlines(
    client: TestClient, pool: ConnectionPool, acme: dict[str, Any]
) -> None:
    interview_id = store_interview(pool, acme["ws"], transcripts.strong_ru())
    with transaction(pool, workspace_id=acme["ws"].id) as conn:
        context = flow.load_context(conn, interview_id=interview_id)
    url = f"/api/v1/analysis/vacancy/{context.vacancy_id}/interviews"
    before = client.get(url, headers=acme["viewer"]).json()
    _analyse(client, acme["recruiter"], interview_id)

    after = client.get(url, headers=acme["viewer"]).json()

    assert [(r["interview_id"], r["overall"], r["has_pdf"]) for r in before] == [
        (interview_id, None, False)
    ]
    assert after[0]["interview_id"] == interview_id
    assert after[0]["full_name"] == context.candidate_name
    assert after[0]["report_status"] == "complete" and after[0]["overall"] is not None
    assert after[0]["has_pdf"] is True


def test_a_queued_analysis_is_reported_and_not_queued_twice(
    client: TestClient, pool: ConnectionPool, acme: dict[str, Any]
) -> None:
    interview_id = store_interview(pool, acme["ws"], transcripts.weak_ru())
    with transaction(pool, workspace_id=acme["ws"].id) as conn:
        queued = flow.queue_analysis(conn, workspace_id=acme["ws"].id, interview_id=interview_id)

    report = client.get(f"/api/v1/analysis/report/{interview_id}", headers=acme["viewer"])
    again = _analyse(client, acme["recruiter"], interview_id)

    assert (report.status_code, report.json()["error"]["code"]) == (409, "report_not_ready")
    assert (again["job_id"], again["status"]) == (queued.id, "queued")
