"""Interview invitations and candidate links: signed, expiring, revocable, bound to one
interview; each unusable link says why with the right status (404, 400, 410)."""

from __future__ import annotations

import pytest

from db import interviews, resumes
from db.pool import transaction
from pipelines import vacancy_flow
from pipelines.engine_set import offline_engines
from pipelines.resume_flow import process_resume
from serve_apps import accounts
from serve_apps.interview_links import issue_link_token, verify_link_token
from tests.pipelines import samples


@pytest.fixture(scope="module")
def screened(pool):  # type: ignore[no-untyped-def]
    """A workspace with a screened application (it has an interview plan) and a recruiter key."""
    engines = offline_engines()
    workspace = accounts.create_workspace(pool, name="Links", owner_id=None)
    _, key = accounts.issue_api_key(pool, workspace_id=workspace.id, name="k")
    vacancy = vacancy_flow.create_vacancy(
        pool, engines, workspace_id=workspace.id, title="", text=samples.VACANCY_EN
    )
    with transaction(pool, workspace_id=workspace.id) as conn:
        rid = resumes.create_resume(
            conn, workspace_id=workspace.id, file=samples.STRONG_EN.encode(), file_name="j.txt"
        ).id
    outcome = process_resume(
        pool, engines, workspace_id=workspace.id, resume_id=rid, vacancy_id=vacancy.id
    )
    return {"workspace": workspace, "headers": {"X-API-Key": key}, "outcome": outcome}


def _token(link: str) -> str:
    return link.rsplit("/interview/", 1)[1]


def test_token_signature_and_tampering() -> None:
    import uuid

    secret = b"s" * 40
    token, claims = issue_link_token(secret, workspace_id=uuid.uuid4(), interview_id=7, ttl_s=60)
    assert verify_link_token(secret, token) == claims
    assert verify_link_token(b"x" * 40, token) is None
    parts = token.split(".")
    parts[2] = "8"  # another interview
    assert verify_link_token(secret, ".".join(parts)) is None
    assert verify_link_token(secret, "iv1.garbage") is None


def test_invite_validate_and_page(client, screened, pool) -> None:
    headers, outcome = screened["headers"], screened["outcome"]
    invited = client.post(
        "/api/v1/interviews",
        json={"application_id": outcome.application_id, "replace": True},
        headers=headers,
    )
    assert invited.status_code == 201, invited.text
    body = invited.json()
    assert body["language"] == "en" and 6 <= body["questions"] <= 10
    token = _token(body["link"])
    valid = client.get(f"/api/v1/interview-links/{token}/validate")
    assert valid.status_code == 200
    assert valid.json()["canInterview"] is True
    assert valid.json()["candidateName"] == "John"
    assert valid.json()["vacancyTitle"] == "Senior Python Developer"
    page = client.get(f"/interview/{token}")
    assert page.status_code == 200 and "RTCPeerConnection" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    with transaction(pool, workspace_id=screened["workspace"].id) as conn:
        stored = interviews.get_interview(conn, interview_id=body["interview_id"])
        resume = resumes.get_resume(conn, resume_id=outcome.resume_id)
    assert token not in (stored.link_token_hash or "") and stored.link_token_hash
    assert resume.status == "interview_scheduled"
    detail = client.get(f"/api/v1/interviews/{body['interview_id']}", headers=headers).json()
    assert detail["status"] == "created" and detail["turns"] == []


def test_unusable_links_say_why(client, screened, pool, settings) -> None:
    headers, outcome = screened["headers"], screened["outcome"]
    first = client.post(
        "/api/v1/interviews",
        json={"application_id": outcome.application_id, "replace": True},
        headers=headers,
    ).json()
    old = _token(first["link"])
    forged = old[:-3] + ("AAA" if not old.endswith("AAA") else "BBB")
    assert client.get(f"/api/v1/interview-links/{forged}/validate").status_code == 404
    assert client.get("/api/v1/interview-links/nonsense/validate").json()["canInterview"] is False

    renewed = client.post(
        f"/api/v1/interviews/{first['interview_id']}/link", json={}, headers=headers
    )
    assert renewed.status_code == 201
    replaced = client.get(f"/api/v1/interview-links/{old}/validate")
    assert (replaced.status_code, replaced.json()["code"]) == (410, "link_replaced")
    new = _token(renewed.json()["link"])
    assert client.get(f"/api/v1/interview-links/{new}/validate").status_code == 200

    assert (
        client.delete(
            f"/api/v1/interviews/{first['interview_id']}/link", headers=headers
        ).status_code
        == 204
    )
    revoked = client.get(f"/api/v1/interview-links/{new}/validate")
    assert (revoked.status_code, revoked.json()["code"]) == (410, "link_revoked")

    token, claims = issue_link_token(
        settings.resolved_secret_key(), workspace_id=screened["workspace"].id,
        interview_id=first["interview_id"], ttl_s=-5,
    )  # fmt: skip
    with transaction(pool, workspace_id=screened["workspace"].id) as conn:
        from datetime import UTC, datetime

        interviews.set_link(
            conn, interview_id=first["interview_id"], link_token_hash=claims.token_hash,
            expires_at=datetime.fromtimestamp(claims.expires_at, UTC),
        )  # fmt: skip
    expired = client.get(f"/api/v1/interview-links/{token}/validate")
    assert (expired.status_code, expired.json()["code"]) == (410, "link_expired")


def test_finished_interview_link_is_used(client, screened, pool) -> None:
    headers, outcome = screened["headers"], screened["outcome"]
    body = client.post(
        "/api/v1/interviews",
        json={"application_id": outcome.application_id, "replace": True},
        headers=headers,
    ).json()
    with transaction(pool, workspace_id=screened["workspace"].id) as conn:
        interviews.set_interview_status(conn, interview_id=body["interview_id"], status="active")
        interviews.set_interview_status(conn, interview_id=body["interview_id"], status="completed")
    used = client.get(f"/api/v1/interview-links/{_token(body['link'])}/validate")
    assert (used.status_code, used.json()["code"]) == (410, "interview_finished")


def test_unscreened_application_cannot_be_invited(client, screened, pool) -> None:
    from db import applications, candidates

    workspace = screened["workspace"]
    with transaction(pool, workspace_id=workspace.id) as conn:
        candidate = candidates.create_candidate(conn, workspace_id=workspace.id, full_name="X")
        vacancy_id = applications.get_application(
            conn, application_id=screened["outcome"].application_id
        ).vacancy_id
        app = applications.create_application(
            conn, workspace_id=workspace.id, candidate_id=candidate.id, vacancy_id=vacancy_id
        )
    response = client.post(
        "/api/v1/interviews", json={"application_id": app.id}, headers=screened["headers"]
    )
    assert response.status_code == 400
    assert "no interview plan" in response.json()["error"]["message"]


def _abandoned(client, screened, pool, *, minutes_ago: int) -> dict:  # type: ignore[no-untyped-def]
    """An interview started `minutes_ago` whose candidate answered once and left."""
    from db import turns

    body = client.post(
        "/api/v1/interviews",
        json={"application_id": screened["outcome"].application_id, "replace": True},
        headers=screened["headers"],
    ).json()
    interview_id = body["interview_id"]
    with transaction(pool, workspace_id=screened["workspace"].id) as conn:
        interviews.set_interview_status(conn, interview_id=interview_id, status="active")
        conn.execute(
            "update interviews set started_at = now() - make_interval(mins => %s) where id = %s",
            (minutes_ago, interview_id),
        )
        epoch = interviews.bump_epoch(conn, interview_id=interview_id)
        lines = [
            ("interviewer", "Tell me about your experience with PostgreSQL."),
            ("candidate", "I have run PostgreSQL for six years and tuned slow queries."),
        ]
        for seq, (role, text) in enumerate(lines):
            turns.append_turn(
                conn, workspace_id=screened["workspace"].id, interview_id=interview_id,
                epoch=epoch, seq=seq, role=role, text=text, question_index=0,
            )  # fmt: skip
    return body


def test_a_resumed_interview_reports_its_elapsed_time(client, screened, pool) -> None:
    body = _abandoned(client, screened, pool, minutes_ago=7)
    valid = client.get(f"/api/v1/interview-links/{_token(body['link'])}/validate").json()
    assert valid["canInterview"] is True and valid["status"] == "active"
    assert 7 * 60 - 5 <= valid["elapsedSeconds"] <= 7 * 60 + 60
    with transaction(pool, workspace_id=screened["workspace"].id) as conn:  # leave none active
        interviews.set_interview_status(
            conn, interview_id=body["interview_id"], status="failed", reason="test over"
        )


def test_inviting_twice_names_the_unfinished_interview(client, screened, pool) -> None:
    headers, outcome = screened["headers"], screened["outcome"]
    first = client.post(
        "/api/v1/interviews",
        json={"application_id": outcome.application_id, "replace": True},
        headers=headers,
    ).json()
    again = client.post(
        "/api/v1/interviews", json={"application_id": outcome.application_id}, headers=headers
    )
    assert again.status_code == 409, again.text
    error = again.json()["error"]
    assert error["code"] == "interview_exists" and str(first["interview_id"]) in error["message"]

    replaced = client.post(
        "/api/v1/interviews",
        json={"application_id": outcome.application_id, "replace": True},
        headers=headers,
    )
    assert replaced.status_code == 201, replaced.text
    old = client.get(f"/api/v1/interview-links/{_token(first['link'])}/validate")
    assert old.status_code == 410
    with transaction(pool, workspace_id=screened["workspace"].id) as conn:
        previous = interviews.get_interview(conn, interview_id=first["interview_id"])
    assert previous.status == "failed" and previous.failure_reason == "replaced by a new invitation"


def test_an_interview_in_progress_is_never_replaced(client, screened, pool) -> None:
    body = _abandoned(client, screened, pool, minutes_ago=1)
    response = client.post(
        "/api/v1/interviews",
        json={"application_id": screened["outcome"].application_id, "replace": True},
        headers=screened["headers"],
    )
    assert response.status_code == 409
    assert "in progress" in response.json()["error"]["message"]
    with transaction(pool, workspace_id=screened["workspace"].id) as conn:
        assert interviews.get_interview(conn, interview_id=body["interview_id"]).status == "active"
        interviews.set_interview_status(
            conn, interview_id=body["interview_id"], status="failed", reason="test over"
        )


def test_an_abandoned_interview_times_out_and_its_answers_are_analysed(
    client, screened, pool
) -> None:
    from db import interview_expiry, reports

    body = _abandoned(client, screened, pool, minutes_ago=45)  # the limit is 30 minutes
    token = _token(body["link"])

    late = client.get(f"/api/v1/interview-links/{token}/validate")

    assert (late.status_code, late.json()["code"]) == (410, "interview_timed_out")
    again = client.get(f"/api/v1/interview-links/{token}/validate")
    assert (again.status_code, again.json()["code"]) == (410, "interview_finished")
    with transaction(pool, workspace_id=screened["workspace"].id) as conn:
        interview = interviews.get_interview(conn, interview_id=body["interview_id"])
        report = reports.get_report_for_interview(conn, interview_id=body["interview_id"])
    assert interview.status == "failed"
    assert interview.failure_reason == interview_expiry.ABANDONED_REASON
    flags = report.details["assessment"]["red_flags"] if report.details else []
    assert "aborted" in {flag["kind"] for flag in flags}
