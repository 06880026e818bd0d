"""The Vacancies page against the real API: a vacancy created from pasted text and from a file
with its requirements corrected before saving, list filters, edit, archive and restore, the
verdict policy, API refusals as messages, and a viewer who sees no write controls."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from serve_apps import accounts
from tests.console.pages import ok, page_text, signed_in

RECRUITER = ("rita@vac.test", "rita-password-1")
VIEWER = ("vic@vac.test", "vic-password-1")
NEWBIE = ("nora@vac.test", "nora-password-1")
BACKEND = """Senior Python Developer

We build a logistics platform used by 300 warehouses.

Responsibilities
- Design and build backend services for order routing
- Review code and mentor two junior developers

Requirements
- 4+ years of commercial experience with Python
- FastAPI or Django
- PostgreSQL and query optimisation
- Docker

Nice to have
- Kafka
"""
CHEF = """Sous Chef

A busy bistro in the city centre is looking for a sous chef to run the line.

Requirements
- At least 3 years of experience in a high-volume kitchen
- ServSafe Manager certification
- Menu planning and food cost control
"""


@pytest.fixture(scope="module")
def vac_space(pool):  # type: ignore[no-untyped-def]
    rita = accounts.create_user_account(pool, email=RECRUITER[0], password=RECRUITER[1])
    space = accounts.create_workspace(pool, name="Vac Co", owner_id=rita.id)
    accounts.create_user_account(pool, email=VIEWER[0], password=VIEWER[1])
    accounts.add_member(pool, workspace_id=space.id, email=VIEWER[0], role="viewer")
    nora = accounts.create_user_account(pool, email=NEWBIE[0], password=NEWBIE[1])
    accounts.create_workspace(pool, name="Empty Co", owner_id=nora.id)
    return space


def _requirements_table(at: AppTest) -> list[str]:
    """The wording of every requirement in the read-only requirements table."""
    frame = next(d.value for d in at.dataframe if "Requirement" in d.value.columns)
    return list(frame["Requirement"])


def _create_from_text(at: AppTest, title: str, text: str) -> AppTest:
    at.text_input(key="vac_title").input(title)
    at.text_area(key="vac_text").input(text)
    return ok(at.button(key="vac_read_text").click().run())


def test_an_empty_workspace_says_what_to_do(api_url, vac_space, monkeypatch) -> None:
    at = ok(signed_in(api_url, monkeypatch, NEWBIE, "vacancies"))
    assert "No vacancies yet — create one above" in page_text(at)


def test_create_from_text_with_corrected_requirements(api_url, vac_space, monkeypatch) -> None:
    at = ok(signed_in(api_url, monkeypatch, RECRUITER, "vacancies"))
    at = _create_from_text(at, "Senior Python Developer", BACKEND)
    draft = at.session_state["vacancy_draft"]
    read = [r["text"] for r in draft["requirements"]["requirements"]]
    assert "Docker" in read and any("FastAPI" in r for r in read)  # what the API read
    assert draft["requirements"]["min_years"] == 4
    editor = next(e for e in at.data_editor if e.key == "draft_requirements")
    assert list(editor.value["text"]) == read  # shown for correction before saving
    docker = read.index("Docker")
    at.session_state["draft_requirements"] = {
        "edited_rows": {docker: {"must": False}},
        "added_rows": [{"text": "Experience with Kubernetes", "must": True}],
        "deleted_rows": [],
    }
    at.number_input(key="draft_requirements_years").set_value(3.0)
    at = ok(at.button(key="draft_save").click().run())
    # Saved and opened: the corrected reading is what the vacancy now asks for.
    assert at.title[0].value == "Senior Python Developer"
    assert "Vacancy “Senior Python Developer” saved." in page_text(at)
    table = next(d.value for d in at.dataframe if "Requirement" in d.value.columns)
    kinds = dict(zip(table["Requirement"], table["Kind"], strict=True))
    assert kinds["Docker"] == "nice to have"
    assert kinds["Experience with Kubernetes"] == "must have"
    assert "Experience asked for: 3 years" in page_text(at)
    assert "corrected by a recruiter" in page_text(at)


def test_create_from_a_file(api_url, vac_space, monkeypatch) -> None:
    at = ok(signed_in(api_url, monkeypatch, RECRUITER, "vacancies"))
    at.radio(key="vac_kind").set_value("file").run()
    at.file_uploader(key="vac_file").set_value(("sous-chef.txt", CHEF.encode(), "text/plain"))
    at = ok(at.button(key="vac_read_file").click().run())
    assert at.text_input(key="draft_title").value == "Sous Chef"
    assert at.session_state["vacancy_draft"]["requirements"]["min_years"] == 3
    at = ok(at.button(key="draft_save").click().run())
    assert at.title[0].value == "Sous Chef"
    # ServSafe is found through the dictionary ("Food Safety"); the line asks more of it
    assert "ServSafe Manager certification" in _requirements_table(at)


def test_too_short_a_text_is_refused_with_a_readable_message(
    api_url, vac_space, monkeypatch
) -> None:
    at = ok(signed_in(api_url, monkeypatch, RECRUITER, "vacancies"))
    at = _create_from_text(at, "x", "x")
    assert any("too short to screen against" in e.value for e in at.error)
    assert "vacancy_draft" not in at.session_state


def test_filters_edit_archive_and_restore(api_url, vac_space, monkeypatch) -> None:
    at = ok(signed_in(api_url, monkeypatch, RECRUITER, "vacancies"))
    at = _create_from_text(at, "Data Analyst", DATA_ANALYST)
    at = ok(at.button(key="draft_save").click().run())
    vacancy_id = int(at.query_params["vacancy"][0])

    # Edit the text: the requirements are read again from it.
    key = f"edit_{vacancy_id}"
    at.text_area(key=f"{key}_text").input(DATA_ANALYST + "- Tableau\n")
    at = ok(at.button(key=f"{key}_save").click().run())
    assert "the requirements were read again" in page_text(at)
    assert "Tableau" in _requirements_table(at)

    # Archive: gone from the active list, found under archived, back after a restore.
    at = ok(at.button(key="vac_status_button").click().run())
    assert "Vacancy archived." in page_text(at)
    at = ok(at.button(key="vac_back").click().run())
    at.text_input(key="vac_query").input("analyst").run()
    assert "No vacancies match these filters." in page_text(at)
    at = ok(at.selectbox(key="vac_status").set_value("archived").run())
    listed = at.dataframe[0].value
    assert list(listed["Title"]) == ["Data Analyst"]
    assert list(listed["Status"]) == ["archived"]
    at = ok(at.button(key="vac_open_button").click().run())
    at = ok(at.button(key="vac_status_button").click().run())
    assert "Vacancy restored." in page_text(at)


def test_policy_is_saved_and_a_bad_one_refused(api_url, vac_space, monkeypatch) -> None:
    at = ok(signed_in(api_url, monkeypatch, RECRUITER, "vacancies"))
    at = _create_from_text(at, "Policy Analyst", DATA_ANALYST)
    at = ok(at.button(key="draft_save").click().run())
    vacancy_id = int(at.query_params["vacancy"][0])
    key = f"policy_{vacancy_id}"
    assert "The default policy." in page_text(at)
    at.number_input(key=f"{key}_t_recommend").set_value(70)
    at = ok(at.button(key=f"{key}_save").click().run())
    assert "Policy saved." in page_text(at)
    assert "Custom policy for this vacancy." in page_text(at)
    assert at.number_input(key=f"{key}_t_recommend").value == 70

    at.number_input(key=f"{key}_t_consider").set_value(90)  # above "recommend": refused
    at = ok(at.button(key=f"{key}_save").click().run())
    assert any("thresholds must rise" in e.value for e in at.error)


def test_a_viewer_reads_without_write_controls(api_url, vac_space, monkeypatch) -> None:
    at = ok(signed_in(api_url, monkeypatch, VIEWER, "vacancies"))
    assert not [e for e in at.expander if e.label == "New vacancy"]
    assert at.dataframe, "the viewer sees the list"
    at = ok(at.button(key="vac_open_button").click().run())
    keys = {b.key for b in at.button}
    assert "vac_status_button" not in keys
    assert not any(k and k.startswith(("edit_", "policy_")) for k in keys)
    assert "Edit" not in [tab.label for tab in at.tabs]
    assert all(n.disabled for n in at.number_input if n.key and n.key.startswith("policy_"))


def test_the_page_reads_in_russian(api_url, vac_space, monkeypatch) -> None:
    at = ok(signed_in(api_url, monkeypatch, RECRUITER, "vacancies", lang="ru"))
    assert at.title[0].value == "Вакансии"
    assert "Название" in at.dataframe[0].value.columns


DATA_ANALYST = """Data Analyst

Our retail analytics team turns sales data into weekly decisions for 120 stores.

Requirements
- 2+ years of experience as a data analyst
- SQL
- Python with pandas
"""
