"""Vacancies too short to screen against are refused over HTTP with a stable code, whether
typed (POST /vacancies) or uploaded (POST /vacancies/parse)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from psycopg_pool import ConnectionPool

from serve_apps import accounts


@pytest.fixture(scope="module")
def key(client: TestClient, pool: ConnectionPool) -> dict[str, str]:
    """A recruiter API key of a fresh workspace."""
    workspace = accounts.create_workspace(pool, name="Short Vacancies", owner_id=None)
    _, plaintext = accounts.issue_api_key(pool, workspace_id=workspace.id, name="t")
    return {"X-API-Key": plaintext}


@pytest.mark.parametrize(
    "body",
    [{"description": "x"}, {"title": "Manager", "description": "Manager"}],
    ids=["x", "one-word"],
)
def test_typed_vacancy_too_short_is_refused(
    client: TestClient, key: dict[str, str], body: dict[str, str]
) -> None:
    response = client.post("/api/v1/vacancies", json=body, headers=key)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "vacancy_too_short"
    assert error["message"].startswith("vacancy too short to screen against")


def test_uploaded_vacancy_too_short_is_refused(client: TestClient, key: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/vacancies/parse",
        files={"file": ("vacancy.txt", "Повар\n".encode(), "text/plain")},
        headers=key,
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "vacancy_too_short"


def test_a_short_but_real_vacancy_is_accepted(client: TestClient, key: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/vacancies", json={"description": "Senior Python developer"}, headers=key
    )
    assert response.status_code == 201, response.text


def test_workspace_route_refuses_a_vacancy_too_short(
    client: TestClient, pool: ConnectionPool, key: dict[str, str]
) -> None:
    """The console's route (POST /workspaces/{id}/vacancies) checks like the others."""
    workspace_id = client.get("/api/v1/workspaces", headers=key).json()[0]["id"]
    path = f"/api/v1/workspaces/{workspace_id}/vacancies"
    refused = client.post(path, json={"title": "x"}, headers=key)
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"]["code"] == "vacancy_too_short"
    accepted = client.post(path, json={"title": "Senior Python developer"}, headers=key)
    assert accepted.status_code == 201, accepted.text
