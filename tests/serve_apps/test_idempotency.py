"""`Idempotency-Key` on the creating POSTs (serve_apps.idempotency): a retried request has one
effect, a reused or busy key is refused, a failure frees the key, and keys are per workspace.

The app runs in-process (TestClient) as API keys of two workspaces; rows are counted in the
database, since one effect is the point."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg_pool import ConnectionPool

from db import vacancies
from db.settings import Settings
from serve_apps import accounts
from serve_apps.app import attach, build_app
from serve_apps.idempotency_routes import COVERED, LEFT_OUT
from tests.db import factories


class _NoWork:
    """A dispatcher that starts nothing: these tests are about the HTTP layer alone."""

    def submit_resume(self, *_: Any) -> None: ...

    def submit_analysis(self, *_: Any) -> None: ...

    def submit_import(self, *_: Any) -> None: ...


DESCRIPTION = (
    "We need a backend engineer who writes Python services, designs PostgreSQL schemas, "
    "reviews code, mentors juniors and runs production systems on Linux with Docker."
)


@pytest.fixture(scope="module")
def client(pool: ConnectionPool, settings: Settings) -> Iterator[TestClient]:
    app = attach(build_app(), pool=pool, settings=settings, dispatcher=_NoWork())
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def keys(pool: ConnectionPool) -> dict[str, Any]:
    """Recruiter keys of 'acme' and 'globex', and a viewer key of 'acme'."""
    acme, globex = factories.workspace(pool, "Acme"), factories.workspace(pool, "Globex")

    def issue(ws: UUID, role: str) -> dict[str, str]:
        return {"X-API-Key": accounts.issue_api_key(pool, workspace_id=ws, name=role, role=role)[1]}

    return {
        "acme": acme.id, "globex": globex.id, "recruiter": issue(acme.id, "recruiter"),
        "viewer": issue(acme.id, "viewer"), "outsider": issue(globex.id, "recruiter"),
    }  # fmt: skip


def _create(
    client: TestClient, ws: UUID, auth: dict[str, str], key: str | None, title: str
) -> httpx.Response:
    headers = {**auth, **({"Idempotency-Key": key} if key is not None else {})}
    return client.post(
        f"/api/v1/workspaces/{ws}/vacancies",
        json={"title": title, "description": DESCRIPTION, "language": "en"},
        headers=headers,
    )


def _count(admin_conn: psycopg.Connection, title: str) -> int:
    row = admin_conn.execute("select count(*) from vacancies where title = %s", (title,))
    return row.fetchone()[0]  # type: ignore[index]


def test_a_repeat_replays_the_first_answer_and_creates_once(
    client: TestClient, keys: dict[str, Any], admin_conn: psycopg.Connection
) -> None:
    key, title = str(uuid4()), f"Replayed {uuid4().hex[:6]}"
    first = _create(client, keys["acme"], keys["recruiter"], key, title)
    assert first.status_code == 201, first.text
    assert first.headers["Idempotency-Key"] == key and "Idempotent-Replayed" not in first.headers
    again = _create(client, keys["acme"], keys["recruiter"], key, title)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.json()["id"] == first.json()["id"]
    assert (
        again.headers["Idempotent-Replayed"] == "true" and again.headers["Idempotency-Key"] == key
    )
    assert _count(admin_conn, title) == 1
    # Without a key a request runs as ever, every time.
    for _ in range(2):
        assert _create(client, keys["acme"], keys["recruiter"], None, title).status_code == 201
    assert _count(admin_conn, title) == 3


def test_the_same_key_with_another_body_is_refused(
    client: TestClient, keys: dict[str, Any], admin_conn: psycopg.Connection
) -> None:
    key, title = str(uuid4()), f"Reused {uuid4().hex[:6]}"
    assert _create(client, keys["acme"], keys["recruiter"], key, title).status_code == 201
    other = _create(client, keys["acme"], keys["recruiter"], key, title + " (edited)")
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert _count(admin_conn, title + " (edited)") == 0


def test_a_refusal_is_kept_too(client: TestClient, keys: dict[str, Any]) -> None:
    """A 4xx is the request's answer: the retry gets it again (the viewer may not create)."""
    key, title = str(uuid4()), f"Refused {uuid4().hex[:6]}"
    first = _create(client, keys["acme"], keys["viewer"], key, title)
    again = _create(client, keys["acme"], keys["viewer"], key, title)
    assert first.status_code == again.status_code == 403
    assert again.headers["Idempotent-Replayed"] == "true"


def test_concurrent_requests_with_one_key_have_one_effect(
    client: TestClient,
    keys: dict[str, Any],
    admin_conn: psycopg.Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first request is held inside the route until the second has its answer: a 409
    with Retry-After; once the first is done, the retry replays it."""
    key, title = str(uuid4()), f"Concurrent {uuid4().hex[:6]}"
    inside, second_answered = threading.Event(), threading.Event()
    create = vacancies.create_vacancy

    def held(*args: Any, **kwargs: Any) -> Any:
        inside.set()
        second_answered.wait(10)
        return create(*args, **kwargs)

    monkeypatch.setattr(vacancies, "create_vacancy", held)
    answers: dict[str, httpx.Response] = {}

    def first() -> None:
        answers["first"] = _create(client, keys["acme"], keys["recruiter"], key, title)

    thread = threading.Thread(target=first)
    thread.start()
    assert inside.wait(10)
    answers["second"] = _create(client, keys["acme"], keys["recruiter"], key, title)
    second_answered.set()
    thread.join(10)
    assert answers["second"].status_code == 409
    assert answers["second"].json()["error"]["code"] == "idempotency_key_in_progress"
    assert answers["second"].headers["Retry-After"] == "1"
    assert answers["first"].status_code == 201
    retry = _create(client, keys["acme"], keys["recruiter"], key, title)
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json()["id"] == answers["first"].json()["id"]
    assert _count(admin_conn, title) == 1


def test_a_server_error_frees_the_key(
    client: TestClient,
    keys: dict[str, Any],
    admin_conn: psycopg.Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key, title = str(uuid4()), f"Failed {uuid4().hex[:6]}"

    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("the database went away mid-request")

    with monkeypatch.context() as patch:
        patch.setattr(vacancies, "create_vacancy", broken)
        failed = _create(client, keys["acme"], keys["recruiter"], key, title)
    assert failed.status_code == 500
    retry = _create(client, keys["acme"], keys["recruiter"], key, title)
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry.headers
    assert _count(admin_conn, title) == 1


def test_a_failure_after_the_work_committed_is_replayed_not_run_again(
    client: TestClient,
    keys: dict[str, Any],
    admin_conn: psycopg.Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stripe's rule: once the work happened, the key's answer is what it was, even a 500."""
    from serve_apps.api.vacancies import VacancyOut

    key, title = str(uuid4()), f"Half done {uuid4().hex[:6]}"

    def broken(*_: Any, **__: Any) -> None:  # after the route's transaction committed
        raise RuntimeError("the answer could not be built")

    with monkeypatch.context() as patch:
        patch.setattr(VacancyOut, "model_validate", broken)
        failed = _create(client, keys["acme"], keys["recruiter"], key, title)
    assert failed.status_code == 500
    retry = _create(client, keys["acme"], keys["recruiter"], key, title)
    assert retry.status_code == 500 and retry.headers["Idempotent-Replayed"] == "true"
    assert _count(admin_conn, title) == 1


def test_another_workspaces_identical_key_is_another_key(
    client: TestClient, keys: dict[str, Any], admin_conn: psycopg.Connection
) -> None:
    key, title = str(uuid4()), f"Shared key {uuid4().hex[:6]}"
    mine = _create(client, keys["acme"], keys["recruiter"], key, title)
    theirs = _create(client, keys["globex"], keys["outsider"], key, title)
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers and theirs.json()["id"] != mine.json()["id"]
    assert _count(admin_conn, title) == 2
    # A key for another workspace's path is that route's 404, and claims nothing.
    foreign = _create(client, keys["acme"], keys["outsider"], str(uuid4()), title)
    assert foreign.status_code == 404 and "Idempotency-Key" not in foreign.headers


def test_an_expired_key_runs_again(
    client: TestClient, keys: dict[str, Any], admin_conn: psycopg.Connection
) -> None:
    key, title = str(uuid4()), f"Expired {uuid4().hex[:6]}"
    first = _create(client, keys["acme"], keys["recruiter"], key, title)
    admin_conn.execute(
        "update idempotency_keys set expires_at = now() - interval '1 second' where key = %s",
        (key,),
    )
    again = _create(client, keys["acme"], keys["recruiter"], key, title)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert again.json()["id"] != first.json()["id"]
    assert _count(admin_conn, title) == 2


@pytest.mark.parametrize(
    "key",
    ["x" * 256, b"caf\xe9", "tab\there", "", '""'],
    ids=["long", "latin1", "tab", "empty", "quotes"],
)
def test_malformed_keys_are_400(client: TestClient, keys: dict[str, Any], key: Any) -> None:
    response = client.post(
        f"/api/v1/workspaces/{keys['acme']}/vacancies",
        json={"title": "Never stored", "description": DESCRIPTION},
        headers={**keys["recruiter"], "Idempotency-Key": key},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_invalid"
    assert "255" in response.json()["error"]["message"]


def test_an_upload_retried_with_a_new_boundary_is_replayed(
    client: TestClient, keys: dict[str, Any], admin_conn: psycopg.Connection
) -> None:
    """httpx picks a new multipart boundary per request, as clients do: still the same request."""
    key, name = str(uuid4()), f"cv-{uuid4().hex[:6]}.txt"

    def upload(text: bytes) -> httpx.Response:
        return client.post(
            "/api/v1/resumes", files=[("files", (name, text, "text/plain"))],
            headers={**keys["recruiter"], "Idempotency-Key": key},
        )  # fmt: skip

    first = upload(b"Jane Roe\nPython, PostgreSQL, Docker")
    again = upload(b"Jane Roe\nPython, PostgreSQL, Docker")
    assert first.status_code == again.status_code == 202, first.text
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert upload(b"Someone else entirely").status_code == 422
    row = admin_conn.execute("select count(*) from resumes where file_name = %s", (name,))
    assert row.fetchone() == (1,)


def test_every_post_is_covered_or_left_out_with_a_reason() -> None:
    document = build_app().openapi()
    posts = {path for path, operations in document["paths"].items() if "post" in operations}
    assert posts == set(COVERED) | set(LEFT_OUT) and not set(COVERED) & set(LEFT_OUT)
    for path in COVERED:
        operation = document["paths"][path]["post"]
        assert "Idempotency-Key" in [p["name"] for p in operation["parameters"]]
        assert "idempotency_key_reused" in operation["responses"]["422"]["description"]
        assert "Retry-After" in operation["responses"]["409"]["headers"]
