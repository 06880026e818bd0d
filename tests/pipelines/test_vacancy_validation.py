"""A vacancy needs a few real words to screen against: "x" is refused with a stable code, in
any language, before anything is analysed or stored."""

from __future__ import annotations

import pytest
from psycopg_pool import ConnectionPool

from db import vacancies
from db.errors import InvalidValue
from db.pool import transaction
from pipelines import vacancy_flow
from pipelines.engine_set import offline_engines
from pipelines.vacancy_validation import VacancyTooShort, check_vacancy_text, vacancy_words
from serve_apps import accounts
from tests.pipelines import samples


@pytest.mark.parametrize(
    ("title", "text", "reason"),
    [
        ("", "", "no title and no description"),
        ("", "x", "no words"),
        ("  ", "- 2024 -\n\n42", "no words"),
        ("x", "x y z", "no words"),
        ("", "test", "only 1 word (test)"),
        ("Python developer", "Python developer", "only 2 words (python, developer)"),
        ("", "Бухгалтер", "only 1 word (бухгалтер)"),
        ("Повар", "повар, ПОВАР", "only 1 word (повар)"),
    ],
)
def test_too_little_to_screen_against_is_refused(title: str, text: str, reason: str) -> None:
    with pytest.raises(VacancyTooShort) as info:
        check_vacancy_text(title, text)
    assert info.value.code == "vacancy_too_short"
    assert isinstance(info.value, InvalidValue)  # the API and the CLI already map these
    assert info.value.message == (
        f"vacancy too short to screen against: {reason}; describe the role and what it "
        "requires in at least 3 words"
    )


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Senior Python developer", ""),
        ("", "Sous chef, Moscow"),
        ("Шеф-повар", "в ресторан"),
        ("Бухгалтер", "знание 1С"),
        ("", "Go developer, 3+ years"),
    ],
)
def test_a_role_with_something_to_check_is_enough(title: str, text: str) -> None:
    check_vacancy_text(title, text)


def test_words_are_two_characters_with_a_letter() -> None:
    assert vacancy_words("C# / Go", "1С, SQL, 2024, x, Go") == ["go", "1с", "sql"]


def test_create_vacancy_refuses_before_storing_anything(pool: ConnectionPool) -> None:
    workspace = accounts.create_workspace(pool, name="Short Vacancies", owner_id=None)
    engines = offline_engines()
    with pytest.raises(VacancyTooShort):
        vacancy_flow.create_vacancy(pool, engines, workspace_id=workspace.id, title="", text="x")
    created = vacancy_flow.create_vacancy(
        pool, engines, workspace_id=workspace.id, title="", text=samples.VACANCY_RU
    )
    with transaction(pool, workspace_id=workspace.id) as conn:
        assert [v.id for v in vacancies.list_vacancies(conn)] == [created.id]
