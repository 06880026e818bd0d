"""The candidate page over HTTP: a resume uploaded for a vacancy shows up parsed and screened
on its candidate's page, with interviews, notes and the audit timeline; recruiters add notes
and move applications through the funnel, viewers only read, other workspaces see nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from db.pool import transaction
from tests.db import factories
from tests.pipelines import samples
from tests.pipelines.analysis import transcripts
from tests.pipelines.analysis.stored import store_interview
from tests.serve_apps.conftest import login


@pytest.fixture(scope="module")
def heads(client: TestClient, team: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Bearer headers of acme's recruiter and viewer, and of globex's owner."""
    return {
        role: login(client, f"{role}@acme.test", team["password"])
        for role in ("recruiter", "viewer", "outsider")
    }


@pytest.fixture(scope="module")
def john(client: TestClient, heads: dict[str, dict[str, str]]) -> dict[str, Any]:
    """John Smith's resume uploaded for a vacancy by acme's recruiter: parsed and screened."""
    vacancy = client.post(
        "/api/v1/vacancies", json={"description": samples.VACANCY_EN}, headers=heads["recruiter"]
    )
    assert vacancy.status_code == 201, vacancy.text
    upload = client.post(
        "/api/v1/resumes",
        files=[("files", ("john.txt", samples.STRONG_EN.encode(), "text/plain"))],
        data={"vacancy_id": str(vacancy.json()["id"])},
        headers=heads["recruiter"],
    )
    assert upload.status_code == 202, upload.text
    (resume,) = upload.json()["resumes"]
    assert resume["status"] == "parsed" and resume["candidate_id"] is not None
    return {"vacancy": vacancy.json(), "resume": resume, "candidate_id": resume["candidate_id"]}


def _page(client: TestClient, headers: dict[str, str], candidate_id: int) -> dict[str, Any]:
    response = client.get(f"/api/v1/candidates/{candidate_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _audit_rows(pool: ConnectionPool, workspace_id: Any, action: str) -> int:
    with transaction(pool, workspace_id=workspace_id) as conn:
        row = conn.execute("select count(*) from audit_log where action = %s", (action,))
        return row.fetchone()[0]


def test_the_page_shows_the_parsed_resume_and_the_screening(
    client: TestClient, heads: dict[str, dict[str, str]], john: dict[str, Any]
) -> None:
    page = _page(client, heads["viewer"], john["candidate_id"])
    candidate = page["candidate"]
    assert (candidate["full_name"], candidate["email"]) == ("John Smith", "john.smith@example.com")
    assert candidate["telegram_username"] == "jsmith_dev"
    (resume,) = page["resumes"]
    assert (resume["id"], resume["status"], resume["file_name"]) == (
        john["resume"]["id"],
        "parsed",
        "john.txt",
    )
    assert {"Python", "PostgreSQL", "Docker"} <= set(resume["profile"]["skills"])
    assert "John Smith" in resume["text"] and resume["text_truncated"] is False
    assert resume["flags"] == []
    (application,) = page["applications"]
    assert application["vacancy_id"] == john["vacancy"]["id"]
    assert application["vacancy_title"] == "Senior Python Developer"
    assert application["stage"] == "screened" and application["resume_id"] == resume["id"]
    assert isinstance(application["score"], int) and application["score"] > 50
    screening = application["screening"]
    assert "PostgreSQL" in screening["matched"] and screening["engine"]
    assert screening["rationale"]
    assert page["interviews"] == [] and page["notes"] == []
    upload = [t for t in page["timeline"] if t["action"] == "resume.upload"]
    assert [(t["target_type"], t["target_id"]) for t in upload] == [("resume", str(resume["id"]))]
    assert upload[0]["actor_name"] == "Recruiter"


def test_notes_are_added_by_recruiters_and_listed_newest_first(
    client: TestClient, pool: ConnectionPool, team: dict[str, Any],
    heads: dict[str, dict[str, str]], john: dict[str, Any],
) -> None:  # fmt: skip
    url = f"/api/v1/candidates/{john['candidate_id']}/notes"
    first = client.post(url, json={"body": "  Strong on SQL.  "}, headers=heads["recruiter"])
    assert first.status_code == 201, first.text
    note = first.json()
    assert note["body"] == "Strong on SQL."
    assert (note["author_name"], note["author_email"]) == ("Recruiter", "recruiter@acme.test")
    assert note["author_user_id"] == team["people"]["recruiter"].id
    second = client.post(url, json={"body": "Asked about Kafka."}, headers=heads["recruiter"])
    assert second.status_code == 201

    page = _page(client, heads["viewer"], john["candidate_id"])
    assert [n["body"] for n in page["notes"]] == ["Asked about Kafka.", "Strong on SQL."]
    logged = [t for t in page["timeline"] if t["action"] == "candidate.note"]
    assert [t["details"] for t in logged] == [
        {"note_id": second.json()["id"]},
        {"note_id": note["id"]},
    ]
    assert all(t["target_type"] == "candidate" for t in logged)

    for body in ({"body": "   "}, {"body": "x" * 5001}, {}):
        refused = client.post(url, json=body, headers=heads["recruiter"])
        assert refused.status_code == 422, body
        assert refused.json()["error"]["code"] == "invalid_request"
    viewer = client.post(url, json={"body": "I only read"}, headers=heads["viewer"])
    assert viewer.status_code == 403
    assert viewer.json()["error"]["code"] == "role_too_low"
    assert _audit_rows(pool, team["acme"].id, "candidate.note") == 2


def test_stage_changes_are_audited_and_shown_on_the_timeline(
    client: TestClient, pool: ConnectionPool, team: dict[str, Any],
    heads: dict[str, dict[str, str]], john: dict[str, Any],
) -> None:  # fmt: skip
    (application,) = _page(client, heads["viewer"], john["candidate_id"])["applications"]
    url = f"/api/v1/applications/{application['id']}"
    moved = client.patch(url, json={"stage": "offer"}, headers=heads["recruiter"])
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert (body["id"], body["stage"], body["candidate_id"]) == (
        application["id"],
        "offer",
        john["candidate_id"],
    )
    assert body["score"] == application["score"]
    assert body["recommendation"] == application["recommendation"]
    assert set(body) == {
        "id", "vacancy_id", "candidate_id", "stage", "score", "recommendation", "updated_at"
    }  # fmt: skip

    before = _audit_rows(pool, team["acme"].id, "application.stage")
    again = client.patch(url, json={"stage": "offer"}, headers=heads["recruiter"])
    assert again.status_code == 200 and again.json()["stage"] == "offer"
    assert again.json()["updated_at"] == body["updated_at"]  # nothing was written
    assert _audit_rows(pool, team["acme"].id, "application.stage") == before == 1

    page = _page(client, heads["viewer"], john["candidate_id"])
    assert page["applications"][0]["stage"] == "offer"
    (logged,) = [t for t in page["timeline"] if t["action"] == "application.stage"]
    assert (logged["target_type"], logged["target_id"]) == ("application", str(application["id"]))
    assert logged["details"] == {"from": "screened", "to": "offer"}
    assert logged["actor_user_id"] == team["people"]["recruiter"].id
    assert page["timeline"][0]["action"] == "application.stage"  # newest first

    bad = client.patch(url, json={"stage": "maybe"}, headers=heads["recruiter"])
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request"
    viewer = client.patch(url, json={"stage": "hired"}, headers=heads["viewer"])
    assert viewer.status_code == 403 and viewer.json()["error"]["code"] == "role_too_low"
    missing = client.patch(
        f"/api/v1/applications/{application['id'] + 10_000}",
        json={"stage": "hired"},
        headers=heads["recruiter"],
    )
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_interviews_show_their_report_headline(
    client: TestClient, pool: ConnectionPool, team: dict[str, Any],
    heads: dict[str, dict[str, str]], john: dict[str, Any],
) -> None:  # fmt: skip
    (application,) = _page(client, heads["viewer"], john["candidate_id"])["applications"]
    invited = client.post(
        "/api/v1/interviews",
        json={"application_id": application["id"], "replace": True},
        headers=heads["recruiter"],
    )
    assert invited.status_code == 201, invited.text
    page = _page(client, heads["viewer"], john["candidate_id"])
    (interview,) = page["interviews"]
    assert (interview["id"], interview["status"], interview["channel"]) == (
        invited.json()["interview_id"],
        "created",
        "voice",
    )
    assert (interview["has_report"], interview["report"]) == (False, None)
    assert any(
        t["action"] == "interview.invite" and t["target_id"] == str(interview["id"])
        for t in page["timeline"]
    )

    finished = store_interview(pool, team["acme"], transcripts.strong_en())
    analysed = client.post(
        f"/api/v1/analysis/interview-report/{finished}", headers=heads["recruiter"]
    )
    assert analysed.status_code == 202 and analysed.json()["status"] == "succeeded"
    with transaction(pool, workspace_id=team["acme"].id) as conn:
        (candidate_id,) = conn.execute(
            "select a.candidate_id from interviews i join applications a "
            "on a.id = i.application_id where i.id = %s",
            (finished,),
        ).fetchone()
    (done,) = _page(client, heads["viewer"], candidate_id)["interviews"]
    assert (done["id"], done["status"], done["has_report"]) == (finished, "completed", True)
    assert done["report"]["status"] == "complete"
    assert isinstance(done["report"]["overall"], int)
    assert done["report"]["recommendation"] in ("strongly_recommend", "recommend", "consider")


def test_other_workspaces_see_nothing(
    client: TestClient, heads: dict[str, dict[str, str]], john: dict[str, Any]
) -> None:
    cid = john["candidate_id"]
    outsider = heads["outsider"]
    page = client.get(f"/api/v1/candidates/{cid}", headers=outsider)
    assert page.status_code == 404 and page.json()["error"]["code"] == "not_found"
    note = client.post(f"/api/v1/candidates/{cid}/notes", json={"body": "hi"}, headers=outsider)
    assert note.status_code == 404 and note.json()["error"]["code"] == "not_found"
    (application,) = _page(client, heads["viewer"], cid)["applications"]
    stage = client.patch(
        f"/api/v1/applications/{application['id']}", json={"stage": "hired"}, headers=outsider
    )
    assert stage.status_code == 404
    assert _page(client, heads["viewer"], cid)["applications"][0]["stage"] != "hired"
    assert client.get(
        f"/api/v1/candidates/{cid + 10_000}", headers=heads["viewer"]
    ).status_code == (404)


def test_long_texts_are_cut_and_document_findings_shown(
    client: TestClient, pool: ConnectionPool, team: dict[str, Any],
    heads: dict[str, dict[str, str]],
) -> None:  # fmt: skip
    ws = team["acme"]
    with transaction(pool, workspace_id=ws.id) as conn:
        person = factories.candidate(conn, ws, full_name="Long Writer")
        resume = factories.resume(conn, ws, candidate_id=person.id)
        conn.execute(
            "update resumes set text = repeat('a', 200005), hidden_text = %s, flags = %s "
            "where id = %s",
            (samples.INJECTION, Jsonb(["hidden_text", "prompt_injection"]), resume.id),
        )
    (shown,) = _page(client, heads["viewer"], person.id)["resumes"]
    assert (len(shown["text"]), shown["text_truncated"]) == (200_000, True)
    assert shown["flags"] == ["hidden_text", "prompt_injection"]
    assert "Ignore all previous instructions" in shown["hidden_text"]
    assert (shown["status"], shown["profile"]) == ("pending", None)


def test_instructions_to_the_ai_are_located_in_the_text(
    client: TestClient, pool: ConnectionPool, team: dict[str, Any],
    heads: dict[str, dict[str, str]],
) -> None:  # fmt: skip
    ws = team["acme"]
    text = "Jane Roe\nPython developer.\n" + samples.INJECTION + "Skills: SQL\n"
    with transaction(pool, workspace_id=ws.id) as conn:
        person = factories.candidate(conn, ws, full_name="Jane Roe")
        resume = factories.resume(conn, ws, candidate_id=person.id)
        conn.execute("update resumes set text = %s where id = %s", (text, resume.id))
    (shown,) = _page(client, heads["viewer"], person.id)["resumes"]
    (finding,) = shown["findings"]
    marked = shown["text"][finding["start"] : finding["end"]]
    assert marked.startswith("Ignore all previous instructions")
    assert "Python developer" not in marked and "Skills" not in marked
