"""HeadHunter by browser through the API: owners alone save the session's cookies (garbage is
refused, the cookies never come back in a reply, the saving is audited without them), choose
what to watch, and forget the session; everyone reads the state; a read without a session is
refused."""

from __future__ import annotations

import json
import time

from fastapi.testclient import TestClient

from db.pool import transaction
from tests.serve_apps.conftest import login

URL = "/api/v1/integrations/hh-browser"
TOKEN = "hh-session-token-that-must-stay-secret"
COOKIES = json.dumps([
    {"name": "hhtoken", "value": TOKEN, "domain": ".hh.ru", "path": "/",
     "expires": time.time() + 86400},
    {"name": "_xsrf", "value": "x" * 16, "domain": "hh.ru", "path": "/", "expires": -1},
])  # fmt: skip


def _as(client: TestClient, team, role: str, space: str = "acme") -> dict[str, str]:  # type: ignore[no-untyped-def]
    return login(client, f"{role}@acme.test", team["password"]) | {
        "X-Workspace-Id": str(team[space].id)
    }


def test_owners_save_the_session_and_nobody_sees_it_again(client, team, pool) -> None:  # type: ignore[no-untyped-def]
    owner, recruiter, viewer = (_as(client, team, r) for r in ("owner", "recruiter", "viewer"))
    fresh = client.get(URL, headers=viewer).json()
    assert (fresh["status"], fresh["site_url"], fresh["vacancy_ids"]) == (
        "disconnected", "https://hh.ru", []
    )  # fmt: skip

    body = {"cookies": COOKIES}
    assert client.put(f"{URL}/cookies", json=body, headers=recruiter).status_code == 403
    for garbage in ("not json at all", "[]", json.dumps([{"name": "a", "value": "b",
                                                          "domain": "evil.test"}])):  # fmt: skip
        refused = client.put(f"{URL}/cookies", json={"cookies": garbage}, headers=owner)
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["code"] == "hh_cookies_invalid"

    saved = client.put(f"{URL}/cookies", json=body, headers=owner)
    assert saved.status_code == 200, saved.text
    assert saved.json()["status"] == "connected" and TOKEN not in saved.text
    shown = client.get(URL, headers=viewer)
    assert shown.json()["status"] == "connected" and shown.json()["cookies_saved_at"]
    assert TOKEN not in shown.text
    with transaction(pool, workspace_id=team["acme"].id) as conn:
        audited = conn.execute(
            "select details::text from audit_log where action = 'hh_browser.cookies_saved'"
        ).fetchall()
    assert len(audited) == 1 and TOKEN not in audited[0][0]
    outsider = client.get(URL, headers=_as(client, team, "outsider", "globex")).json()
    assert outsider["status"] == "disconnected"

    watch = {"vacancy_ids": ["555", "777"], "daily_pages": 50}
    assert client.put(f"{URL}/settings", json=watch, headers=recruiter).status_code == 403
    bad = client.put(f"{URL}/settings", json={"vacancy_ids": ["abc"]}, headers=owner)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_value"
    watching = client.put(f"{URL}/settings", json=watch, headers=owner).json()
    assert (watching["vacancy_ids"], watching["watching_imported"], watching["daily_pages"]) == (
        ["555", "777"], False, 50
    )  # fmt: skip

    assert client.post(f"{URL}/sync", headers=viewer).status_code == 403
    assert client.delete(URL, headers=recruiter).status_code == 403
    assert client.delete(URL, headers=owner).json()["status"] == "disconnected"
    refused = client.post(f"{URL}/sync", headers=recruiter)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "hh_browser_not_connected"
