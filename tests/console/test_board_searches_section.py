"""The "Job boards: saved searches" section of the Integrations page against the real API and
the fake boards site: an owner saves a Djinni search, sees it listed, runs it now (inline
here, in headless Chromium) and sees the leads it found, with their links; HeadHunter's public
search is offered as a board by its name and saved with an HH region."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from db.settings import Settings
from pipelines.boards import searches
from scraper.browser.human import Pacing
from serve_apps import accounts
from tests.console.pages import ok, page_text, signed_in
from tests.fakes.boards.djinni import VACANCIES
from tests.fakes.boards.site import FakeBoards

OWNER = ("bohdan@boards-page.test", "bohdan-password-1")


@pytest.fixture(scope="module")
def site() -> Iterator[FakeBoards]:
    with FakeBoards() as boards:
        yield boards


@pytest.fixture(scope="module")
def settings(settings: Settings, site: FakeBoards) -> Settings:
    """The console's API reads Djinni at the fake boards site."""
    return settings.model_copy(update={"djinni_url": site.base_url})


@pytest.fixture(scope="module")
def space(pool):  # type: ignore[no-untyped-def]
    owner = accounts.create_user_account(pool, email=OWNER[0], password=OWNER[1])
    return accounts.create_workspace(pool, name="Boards Page Co", owner_id=owner.id)


def test_an_owner_saves_a_search_runs_it_and_sees_its_leads(  # type: ignore[no-untyped-def]
    api_url, space, site, monkeypatch
) -> None:
    monkeypatch.setattr(searches, "default_pacing", Pacing.off)  # the API runs in this process
    at = ok(signed_in(api_url, monkeypatch, OWNER, "integrations"))
    assert "No saved searches yet." in page_text(at)
    assert "No leads found yet." in page_text(at)

    at.text_input(key="bs_new_query").input("python")
    at.text_input(key="bs_new_location").input("kyiv")
    save = next(b for b in at.get("form_submit_button") if b.label == "Save the search")
    at = ok(save.click().run())
    assert "Search saved." in page_text(at)
    (saved,) = at.dataframe
    assert list(saved.value["Board"]) == ["Djinni"]
    assert list(saved.value["Search"]) == ["python"] and list(saved.value["Location"]) == ["kyiv"]

    at = ok(at.button(key="bs_run").click().run())
    assert "The search has started" in page_text(at)
    ran, found = at.dataframe
    assert list(ran.value["Found"]) == [len(VACANCIES)] and list(ran.value["Error"]) == [""]
    assert sorted(found.value["title"]) == sorted(v.title for v in VACANCIES)
    assert set(found.value["url"]) == {site.base_url + v.path for v in VACANCIES}
    assert set(found.value["board"]) == {"Djinni"}

    board = at.selectbox(key="bs_new_board")
    assert "HeadHunter (public search)" in board.options
    board.set_value("hh")
    at.text_input(key="bs_new_query").input("python")
    at.text_input(key="bs_new_location").input("Москва")
    save = next(b for b in at.get("form_submit_button") if b.label == "Save the search")
    at = ok(save.click().run())
    assert "Search saved." in page_text(at)
    listed = at.dataframe[0]
    assert list(listed.value["Board"]) == ["Djinni", "HeadHunter (public search)"]
    assert list(listed.value["Location"]) == ["kyiv", "Москва"]
