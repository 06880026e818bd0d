"""The console's "Interviews & reports" page against a live API (uvicorn on loopback, real
database): navigation, the vacancy's interviews, a stored report in Russian and English,
analysing an interview that has no report yet, and what a viewer may not do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from psycopg_pool import ConnectionPool
from streamlit.testing.v1 import AppTest

from db.pool import transaction
from pipelines.analysis import flow
from pipelines.analysis.models import CRITERIA
from pipelines.engine_set import offline_engines
from serve_apps import accounts
from tests.console.pages import choose_language
from tests.pipelines.analysis import transcripts
from tests.pipelines.analysis.stored import store_interview

APP = str(Path(__file__).resolve().parents[2] / "console" / "app.py")
OWNER = ("olga@hiring.test", "olga-password")
VIEWER = ("vera@hiring.test", "vera-password")
NAMES = {
    "ru": ["Технические навыки", "Релевантность опыта", "Коммуникация", "Решение задач",
           "Культурное соответствие"],
    "en": ["Technical skills", "Experience relevance", "Communication", "Problem solving",
           "Cultural fit"],
}  # fmt: skip
RECOMMENDATIONS = {
    "ru": {"strongly_recommend": "настоятельно рекомендовать", "recommend": "рекомендовать"},
    "en": {"strongly_recommend": "strongly recommend", "recommend": "recommend"},
}


@pytest.fixture(scope="module")
def hiring(pool: ConnectionPool) -> dict[str, Any]:
    """An owner and a viewer of 'Hiring'; a strong interview analysed (report and PDF) and a
    silent one without a report, each under its own vacancy."""
    owner = accounts.create_user_account(pool, email=OWNER[0], password=OWNER[1], full_name="Olga")
    workspace = accounts.create_workspace(pool, name="Hiring", owner_id=owner.id)
    accounts.add_member(
        pool, workspace_id=workspace.id, email=VIEWER[0], role="viewer", password=VIEWER[1]
    )
    strong = transcripts.strong_en()
    analysed = store_interview(pool, workspace, strong)
    outcome = flow.analyse_interview(
        pool, offline_engines(), workspace_id=workspace.id, interview_id=analysed, render_pdf=True
    )
    assert outcome.report.has_pdf, outcome.pdf_error
    waiting = store_interview(pool, workspace, transcripts.no_answers())
    return {
        "name": strong.candidate_name,
        "recommendation": outcome.report.recommendation,
        "analysed": _vacancy_of(pool, workspace.id, analysed),
        "waiting": _vacancy_of(pool, workspace.id, waiting),
    }


def _vacancy_of(pool: ConnectionPool, workspace_id: Any, interview_id: int) -> int:
    with transaction(pool, workspace_id=workspace_id) as conn:
        row = conn.execute(
            "select a.vacancy_id from interviews i join applications a on a.id = i.application_id"
            " where i.id = %s",
            (interview_id,),
        ).fetchone()
    assert row is not None
    return int(row[0])


def _signed_in(api_url: str, monkeypatch: pytest.MonkeyPatch, who: tuple[str, str]) -> AppTest:
    monkeypatch.setenv("SELECTIO_API_URL", api_url)
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert set(_pages(at).values()) == {"Вход"}  # signed out, every address asks to sign in
    choose_language(at, "ru")  # chosen here: it wins over the profile's
    at.text_input(key="login_email").input(who[0])
    at.text_input(key="login_password").input(who[1])
    return at.button[-1].click().run()


def _pages(at: AppTest) -> dict[str, str]:
    """url_path → title of the pages in the navigation."""
    # AppTest.switch_page only knows file pages; ours are functions, so read its registry.
    return {p["url_pathname"]: p["page_name"] for p in at._registered_pages.values()}


def _open_vacancy(at: AppTest, vacancy_id: int) -> AppTest:
    pages = at._registered_pages
    at._page_hash = next(h for h, p in pages.items() if p["url_pathname"] == "interviews")
    at.run()
    return at.selectbox(key="interviews_vacancy").set_value(vacancy_id).run()


def _buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def test_the_report_reads_in_russian_and_english(api_url, hiring, monkeypatch) -> None:
    at = _signed_in(api_url, monkeypatch, OWNER)
    assert _pages(at)["interviews"] == "Интервью и отчёты"

    at = _open_vacancy(at, hiring["analysed"])

    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Интервью и отчёты"]
    assert at.dataframe[0].value["Кандидат"].tolist() == [hiring["name"]]
    assert at.dataframe[0].value["Канал"].tolist() == ["голос"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Рекомендация"] == RECOMMENDATIONS["ru"][hiring["recommendation"]]
    assert metrics["Отчёты"] == "1"
    assert [e.label.split(":")[0] for e in at.expander][:5] == NAMES["ru"]
    assert len(at.get("progress")) == len(CRITERIA)
    assert "Проанализировать заново" in _buttons(at)
    assert at.download_button(key="interviews_download_pdf").label == "Скачать PDF"
    assert any("реплика" in m.value for m in at.markdown)  # evidence quotes with turns

    at.radio(key="lang").set_value("en").run()

    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Interviews & reports"]
    assert at.dataframe[0].value["Candidate"].tolist() == [hiring["name"]]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Recommendation"] == RECOMMENDATIONS["en"][hiring["recommendation"]]
    assert [e.label.split(":")[0] for e in at.expander][:5] == NAMES["en"]
    assert {"Analyse again", "Render PDF"} <= set(_buttons(at))


def test_an_interview_without_a_report_can_be_analysed(api_url, hiring, monkeypatch) -> None:
    at = _open_vacancy(_signed_in(api_url, monkeypatch, OWNER), hiring["waiting"])

    assert not at.exception, at.exception
    assert at.dataframe[0].value["Отчёт"].tolist() == ["нет отчёта"]
    assert "Отчёта по этому интервью пока нет." in [i.value for i in at.info]
    assert "Проанализировать заново" not in _buttons(at)

    at.button(key="interviews_analyse").click().run()

    assert not at.exception, at.exception
    assert at.success[0].value.startswith("Задача анализа №")
    assert at.success[0].value.endswith(": готово")
    assert "Кандидат не дал ответов: оценок и рекомендации нет." in [w.value for w in at.warning]
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Рекомендация"], metrics["Итоговая оценка"]) == ("без рекомендации", "—")
    assert at.dataframe[0].value["Отчёт"].tolist() == ["недостаточно данных"]  # caches dropped

    at.button(key="interviews_render_pdf").click().run()

    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["PDF готов."]
    assert at.download_button(key="interviews_download_pdf") is not None


def test_a_viewer_reads_the_report_but_cannot_analyse(api_url, hiring, monkeypatch) -> None:
    at = _open_vacancy(_signed_in(api_url, monkeypatch, VIEWER), hiring["analysed"])

    assert not at.exception, at.exception
    assert "Ваша роль: наблюдатель" in [c.value for c in at.caption]
    assert [e.label.split(":")[0] for e in at.expander][:5] == NAMES["ru"]
    assert not {"Проанализировать заново", "Сформировать PDF"} & set(_buttons(at))
    assert at.download_button(key="interviews_download_pdf").label == "Скачать PDF"
