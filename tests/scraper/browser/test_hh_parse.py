"""HH employer pages without a browser: responses lists by `data-qa`, resume pages with their
contacts, Russian response dates, the login page, and stored cookies."""

from __future__ import annotations

import json
import time
from datetime import date

import pytest

from scraper.browser.errors import ScraperError
from scraper.browser.hh_pages import (
    is_login_page,
    load_cookies,
    parse_responses,
    parse_resume,
    parse_ru_date,
)
from tests.fakes.boards.hh import RESUMES, login_page, responses_page, resume_page

HH = "https://hh.ru"
TODAY = date(2025, 3, 14)


def test_a_responses_page_gives_each_response_and_the_next_page() -> None:
    url = HH + "/employer/vacancyresponses?vacancyId=555"
    responses, next_url = parse_responses(responses_page(0), url, today=TODAY)
    first = RESUMES[0]
    assert [r.resume_id for r in responses] == [r.hash for r in RESUMES[:2]]
    assert responses[0].negotiation_id == first.topic_id
    assert responses[0].name == first.name
    assert responses[0].title == first.title
    assert responses[0].responded_on == date(2025, 3, 12)
    assert responses[0].resume_url.startswith(f"{HH}/resume/{first.hash}?vacancyId=555&t=")
    assert responses[0].resume is None
    assert next_url == HH + "/employer/vacancyresponses?vacancyId=555&page=1"
    last, none = parse_responses(responses_page(1), next_url, today=TODAY)
    assert [r.name for r in last] == [RESUMES[2].name] and none is None


def test_a_resume_page_gives_the_person_contacts_and_text() -> None:
    r = RESUMES[0]
    got = parse_resume(resume_page(r), f"{HH}/resume/{r.hash}?vacancyId=555&t={r.topic_id}")
    assert (got.resume_id, got.url) == (r.hash, f"{HH}/resume/{r.hash}")
    assert (got.name, got.title) == (r.name, r.title)
    assert (got.phone, got.email, got.telegram) == (r.phone, r.email, "@maria_dev")
    assert got.skills == r.skills
    for part in (r.title, "Опыт работы", "Сервисы платежей", "Django", "МГУ, 2015"):
        assert part in got.text
    without_telegram = parse_resume(resume_page(RESUMES[1]), f"{HH}/resume/{RESUMES[1].hash}")
    assert without_telegram.telegram is None


def test_a_page_that_is_no_resume_is_an_error() -> None:
    with pytest.raises(ScraperError) as error:
        parse_resume("<html><body>Резюме скрыто</body></html>", HH + "/resume/abc")
    assert error.value.code == "page_failed"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Откликнулся 12 марта 2025", date(2025, 3, 12)),
        ("1 декабря", date(2024, 12, 1)),  # not in the future: last year
        ("3 марта", date(2025, 3, 3)),
        ("сегодня в 10:15", TODAY),
        ("Вчера", date(2025, 3, 13)),
        ("давно", None),
    ],
)
def test_response_dates_in_russian(text: str, expected: date | None) -> None:
    assert parse_ru_date(text, TODAY) == expected


def test_the_login_page_is_recognised_by_url_or_form() -> None:
    assert is_login_page(HH + "/account/login?backurl=%2Femployer", "<html></html>")
    assert is_login_page(HH + "/employer/vacancyresponses?vacancyId=1", login_page())
    assert not is_login_page(HH + "/resume/abc", resume_page(RESUMES[0]))


def test_stored_cookies_drop_the_expired_and_refuse_garbage() -> None:
    now = time.time()
    cookies = [
        {"name": "hhtoken", "value": "a", "domain": ".hh.ru", "path": "/", "expires": now + 3600},
        {"name": "old", "value": "b", "domain": ".hh.ru", "path": "/", "expires": now - 60},
        {"name": "session", "value": "c", "domain": ".hh.ru", "path": "/", "expires": -1},
    ]
    assert [c["name"] for c in load_cookies(json.dumps(cookies))] == ["hhtoken", "session"]
    state = json.dumps({"cookies": cookies[:1], "origins": []})  # a Playwright storage state
    assert [c["name"] for c in load_cookies(state)] == ["hhtoken"]
    for garbage in ("not json", "{}", '[{"name": "x"}]'):
        with pytest.raises(ScraperError) as error:
            load_cookies(garbage)
        assert error.value.code == "hh_cookies_invalid"
