"""Owners read the audit log filtered and paged, rename the workspace (audited); every member
reads the installation's settings: engines in use, which keys are set (never their values)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from serve_apps import accounts
from serve_apps.app import attach, build_app
from tests.serve_apps.conftest import login

FAKE_SECRETS = {
    "openai_api_key": "sk-fake-openai-7f3a9c",
    "deepgram_api_key": "dg-fake-deepgram-51be",
    "elevenlabs_api_key": "el-fake-eleven-0c2d",
    "telegram_api_hash": "tg-fake-hash-a1b2c3d4",
}


@pytest.fixture(scope="module")
def people(client: TestClient, team: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Bearer headers of acme's owner, recruiter and viewer."""
    return {
        role: login(client, f"{role}@acme.test", team["password"])
        for role in ("owner", "recruiter", "viewer")
    }


def _audit(client: TestClient, workspace: Any, headers: dict[str, str], **params: Any):
    response = client.get(f"/api/v1/workspaces/{workspace}/audit", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json(), int(response.headers["X-Total-Count"])


def test_audit_filters_paging_and_actor_names(client, team, people, pool) -> None:
    acme, owner = team["acme"].id, people["owner"]
    for n in range(3):
        accounts.issue_api_key(
            pool, workspace_id=acme, name=f"ci-{n}", actor_user_id=team["people"]["owner"].id
        )
    everything, total = _audit(client, acme, owner, limit=500)
    assert total == len(everything) >= 6  # workspace.create, 2 member.set, 3 api_key.create

    keys, total = _audit(client, acme, owner, action="api_key.")
    assert total == 3 and {e["action"] for e in keys} == {"api_key.create"}
    assert keys[0]["actor_name"] == "Owner" and keys[0]["actor_email"] == "owner@acme.test"
    assert keys[0]["details"]["name"] == "ci-2"  # newest first

    page, total = _audit(client, acme, owner, action="api_key.", limit=2, offset=2)
    assert total == 3 and [e["details"]["name"] for e in page] == ["ci-0"]

    by_owner, _ = _audit(client, acme, owner, actor_user_id=team["people"]["owner"].id)
    assert by_owner and all(e["actor_user_id"] == team["people"]["owner"].id for e in by_owner)
    users, _ = _audit(client, acme, owner, target_type="user")
    assert users and all(e["target_type"] == "user" for e in users)

    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert _audit(client, acme, owner, since=future) == ([], 0)
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert _audit(client, acme, owner, until=past) == ([], 0)
    _, recent = _audit(client, acme, owner, since=past, until=future)
    assert recent == len(everything)
    assert _audit(client, acme, owner, action="no_such%")[1] == 0  # LIKE wildcards are literal


def test_audit_entries_by_api_key_name_the_key(client, team, pool) -> None:
    acme = team["acme"].id
    _, plaintext = accounts.issue_api_key(pool, workspace_id=acme, name="robot", role="owner")
    key = {"X-API-Key": plaintext}
    response = client.patch(f"/api/v1/workspaces/{acme}", json={"name": "Acme"}, headers=key)
    assert response.status_code == 200, response.text
    client.patch(f"/api/v1/workspaces/{acme}", json={"name": "Acme Robots"}, headers=key)
    entries, _ = _audit(client, acme, key, action="workspace.rename")
    assert entries[0]["actor_api_key_name"] == "robot" and entries[0]["actor_name"] is None
    client.patch(f"/api/v1/workspaces/{acme}", json={"name": "Acme"}, headers=key)


def test_audit_is_for_owners_and_checks_its_parameters(client, team, people) -> None:
    url = f"/api/v1/workspaces/{team['acme'].id}/audit"
    assert client.get(url, headers=people["recruiter"]).status_code == 403
    for bad in ({"limit": 501}, {"limit": 0}, {"since": "yesterday"}, {"actor_user_id": 2**63}):
        assert client.get(url, params=bad, headers=people["owner"]).status_code == 422


def test_rename_by_owner_is_audited_and_refused_to_others(client, team, people) -> None:
    acme, url = team["acme"].id, f"/api/v1/workspaces/{team['acme'].id}"
    renamed = client.patch(url, json={"name": "  Acme Corp  "}, headers=people["owner"])
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Acme Corp" and renamed.json()["slug"] == team["acme"].slug
    entries, _ = _audit(client, acme, people["owner"], action="workspace.rename")
    assert entries[0]["details"] == {"from": "Acme", "to": "Acme Corp"}
    assert entries[0]["actor_email"] == "owner@acme.test"

    refused = client.patch(url, json={"name": "Mine"}, headers=people["recruiter"])
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "role_too_low"
    for bad in ("", "   ", "x" * 101):
        assert client.patch(url, json={"name": bad}, headers=people["owner"]).status_code == 422
    other = f"/api/v1/workspaces/{team['globex'].id}"
    assert client.patch(other, json={"name": "Taken"}, headers=people["owner"]).status_code == 404
    client.patch(url, json={"name": "Acme"}, headers=people["owner"])


def test_retention_is_set_by_owners_and_audited(client, team, people) -> None:
    acme = team["acme"].id
    url = f"/api/v1/workspaces/{acme}/retention"
    settings_url = f"/api/v1/workspaces/{acme}/settings"
    assert (
        client.get(settings_url, headers=people["viewer"]).json()["workspace"]["retention_days"]
        is None
    )  # kept for ever until an owner says otherwise
    assert client.put(url, json={"days": 30}, headers=people["owner"]).json() == {"days": 30}
    shown = client.get(settings_url, headers=people["viewer"]).json()["workspace"]
    assert shown["retention_days"] == 30
    entries, _ = _audit(client, acme, people["owner"], action="workspace.retention")
    assert entries[0]["details"] == {"from": None, "to": 30}
    refused = client.put(url, json={"days": 7}, headers=people["recruiter"])
    assert refused.status_code == 403
    for bad in (0, 3651, "soon"):
        assert client.put(url, json={"days": bad}, headers=people["owner"]).status_code == 422
    assert client.put(url, json={"days": None}, headers=people["owner"]).json() == {"days": None}


def test_settings_offline_for_any_member(client, team, people) -> None:
    url = f"/api/v1/workspaces/{team['acme'].id}/settings"
    answer = client.get(url, headers=people["viewer"])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["workspace"]["slug"] == team["acme"].slug
    assert set(body["engines"]) >= {"stt", "tts", "llm", "embeddings", "profiles", "screening"}
    assert body["engines"]["tts"] == {"id": "espeak-ng", "offline": True}
    assert body["engines"]["stt"]["id"].startswith("whisper-")
    assert body["engines"]["llm"] == {"id": "offline", "offline": True}
    assert all(engine["offline"] for engine in body["engines"].values())
    assert set(body["keys"].values()) == {False}
    assert body["interview_limits"]["offer_limit"] == 10
    assert body["interview_limits"]["link_ttl_hours"] == 72
    outsider = f"/api/v1/workspaces/{team['globex'].id}/settings"
    assert client.get(outsider, headers=people["viewer"]).status_code == 404


def test_settings_with_keys_set_never_show_them(pool, settings, team) -> None:
    keyed = settings.model_copy(
        update={
            **{name: SecretStr(value) for name, value in FAKE_SECRETS.items()},
            "telegram_api_id": 123456,
            "llm_engine": "auto",
            "embedding_engine": "auto",
        }
    )
    with TestClient(attach(build_app(), pool=pool, settings=keyed)) as keyed_client:
        owner = login(keyed_client, "owner@acme.test", team["password"])
        answer = keyed_client.get(f"/api/v1/workspaces/{team['acme'].id}/settings", headers=owner)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["keys"] == {
        "openai": True, "deepgram": True, "elevenlabs": True, "telegram": True, "hh": False,
    }  # fmt: skip
    assert body["engines"]["stt"] == {"id": "deepgram:nova-3", "offline": False}
    assert body["engines"]["tts"]["id"].startswith("elevenlabs:")
    assert body["engines"]["llm"] == {"id": "openai:gpt-4o-mini", "offline": False}
    assert body["engines"]["embeddings"]["offline"] is False
    text = answer.text + json.dumps(body)
    for value in (*FAKE_SECRETS.values(), "123456"):
        assert value not in text
        assert value[-6:] not in text  # nor a tail of it
