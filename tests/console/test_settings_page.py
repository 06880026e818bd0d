"""The Settings page against an API whose installation has some vendor keys set: the engines in
use, which keys are configured (never a key itself), the interview limits, and the workspace
name that owners rename and the others only read."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from streamlit.testing.v1 import AppTest

from db import memberships
from db.pool import transaction
from db.settings import Settings
from serve_apps import accounts
from tests.console.pages import ok, page_text, signed_in

OWNER = ("sam@settings.test", "sam-password-1")
VIEWER = ("vera@settings.test", "vera-password-1")
RECRUITER = ("remy@settings.test", "remy-password-1")
OPENAI_KEY = "sk-test-openai-do-not-show-93f1"
DEEPGRAM_KEY = "dg-test-do-not-show-5a7e"


@pytest.fixture(scope="module")
def settings(settings: Settings) -> Settings:
    """The module's settings with an OpenAI and a Deepgram key (engines stay offline for
    everything but the speech ids, which are only named, never called)."""
    return settings.model_copy(
        update={
            "openai_api_key": SecretStr(OPENAI_KEY),
            "deepgram_api_key": SecretStr(DEEPGRAM_KEY),
        }
    )


@pytest.fixture(scope="module")
def settings_space(pool):  # type: ignore[no-untyped-def]
    owner = accounts.create_user_account(pool, email=OWNER[0], password=OWNER[1])
    space = accounts.create_workspace(pool, name="Settings Co", owner_id=owner.id)
    for (email, password), role in ((VIEWER, "viewer"), (RECRUITER, "recruiter")):
        accounts.create_user_account(pool, email=email, password=password)
        accounts.add_member(pool, workspace_id=space.id, email=email, role=role)
    return space


def _table(at: AppTest, first_column: str) -> dict[str, list[str]]:
    frame = next(d.value for d in at.dataframe if d.value.columns[0] == first_column)
    return {row[0]: list(row[1:]) for row in frame.itertuples(index=False)}


def test_engines_keys_and_limits(api_url, settings_space, monkeypatch) -> None:
    at = ok(signed_in(api_url, monkeypatch, VIEWER, "settings"))
    assert at.title[0].value == "Settings"
    engines = _table(at, "What")
    assert engines["Speech synthesis"] == ["espeak-ng", "offline"]
    assert engines["Speech recognition"] == ["deepgram:nova-3", "cloud"]
    assert engines["Language model"] == ["offline", "offline"]  # llm_engine=offline in tests
    assert {"Semantic search", "Resume and vacancy reading", "Screening"} <= set(engines)
    keys = _table(at, "Service")
    assert keys["OpenAI"] == ["✓ configured"] and keys["Deepgram"] == ["✓ configured"]
    assert keys["ElevenLabs"] == ["— not configured"] and keys["HeadHunter"] == ["— not configured"]
    limits = _table(at, "Limit")
    assert limits["Longest interview"] == ["30 min"]
    assert limits["Connection attempts per link"] == ["10 per 60 s"]
    assert limits["A new interview link works for"] == ["72 h"]
    shown = page_text(at, tables=True)
    assert OPENAI_KEY not in shown and DEEPGRAM_KEY not in shown


@pytest.mark.parametrize("who", [VIEWER, RECRUITER], ids=["viewer", "recruiter"])
def test_only_owners_get_the_rename_form(api_url, settings_space, monkeypatch, who) -> None:
    at = ok(signed_in(api_url, monkeypatch, who, "settings"))
    assert not at.text_input and not at.get("form_submit_button")
    assert "Settings Co" in page_text(at, tables=True)
    assert "kept until deleted by hand" in page_text(at)  # retention, read only
    assert "Only owners rename the workspace." in page_text(at, tables=True)


def test_an_owner_renames_the_workspace(api_url, settings_space, monkeypatch) -> None:
    at = ok(signed_in(api_url, monkeypatch, OWNER, "settings"))
    assert at.text_input(key="ws_name").value == "Settings Co"
    at.text_input(key="ws_name").input("Settings & Sons")
    at = ok(at.get("form_submit_button")[0].click().run())
    assert "The workspace is now called “Settings & Sons”." in page_text(at, tables=True)
    assert at.text_input(key="ws_name").value == "Settings & Sons"
    assert "Settings & Sons" in at.selectbox(key="settings_workspace").format_func(
        at.selectbox(key="settings_workspace").value
    )


def test_an_owner_sets_how_long_personal_data_is_kept(api_url, settings_space, monkeypatch) -> None:
    at = ok(signed_in(api_url, monkeypatch, OWNER, "settings"))
    at.number_input(key="ws_retention").set_value(90)
    form = next(b for b in at.get("form_submit_button") if b.label == "Save")
    at = ok(form.click().run())
    assert "Candidates' personal data is kept 90 days." in page_text(at)
    assert at.number_input(key="ws_retention").value == 90
    at.number_input(key="ws_retention").set_value(None)
    form = next(b for b in at.get("form_submit_button") if b.label == "Save")
    at = ok(form.click().run())
    assert "kept until deleted by hand" in page_text(at)


def test_a_refused_rename_reads_as_a_sentence(api_url, settings_space, monkeypatch, pool) -> None:
    at = ok(signed_in(api_url, monkeypatch, OWNER, "settings"))
    owner_id = next(m.user_id for m in _members(pool, settings_space) if m.email == OWNER[0])
    remy_id = next(m.user_id for m in _members(pool, settings_space) if m.email == RECRUITER[0])
    # Made a recruiter (by another owner) after the page was drawn: the API refuses.
    accounts.set_member_role(pool, workspace_id=settings_space.id, user_id=remy_id, role="owner")
    accounts.set_member_role(
        pool, workspace_id=settings_space.id, user_id=owner_id, role="recruiter"
    )
    try:
        at.text_input(key="ws_name").input("Mine now")
        at = ok(at.get("form_submit_button")[0].click().run())
        assert [e.value for e in at.error] == [
            "Your role in this workspace does not allow this action."
        ]
    finally:
        accounts.set_member_role(
            pool, workspace_id=settings_space.id, user_id=owner_id, role="owner"
        )
        accounts.set_member_role(
            pool, workspace_id=settings_space.id, user_id=remy_id, role="recruiter"
        )


def _members(pool, space):  # type: ignore[no-untyped-def]
    with transaction(pool, workspace_id=space.id) as conn:
        return memberships.list_members(conn, workspace_id=space.id)


def test_the_page_reads_in_russian(api_url, settings_space, monkeypatch) -> None:
    at = ok(signed_in(api_url, monkeypatch, VIEWER, "settings", lang="ru"))
    assert at.title[0].value == "Настройки"
    assert _table(at, "Сервис")["OpenAI"] == ["✓ настроен"]
    assert _table(at, "Что")["Синтез речи"] == ["espeak-ng", "офлайн"]
