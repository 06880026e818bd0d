"""Live interviews over the API: `GET /interviews/live` lists the running ones of the caller's
workspace, `POST /interviews/{id}/end` ends one for a recruiter (failed, link refused, audited,
what was answered analysed), and refuses viewers, other workspaces and finished interviews."""

from __future__ import annotations

import pytest

from db import jobs
from db.pool import transaction
from serve_apps import interview_invites
from tests.db import factories
from tests.db.test_live_interviews import NODE, live_interview
from tests.pipelines.analysis import transcripts
from tests.pipelines.analysis.stored import store_interview
from tests.serve_apps.conftest import login


@pytest.fixture(scope="module")
def heads(client, team):  # type: ignore[no-untyped-def]
    """Bearer headers of acme's owner, recruiter and viewer and of globex's owner."""
    password = team["password"]
    people = ("owner", "recruiter", "viewer", "outsider")
    return {who: login(client, f"{who}@acme.test", password) for who in people}


def _token(link: str) -> str:
    return link.rsplit("/interview/", 1)[1]


def test_the_running_interview_is_listed_with_its_progress(client, pool, team, heads) -> None:
    running = live_interview(pool, team["acme"])
    store_interview(pool, team["acme"], transcripts.strong_en())  # completed: not listed

    answer = client.get("/api/v1/interviews/live", headers=heads["viewer"])

    assert answer.status_code == 200, answer.text
    [row] = answer.json()
    assert row["interview_id"] == running
    assert row["candidate_name"] == "John Smith"
    assert row["vacancy_title"] == "Senior Python Developer"
    assert (row["question_index"], row["questions_total"]) == (2, 6)
    assert row["voice_to_voice_ms"] == 640
    assert row["node"] == NODE and row["language"] == "en"
    assert row["elapsed_s"] >= 0 and row["connected"] is False
    assert {"candidate_id", "vacancy_id", "started_at", "last_heartbeat_at"} <= set(row)
    assert client.get("/api/v1/interviews/live", headers=heads["outsider"]).json() == []


def test_a_recruiter_ends_a_running_interview(client, pool, settings, team, heads) -> None:
    acme = team["acme"]
    running = live_interview(pool, acme, name="Ann Lee")
    link = interview_invites.reissue(pool, settings, workspace_id=acme.id, interview_id=running)
    token = _token(link.link)
    assert client.get(f"/api/v1/interview-links/{token}/validate").status_code == 200

    viewer = client.post(f"/api/v1/interviews/{running}/end", headers=heads["viewer"])
    assert viewer.status_code == 403 and viewer.json()["error"]["code"] == "role_too_low"
    outsider = client.post(f"/api/v1/interviews/{running}/end", headers=heads["outsider"])
    assert outsider.status_code == 404

    ended = client.post(f"/api/v1/interviews/{running}/end", headers=heads["recruiter"])

    assert ended.status_code == 200, ended.text
    body = ended.json()
    assert body["status"] == "failed" and body["failure_reason"] == "ended by recruiter"
    assert body["analysis_job_id"] is not None  # the candidate answered two questions
    detail = client.get(f"/api/v1/interviews/{running}", headers=heads["viewer"]).json()
    assert detail["status"] == "failed" and detail["link_revoked"] is True
    refused = client.get(f"/api/v1/interview-links/{token}/validate")
    assert refused.status_code == 410 and refused.json()["canInterview"] is False
    listed = client.get("/api/v1/interviews/live", headers=heads["owner"]).json()
    assert running not in [row["interview_id"] for row in listed]
    with transaction(pool, workspace_id=acme.id) as conn:
        audit = conn.execute(
            "select action, actor_user_id from audit_log where target_id = %s "
            "and target_type = 'interview' and action = 'interview.end'",
            (str(running),),
        ).fetchall()
        job = jobs.get_job(conn, job_id=body["analysis_job_id"])
    assert audit == [("interview.end", team["people"]["recruiter"].id)]
    assert job.kind == jobs.INTERVIEW_ANALYSIS and job.status != "queued"  # started inline

    again = client.post(f"/api/v1/interviews/{running}/end", headers=heads["recruiter"])
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "interview_not_running"


def test_an_interview_not_started_cannot_be_ended(client, pool, team, heads) -> None:
    with transaction(pool, workspace_id=team["acme"].id) as conn:
        invited = factories.interview(conn, team["acme"])
    answer = client.post(f"/api/v1/interviews/{invited.id}/end", headers=heads["owner"])
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "interview_not_running"
    missing = client.post("/api/v1/interviews/999999/end", headers=heads["owner"])
    assert missing.status_code == 404
