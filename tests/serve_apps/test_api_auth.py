"""API authentication and authorisation: 401 without credentials, 404 for a workspace the
caller cannot see, 403 for a role too weak, and the key lifecycle."""

from __future__ import annotations

from db.pool import transaction
from tests.serve_apps.conftest import login


def test_health_needs_no_credentials(client) -> None:
    for path in ("/health", "/api/v1/health"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.json()["database"] == "ok"


def test_openapi_docs_are_served(client) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/workspaces/{workspace_id}/api-keys" in paths


def test_no_credentials_is_401(client, team) -> None:
    acme = team["acme"].id
    for path in ("/api/v1/me", "/api/v1/workspaces", f"/api/v1/workspaces/{acme}/vacancies"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "unauthorized"


def test_bad_credentials_are_401(client, team) -> None:
    wrong = client.post(
        "/api/v1/auth/login", json={"email": "owner@acme.test", "password": "nope-nope"}
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "invalid_credentials"
    forged = client.get("/api/v1/me", headers={"Authorization": "Bearer sst_abc.def"})
    assert forged.json()["error"]["code"] == "invalid_token"
    fake_key = "sel_" + team["acme"].id.hex + "_" + "x" * 40
    response = client.get("/api/v1/workspaces", headers={"X-API-Key": fake_key})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"


def test_user_sees_own_workspaces(client, team) -> None:
    headers = login(client, "viewer@acme.test", team["password"])
    me = client.get("/api/v1/me", headers=headers).json()
    assert me["user"]["email"] == "viewer@acme.test"
    assert [(w["slug"], w["role"]) for w in me["workspaces"]] == [("acme", "viewer")]


def test_other_workspace_is_404(client, team) -> None:
    headers = login(client, "owner@acme.test", team["password"])
    globex = team["globex"].id
    for path in ("", "/vacancies", "/members", "/api-keys"):
        response = client.get(f"/api/v1/workspaces/{globex}{path}", headers=headers)
        assert response.status_code == 404, path
    created = client.post(
        f"/api/v1/workspaces/{globex}/vacancies", json={"title": "x"}, headers=headers
    )
    assert created.status_code == 404


def test_viewer_writing_is_403(client, team) -> None:
    acme = team["acme"].id
    headers = login(client, "viewer@acme.test", team["password"])
    vacancy = client.post(
        f"/api/v1/workspaces/{acme}/vacancies", json={"title": "Go developer"}, headers=headers
    )
    assert vacancy.status_code == 403
    assert vacancy.json()["error"]["code"] == "role_too_low"
    key = client.post(f"/api/v1/workspaces/{acme}/api-keys", json={"name": "x"}, headers=headers)
    assert key.status_code == 403
    listed = client.get(f"/api/v1/workspaces/{acme}/vacancies", headers=headers)
    assert listed.status_code == 200


def test_recruiter_creates_vacancy_but_not_keys(client, team) -> None:
    acme = team["acme"].id
    headers = login(client, "recruiter@acme.test", team["password"])
    created = client.post(
        f"/api/v1/workspaces/{acme}/vacancies",
        json={
            "title": "Data Engineer",
            "description": "Airflow, dbt and PostgreSQL pipelines",
            "language": "en",
            "location": "Remote",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    titles = [
        v["title"]
        for v in client.get(f"/api/v1/workspaces/{acme}/vacancies", headers=headers).json()
    ]
    assert "Data Engineer" in titles
    forbidden = client.post(
        f"/api/v1/workspaces/{acme}/api-keys", json={"name": "x"}, headers=headers
    )
    assert forbidden.status_code == 403


def test_api_key_lifecycle(client, team) -> None:
    acme, globex = team["acme"].id, team["globex"].id
    owner = login(client, "owner@acme.test", team["password"])
    issued = client.post(
        f"/api/v1/workspaces/{acme}/api-keys",
        json={"name": "ats sync", "role": "viewer"},
        headers=owner,
    )
    assert issued.status_code == 201, issued.text
    body = issued.json()
    key = {"X-API-Key": body["key"]}
    listed = client.get(f"/api/v1/workspaces/{acme}/api-keys", headers=owner).json()
    assert [k["prefix"] for k in listed] == [body["prefix"]]
    assert all("key" not in k for k in listed)

    assert client.get(f"/api/v1/workspaces/{acme}/vacancies", headers=key).status_code == 200
    assert client.get(f"/api/v1/workspaces/{globex}/vacancies", headers=key).status_code == 404
    assert (
        client.post(
            f"/api/v1/workspaces/{acme}/vacancies", json={"title": "x"}, headers=key
        ).status_code
        == 403
    )
    assert client.get("/api/v1/me", headers=key).status_code == 403
    bearer = {"Authorization": f"Bearer {body['key']}"}
    assert [w["slug"] for w in client.get("/api/v1/workspaces", headers=bearer).json()] == ["acme"]

    revoked = client.delete(f"/api/v1/workspaces/{acme}/api-keys/{body['id']}", headers=owner)
    assert revoked.status_code == 204
    assert client.get(f"/api/v1/workspaces/{acme}/vacancies", headers=key).status_code == 401
    actions = [
        e["action"] for e in client.get(f"/api/v1/workspaces/{acme}/audit", headers=owner).json()
    ]
    assert "api_key.create" in actions and "api_key.revoke" in actions


def test_owner_invites_member_and_cannot_remove_last_owner(client, team) -> None:
    acme = team["acme"].id
    owner = login(client, "owner@acme.test", team["password"])
    invited = client.post(
        f"/api/v1/workspaces/{acme}/members",
        json={"email": "new.hire@acme.test", "role": "recruiter"},
        headers=owner,
    )
    assert invited.status_code == 202, invited.text
    assert invited.json()["status"] == "invited"
    members = client.get(f"/api/v1/workspaces/{acme}/members", headers=owner).json()
    assert "new.hire@acme.test" not in [m["email"] for m in members]
    wrong = client.post(
        "/api/v1/auth/login", json={"email": "new.hire@acme.test", "password": "a long password"}
    )
    assert wrong.status_code == 401  # the API creates no accounts; operators do
    owner_id = team["people"]["owner"].id
    last = client.delete(f"/api/v1/workspaces/{acme}/members/{owner_id}", headers=owner)
    assert (last.status_code, last.json()["error"]["code"]) == (409, "last_owner")


def test_user_creates_workspace_and_owns_it(client, team) -> None:
    headers = login(client, "outsider@acme.test", team["password"])
    created = client.post("/api/v1/workspaces", json={"name": "ООО Ромашка"}, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["slug"] == "ooo-romashka"
    assert created.json()["role"] == "owner"
    duplicate = client.post(
        "/api/v1/workspaces", json={"name": "Другая", "slug": "ooo-romashka"}, headers=headers
    )
    assert duplicate.status_code == 409


def test_validation_errors_are_json(client, team) -> None:
    response = client.post("/api/v1/auth/login", json={"email": "not-an-email"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_password_change_needs_the_current_password(client, pool) -> None:
    from serve_apps import accounts

    accounts.create_user_account(pool, email="pw@acme.test", password="first-password")
    headers = login(client, "pw@acme.test", "first-password")
    wrong = client.post(
        "/api/v1/me/password",
        json={"current_password": "not-it", "new_password": "second-password"},
        headers=headers,
    )
    assert wrong.status_code == 401
    changed = client.post(
        "/api/v1/me/password",
        json={"current_password": "first-password", "new_password": "second-password"},
        headers=headers,
    )
    assert changed.status_code == 204
    old = client.post(
        "/api/v1/auth/login", json={"email": "pw@acme.test", "password": "first-password"}
    )
    assert old.status_code == 401
    assert login(client, "pw@acme.test", "second-password")


def test_the_console_language_is_remembered_per_user(client, team, pool) -> None:
    recruiter = login(client, "recruiter@acme.test", team["password"])
    viewer = login(client, "viewer@acme.test", team["password"])
    assert client.get("/api/v1/me", headers=recruiter).json()["language"] is None
    chosen = client.put("/api/v1/me/preferences", json={"language": "en"}, headers=recruiter)
    assert (chosen.status_code, chosen.json()) == (200, {"language": "en"})
    again = login(client, "recruiter@acme.test", team["password"])  # another browser
    assert client.get("/api/v1/me", headers=again).json()["language"] == "en"
    assert client.get("/api/v1/me", headers=viewer).json()["language"] is None  # their own
    bad = client.put("/api/v1/me/preferences", json={"language": "de"}, headers=recruiter)
    assert bad.status_code == 422
    # Row-level security: a user's context sees only their own preferences.
    with transaction(pool, user_id=team["people"]["viewer"].id) as conn:
        assert conn.execute("select count(*) from user_preferences").fetchone()[0] == 0
