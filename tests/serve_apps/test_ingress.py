"""The Serve ingress on a real local Ray: the replica resolves its own database URL from
settings, answers health and enforces auth over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from serve_apps import accounts
from tests.conftest import free_port

pytestmark = pytest.mark.ray


@pytest.fixture(scope="module")
def api_url(ray_local, settings, prepared) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from ray import serve

    from serve_apps.ingress import ApiIngress

    port = free_port()
    env_vars = {
        "SELECTIO_HOME": str(settings.home),
        "SELECTIO_DATABASE_URL": settings.database_url.get_secret_value(),
        "SELECTIO_SECRET_KEY": settings.secret_key.get_secret_value(),
    }
    serve.start(http_options={"host": "127.0.0.1", "port": port})
    app = ApiIngress.options(
        ray_actor_options={"num_cpus": 0, "runtime_env": {"env_vars": env_vars}}
    ).bind()
    serve.run(app, name="selectio-test", route_prefix="/")
    yield f"http://127.0.0.1:{port}"
    serve.shutdown()


def test_health_over_http(api_url: str) -> None:
    response = httpx.get(f"{api_url}/api/v1/health", timeout=10)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "version": "0.1.0"}


def test_auth_is_enforced_over_http(api_url: str, pool) -> None:
    assert httpx.get(f"{api_url}/api/v1/workspaces", timeout=10).status_code == 401
    user = accounts.create_user_account(pool, email="serve@acme.test", password="serve-pass-1")
    workspace = accounts.create_workspace(pool, name="Served", owner_id=user.id)
    login = httpx.post(
        f"{api_url}/api/v1/auth/login",
        json={"email": "serve@acme.test", "password": "serve-pass-1"},
        timeout=10,
    )
    assert login.status_code == 200, login.text
    token = login.json()["access_token"]
    listed = httpx.get(
        f"{api_url}/api/v1/workspaces",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert [w["id"] for w in listed.json()] == [str(workspace.id)]


def test_upload_is_processed_by_ray_tasks(api_url: str, pool) -> None:
    """Through Serve, uploads are parsed by Ray tasks; the client sees pending, then parsed."""
    import time

    from tests.pipelines import samples

    workspace = accounts.create_workspace(pool, name="Ray Tasks", owner_id=None)
    _, key = accounts.issue_api_key(pool, workspace_id=workspace.id, name="t")
    headers = {"X-API-Key": key}
    vacancy = httpx.post(
        f"{api_url}/api/v1/vacancies",
        json={"description": samples.VACANCY_EN},
        headers=headers,
        timeout=30,
    ).json()
    upload = httpx.post(
        f"{api_url}/api/v1/resumes",
        files=[
            ("files", ("john.txt", samples.STRONG_EN.encode(), "text/plain")),
            ("files", ("bad.pdf", b"not a pdf at all", "application/pdf")),
        ],
        data={"vacancy_id": str(vacancy["id"])},
        headers=headers,
        timeout=30,
    )
    assert upload.status_code == 202, upload.text
    ids = {r["file_name"]: r["id"] for r in upload.json()["resumes"]}
    assert {r["status"] for r in upload.json()["resumes"]} <= {
        "pending",
        "parsing",
        "parsed",
        "failed",
    }
    deadline = time.monotonic() + 90
    states: dict[str, str] = {}
    while time.monotonic() < deadline:
        states = {
            name: httpx.get(f"{api_url}/api/v1/resumes/{rid}", headers=headers, timeout=10).json()[
                "status"
            ]
            for name, rid in ids.items()
        }
        if states == {"john.txt": "parsed", "bad.pdf": "failed"}:
            break
        time.sleep(0.5)
    assert states == {"john.txt": "parsed", "bad.pdf": "failed"}
    # Screening follows parsing in the same task: wait for the score to land too.
    while time.monotonic() < deadline:
        ranking = httpx.get(
            f"{api_url}/api/v1/vacancies/{vacancy['id']}/ranking", headers=headers, timeout=10
        ).json()
        if ranking and ranking[0]["score"] is not None:
            break
        time.sleep(0.5)
    assert [r["full_name"] for r in ranking] == ["John Smith"]
    assert ranking[0]["score"] is not None
