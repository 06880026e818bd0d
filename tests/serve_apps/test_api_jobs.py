"""Jobs API: members list their workspace's recent runs; owners and recruiters queue a run,
viewers cannot; one active run per kind; another workspace's runs stay invisible."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.serve_apps.conftest import login


def test_recruiters_queue_runs_and_members_see_only_their_workspaces(
    client: TestClient, team: dict[str, Any]
) -> None:
    headers = {
        role: login(client, f"{role}@acme.test", team["password"])
        for role in ("recruiter", "viewer", "outsider")
    }
    queued = client.post("/api/v1/jobs/retention/run", headers=headers["recruiter"])
    assert queued.status_code == 202, queued.text
    assert queued.json()["kind"] == "retention" and queued.json()["status"] == "queued"

    again = client.post("/api/v1/jobs/retention/run", headers=headers["recruiter"])
    assert again.status_code == 409 and again.json()["error"]["code"] == "job_active"
    viewer = client.post("/api/v1/jobs/expire_links/run", headers=headers["viewer"])
    assert viewer.status_code == 403
    unknown = client.post("/api/v1/jobs/mine_bitcoin/run", headers=headers["recruiter"])
    assert unknown.status_code == 422

    listed = client.get("/api/v1/jobs", headers=headers["viewer"])
    assert listed.status_code == 200
    assert [run["id"] for run in listed.json()] == [queued.json()["id"]]
    filtered = client.get("/api/v1/jobs?kind=expire_links", headers=headers["viewer"])
    assert filtered.json() == []
    outsider = client.get("/api/v1/jobs", headers=headers["outsider"])
    assert outsider.status_code == 200 and outsider.json() == []
