"""Job boards' saved searches through the API: recruiters save, switch off and delete searches
(viewers only read, bad boards and blank queries are refused, a repeat is a conflict), a run
by hand reads Djinni (the fake boards site, in headless Chromium, inline here) and its leads
are listed with the run's figures on the search; HeadHunter's public search is a board too,
its location an HH area by name or id (an unknown one refused), run against the fake HH."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from db.settings import Settings
from pipelines.boards import searches
from scraper.browser.human import Pacing
from serve_apps.app import attach, build_app
from tests.fakes.boards.djinni import VACANCIES
from tests.fakes.boards.site import FakeBoards
from tests.fakes.hh.fixtures import configured_for_hh
from tests.fakes.hh.server import FakeHH
from tests.serve_apps.conftest import login

URL = "/api/v1/integrations/boards"


@pytest.fixture(scope="module")
def site() -> Iterator[FakeBoards]:
    with FakeBoards() as boards:
        yield boards


@pytest.fixture(scope="module")
def settings(settings: Settings, site: FakeBoards, hh: FakeHH) -> Settings:
    """The API's Djinni is the fake boards site, its HeadHunter the fake HH."""
    return configured_for_hh(settings.model_copy(update={"djinni_url": site.base_url}), hh)


@pytest.fixture(scope="module")
def client(pool, settings: Settings) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(attach(build_app(), pool=pool, settings=settings)) as test_client:
        yield test_client


def _as(client: TestClient, team: Any, role: str, space: str = "acme") -> dict[str, str]:
    return login(client, f"{role}@acme.test", team["password"]) | {
        "X-Workspace-Id": str(team[space].id)
    }


def test_recruiters_save_and_run_searches_and_everyone_sees_the_leads(
    client: TestClient, team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(searches, "default_pacing", Pacing.off)  # no person's pace in tests
    recruiter, viewer = _as(client, team, "recruiter"), _as(client, team, "viewer")
    body = {"board": "djinni", "query": "python", "max_results": 10}
    refused = client.post(f"{URL}/searches", json=body, headers=viewer)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "role_too_low"
    for bad in ({**body, "board": "monster"}, {**body, "query": ""}, {**body, "max_results": 0}):
        wrong = client.post(f"{URL}/searches", json=bad, headers=recruiter)
        assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "invalid_request"
    blank = client.post(f"{URL}/searches", json={**body, "query": "   "}, headers=recruiter)
    assert blank.status_code == 400 and blank.json()["error"]["code"] == "invalid_value"

    created = client.post(f"{URL}/searches", json=body, headers=recruiter)
    assert created.status_code == 201, created.text
    search = created.json()
    assert (search["board"], search["enabled"], search["last_run"]) == ("djinni", True, None)
    again = client.post(f"{URL}/searches", json=body, headers=recruiter)
    assert again.status_code == 409 and again.json()["error"]["code"] == "board_search_exists"

    run_url = f"{URL}/searches/{search['id']}/run"
    assert client.post(run_url, headers=viewer).status_code == 403
    ran = client.post(run_url, headers=recruiter)
    assert ran.status_code == 202, ran.text
    last = ran.json()["last_run"]
    assert (last["status"], last["found"], last["new"], last["updated"]) == (
        "done", len(VACANCIES), len(VACANCIES), 0
    )  # fmt: skip
    assert ran.json()["last_found"] == len(VACANCIES) and ran.json()["last_error"] is None

    listed = client.get(f"{URL}/leads", params={"source": "djinni"}, headers=viewer)
    assert listed.status_code == 200
    by_id = {lead["external_id"]: lead for lead in listed.json()}
    assert set(by_id) == {str(v.id) for v in VACANCIES}
    senior = by_id["101"]
    assert (senior["title"], senior["company"], senior["status"]) == (
        "Senior Python Developer", "Acme Payments", "new"
    )  # fmt: skip
    assert senior["salary_min"] == 4000 and "Python" in senior["skills"]
    assert client.get(f"{URL}/leads", params={"source": "indeed"}, headers=viewer).json() == []
    theirs = client.get(f"{URL}/leads", headers=_as(client, team, "outsider", "globex"))
    assert theirs.json() == []


def test_searches_are_switched_off_and_deleted_by_recruiters(
    client: TestClient, team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "jobspy", None)  # absent here
    recruiter, viewer = _as(client, team, "recruiter"), _as(client, team, "viewer")
    body = {"board": "linkedin", "query": "data engineer", "location": " Berlin "}
    search = client.post(f"{URL}/searches", json=body, headers=recruiter).json()
    assert search["location"] == "Berlin"
    failed = client.post(f"{URL}/searches/{search['id']}/run", headers=recruiter).json()
    assert failed["last_error"].startswith("jobspy_missing")
    assert failed["last_run"]["status"] == "failed"

    patch_url = f"{URL}/searches/{search['id']}"
    assert client.patch(patch_url, json={"enabled": False}, headers=viewer).status_code == 403
    off = client.patch(patch_url, json={"enabled": False}, headers=recruiter)
    assert off.status_code == 200 and off.json()["enabled"] is False
    shown = {s["id"]: s for s in client.get(f"{URL}/searches", headers=viewer).json()}
    assert shown[search["id"]]["enabled"] is False and len(shown) == 2

    assert client.delete(patch_url, headers=viewer).status_code == 403
    assert client.delete(patch_url, headers=recruiter).status_code == 204
    gone = client.delete(patch_url, headers=recruiter)
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
    assert client.post(f"{patch_url}/run", headers=recruiter).status_code == 404
    elsewhere = client.get(f"{URL}/searches", headers=_as(client, team, "outsider", "globex"))
    assert elsewhere.json() == []


def test_headhunter_is_a_board_searched_by_area(client: TestClient, team: Any) -> None:
    recruiter, viewer = _as(client, team, "recruiter"), _as(client, team, "viewer")
    body = {"board": "hh", "query": "python", "location": "Москва", "max_results": 20}
    for place in ("Narnia", "Moscow, Idaho"):
        wrong = client.post(f"{URL}/searches", json={**body, "location": place}, headers=recruiter)
        assert wrong.status_code == 422, wrong.text
        assert wrong.json()["error"]["code"] == "invalid_request"
        assert "is not an HH area" in wrong.json()["error"]["message"]
    by_id = client.post(f"{URL}/searches", json={**body, "location": "113"}, headers=recruiter)
    assert by_id.status_code == 201 and by_id.json()["location"] == "113"
    created = client.post(f"{URL}/searches", json=body, headers=recruiter)
    assert created.status_code == 201, created.text
    assert (created.json()["board"], created.json()["location"]) == ("hh", "Москва")

    ran = client.post(f"{URL}/searches/{created.json()['id']}/run", headers=recruiter)
    assert ran.status_code == 202, ran.text
    last = ran.json()["last_run"]
    assert (last["status"], last["found"], last["new"]) == ("done", 3, 3)
    listed = client.get(f"{URL}/leads", params={"source": "hh"}, headers=viewer).json()
    by_hh_id = {lead["external_id"]: lead for lead in listed}
    assert set(by_hh_id) == {"93010001", "93010006", "93010010"}
    senior = by_hh_id["93010001"]
    assert (senior["url"], senior["company"], senior["location"]) == (
        "https://hh.ru/vacancy/93010001", "Северный Код", "Москва"
    )  # fmt: skip
    assert (senior["salary_min"], senior["salary_currency"], senior["remote"]) == (
        350_000, "RUB", True
    )  # fmt: skip
    assert "FastAPI" in senior["skills"]
