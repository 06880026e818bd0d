"""A vacancy's ranked candidates over HTTP as the console pages them: filters by stage and by
screening flags keep each row's place in the whole list, `X-Total-Count` counts the matches,
the latest interview shows on its row, and one application is screened again on request."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient

from db import applications
from serve_apps import accounts
from serve_apps.api.schemas import Stage
from tests.pipelines import samples
from tests.serve_apps.conftest import login


@pytest.fixture(scope="module")
def key(pool) -> dict[str, str]:  # type: ignore[no-untyped-def]
    workspace = accounts.create_workspace(pool, name="Ranking API", owner_id=None)
    _, plaintext = accounts.issue_api_key(pool, workspace_id=workspace.id, name="t")
    return {"X-API-Key": plaintext}


@pytest.fixture(scope="module")
def ranked(client: TestClient, key: dict[str, str]) -> dict[str, Any]:
    """John (strong), Mary (weak) and Paul (weak, with an injection) for one vacancy."""
    vacancy = client.post(
        "/api/v1/vacancies", json={"description": samples.VACANCY_EN}, headers=key
    )
    assert vacancy.status_code == 201, vacancy.text
    files = [
        ("files", (name, text.encode(), "text/plain"))
        for name, text in (
            ("john.txt", samples.STRONG_EN),
            ("mary.txt", samples.WEAK_EN),
            ("paul.txt", samples.PAUL_INJECTED),
        )
    ]
    upload = client.post(
        "/api/v1/resumes", files=files, data={"vacancy_id": str(vacancy.json()["id"])}, headers=key
    )
    assert upload.status_code == 202, upload.text
    return vacancy.json()


def _ranking(client: TestClient, key: dict[str, str], vacancy_id: int, **params: Any):  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/vacancies/{vacancy_id}/ranking", params=params, headers=key)
    assert response.status_code == 200, response.text
    return response.json(), int(response.headers["X-Total-Count"])


def test_stage_names_are_the_database_funnel() -> None:
    assert get_args(Stage) == applications.STAGES


def test_paging_keeps_ranks_and_counts_all(client, key, ranked) -> None:
    everyone, total = _ranking(client, key, ranked["id"])
    assert total == 3
    assert [r["rank"] for r in everyone] == [1, 2, 3]
    assert everyone[0]["full_name"] == "John Smith"
    second, total = _ranking(client, key, ranked["id"], limit=1, offset=1)
    assert (total, [r["rank"] for r in second]) == (3, [2])
    assert second[0]["application_id"] == everyone[1]["application_id"]
    assert all(r["applied_at"] and r["interview_status"] is None for r in everyone)


def test_flagged_and_stage_filters_keep_the_place_in_the_whole_list(client, key, ranked) -> None:
    everyone, _ = _ranking(client, key, ranked["id"])
    place = {r["full_name"]: r["rank"] for r in everyone}
    flagged, total = _ranking(client, key, ranked["id"], flagged="true")
    assert total == 1
    assert [(r["full_name"], r["rank"]) for r in flagged] == [("Paul Brown", place["Paul Brown"])]
    assert "prompt_injection" in flagged[0]["flags"]

    mary = next(r for r in everyone if r["full_name"] == "Mary Jones")
    moved = client.patch(
        f"/api/v1/applications/{mary['application_id']}", json={"stage": "rejected"}, headers=key
    )
    assert moved.status_code == 200, moved.text
    rejected, total = _ranking(client, key, ranked["id"], stage="rejected")
    assert (total, [(r["full_name"], r["rank"]) for r in rejected]) == (
        1,
        [("Mary Jones", place["Mary Jones"])],
    )
    bad = client.get(
        f"/api/v1/vacancies/{ranked['id']}/ranking", params={"stage": "hired!"}, headers=key
    )
    assert bad.status_code == 422


def test_the_latest_interview_shows_on_its_row(client, key, ranked) -> None:
    everyone, _ = _ranking(client, key, ranked["id"])
    john = everyone[0]
    invited = client.post(
        "/api/v1/interviews", json={"application_id": john["application_id"]}, headers=key
    )
    assert invited.status_code == 201, invited.text
    after, _ = _ranking(client, key, ranked["id"], limit=1)
    assert after[0]["interview_id"] == invited.json()["interview_id"]
    assert after[0]["interview_status"] == "created"


def test_one_application_is_screened_again(client, key, ranked, pool) -> None:
    everyone, _ = _ranking(client, key, ranked["id"])
    john = everyone[0]
    answer = client.post(f"/api/v1/applications/{john['application_id']}/screen", headers=key)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["application_id"] == john["application_id"]
    assert body["score"] == john["score"]  # nothing changed: the same verdict
    assert "PostgreSQL" in body["matched"]
    missing = client.post("/api/v1/applications/999999/screen", headers=key)
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")


def test_a_viewer_cannot_screen(client, team, ranked) -> None:
    viewer = login(client, "viewer@acme.test", team["password"])
    headers = {**viewer, "X-Workspace-Id": str(team["acme"].id)}
    answer = client.post("/api/v1/applications/1/screen", headers=headers)
    assert (answer.status_code, answer.json()["error"]["code"]) == (403, "role_too_low")
