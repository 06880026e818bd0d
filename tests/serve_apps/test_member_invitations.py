"""Member invitations over the API: inviting tells nothing about who has an account, the
invitee alone sees and answers their invitations, nobody joins without accepting, and a user
in several workspaces can still call header-less routes (their home workspace)."""

from __future__ import annotations

import itertools
import re

from db.pool import transaction
from serve_apps import accounts
from tests.db import factories
from tests.serve_apps.conftest import login

PASSWORD = "invitation tests password"
_n = itertools.count(1)


def _person(pool, name: str):  # type: ignore[no-untyped-def]
    """A new account (no workspace) and the e-mail it signs in with."""
    email = f"{name}{next(_n)}@people.test"
    return accounts.create_user_account(pool, email=email, password=PASSWORD, full_name=name)


def _invite(client, team, email: str, role: str = "recruiter", path: str = "invitations"):  # type: ignore[no-untyped-def]
    owner = login(client, "owner@acme.test", team["password"])
    return client.post(
        f"/api/v1/workspaces/{team['acme'].id}/{path}",
        json={"email": email, "role": role},
        headers=owner,
    )


def _received(client, email: str) -> list[dict]:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/me/invitations", headers=login(client, email, PASSWORD))
    assert response.status_code == 200, response.text
    return response.json()


def _masked(body: bytes, email: str) -> bytes:
    """The body with the e-mail and the expiry (a clock reading) blanked out."""
    body = body.replace(email.encode(), b"<email>")
    return re.sub(rb'"expires_at":"[^"]+"', b'"expires_at":"<t>"', body)


def test_invite_answer_is_the_same_for_known_and_unknown_emails(client, team, pool) -> None:
    known = _person(pool, "known").email
    unknown = known.replace("known", "ghost")  # same length, no account
    for path in ("invitations", "members"):  # the old members route invites too
        answers = {email: _invite(client, team, email, path=path) for email in (known, unknown)}
        for email, response in answers.items():
            assert response.status_code == 202, response.text
            assert response.json()["email"] == email
            assert set(response.json()) == {"email", "role", "expires_at", "status"}
        a, b = answers[known], answers[unknown]
        assert _masked(a.content, known) == _masked(b.content, unknown)
        assert dict(a.headers) == dict(b.headers)
        assert b'"status":"invited"' in a.content and b"Known" not in a.content


def test_invitee_accepts_and_becomes_member_with_role(client, team, pool) -> None:
    joiner = _person(pool, "joiner")
    assert _invite(client, team, joiner.email.upper(), "viewer").status_code == 202
    [received] = _received(client, joiner.email)
    assert (received["workspace_name"], received["role"]) == ("Acme", "viewer")
    assert received["invited_by_email"] == "owner@acme.test"

    headers = login(client, joiner.email, PASSWORD)
    accepted = client.post(f"/api/v1/me/invitations/{received['id']}/accept", headers=headers)
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["slug"], accepted.json()["role"]) == ("acme", "viewer")
    me = client.get("/api/v1/me", headers=headers).json()
    assert [(w["slug"], w["role"]) for w in me["workspaces"]] == [("acme", "viewer")]
    assert _received(client, joiner.email) == []

    owner = login(client, "owner@acme.test", team["password"])
    acme = team["acme"].id
    members = client.get(f"/api/v1/workspaces/{acme}/members", headers=owner).json()
    assert {"email": joiner.email, "role": "viewer"}.items() <= next(
        m for m in members if m["email"] == joiner.email
    ).items()
    pending = client.get(f"/api/v1/workspaces/{acme}/invitations", headers=owner).json()
    assert joiner.email not in [i["email"] for i in pending]
    actions = [
        e["action"] for e in client.get(f"/api/v1/workspaces/{acme}/audit", headers=owner).json()
    ]
    assert "member.invite" in actions and "member.join" in actions
    again = client.post(f"/api/v1/me/invitations/{received['id']}/accept", headers=headers)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "invitation_answered")


def test_invitee_declines(client, team, pool) -> None:
    shy = _person(pool, "shy")
    _invite(client, team, shy.email)
    [received] = _received(client, shy.email)
    headers = login(client, shy.email, PASSWORD)
    declined = client.post(f"/api/v1/me/invitations/{received['id']}/decline", headers=headers)
    assert declined.status_code == 204
    assert _received(client, shy.email) == []
    assert client.get("/api/v1/me", headers=headers).json()["workspaces"] == []
    late = client.post(f"/api/v1/me/invitations/{received['id']}/accept", headers=headers)
    assert (late.status_code, late.json()["error"]["code"]) == (409, "invitation_answered")


def test_expired_and_revoked_invitations_cannot_be_accepted(client, team, pool, admin_conn) -> None:
    slow, revoked = _person(pool, "slow"), _person(pool, "revoked")
    _invite(client, team, slow.email)
    [expiring] = _received(client, slow.email)
    admin_conn.execute(
        "update member_invitations set expires_at = now() - interval '1 minute' where id = %s",
        (expiring["id"],),
    )
    assert _received(client, slow.email) == []
    answer = client.post(
        f"/api/v1/me/invitations/{expiring['id']}/accept",
        headers=login(client, slow.email, PASSWORD),
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (409, "invitation_expired")

    owner = login(client, "owner@acme.test", team["password"])
    acme = team["acme"].id
    _invite(client, team, revoked.email)
    [withdrawn] = _received(client, revoked.email)
    pending = client.get(f"/api/v1/workspaces/{acme}/invitations", headers=owner).json()
    statuses = {i["email"]: i["status"] for i in pending}
    assert (statuses[revoked.email], statuses[slow.email]) == ("pending", "expired")
    path = f"/api/v1/workspaces/{acme}/invitations/{withdrawn['id']}"
    assert client.delete(path, headers=owner).status_code == 204
    assert client.delete(path, headers=owner).json()["error"]["code"] == "invitation_revoked"
    answer = client.post(
        f"/api/v1/me/invitations/{withdrawn['id']}/accept",
        headers=login(client, revoked.email, PASSWORD),
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (409, "invitation_revoked")
    assert login(client, revoked.email, PASSWORD)  # still an account, just not a member


def test_another_user_cannot_see_or_answer_the_invitation(client, team, pool) -> None:
    invitee, stranger = _person(pool, "invitee"), _person(pool, "stranger")
    _invite(client, team, invitee.email)
    [received] = _received(client, invitee.email)
    assert _received(client, stranger.email) == []
    headers = login(client, stranger.email, PASSWORD)
    for answer in ("accept", "decline"):
        response = client.post(f"/api/v1/me/invitations/{received['id']}/{answer}", headers=headers)
        assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    assert client.get("/api/v1/me", headers=headers).json()["workspaces"] == []
    assert [i["id"] for i in _received(client, invitee.email)] == [received["id"]]


def test_only_owners_of_the_workspace_manage_invitations(client, team) -> None:
    acme = team["acme"].id
    recruiter = login(client, "recruiter@acme.test", team["password"])
    outsider = login(client, "outsider@acme.test", team["password"])
    body = {"email": "someone@else.test", "role": "owner"}
    created = client.post(f"/api/v1/workspaces/{acme}/invitations", json=body, headers=recruiter)
    assert (created.status_code, created.json()["error"]["code"]) == (403, "role_too_low")
    assert (
        client.get(f"/api/v1/workspaces/{acme}/invitations", headers=recruiter).status_code == 403
    )
    assert client.get(f"/api/v1/workspaces/{acme}/invitations", headers=outsider).status_code == 404
    assert (
        client.post(
            f"/api/v1/workspaces/{acme}/invitations", json=body, headers=outsider
        ).status_code
        == 404
    )


def test_old_members_route_no_longer_adds_without_consent(client, team, pool) -> None:
    acme = team["acme"].id
    owner = login(client, "owner@acme.test", team["password"])
    existing = _person(pool, "existing")
    response = _invite(client, team, existing.email, path="members")
    assert response.status_code == 202
    members = client.get(f"/api/v1/workspaces/{acme}/members", headers=owner).json()
    assert existing.email not in [m["email"] for m in members]
    with_password = client.post(
        f"/api/v1/workspaces/{acme}/members",
        json={"email": "made.up@acme.test", "role": "viewer", "password": "a long password"},
        headers=owner,
    )
    assert with_password.status_code == 422
    member = _invite(client, team, "viewer@acme.test", path="members")
    assert (member.status_code, member.json()["error"]["code"]) == (409, "already_member")
    docs = client.get("/openapi.json").json()["paths"]
    assert "202" in docs["/api/v1/workspaces/{workspace_id}/members"]["post"]["responses"]
    assert docs["/api/v1/workspaces/{workspace_id}/members"]["post"]["deprecated"] is True


def test_owner_changes_a_members_role(client, team) -> None:
    acme = team["acme"].id
    owner = login(client, "owner@acme.test", team["password"])
    viewer_id = team["people"]["viewer"].id
    path = f"/api/v1/workspaces/{acme}/members/{viewer_id}"
    changed = client.patch(path, json={"role": "recruiter"}, headers=owner)
    assert (changed.status_code, changed.json()["role"]) == (200, "recruiter")
    assert client.patch(path, json={"role": "viewer"}, headers=owner).json()["role"] == "viewer"
    stranger = client.patch(
        f"/api/v1/workspaces/{acme}/members/{team['people']['outsider'].id}",
        json={"role": "viewer"},
        headers=owner,
    )
    assert stranger.status_code == 404


def test_user_in_two_workspaces_uses_home_workspace_without_header(client, team, pool) -> None:
    roamer = _person(pool, "roamer")
    headers = login(client, roamer.email, PASSWORD)
    none_yet = client.get("/api/v1/resumes", headers=headers)
    assert (none_yet.status_code, none_yet.json()["error"]["code"]) == (400, "workspace_required")
    assert "/me/invitations" in none_yet.json()["error"]["message"]

    # "Zulu" sorts after "Acme": the home is the first joined, not the first by name.
    home = accounts.create_workspace(pool, name="Zulu Home", owner_id=roamer.id)
    with transaction(pool, workspace_id=home.id) as conn:
        home_resume = factories.resume(conn, home).id
    _invite(client, team, roamer.email)
    [received] = _received(client, roamer.email)
    client.post(f"/api/v1/me/invitations/{received['id']}/accept", headers=headers)
    assert len(client.get("/api/v1/me", headers=headers).json()["workspaces"]) == 2

    default = client.get("/api/v1/resumes", headers=headers)
    assert default.status_code == 200, default.text
    assert [r["id"] for r in default.json()] == [home_resume]
    chosen = client.get(
        "/api/v1/resumes", headers={**headers, "X-Workspace-Id": str(team["acme"].id)}
    )
    assert chosen.status_code == 200
    assert home_resume not in [r["id"] for r in chosen.json()]
