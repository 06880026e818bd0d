"""The Team & access page: an owner invites by e-mail, the invitee accepts in the console and
appears among the members; an owner can revoke a pending invitation, change roles, remove a
member after confirming, create an API key (shown once) and revoke it, and read the audit log
filtered; recruiters and viewers see the member list without any of these controls."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from serve_apps import accounts
from tests.console.pages import ok, page_text, signed_in

APP = str(Path(__file__).resolve().parents[2] / "console" / "app.py")
OWNER = ("olga@team.test", "olga-password-1")
NEWCOMER = ("nick@team.test", "nick-password-1")


@pytest.fixture(scope="module")
def team_space(pool):  # type: ignore[no-untyped-def]
    owner = accounts.create_user_account(pool, email=OWNER[0], password=OWNER[1], full_name="Olga")
    accounts.create_workspace(pool, name="Team Co", owner_id=owner.id)
    newcomer = accounts.create_user_account(
        pool, email=NEWCOMER[0], password=NEWCOMER[1], full_name="Nick"
    )
    accounts.create_workspace(pool, name="Nick Home", owner_id=newcomer.id)
    return owner


def _team_page(api_url: str, monkeypatch: pytest.MonkeyPatch, who: tuple[str, str]) -> AppTest:
    monkeypatch.setenv("SELECTIO_API_URL", api_url)
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input(key="login_email").input(who[0])
    at.text_input(key="login_password").input(who[1])
    at = at.button[-1].click().run()
    at._page_hash = next(h for h, p in at._registered_pages.items() if p["url_pathname"] == "team")
    return at.run()


def _submit_invite(at: AppTest) -> AppTest:
    return at.get("form_submit_button")[0].click().run()


def test_invite_accept_and_revoke(api_url, team_space, monkeypatch) -> None:
    owner = _team_page(api_url, monkeypatch, OWNER)
    assert not owner.exception, owner.exception
    owner.text_input(key="invite_email").input(NEWCOMER[0])
    owner = _submit_invite(owner)
    assert not owner.exception, owner.exception
    assert any(NEWCOMER[0] in s.value for s in owner.success)

    newcomer = _team_page(api_url, monkeypatch, NEWCOMER)
    accept = next(b for b in newcomer.button if b.key and b.key.startswith("accept_"))
    newcomer = accept.click().run()
    assert not newcomer.exception, newcomer.exception
    assert any("Team Co" in s.value for s in newcomer.success)

    owner = owner.run()
    assert NEWCOMER[0] in owner.dataframe[0].value.to_string()  # now among the members

    owner.text_input(key="invite_email").input("ghost@team.test")
    owner = _submit_invite(owner)
    assert any("ghost@team.test" in s.value for s in owner.success)
    owner = owner.button(key="revoke").click().run()
    assert not owner.exception, owner.exception
    assert "ghost@team.test" not in str([df.value for df in owner.dataframe])


# ---- members, API keys and the audit log (owners), read-only for the others ----

BOSS = ("bea@access.test", "bea-password-1")
RECRUITER = ("rob@access.test", "rob-password-1")
VIEWER = ("val@access.test", "val-password-1")


@pytest.fixture(scope="module")
def access_space(pool):  # type: ignore[no-untyped-def]
    boss = accounts.create_user_account(pool, email=BOSS[0], password=BOSS[1], full_name="Bea")
    space = accounts.create_workspace(pool, name="Access Co", owner_id=boss.id)
    ids = {"boss": boss.id}
    for who, (email, password), role in (
        ("rob", RECRUITER, "recruiter"),
        ("val", VIEWER, "viewer"),
    ):
        user = accounts.create_user_account(
            pool, email=email, password=password, full_name=who.title()
        )
        accounts.add_member(pool, workspace_id=space.id, email=email, role=role)
        ids[who] = user.id
    return space, ids


def _section(at: AppTest, section: str) -> AppTest:
    return ok(at.radio(key="team_section").set_value(section).run())


def _submit(at: AppTest, label: str) -> AppTest:
    button = next(b for b in at.get("form_submit_button") if b.label == label)
    return ok(button.click().run())


def test_an_api_key_is_shown_once_and_revoked(api_url, access_space, monkeypatch) -> None:
    at = _section(ok(signed_in(api_url, monkeypatch, BOSS, "team")), "tm_sec_keys")
    assert "No API keys yet." in page_text(at)
    at.text_input(key="key_name").input("CI pipeline")
    at = _submit(at, "Create key")
    assert len(at.code) == 1
    secret = at.code[0].value
    assert secret and "Copy it now" in page_text(at)
    assert "will not be shown again" in page_text(at)
    keys = at.dataframe[0].value
    assert list(keys["Key name"]) == ["CI pipeline"] and list(keys["State"]) == ["active"]
    assert secret not in keys.to_string()
    assert httpx.get(f"{api_url}/api/v1/workspaces", headers={"X-API-Key": secret}).is_success

    at = ok(at.run())  # the next run no longer shows it...
    assert not at.code and secret not in page_text(at)
    again = _section(ok(signed_in(api_url, monkeypatch, BOSS, "team")), "tm_sec_keys")
    assert not again.code and secret not in page_text(again)  # ...nor does a fresh page

    again = ok(again.button(key="key_revoke").click().run())
    assert "Key “CI pipeline” revoked" in page_text(again)
    assert list(again.dataframe[0].value["State"]) == ["revoked"]
    answer = httpx.get(f"{api_url}/api/v1/workspaces", headers={"X-API-Key": secret})
    assert answer.status_code == 401


def test_an_owner_changes_roles_and_removes_after_confirming(
    api_url, access_space, monkeypatch
) -> None:
    _, ids = access_space
    at = ok(signed_in(api_url, monkeypatch, BOSS, "team"))
    at.selectbox(key="tm_pick").set_value(ids["rob"])
    at.selectbox(key="tm_role").set_value("viewer")
    at = ok(at.button(key="tm_set_role").click().run())
    assert "Rob <rob@access.test> is now viewer." in page_text(at)
    roles = dict(zip(at.dataframe[0].value["Email"], at.dataframe[0].value["Role"], strict=True))
    assert roles[RECRUITER[0]] == "viewer"

    # The last owner cannot step down: the API's refusal, as a sentence.
    at.selectbox(key="tm_pick").set_value(ids["boss"])
    at.selectbox(key="tm_role").set_value("recruiter")
    at = ok(at.button(key="tm_set_role").click().run())
    assert any("must keep at least one owner" in e.value for e in at.error)

    # Removing asks for "I understand" first.
    at.selectbox(key="tm_pick").set_value(ids["rob"])
    assert at.button(key="tm_remove").disabled
    at = ok(at.checkbox(key="tm_confirm").check().run())
    at = ok(at.button(key="tm_remove").click().run())
    assert "Rob <rob@access.test> was removed." in page_text(at)
    assert RECRUITER[0] not in at.dataframe[0].value.to_string()
    assert not at.checkbox(key="tm_confirm").value  # the next removal asks again


def test_the_audit_log_narrows_by_kind_and_pages(api_url, access_space, monkeypatch) -> None:
    at = _section(ok(signed_in(api_url, monkeypatch, BOSS, "team")), "tm_sec_audit")
    table = at.dataframe[0].value
    assert list(table.columns) == ["When (UTC)", "Who", "Action", "Object", "Details"]
    everything = set(table["Action"])
    assert {"workspace.create", "member.set"} <= everything
    at = ok(at.selectbox(key="audit_kind").set_value("member").run())
    narrowed = at.dataframe[0].value
    assert set(narrowed["Action"]) <= {a for a in everything if a.startswith("member.")}
    assert len(narrowed) < len(table)
    at = ok(at.selectbox(key="audit_kind").set_value("workspace").run())
    assert list(at.dataframe[0].value["Who"]) == ["Bea"]
    at = ok(at.selectbox(key="audit_period").set_value("ta_period_1").run())
    assert list(at.dataframe[0].value["Action"]) == ["workspace.create"]


def test_the_audit_log_in_russian(api_url, access_space, monkeypatch) -> None:
    at = _section(ok(signed_in(api_url, monkeypatch, BOSS, "team", lang="ru")), "tm_sec_audit")
    assert at.title[0].value == "Команда и доступ"
    assert list(at.dataframe[0].value.columns) == [
        "Когда (UTC)", "Кто", "Действие", "Объект", "Подробности",
    ]  # fmt: skip


@pytest.mark.parametrize("who", [VIEWER, BOSS], ids=["viewer", "demoted-owner"])
def test_no_write_controls_below_owner(api_url, access_space, monkeypatch, pool, who) -> None:
    space, ids = access_space
    demoted = who == BOSS
    if demoted:  # a second owner, so Bea can be made a recruiter for this test
        accounts.add_member(pool, workspace_id=space.id, email=VIEWER[0], role="owner")
        accounts.set_member_role(pool, workspace_id=space.id, user_id=ids["boss"], role="recruiter")
    try:
        at = ok(signed_in(api_url, monkeypatch, who, "team"))
        assert BOSS[0] in at.dataframe[0].value.to_string()  # the member list is there
        keys = {w.key for w in at.button} | {w.key for w in at.radio} | {w.key for w in at.checkbox}
        assert not keys & {"team_section", "tm_set_role", "tm_remove", "tm_confirm", "revoke"}
        assert not at.get("form_submit_button")
        assert "Only owners change roles" in page_text(at)
    finally:
        if demoted:
            accounts.set_member_role(pool, workspace_id=space.id, user_id=ids["boss"], role="owner")
            accounts.set_member_role(pool, workspace_id=space.id, user_id=ids["val"], role="viewer")


def test_a_refusal_after_losing_the_owner_role_reads_as_a_sentence(
    api_url, access_space, monkeypatch, pool
) -> None:
    space, ids = access_space
    at = _section(ok(signed_in(api_url, monkeypatch, BOSS, "team")), "tm_sec_keys")
    accounts.add_member(pool, workspace_id=space.id, email=VIEWER[0], role="owner")
    accounts.set_member_role(pool, workspace_id=space.id, user_id=ids["boss"], role="recruiter")
    try:
        at.text_input(key="key_name").input("too late")
        at = _submit(at, "Create key")
        assert any(
            e.value == "Your role in this workspace does not allow this action." for e in at.error
        )
        assert not at.code
    finally:
        accounts.set_member_role(pool, workspace_id=space.id, user_id=ids["boss"], role="owner")
        accounts.set_member_role(pool, workspace_id=space.id, user_id=ids["val"], role="viewer")
