"""The Integrations page against the real API and an HH-compatible server: an owner sees the
HeadHunter connection with its employer and the latest runs, starts a sync (inline here) and
sees its run; a captcha HH asks for shows as a link to open."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from db import integrations
from db.pool import transaction
from pipelines.hh_import import connection
from serve_apps import accounts
from tests.console.pages import go_to, ok, page_text, signed_in
from tests.fakes.hh.fixtures import configured_for_hh

OWNER = ("olga@hh-page.test", "olga-password-1")


@pytest.fixture(scope="module")
def settings(settings, hh):  # type: ignore[no-untyped-def]
    """The console's API runs with HH configured and pointed at the fake."""
    return configured_for_hh(settings, hh)


@pytest.fixture(scope="module")
def hh_space(pool, settings):  # type: ignore[no-untyped-def]
    owner = accounts.create_user_account(pool, email=OWNER[0], password=OWNER[1])
    space = accounts.create_workspace(pool, name="HH Page Co", owner_id=owner.id)
    url = connection.begin(settings, workspace_id=space.id, user_id=owner.id)
    back = parse_qs(urlsplit(httpx.get(url, follow_redirects=False).headers["location"]).query)
    connection.finish(pool, settings, code=back["code"][0], state=back["state"][0])
    return space


def test_an_owner_sees_the_connection_syncs_and_is_shown_a_captcha(  # type: ignore[no-untyped-def]
    api_url, hh_space, hh, pool, monkeypatch
) -> None:
    at = ok(signed_in(api_url, monkeypatch, OWNER, "integrations"))
    assert f"Connected: {hh.world.employer.name}" in page_text(at)
    assert not at.dataframe  # no run yet
    at = ok(at.button(key="ig_sync").click().run())
    assert "Sync started" in page_text(at)
    runs = at.dataframe[0].value
    assert list(runs["What"]) == ["responses", "vacancies"]
    assert list(runs["Result"]) == ["done", "done"]
    assert int(runs["New"].iloc[1]) == len(hh.world.vacancies)
    automation = ok(go_to(at, "automation"))  # the runs are on the Automation page too
    (imports,) = [d.value for d in automation.dataframe if "Screened" in d.value.columns]
    assert list(imports["Source"]) == ["HeadHunter", "HeadHunter"]
    assert list(imports["What"]) == ["responses", "vacancies"]
    at = ok(go_to(automation, "integrations"))

    with transaction(pool, workspace_id=hh_space.id) as conn:  # a run met a captcha
        integrations.set_status(conn, kind="hh", status="action_needed",
                                error="HH asks a person to pass a captcha")  # fmt: skip
        link = f"{hh.api_url}/captcha?backurl=x"
        integrations.merge_settings(
            conn, kind="hh", values={"action": "hh_captcha_required", "action_url": link}
        )
    at = ok(at.run())
    assert "HeadHunter waits for a person: HH asks a person to pass a captcha" in page_text(at)
    assert [b.proto.url for b in at.get("link_button")] == [link]
