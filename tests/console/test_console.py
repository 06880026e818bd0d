"""The Streamlit console against a live API (uvicorn on loopback, real database): sign-in,
the user's workspaces, vacancies and candidates, language switch, bad credentials."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from db import candidates, vacancies
from db.pool import transaction
from serve_apps import accounts

APP = str(Path(__file__).resolve().parents[2] / "console" / "app.py")


@pytest.fixture(scope="module")
def recruiter(pool):  # type: ignore[no-untyped-def]
    """A recruiter in 'Northwind' with one vacancy and one candidate; 'Other' is not theirs."""
    user = accounts.create_user_account(
        pool, email="rita@northwind.test", password="rita-password", full_name="Rita"
    )
    workspace = accounts.create_workspace(pool, name="Northwind", owner_id=user.id)
    with transaction(pool, workspace_id=workspace.id) as conn:
        vacancies.create_vacancy(
            conn, workspace_id=workspace.id, title="Senior Go Engineer", language="en"
        )
        candidates.create_candidate(
            conn, workspace_id=workspace.id, full_name="Пётр Иванов", email="petr@example.ru"
        )
    other = accounts.create_user_account(pool, email="x@other.test", password="other-password")
    accounts.create_workspace(pool, name="Other", owner_id=other.id)
    return user


def _app(api_url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("SELECTIO_API_URL", api_url)
    return AppTest.from_file(APP, default_timeout=30).run()


def _sign_in(at: AppTest, email: str, password: str) -> AppTest:
    at.text_input(key="login_email").input(email)
    at.text_input(key="login_password").input(password)
    return at.button[-1].click().run()


def test_signed_out_user_sees_only_sign_in(api_url, monkeypatch) -> None:
    at = _app(api_url, monkeypatch)
    assert not at.exception
    assert [t.value for t in at.title] == ["Selectio — консоль рекрутера"]
    assert at.text_input(key="login_email") is not None


def test_wrong_password_shows_reason(api_url, recruiter, monkeypatch) -> None:
    at = _sign_in(_app(api_url, monkeypatch), "rita@northwind.test", "wrong-password")
    assert not at.exception
    assert "неверная почта или пароль" in at.error[0].value  # in the console's language
    assert at.session_state["token"] is None


def test_sign_in_lists_workspace_vacancies_and_candidates(api_url, recruiter, monkeypatch) -> None:
    at = _sign_in(_app(api_url, monkeypatch), "rita@northwind.test", "rita-password")
    assert not at.exception, at.exception
    assert at.session_state["token"]
    assert [t.value for t in at.title] == ["Дашборд"]  # a sign-in lands on the dashboard
    # AppTest.switch_page only knows file pages; ours are functions: open the address by hash.
    at._page_hash = next(
        h for h, p in at._registered_pages.items() if p["url_pathname"] == "workspaces"
    )
    at = at.run()
    assert [t.value for t in at.title] == ["Рабочие пространства"]
    options = at.selectbox(key="workspace_select").options
    assert options == ["Northwind (northwind)"]
    frames = [df.value for df in at.dataframe]
    vacancy_titles = frames[0]["Название"].tolist()
    assert vacancy_titles == ["Senior Go Engineer"]
    assert frames[1]["Имя"].tolist() == ["Пётр Иванов"]

    assert at.selectbox(key="ranking_vacancy").options == ["Senior Go Engineer"]
    assert "Откликов пока нет." in [i.value for i in at.info]

    at.radio(key="lang").set_value("en").run()
    assert [t.value for t in at.title] == ["Workspaces"]
    assert at.dataframe[0].value["Title"].tolist() == ["Senior Go Engineer"]
