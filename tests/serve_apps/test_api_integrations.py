"""HeadHunter through the API against an HH-compatible server: an owner connects by OAuth (the
authorize URL, HH's redirect to the public callback), recruiters sync (inline here) and read
the runs, other roles and workspaces are kept out, a forged callback connects nothing, and
disconnecting ends the token at HH."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from pipelines.hh_import.connection import CALLBACK_PATH
from serve_apps.app import attach, build_app
from tests.serve_apps.conftest import login


@pytest.fixture(scope="module")
def api(pool, hh_settings) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(attach(build_app(), pool=pool, settings=hh_settings)) as client:
        yield client


def _as(api, team, role: str, space: str = "acme") -> dict[str, str]:  # type: ignore[no-untyped-def]
    return login(api, f"{role}@acme.test", team["password"]) | {
        "X-Workspace-Id": str(team[space].id)
    }


def test_connect_sync_read_and_disconnect(api, team, hh) -> None:  # type: ignore[no-untyped-def]
    owner, recruiter, viewer = (_as(api, team, r) for r in ("owner", "recruiter", "viewer"))
    assert api.get("/api/v1/integrations/hh", headers=viewer).json()["status"] == "disconnected"
    assert api.post("/api/v1/integrations/hh/connect", headers=recruiter).status_code == 403
    url = api.post("/api/v1/integrations/hh/connect", headers=owner).json()["authorize_url"]
    assert url.startswith(f"{hh.oauth_url}/oauth/authorize?")
    back = httpx.get(url, follow_redirects=False).headers["location"]
    assert urlsplit(back).path == CALLBACK_PATH
    query = parse_qs(urlsplit(back).query)
    forged = api.get(
        CALLBACK_PATH, params={"code": query["code"][0], "state": "x" + query["state"][0]}
    )
    assert forged.status_code == 400 and "not connected" in forged.text
    page = api.get(CALLBACK_PATH, params={"code": query["code"][0], "state": query["state"][0]})
    assert page.status_code == 200 and hh.world.employer.name in page.text
    shown = api.get("/api/v1/integrations/hh", headers=viewer).json()
    assert (shown["status"], shown["employer_id"]) == ("connected", hh.world.employer.id)

    assert api.post("/api/v1/integrations/hh/sync", json={}, headers=viewer).status_code == 403
    synced = api.post("/api/v1/integrations/hh/sync", json={"kinds": ["vacancies"]},
                      headers=recruiter)  # fmt: skip
    assert synced.status_code == 202, synced.text
    (run,) = synced.json()["runs"]
    assert (run["kind"], run["status"]) == ("vacancies", "done")
    assert run["counts"]["new"] == len(hh.world.vacancies)
    (recorded,) = api.get("/api/v1/integrations/runs", headers=viewer).json()
    assert (recorded["source"], recorded["kind"]) == ("hh", "vacancies")
    assert recorded["counts"] == run["counts"]
    listed = api.get(f"/api/v1/workspaces/{team['acme'].id}/vacancies", headers=viewer).json()
    assert len(listed) == len(hh.world.vacancies) and {v["source"] for v in listed} == {"hh"}

    outsider = _as(api, team, "outsider", "globex")
    assert api.get("/api/v1/integrations/hh", headers=outsider).json()["status"] == "disconnected"
    assert api.post("/api/v1/integrations/hh/sync", json={}, headers=outsider).status_code == 409

    assert api.delete("/api/v1/integrations/hh", headers=recruiter).status_code == 403
    gone = api.delete("/api/v1/integrations/hh", headers=owner).json()
    assert gone["status"] == "disconnected"
    assert any(r[0] == "DELETE" and r[1] == "/oauth/token" for r in hh.requests)
