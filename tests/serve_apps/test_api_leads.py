"""Lead generation through the API (issue 16 §8, §10): owners set what the workspace sells and
Calendly, recruiters keep the bench and the prompts, a waiting lead is processed into a scored
lead with a drafted response, the response is edited, approved and queued once, the lead moves
along the funnel (lost and archived need a reason) with its history, notes and a reply logged
by hand, and the report counts what happened. Viewers only read; another workspace sees none
of it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from db import leads, resumes
from db.pool import transaction
from db.settings import Settings
from pipelines.engine_set import offline_engines
from pipelines.resume_flow import process_resume
from serve_apps.app import attach, build_app
from tests.fakes.calendly import FakeCalendly
from tests.serve_apps.conftest import login

ANNA = """Anna Volkova
Email: anna.volkova@example.com

Senior Python Developer

Experience
Northwind Payments — Senior Python Developer
March 2016 - Present
Payment services in Python with Django and PostgreSQL, Celery queues.

Skills
Python, Django, PostgreSQL, Celery, Docker

Languages
English — C1
"""
VACANCY = """We are a fintech startup building a payments API for marketplaces.

Requirements:
- 5+ years of Python
- Django, PostgreSQL, Celery

Fully remote, long-term contract. Budget: $9,000 per month.
Contact: Jane Miller, jane@payco.io
"""


@pytest.fixture(scope="module")
def cal() -> Iterator[FakeCalendly]:
    with FakeCalendly() as fake:
        yield fake


@pytest.fixture(scope="module")
def client(pool, settings: Settings, cal: FakeCalendly) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    configured = settings.model_copy(
        update={
            "calendly_api_url": cal.api_url,
            "smtp_host": "127.0.0.1",
            "smtp_from": "leads@acme.test",
            "api_url": "https://selectio.acme.test",
        }
    )
    with TestClient(attach(build_app(), pool=pool, settings=configured)) as test_client:
        yield test_client


def _as(client: TestClient, team: Any, role: str, space: str = "acme") -> dict[str, str]:
    return login(client, f"{role}@acme.test", team["password"]) | {
        "X-Workspace-Id": str(team[space].id)
    }


def _anna(pool: Any, workspace_id: Any) -> int:
    with transaction(pool, workspace_id=workspace_id) as conn:
        rid = resumes.create_resume(
            conn, workspace_id=workspace_id, file=ANNA.encode(), file_name="anna.txt"
        ).id
    outcome = process_resume(pool, offline_engines(), workspace_id=workspace_id, resume_id=rid)
    assert outcome.candidate_id is not None
    return outcome.candidate_id


def test_setup_profile_bench_prompts_and_calendly(  # type: ignore[no-untyped-def]
    client: TestClient, team: Any, pool, cal: FakeCalendly
) -> None:
    owner, recruiter = _as(client, team, "owner"), _as(client, team, "recruiter")
    viewer, outsider = _as(client, team, "viewer"), _as(client, team, "outsider", "globex")
    profile = {
        "pitch": "We are a team of 40 Python engineers.",
        "stacks": ["Python", "Django"],
        "seniority": ["senior"],
        "rate_min": 40,
        "rate_max": 70,
        "languages": ["English"],
        "sender_name": "Maria",
        "sender_email": "maria@acme.test",
        "booking_url": "https://cal.acme.test/maria",
        "fit_threshold": 40,
        "strong_threshold": 70,
        "meeting_timezone": "Europe/Belgrade",
    }
    assert (
        client.put("/api/v1/leads/setup/profile", json=profile, headers=recruiter).json()["error"][
            "code"
        ]
        == "role_too_low"
    )
    bad = client.put(
        "/api/v1/leads/setup/profile",
        headers=owner,
        json={**profile, "meeting_timezone": "Mars/Olympus"},
    )
    assert bad.status_code == 400 and "time zone" in bad.json()["error"]["message"]
    saved = client.put("/api/v1/leads/setup/profile", json=profile, headers=owner)
    assert saved.status_code == 200, saved.text
    shown = client.get("/api/v1/leads/setup/profile", headers=viewer).json()
    assert (shown["stacks"], shown["rate_min"], shown["has_calendly_token"]) == (
        ["Python", "Django"],
        40,
        False,
    )
    hook = f"https://selectio.acme.test/api/v1/hooks/calendly/{team['acme'].id}"
    assert shown["calendly_webhook_url"] == hook
    assert client.get("/api/v1/leads/setup/profile", headers=outsider).json()["stacks"] == []

    wrong = client.put(
        "/api/v1/leads/setup/calendly",
        headers=owner,
        json={"token": "not-the-token-at-all", "signing_key": "whsec-1234"},
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "calendly_unauthorized"
    assert not client.get("/api/v1/leads/setup/profile", headers=owner).json()["has_calendly_token"]
    linked = client.put(
        "/api/v1/leads/setup/calendly",
        headers=owner,
        json={"token": cal.token, "signing_key": "whsec-api-test"},
    )
    assert linked.status_code == 200, linked.text
    assert linked.json()["has_calendly_token"] and cal.token not in linked.text
    assert cal.signing_key(hook) == "whsec-api-test"  # Calendly posts here, signed so

    anna = _anna(pool, team["acme"].id)
    assert (
        client.put(f"/api/v1/leads/setup/bench/{anna}", json={}, headers=viewer).status_code == 403
    )
    put = client.put(
        f"/api/v1/leads/setup/bench/{anna}",
        headers=recruiter,
        json={"headline": "Senior Django", "rate": "$55/h"},
    )
    assert put.status_code == 200, put.text
    assert put.json()["full_name"] == "Anna Volkova" and "Django" in put.json()["skills"]
    assert (
        client.put(f"/api/v1/leads/setup/bench/{anna}", json={}, headers=outsider).status_code
        == 404
    )
    assert client.get("/api/v1/leads/setup/bench", headers=outsider).json() == []

    variants = client.get("/api/v1/leads/setup/variants", headers=viewer).json()
    assert sorted(v["name"] for v in variants) == ["consultative", "direct"]
    made = client.post(
        "/api/v1/leads/setup/variants",
        headers=recruiter,
        json={"name": "short", "instructions": "style: direct\nThree lines."},
    )
    assert made.status_code == 201, made.text
    revised = client.patch(
        f"/api/v1/leads/setup/variants/{made.json()['id']}",
        headers=recruiter,
        json={"instructions": "style: direct\nFour lines.", "share": 2},
    )
    assert (revised.json()["version"], revised.json()["share"]) == (2, 2.0)
    listed = client.get("/api/v1/leads/setup/variants?include_retired=true", headers=viewer).json()
    short = sorted(
        (v["version"], v["retired_at"] is not None) for v in listed if v["name"] == "short"
    )
    assert short == [(1, True), (2, False)]


def test_a_lead_from_processing_to_a_sent_response_and_the_funnel(  # type: ignore[no-untyped-def]
    client: TestClient, team: Any, pool
) -> None:
    recruiter, viewer = _as(client, team, "recruiter"), _as(client, team, "viewer")
    outsider = _as(client, team, "outsider", "globex")
    ws = team["acme"].id
    with transaction(pool, workspace_id=ws) as conn:
        lead, _ = leads.upsert_lead(
            conn,
            workspace_id=ws,
            source="indeed",
            external_id="in-1",
            title="Senior Python/Django Developer",
            company="PayCo",
            description=VACANCY,
            contact={"email": "jane@payco.io"},
            url="https://indeed.test/in-1",
        )
    assert client.post("/api/v1/leads/process", headers=viewer).status_code == 403
    assert client.post("/api/v1/leads/process", headers=recruiter).status_code == 202

    listed = client.get("/api/v1/leads?status=qualified", headers=viewer).json()
    assert [x["id"] for x in listed] == [lead.id]
    assert listed[0]["fit_score"] >= 70 and listed[0]["best_match"]["name"] == "Anna Volkova"
    assert client.get("/api/v1/leads", headers=outsider).json() == []
    assert client.get(f"/api/v1/leads/{lead.id}", headers=outsider).status_code == 404
    detail = client.get(f"/api/v1/leads/{lead.id}", headers=viewer).json()
    assert detail["fit_reasons"] and detail["analysis"]["budget"]["max"] == 9000
    response = detail["response"]
    assert response["status"] == "draft" and response["channel"] == "email"
    assert "Anna" in response["body"] and response["recipient"] == "jane@payco.io"
    assert [e["kind"] for e in detail["events"]][:3] == ["created", "analysed", "status"]

    not_yet = client.post(f"/api/v1/leads/{lead.id}/response/send", headers=recruiter)
    assert not_yet.status_code == 409 and not_yet.json()["error"]["code"] == "response_not_approved"
    edited = client.put(
        f"/api/v1/leads/{lead.id}/response",
        headers=recruiter,
        json={"subject": "Anna for PayCo", "body": response["body"] + "\nP.S.",
              "recipient": "cto@payco.io"},
    )  # fmt: skip
    assert edited.json()["body"].endswith("P.S.") and edited.json()["status"] == "draft"
    assert edited.json()["recipient"] == "cto@payco.io"
    approved = client.post(f"/api/v1/leads/{lead.id}/response/approve", headers=recruiter)
    assert approved.json()["status"] == "approved"
    sent = client.post(f"/api/v1/leads/{lead.id}/response/send", headers=recruiter)
    assert sent.status_code == 202, sent.text
    assert sent.json()["status"] == "queued"
    again = client.post(f"/api/v1/leads/{lead.id}/response/send", headers=recruiter)
    assert again.json()["id"] == sent.json()["id"]  # a repeated send changes nothing
    with transaction(pool, workspace_id=ws) as conn:
        (items,) = conn.execute("select count(*) from outbox where kind = 'email.lead'").fetchone()
    assert items == 1
    with transaction(pool, workspace_id=ws) as conn:
        (to,) = conn.execute(
            "select payload ->> 'to' from outbox where kind = 'email.lead'"
        ).fetchone()
    assert to == "cto@payco.io"  # the person's choice over the lead's contact
    queued = client.get(f"/api/v1/leads/{lead.id}", headers=viewer).json()["response"]
    # no Calendly event type in the profile: the plain link, tagged so a booking finds the lead
    assert f"https://cal.acme.test/maria?utm_content=lead-{lead.id}" in queued["body"]
    assert queued["body"].endswith("P.S.") and "{booking_link}" not in queued["body"]
    assert (
        client.post(f"/api/v1/leads/{lead.id}/response", headers=recruiter).json()["error"]["code"]
        == "response_locked"
    )

    note = client.post(
        f"/api/v1/leads/{lead.id}/notes", json={"text": "Called Jane"}, headers=recruiter
    )
    assert note.status_code == 201 and note.json()["kind"] == "note"
    replied = client.post(
        f"/api/v1/leads/{lead.id}/replies",
        headers=recruiter,
        json={"text": "Thanks! Can Anna start in May?"},
    )
    assert replied.json()["status"] == "replied"
    backwards = client.patch(f"/api/v1/leads/{lead.id}", json={"status": "new"}, headers=recruiter)
    assert backwards.status_code == 400 and backwards.json()["error"]["code"] == (
        "invalid_transition"
    )
    reasonless = client.patch(
        f"/api/v1/leads/{lead.id}", json={"status": "lost"}, headers=recruiter
    )
    assert reasonless.status_code == 400 and "reason" in reasonless.json()["error"]["message"]
    owner_id = team["people"]["recruiter"].id
    lost = client.patch(
        f"/api/v1/leads/{lead.id}",
        headers=recruiter,
        json={"status": "lost", "reason": "went in-house", "quality": 4, "owner_user_id": owner_id},
    )
    body = lost.json()
    assert (body["status"], body["lost_reason"], body["quality"], body["owner_user_id"]) == (
        "lost",
        "went in-house",
        4,
        owner_id,
    )
    kinds = [e["kind"] for e in body["events"]]
    assert {"note", "message_in", "status", "rated", "assigned"} <= set(kinds)
    assert (
        client.patch(f"/api/v1/leads/{lead.id}", json={"quality": 5}, headers=viewer).status_code
        == 403
    )

    counts = client.get("/api/v1/leads/counts", headers=viewer).json()
    assert counts["lost"] == 1 and counts["qualified"] == 0
    report = client.get("/api/v1/leads/report", headers=viewer)
    assert report.status_code == 200, report.text
    assert client.get("/api/v1/leads/counts", headers=outsider).json()["lost"] == 0


def test_linkedin_session_shows_its_state_never_its_cookies(  # type: ignore[no-untyped-def]
    client: TestClient, team
) -> None:
    owner, viewer = _as(client, team, "owner"), _as(client, team, "viewer")
    path = "/api/v1/leads/setup/linkedin"
    assert client.get(path, headers=viewer).json()["status"] == "disconnected"
    cookies = '[{"name": "li_at", "value": "AQEDsecret-li-at", "domain": ".linkedin.com"}]'
    assert client.put(path, json={"cookies": cookies}, headers=viewer).status_code == 403
    wrong = client.put(path, json={"cookies": '[{"name": "x", "value": "y", "domain": '
                                   '".linkedin.com"}]'}, headers=owner)  # fmt: skip
    assert wrong.status_code == 422
    assert wrong.json()["error"]["code"] == "linkedin_cookies_invalid"

    saved = client.put(path, json={"cookies": cookies}, headers=owner)
    assert saved.status_code == 200, saved.text
    assert saved.json()["status"] == "connected" and "AQEDsecret" not in saved.text
    shown = client.get(path, headers=viewer)
    assert shown.json()["status"] == "connected" and "AQEDsecret" not in shown.text
    assert client.get("/api/v1/leads/setup/djinni", headers=viewer).json()["status"] == \
        "disconnected"  # fmt: skip
    assert client.delete(path, headers=owner).json()["status"] == "disconnected"
