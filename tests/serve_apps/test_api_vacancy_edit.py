"""The console's Vacancies page over HTTP: list filters with a total for paging, a preview of
the requirements before saving (from text or a file), recruiter-corrected requirements that a
later screening does not analyse over, edits, and archive/restore with audit entries."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient
from psycopg_pool import ConnectionPool

from db import vacancies
from db.pool import transaction
from serve_apps import accounts
from serve_apps.api.schemas import VacancySource
from tests.pipelines import samples
from tests.serve_apps.conftest import login

CORRECTED = {
    "items": [
        {"text": "Python", "must": True},
        {"text": "PostgreSQL", "must": False},
        {"text": "ServSafe certification"},
        {"text": "Container orchestration with Kubernetes", "must": True},
    ],
    "min_years": 2,
}


@pytest.fixture(scope="module")
def recruiter(client: TestClient, team: dict[str, Any]) -> dict[str, str]:
    return login(client, "recruiter@acme.test", team["password"])


@pytest.fixture(scope="module")
def owner(client: TestClient, team: dict[str, Any]) -> dict[str, str]:
    return login(client, "owner@acme.test", team["password"])


@pytest.fixture(scope="module")
def viewer(client: TestClient, team: dict[str, Any]) -> dict[str, str]:
    return login(client, "viewer@acme.test", team["password"])


def _create(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/vacancies", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def _audit(client: TestClient, team: dict[str, Any], owner: dict[str, str], vacancy_id: int):
    rows = client.get(
        f"/api/v1/workspaces/{team['acme'].id}/audit", params={"limit": 500}, headers=owner
    ).json()
    return [
        (row["action"], row["details"])
        for row in reversed(rows)
        if row["target_type"] == "vacancy" and row["target_id"] == str(vacancy_id)
    ]


def test_list_filters_and_total(client: TestClient, pool: ConnectionPool) -> None:
    workspace = accounts.create_workspace(pool, name="Vacancy List", owner_id=None)
    _, plaintext = accounts.issue_api_key(pool, workspace_id=workspace.id, name="t")
    key = {"X-API-Key": plaintext}
    typed = _create(client, key, title="Sous chef", description="Knife skills and HACCP, 100%")
    with transaction(pool, workspace_id=workspace.id) as conn:
        for n, title in enumerate(("Line cook", "Pastry_cook", "Dishwasher")):
            vacancies.create_vacancy(
                conn, workspace_id=workspace.id, title=title, source="hh", external_id=str(n)
            )
    path = f"/api/v1/workspaces/{workspace.id}/vacancies"

    def listed(**params: Any) -> tuple[list[str], int]:
        response = client.get(path, params=params, headers=key)
        assert response.status_code == 200, response.text
        return [v["title"] for v in response.json()], int(response.headers["X-Total-Count"])

    assert listed() == (["Dishwasher", "Pastry_cook", "Line cook", "Sous chef"], 4)
    assert listed(source="hh", limit=2) == (["Dishwasher", "Pastry_cook"], 3)
    assert listed(source="hh", limit=2, offset=2) == (["Line cook"], 3)
    assert listed(source="api") == (["Sous chef"], 1)
    assert listed(q="COOK") == (["Pastry_cook", "Line cook"], 2)
    assert listed(q="haccp") == (["Sous chef"], 1)  # the description counts too
    assert listed(q="y_c") == (["Pastry_cook"], 1)  # "_" is itself, not any letter
    assert listed(q="100%") == (["Sous chef"], 1)
    assert listed(q="cook", status="archived") == ([], 0)
    first = client.get(path, params={"q": "chef"}, headers=key).json()[0]
    assert first["updated_at"] and first["id"] == typed["id"]
    assert client.get(path, params={"source": "linkedin"}, headers=key).status_code == 422
    assert client.get(path, params={"q": "x" * 201}, headers=key).status_code == 422


def test_preview_stores_nothing(
    client: TestClient, team: dict[str, Any], recruiter: dict[str, str]
) -> None:
    path = f"/api/v1/workspaces/{team['acme'].id}/vacancies"
    before = int(client.get(path, headers=recruiter).headers["X-Total-Count"])
    response = client.post(
        "/api/v1/vacancies/preview",
        json={"description": samples.VACANCY_EN, "location": "Berlin"},
        headers=recruiter,
    )
    assert response.status_code == 200, response.text
    preview = response.json()
    assert (preview["title"], preview["language"], preview["location"]) == (
        "Senior Python Developer", "en", "Berlin",
    )  # fmt: skip
    assert preview["description"] == samples.VACANCY_EN
    assert "PostgreSQL" in preview["requirements"]["must_have"]
    assert preview["requirements"]["engine"] == "offline"
    corrected = client.post(
        "/api/v1/vacancies/preview",
        json={"description": samples.VACANCY_EN, "requirements": CORRECTED},
        headers=recruiter,
    ).json()
    assert corrected["requirements"]["engine"] == "recruiter"
    assert corrected["requirements"]["nice_to_have"] == ["PostgreSQL"]
    short = client.post("/api/v1/vacancies/preview", json={"description": "x"}, headers=recruiter)
    assert (short.status_code, short.json()["error"]["code"]) == (400, "vacancy_too_short")
    assert int(client.get(path, headers=recruiter).headers["X-Total-Count"]) == before


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("analyst.docx", samples.docx_from_text(samples.VACANCY_RU)),
        ("analyst.txt", samples.VACANCY_RU.encode()),
    ],
)
def test_preview_file(
    client: TestClient,
    team: dict[str, Any],
    recruiter: dict[str, str],
    name: str,
    data: bytes,
) -> None:
    path = f"/api/v1/workspaces/{team['acme'].id}/vacancies"
    before = int(client.get(path, headers=recruiter).headers["X-Total-Count"])
    response = client.post(
        "/api/v1/vacancies/preview-file",
        files={"file": (name, data, "application/octet-stream")},
        headers=recruiter,
    )
    assert response.status_code == 200, response.text
    preview = response.json()
    assert (preview["title"], preview["language"]) == ("Аналитик данных", "ru")
    assert preview["description"].startswith("Аналитик данных")
    assert "SQL" in preview["requirements"]["must_have"]
    assert int(client.get(path, headers=recruiter).headers["X-Total-Count"]) == before


def test_preview_file_errors(client: TestClient, recruiter: dict[str, str]) -> None:
    short = client.post(
        "/api/v1/vacancies/preview-file",
        files={"file": ("v.txt", "Повар\n".encode(), "text/plain")},
        headers=recruiter,
    )
    assert (short.status_code, short.json()["error"]["code"]) == (400, "vacancy_too_short")
    empty = client.post(
        "/api/v1/vacancies/preview-file",
        files={"file": ("v.txt", b"", "text/plain")},
        headers=recruiter,
    )
    assert empty.status_code == 422, empty.text


def test_corrected_requirements_survive_screening(
    client: TestClient,
    pool: ConnectionPool,
    team: dict[str, Any],
    recruiter: dict[str, str],
) -> None:
    created = _create(client, recruiter, description=samples.VACANCY_EN, requirements=CORRECTED)
    stored = created["requirements"]
    assert created["requirements_engine"] == stored["engine"] == "recruiter"
    assert [(r["text"], r["must"]) for r in stored["requirements"]] == [
        ("Python", True), ("PostgreSQL", False), ("ServSafe certification", True),
        ("Container orchestration with Kubernetes", True),
    ]  # fmt: skip
    assert stored["min_years"] == 2
    upload = client.post(
        "/api/v1/resumes",
        files=[("files", ("strong.txt", samples.STRONG_EN.encode(), "text/plain"))],
        data={"vacancy_id": str(created["id"])},
        headers=recruiter,
    )
    assert upload.status_code == 202, upload.text
    ranked = client.get(f"/api/v1/vacancies/{created['id']}/ranking", headers=recruiter).json()
    assert [r["score"] is not None for r in ranked] == [True]  # screened
    after = client.get(f"/api/v1/vacancies/{created['id']}", headers=recruiter).json()
    assert (after["requirements_engine"], after["requirements"]) == ("recruiter", stored)

    # An embedding gone (or made by another engine) is made again; the corrections stay.
    with transaction(pool, workspace_id=team["acme"].id) as conn:
        conn.execute(
            "update vacancies set embedding = null, embedding_engine = null where id = %s",
            (created["id"],),
        )
    rescreened = client.post(f"/api/v1/vacancies/{created['id']}/rescreen", headers=recruiter)
    assert rescreened.json() == {"screened": 1}
    with transaction(pool, workspace_id=team["acme"].id) as conn:
        vacancy = vacancies.get_vacancy(conn, vacancy_id=created["id"])
    assert vacancy.has_embedding and vacancy.embedding_engine
    assert (vacancy.requirements_engine, vacancy.requirements) == ("recruiter", stored)


def test_patch_text_analyses_again(
    client: TestClient, team: dict[str, Any], recruiter: dict[str, str], owner: dict[str, str]
) -> None:
    created = _create(client, recruiter, description=samples.VACANCY_EN, location="Berlin")
    assert "Go" not in created["requirements"]["must_have"]
    response = client.patch(
        f"/api/v1/vacancies/{created['id']}",
        json={
            "title": "Senior Go Developer",
            "description": "Requirements:\n- Go\n- PostgreSQL\n- Kafka\n\nNice to have:\n- Redis",
        },
        headers=recruiter,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["title"] == "Senior Go Developer"
    assert body["requirements"]["must_have"] == ["Go", "PostgreSQL", "Kafka"]
    assert body["requirements_engine"] == "offline"
    assert body["location"] == "Berlin"  # left as it was
    assert body["updated_at"] > created["updated_at"]
    assert _audit(client, team, owner, created["id"])[-1] == (
        "vacancy.update", {"fields": ["title", "description"]},
    )  # fmt: skip
    # Text and corrections together: the new reading, corrected.
    both = client.patch(
        f"/api/v1/vacancies/{created['id']}",
        json={
            "description": "Requirements:\n- Go\n- gRPC\n- Kafka",
            "requirements": {"items": [{"text": "Go"}, {"text": "Kafka", "must": False}]},
            "location": None,
        },
        headers=recruiter,
    ).json()
    assert (both["requirements"]["must_have"], both["requirements"]["nice_to_have"]) == (
        ["Go"], ["Kafka"],
    )  # fmt: skip
    assert (both["requirements_engine"], both["location"]) == ("recruiter", None)
    assert _audit(client, team, owner, created["id"])[-1] == (
        "vacancy.update", {"fields": ["description", "location", "requirements"]},
    )  # fmt: skip


def test_patch_requirements_only(
    client: TestClient, team: dict[str, Any], recruiter: dict[str, str], owner: dict[str, str]
) -> None:
    created = _create(client, recruiter, description=samples.VACANCY_EN)
    response = client.patch(
        f"/api/v1/vacancies/{created['id']}",
        json={"requirements": {"items": [{"text": "python"}, {"text": "Redis", "must": True}]}},
        headers=recruiter,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["description"] == created["description"]
    assert body["requirements_engine"] == "recruiter"
    assert body["requirements"]["must_have"] == ["Python", "Redis"]
    assert body["requirements"]["min_years"] is None
    assert body["requirements"]["languages"] == created["requirements"]["languages"]
    assert _audit(client, team, owner, created["id"])[-1] == (
        "vacancy.update", {"fields": ["requirements"]},
    )  # fmt: skip
    # Applied again over the corrected ones: what was kept keeps its reading.
    again = client.patch(
        f"/api/v1/vacancies/{created['id']}",
        json={"requirements": {"items": [{"text": "Redis", "must": False}], "min_years": 4}},
        headers=recruiter,
    ).json()
    assert (again["requirements"]["must_have"], again["requirements"]["nice_to_have"]) == (
        [], ["Redis"],
    )  # fmt: skip
    assert again["requirements"]["min_years"] == 4
    unreadable = client.patch(
        f"/api/v1/vacancies/{created['id']}",
        json={"requirements": {"items": [{"text": "3+ years"}]}},
        headers=recruiter,
    )
    assert unreadable.status_code == 400
    assert unreadable.json()["error"]["code"] == "requirement_unreadable"
    blank = client.patch(
        f"/api/v1/vacancies/{created['id']}",
        json={"requirements": {"items": [{"text": "   "}]}},
        headers=recruiter,
    )
    assert blank.status_code == 422


def test_archive_and_restore(
    client: TestClient, team: dict[str, Any], recruiter: dict[str, str], owner: dict[str, str]
) -> None:
    created = _create(client, recruiter, description=samples.VACANCY_EN)
    path = f"/api/v1/vacancies/{created['id']}"
    archived = client.patch(path, json={"status": "archived"}, headers=recruiter)
    assert archived.status_code == 200, archived.text
    assert archived.json()["status"] == "archived"
    listing = client.get(
        f"/api/v1/workspaces/{team['acme'].id}/vacancies",
        params={"status": "archived"},
        headers=recruiter,
    ).json()
    assert created["id"] in [v["id"] for v in listing]
    again = client.patch(path, json={"status": "archived"}, headers=recruiter)
    assert again.status_code == 200  # already archived: nothing to record
    restored = client.patch(path, json={"status": "active"}, headers=recruiter).json()
    assert restored["status"] == "active"
    assert _audit(client, team, owner, created["id"]) == [
        ("vacancy.create", {"source": "manual"}), ("vacancy.archive", {}),
        ("vacancy.restore", {}),
    ]  # fmt: skip


def test_refusals(
    client: TestClient,
    team: dict[str, Any],
    recruiter: dict[str, str],
    viewer: dict[str, str],
) -> None:
    created = _create(client, recruiter, description=samples.VACANCY_EN)
    path = f"/api/v1/vacancies/{created['id']}"
    as_viewer = client.patch(path, json={"status": "archived"}, headers=viewer)
    assert (as_viewer.status_code, as_viewer.json()["error"]["code"]) == (403, "role_too_low")
    preview = client.post(
        "/api/v1/vacancies/preview", json={"description": samples.VACANCY_EN}, headers=viewer
    )
    assert preview.status_code == 403
    outsider = login(client, "outsider@acme.test", team["password"])
    other = client.patch(path, json={"status": "archived"}, headers=outsider)
    assert (other.status_code, other.json()["error"]["code"]) == (404, "not_found")
    empty = client.patch(path, json={}, headers=recruiter)
    assert (empty.status_code, empty.json()["error"]["code"]) == (422, "invalid_request")
    assert "nothing to change" in empty.json()["error"]["message"]
    nulls = client.patch(path, json={"title": None, "status": None}, headers=recruiter)
    assert nulls.status_code == 422
    unknown = client.patch(path, json={"language": "en"}, headers=recruiter)
    assert unknown.status_code == 422
    short = client.patch(path, json={"description": "x", "title": "y"}, headers=recruiter)
    assert (short.status_code, short.json()["error"]["code"]) == (400, "vacancy_too_short")
    unchanged = client.get(path, headers=recruiter).json()
    assert (unchanged["status"], unchanged["description"]) == ("active", samples.VACANCY_EN)


def test_source_filter_names_every_stored_source() -> None:
    assert get_args(VacancySource) == vacancies.SOURCES
