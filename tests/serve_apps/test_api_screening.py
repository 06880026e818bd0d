"""Screening over HTTP: batch upload with per-file failures, filters, ranking, search,
vacancy parsing from a file, interview plans; the workspace comes from the credential."""

from __future__ import annotations

import pytest

from serve_apps import accounts
from tests.pipelines import samples
from tests.serve_apps.conftest import login


@pytest.fixture(scope="module")
def key(client, pool):  # type: ignore[no-untyped-def]
    """A recruiter API key of a fresh workspace."""
    workspace = accounts.create_workspace(pool, name="Screening API", owner_id=None)
    _, plaintext = accounts.issue_api_key(pool, workspace_id=workspace.id, name="t")
    return {"X-API-Key": plaintext}


@pytest.fixture(scope="module")
def vacancy(client, key):  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/vacancies", json={"description": samples.VACANCY_EN}, headers=key
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture(scope="module")
def uploaded(client, key, vacancy):  # type: ignore[no-untyped-def]
    files = [
        (
            "files",
            ("strong.docx", samples.docx_from_text(samples.STRONG_EN), "application/octet-stream"),
        ),
        ("files", ("weak.txt", samples.WEAK_EN.encode(), "text/plain")),
        ("files", ("empty.txt", b"", "text/plain")),
        ("files", ("scan.pdf", b"GIF89a" + b"\x00" * 40, "application/pdf")),
    ]
    response = client.post(
        "/api/v1/resumes", files=files, data={"vacancy_id": str(vacancy["id"])}, headers=key
    )
    assert response.status_code == 202, response.text
    return {r["file_name"]: r for r in response.json()["resumes"]}


def test_vacancy_requirements_are_returned(vacancy) -> None:
    assert vacancy["title"] == "Senior Python Developer"
    assert "PostgreSQL" in vacancy["requirements"]["must_have"]


def test_batch_upload_keeps_good_files_and_explains_bad_ones(uploaded) -> None:
    assert uploaded["strong.docx"]["status"] == "parsed"
    assert uploaded["strong.docx"]["full_name"] == "John Smith"
    assert uploaded["weak.txt"]["status"] == "parsed"
    assert (uploaded["empty.txt"]["status"], uploaded["empty.txt"]["failure_reason"]) == (
        "failed",
        "empty file",
    )
    assert uploaded["scan.pdf"]["status"] == "failed"
    assert "does not match its extension" in uploaded["scan.pdf"]["failure_reason"]


def test_ranking_puts_the_match_first(client, key, vacancy, uploaded) -> None:
    rows = client.get(f"/api/v1/vacancies/{vacancy['id']}/ranking", headers=key).json()
    assert [r["full_name"] for r in rows] == ["John Smith", "Mary Jones"]
    assert [r["rank"] for r in rows] == [1, 2]
    assert rows[0]["score"] > rows[1]["score"]
    plan = client.get(f"/api/v1/applications/{rows[0]['application_id']}/plan", headers=key)
    assert plan.status_code == 200
    assert 6 <= len(plan.json()["questions"]) <= 10


def test_resume_filters(client, key, vacancy, uploaded) -> None:
    failed = client.get("/api/v1/resumes", params={"status": "failed"}, headers=key).json()
    assert {r["file_name"] for r in failed} == {"empty.txt", "scan.pdf"}
    docker = client.get(
        "/api/v1/resumes", params={"skill": ["Docker", "PostgreSQL"]}, headers=key
    ).json()
    assert [r["file_name"] for r in docker] == ["strong.docx"]
    # Mary: June 2015 - present; John: March 2016 - present.
    seasoned = client.get("/api/v1/resumes", params={"min_years": 11}, headers=key).json()
    assert [r["file_name"] for r in seasoned] == ["weak.txt"]
    by_vacancy = client.get(
        "/api/v1/resumes", params={"vacancy_id": vacancy["id"]}, headers=key
    ).json()
    assert {r["file_name"] for r in by_vacancy} == {"strong.docx", "weak.txt"}
    # An upload follows its own files by id.
    ids = [uploaded["empty.txt"]["id"], uploaded["weak.txt"]["id"]]
    own = client.get("/api/v1/resumes", params={"id": ids}, headers=key).json()
    assert {r["file_name"]: r["status"] for r in own} == {
        "empty.txt": "failed",
        "weak.txt": "parsed",
    }


def test_semantic_search(client, key, uploaded) -> None:
    hits = client.get("/api/v1/search", params={"q": "python postgres 5 лет"}, headers=key)
    assert hits.status_code == 200, hits.text
    assert hits.json()[0]["file_name"] == "strong.docx"
    accountant = client.get("/api/v1/search", params={"q": "бухгалтер 1С excel"}, headers=key)
    assert accountant.json()[0]["file_name"] == "weak.txt"
    # Skill filters as typed: lower case and everyday names find the canonical skills.
    typed = client.get(
        "/api/v1/search", params={"q": "developer", "skill": ["docker", "postgres"]}, headers=key
    )
    assert [h["file_name"] for h in typed.json()] == ["strong.docx"]


def test_get_and_delete_resume(client, key, uploaded) -> None:
    rid = uploaded["weak.txt"]["id"]
    detail = client.get(f"/api/v1/resumes/{rid}", headers=key).json()
    assert "Chief Accountant" in detail["text"]
    assert detail["profile"]["email"] == "mary.jones@example.com"
    assert client.delete(f"/api/v1/resumes/{rid}", headers=key).status_code == 204
    assert client.get(f"/api/v1/resumes/{rid}", headers=key).status_code == 404


def test_vacancy_from_file(client, key) -> None:
    response = client.post(
        "/api/v1/vacancies/parse",
        files={
            "file": (
                "analyst.docx",
                samples.docx_from_text(samples.VACANCY_RU),
                "application/octet-stream",
            )
        },
        headers=key,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["title"], body["language"]) == ("Аналитик данных", "ru")
    assert "SQL" in body["requirements"]["must_have"]


def test_user_with_many_workspaces_works_in_the_home_one_unless_named(client, team) -> None:
    """Joining a second workspace must not break header-less calls: they go to the user's
    home workspace (the oldest membership); X-Workspace-Id chooses another."""
    headers = login(client, "outsider@acme.test", team["password"])
    home = team["globex"].id
    other = client.post("/api/v1/workspaces", json={"name": "Second Co"}, headers=headers)
    assert other.status_code == 201
    created = client.post(
        "/api/v1/vacancies",
        json={"description": "Go developer for payment services, three years of Go."},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    path = f"/api/v1/vacancies/{created.json()['id']}"
    in_home = client.get(path, headers={**headers, "X-Workspace-Id": str(home)})
    assert in_home.status_code == 200
    in_other = client.get(path, headers={**headers, "X-Workspace-Id": other.json()["id"]})
    assert in_other.status_code == 404
    chosen = client.get(
        "/api/v1/resumes", headers={**headers, "X-Workspace-Id": other.json()["id"]}
    )
    assert chosen.status_code == 200


def test_viewer_key_cannot_upload(client, pool) -> None:
    workspace = accounts.create_workspace(pool, name="Viewer Co", owner_id=None)
    _, plaintext = accounts.issue_api_key(pool, workspace_id=workspace.id, name="v", role="viewer")
    response = client.post(
        "/api/v1/resumes",
        files=[("files", ("a.txt", b"hello world resume", "text/plain"))],
        headers={"X-API-Key": plaintext},
    )
    assert response.status_code == 403
