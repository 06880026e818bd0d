"""Jobs API: members list their workspace's recent runs; owners and recruiters queue a run,
viewers cannot; one active run per kind; another workspace's runs stay invisible."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from psycopg_pool import ConnectionPool

from db import outbox
from db.pool import transaction
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


def test_schedules_list_the_sweeps(client: TestClient, team: dict[str, Any]) -> None:
    viewer = login(client, "viewer@acme.test", team["password"])
    listed = client.get("/api/v1/jobs/schedules", headers=viewer)
    assert listed.status_code == 200, listed.text
    kinds = {row["kind"]: row for row in listed.json()}
    assert {"expire_interviews", "recover_parses", "retention", "dispatch_outbox"} <= set(kinds)
    assert kinds["dispatch_outbox"]["scope"] == "everywhere"
    assert kinds["dispatch_outbox"]["interval_s"] == 15


def test_owners_give_their_workspace_its_own_schedule(
    client: TestClient, team: dict[str, Any]
) -> None:
    owner = login(client, "owner@acme.test", team["password"])
    recruiter = login(client, "recruiter@acme.test", team["password"])
    nightly = {"cron": "30 2 * * *", "timezone": "Europe/Moscow"}
    assert (
        client.put("/api/v1/jobs/schedules/retention", json=nightly, headers=recruiter).status_code
        == 403
    )
    bad = client.put(
        "/api/v1/jobs/schedules/retention", json={"cron": "every night"}, headers=owner
    )
    assert bad.status_code == 400 and "cron" in bad.json()["error"]["message"]
    saved = client.put("/api/v1/jobs/schedules/retention", json=nightly, headers=owner)
    assert saved.status_code == 200, saved.text
    assert (saved.json()["scope"], saved.json()["cron"]) == ("this workspace", "30 2 * * *")
    assert saved.json()["next_run_at"].endswith(("23:30:00Z", "23:30:00+00:00"))  # 02:30 MSK
    outsider = login(client, "outsider@acme.test", team["password"])
    theirs = client.get("/api/v1/jobs/schedules", headers=outsider).json()
    assert all(row["scope"] == "everywhere" for row in theirs)
    assert client.delete("/api/v1/jobs/schedules/retention", headers=owner).status_code == 204
    assert client.delete("/api/v1/jobs/schedules/retention", headers=owner).status_code == 404


def test_a_failed_message_is_sent_again_by_a_recruiter(
    client: TestClient, team: dict[str, Any], pool: ConnectionPool
) -> None:
    acme = team["acme"].id
    with transaction(pool, workspace_id=acme) as conn:
        item, _ = outbox.enqueue(
            conn, workspace_id=acme, kind="slack", idempotency_key="report:7",
            payload={"text": "Report ready for Anna Smirnova", "webhook_url": "http://x"},
        )  # fmt: skip
        claimed = outbox.claim_due(conn, limit=5)
        assert [i.id for i in claimed] == [item.id]
        outbox.mark_failed(conn, item_id=item.id, error="HTTP 404: no such hook")
    heads = {r: login(client, f"{r}@acme.test", team["password"]) for r in ("recruiter", "viewer")}

    failed = client.get("/api/v1/outbox?status=failed", headers=heads["viewer"]).json()
    assert [(i["id"], i["last_error"]) for i in failed] == [(item.id, "HTTP 404: no such hook")]
    assert "payload" not in failed[0]  # a candidate's data stays out of the listing
    assert (
        client.post(f"/api/v1/outbox/{item.id}/retry", headers=heads["viewer"]).status_code == 403
    )
    again = client.post(f"/api/v1/outbox/{item.id}/retry", headers=heads["recruiter"])
    assert again.status_code == 200, again.text
    assert (again.json()["status"], again.json()["attempts"]) == ("pending", 0)
    twice = client.post(f"/api/v1/outbox/{item.id}/retry", headers=heads["recruiter"])
    assert (twice.status_code, twice.json()["error"]["code"]) == (400, "invalid_transition")
    outsider = login(client, "outsider@acme.test", team["password"])
    assert client.post(f"/api/v1/outbox/{item.id}/retry", headers=outsider).status_code == 404
