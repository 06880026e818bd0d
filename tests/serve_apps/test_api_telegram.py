"""The Telegram connection through the API, against a fake data centre speaking MTProto to the
real client: owners connect with code and password, Telegram's refusals keep their codes (a
flood wait is 429 with Retry-After), other members only read, and a session is exported once,
audited, and imported elsewhere."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from serve_apps.app import attach, build_app
from tests.serve_apps.conftest import login


@pytest.fixture(scope="module")
def api(pool, tg_settings) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(attach(build_app(), pool=pool, settings=tg_settings)) as client:
        yield client


def _as(api, team, role: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return login(api, f"{role}@acme.test", team["password"]) | {
        "X-Workspace-Id": str(team["acme"].id)
    }


def test_an_owner_connects_with_code_and_password(api, team, telegram) -> None:  # type: ignore[no-untyped-def]
    telegram.add_account("+79991112233", first_name="Анна", username="anna_hr", password="pw")
    owner, recruiter = _as(api, team, "owner"), _as(api, team, "recruiter")
    assert api.get("/api/v1/telegram", headers=recruiter).json()["status"] is None
    phone = {"phone": "+7 999 111-22-33"}
    assert api.post("/api/v1/telegram/login", json=phone, headers=recruiter).status_code == 403
    sent = api.post("/api/v1/telegram/login", json=phone, headers=owner)
    assert sent.status_code == 200 and sent.json()["status"] == "code_sent"
    wrong = api.post("/api/v1/telegram/login/code", json={"code": "13579"}, headers=owner)
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (400, "code_invalid")
    step = api.post("/api/v1/telegram/login/code", json={"code": "24680"}, headers=owner)
    assert step.json()["status"] == "password_needed"
    early = api.post("/api/v1/telegram/session/export", headers=owner)
    assert early.json()["error"]["code"] == "telegram_wrong_step"
    done = api.post("/api/v1/telegram/login/password", json={"password": "pw"}, headers=owner)
    assert done.status_code == 200, done.text
    shown = api.get("/api/v1/telegram", headers=recruiter).json()
    assert (shown["connected"], shown["display_name"], shown["username"]) == (
        True, "Анна", "anna_hr",
    )  # fmt: skip

    exported = api.post("/api/v1/telegram/session/export", headers=owner)
    assert exported.status_code == 200 and exported.json()["session"].startswith("1")
    log = api.get(f"/api/v1/workspaces/{team['acme'].id}/audit", headers=owner).json()
    actions = [e["action"] for e in (log["items"] if isinstance(log, dict) else log)]
    assert {"telegram.connected", "telegram.session_exported"} <= set(actions)

    other = _as(api, team, "outsider") | {"X-Workspace-Id": str(team["globex"].id)}
    moved = api.post("/api/v1/telegram/session/import", headers=other,
                     json={"session": exported.json()["session"]})  # fmt: skip
    assert moved.status_code == 200 and moved.json()["connected"]
    out = api.post("/api/v1/telegram/logout", headers=owner)
    assert out.json()["status"] == "signed_out" and out.json()["telegram_confirmed"]


def test_a_flood_wait_is_a_429_with_retry_after(api, team, telegram) -> None:  # type: ignore[no-untyped-def]
    telegram.add_account("+79991112244")
    telegram.flood_wait_s = 120
    answer = api.post("/api/v1/telegram/login", json={"phone": "+79991112244"},
                      headers=_as(api, team, "owner"))  # fmt: skip
    assert (answer.status_code, answer.headers["Retry-After"]) == (429, "120")
    assert answer.json()["error"]["code"] == "flood_wait"
