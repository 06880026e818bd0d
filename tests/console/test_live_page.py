"""The Live interviews page against the real API: the empty state, a running interview in the
table with its question and latency, its transcript as spoken, a recruiter ending it after a
confirmation (it leaves the table), a viewer who only watches, and the page in Russian."""

from __future__ import annotations

import pytest

from db import interviews
from db.pool import transaction
from serve_apps import accounts
from tests.console.pages import ok, page_text, signed_in
from tests.db.test_live_interviews import live_interview

RECRUITER = ("rita@live.test", "rita-password-1")
VIEWER = ("vic@live.test", "vic-password-1")


@pytest.fixture(scope="module")
def space(pool, api_url):  # type: ignore[no-untyped-def]
    """A workspace owned by a recruiter, with a viewer; no interview yet."""
    rita = accounts.create_user_account(pool, email=RECRUITER[0], password=RECRUITER[1])
    workspace = accounts.create_workspace(pool, name="Live Co", owner_id=rita.id)
    accounts.create_user_account(pool, email=VIEWER[0], password=VIEWER[1], full_name="Vic")
    accounts.add_member(pool, workspace_id=workspace.id, email=VIEWER[0], role="viewer")
    return workspace


def test_nothing_running(api_url, space, monkeypatch) -> None:
    at = ok(signed_in(api_url, monkeypatch, RECRUITER, "live"))
    assert at.title[0].value == "Live interviews"
    assert "No interview is running now. Invite candidates from the Candidates page." in page_text(
        at
    )
    assert not at.dataframe


def test_a_recruiter_follows_and_ends_an_interview(api_url, pool, space, monkeypatch) -> None:
    live_interview(pool, space)
    at = ok(signed_in(api_url, monkeypatch, RECRUITER, "live"))
    table = at.dataframe[0].value
    assert list(table["Candidate"]) == ["John Smith"]
    assert list(table["Vacancy"]) == ["Senior Python Developer"]
    assert list(table["Question"]) == ["2 / 6"]
    assert list(table["Last voice-to-voice"]) == ["640 ms"]
    assert list(table["Connection"]) == ["not connected"]
    assert "Depends is FastAPI" in page_text(at)  # the transcript so far

    at = ok(at.button(key="lv_end").click().run())
    assert "End the interview with John Smith now?" in page_text(at)
    at = ok(at.button(key="lv_end_no").click().run())  # changed their mind
    assert "End the interview with John Smith now?" not in page_text(at)
    at = ok(at.button(key="lv_end").click().run())
    at = ok(at.button(key="lv_end_yes").click().run())
    assert "The interview with John Smith was ended." in page_text(at)
    assert "No interview is running now." in page_text(at)


def test_a_viewer_watches_without_an_end_button(api_url, pool, space, monkeypatch) -> None:
    live_interview(pool, space, name="Ann Lee")
    at = ok(signed_in(api_url, monkeypatch, VIEWER, "live"))
    assert list(at.dataframe[0].value["Candidate"]) == ["Ann Lee"]
    assert "Depends is FastAPI" in page_text(at)
    assert not [b for b in at.button if b.key and b.key.startswith("lv_end")]


def test_the_page_reads_in_russian(api_url, space, monkeypatch) -> None:
    at = ok(signed_in(api_url, monkeypatch, RECRUITER, "live", lang="ru"))
    assert at.title[0].value == "Идущие интервью"
    table = at.dataframe[0].value
    assert list(table["Кандидат"]) == ["Ann Lee"] and list(table["Связь"]) == ["не на связи"]
    assert "Завершить интервью" in [b.label for b in at.button]


def test_ending_one_that_already_ended_says_so(api_url, pool, space, monkeypatch) -> None:
    at = ok(signed_in(api_url, monkeypatch, RECRUITER, "live"))
    interview_id = at.session_state["lv_pick"]
    at = ok(at.button(key="lv_end").click().run())
    with transaction(pool, workspace_id=space.id) as conn:  # it ended meanwhile
        interviews.end_running(conn, interview_id=interview_id, reason="ended by recruiter")
    at = ok(at.button(key="lv_end_yes").click().run())
    assert "This interview is no longer running: it has already ended." in page_text(at)
    assert "No interview is running now." in page_text(at)
