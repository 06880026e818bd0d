"""The Dashboard page: KPI tiles and Altair charts for a workspace with data, the empty state
for one without, and an API failure shown as a message."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from serve_apps import accounts
from tests.console.test_analytics import APPLICATIONS, seed_workspace

APP = str(Path(__file__).resolve().parents[2] / "console" / "app.py")
BUSY = ("bea@dash.test", "bea-password-1")
IDLE = ("ivan@dash.test", "ivan-password-1")


@pytest.fixture(scope="module")
def dash_users(pool):  # type: ignore[no-untyped-def]
    busy = accounts.create_user_account(pool, email=BUSY[0], password=BUSY[1])
    workspace = accounts.create_workspace(pool, name="Dash Co", owner_id=busy.id)
    seed_workspace(pool, workspace.id, APPLICATIONS)
    idle = accounts.create_user_account(pool, email=IDLE[0], password=IDLE[1])
    accounts.create_workspace(pool, name="Idle Co", owner_id=idle.id)


def _dashboard(api_url: str, monkeypatch: pytest.MonkeyPatch, who: tuple[str, str]) -> AppTest:
    monkeypatch.setenv("SELECTIO_API_URL", api_url)
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.radio(key="lang").set_value("en").run()
    at.text_input(key="login_email").input(who[0])
    at.text_input(key="login_password").input(who[1])
    return at.button[-1].click().run()  # a sign-in lands on the dashboard


def _charts(at: AppTest) -> list:  # type: ignore[type-arg]
    return at.get("vega_lite_chart")


def test_dashboard_with_data_shows_tiles_and_charts(api_url, dash_users, monkeypatch) -> None:
    at = _dashboard(api_url, monkeypatch, BUSY)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Dashboard"]
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Open vacancies"] == "1"
    assert tiles["Invited"] == "6"  # the default period (30 days) leaves out one application
    assert len(_charts(at)) == 7

    at.selectbox(key="dash_source").set_value("hh").run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["Invited"] == "3"
    at.selectbox(key="dash_period").set_value("period_all").run()
    assert {m.label: m.value for m in at.metric}["Recommended"] == "2"


def test_empty_workspace_shows_what_to_do(api_url, dash_users, monkeypatch) -> None:
    at = _dashboard(api_url, monkeypatch, IDLE)
    assert not at.exception, at.exception
    assert any("No applications yet" in i.value for i in at.info)
    assert not at.metric
    assert not _charts(at)


def test_api_failure_becomes_a_message(api_url, dash_users, monkeypatch) -> None:
    at = _dashboard(api_url, monkeypatch, IDLE)
    monkeypatch.setenv("SELECTIO_API_URL", "http://127.0.0.1:9")  # nothing listens there
    at.session_state["workspace_id"] = None
    at = at.run()
    assert not at.exception, at.exception
    assert at.error, "an unreachable API must be reported on the page"
