"""The API against its own OpenAPI document (issue 11): schemathesis generates requests for
every operation, valid and invalid, and sends them to the real app on a real database as the
owner of a workspace with a vacancy, screened resumes and a finished interview. No answer may
be a server error, and every status, content type, body and header must be one the document
promises (the error shape included).

Bounded and repeatable: a few generated examples per operation on top of schemathesis'
coverage cases, derandomized, no example database. Every operation is tested; the WebRTC
signalling routes too, since a generated token is never a valid link and so never reaches
an interview actor (those need Ray; tests/e2e drive them).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from psycopg_pool import ConnectionPool
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from db.settings import Settings
from serve_apps.app import attach, build_app
from serve_apps.sign_in import sign_in
from tests.fakes.calendly import FakeCalendly
from tests.pipelines import samples
from tests.pipelines.analysis import transcripts
from tests.pipelines.analysis.stored import store_interview
from tests.serve_apps.conftest import login

EXAMPLES_PER_OPERATION = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

_HEADER = "x-workspace-id"

# The document needs no database, so it is loaded at import and each call names the live app.
# (`schemathesis.pytest.from_fixture` would load it in a fixture, but 4.32 sets the removed
# `Node._nodeid` and fails under pytest 9.2.)
schema = schemathesis.openapi.from_dict(build_app().openapi())


@pytest.fixture(scope="module")
def calendly() -> Iterator[FakeCalendly]:
    with FakeCalendly() as fake:
        yield fake


@pytest.fixture(scope="module")
def settings(settings: Settings, calendly: FakeCalendly) -> Settings:
    """Calendly (saving its token subscribes its webhooks) at a local fake: no route may
    reach the internet."""
    return settings.model_copy(update={"calendly_api_url": calendly.api_url})


@pytest.fixture(scope="module")
def live_app(pool: ConnectionPool, settings: Settings) -> FastAPI:
    """The app the generated requests go to (schemathesis drives it in-process over ASGI)."""
    return attach(build_app(), pool=pool, settings=settings)


@pytest.fixture(scope="module")
def owner(client: TestClient, team: dict[str, Any]) -> dict[str, str]:
    return login(client, "owner@acme.test", team["password"])


@pytest.fixture(scope="module")
def seeded(
    client: TestClient, pool: ConnectionPool, team: dict[str, Any], owner: dict[str, str]
) -> None:
    """Rows for generated ids to find (they are small numbers, so these come first): a
    finished interview, a vacancy with a screened resume (an application with a plan)."""
    store_interview(pool, team["acme"], transcripts.strong_en())
    vacancy = client.post(
        "/api/v1/vacancies", json={"description": samples.VACANCY_EN}, headers=owner
    )
    assert vacancy.status_code == 201, vacancy.text
    upload = client.post(
        "/api/v1/resumes",
        files=[("files", ("cv.txt", samples.STRONG_EN.encode(), "text/plain"))],
        data={"vacancy_id": str(vacancy.json()["id"])},
        headers=owner,
    )
    assert upload.status_code == 202, upload.text


def _in_team_workspace(case: Any, workspace_id: uuid.UUID) -> None:
    """Send a well-formed workspace id to the team's workspace, so the routes run past the
    access check; a malformed one (a negative case) is left to be refused."""
    places = [(case.path_parameters, "workspace_id")]
    places += [(case.headers, name) for name in case.headers or {} if name.lower() == _HEADER]
    for where, name in places:
        try:
            uuid.UUID(str((where or {}).get(name)))
        except ValueError:
            continue
        where[name] = str(workspace_id)


@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[hypothesis.HealthCheck.too_slow, hypothesis.HealthCheck.filter_too_much],
)
def test_every_operation_answers_as_documented(
    case: Any,
    live_app: FastAPI,
    pool: ConnectionPool,
    settings: Settings,
    team: dict[str, Any],
    owner: dict[str, str],
    seeded: None,
) -> None:
    _in_team_workspace(case, team["acme"].id)
    headers = owner
    if case.operation.path == "/api/v1/auth/logout":
        # Signing out ends the session it is sent with: give it one of its own.
        signed = sign_in(
            pool, settings, email="owner@acme.test", password=team["password"],
            address="schema-test",
        )  # fmt: skip
        headers = {"Authorization": f"Bearer {signed.token}"}
    case.call_and_validate(headers=headers, app=live_app, checks=CHECKS)


def _schema_names(response: dict[str, Any]) -> set[str]:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return {s["$ref"].rsplit("/", 1)[-1] for s in schema.get("anyOf", [schema]) if "$ref" in s}


def test_every_error_status_is_documented_with_its_body() -> None:
    """Each documented 4xx/5xx names its body: the API's error shape or the link contract's
    (health's 503 is its own report); never FastAPI's default validation error, which this
    API does not send."""
    document = build_app().openapi()
    wrong = []
    for path, operations in document["paths"].items():
        allowed = {"Health"} if path.endswith("/health") else {"ErrorBody", "LinkRefusal"}
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                names = _schema_names(response)
                if int(status) >= 400 and not (names and names <= allowed):
                    wrong.append(f"{method.upper()} {path} {status}: {sorted(names)}")
    assert wrong == []
    assert "HTTPValidationError" not in document["components"]["schemas"]


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/api/v1/auth/login", {"email": "nul\x00@acme.test", "password": "x"}),
        ("get", "/api/v1/workspaces/{ws}/candidates?q=a%00b", None),
        ("get", "/api/v1/workspaces/{ws}/vacancies?offset=99999999999999999999", None),
    ],
)
def test_values_postgres_cannot_hold_are_422(
    client: TestClient,
    team: dict[str, Any],
    owner: dict[str, str],
    method: str,
    url: str,
    body: dict[str, str] | None,
) -> None:
    """Found by the run above as 500s: a NUL in text, an offset past bigint."""
    response = client.request(method, url.format(ws=team["acme"].id), json=body, headers=owner)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_value"
