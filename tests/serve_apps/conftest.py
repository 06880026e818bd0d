"""API fixtures: the real FastAPI app on the module's database, driven in-process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from serve_apps import accounts
from serve_apps.app import attach, build_app


@pytest.fixture(scope="module")
def client(pool, settings) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A client of the API app with the module's pool and settings."""
    with TestClient(attach(build_app(), pool=pool, settings=settings)) as test_client:
        yield test_client


def login(client: TestClient, email: str, password: str) -> dict[str, str]:
    """Bearer headers for a user."""
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture(scope="module")
def team(pool):  # type: ignore[no-untyped-def]
    """Workspace 'acme' with an owner, a recruiter and a viewer; workspace 'globex' apart."""
    password = "correct horse battery"
    people = {}
    for role in ("owner", "recruiter", "viewer", "outsider"):
        people[role] = accounts.create_user_account(
            pool, email=f"{role}@acme.test", password=password, full_name=role.title()
        )
    acme = accounts.create_workspace(pool, name="Acme", owner_id=people["owner"].id)
    for role in ("recruiter", "viewer"):
        accounts.add_member(pool, workspace_id=acme.id, email=f"{role}@acme.test", role=role)
    globex = accounts.create_workspace(pool, name="Globex", owner_id=people["outsider"].id)
    return {"password": password, "people": people, "acme": acme, "globex": globex}


@pytest.fixture(scope="module")
def client_for(pool, settings):  # type: ignore[no-untyped-def]
    """A factory of API clients for tests that need one on demand."""
    clients: list[TestClient] = []

    def make() -> TestClient:
        test_client = TestClient(attach(build_app(), pool=pool, settings=settings))
        clients.append(test_client)
        return test_client

    yield make
    for test_client in clients:
        test_client.close()
