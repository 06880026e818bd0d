"""Names come from the resume's header only, and are never a heading or a job title."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.profiles import OfflineProfileEngine
from pipelines.profiles.names import find_name, looks_like_name
from pipelines.profiles.occupations import is_occupation

ENGINE = OfflineProfileEngine(today=date(2024, 6, 15))


@pytest.mark.parametrize(
    "line",
    [
        # Headings seen on top of real resumes in place of a name.
        "Skill Highlights", "Career Overview", "Professional Profile", "Career Focus",
        "Work History", "Professional Value Offered", "Professional Background",
        "Summary of Qualifications", "Core Qualifications", "Executive Profile", "Highlights",
        "Профессиональные навыки", "Ключевые Компетенции", "Личные Качества",
        # Job titles.
        "Field Project Supervisor", "Construction Worker", "Car Salesman",
        "Aircraft Hydraulics Journyman", "Sales Associate", "Front Desk Attendant",
        "Customer Service Rep", "Merchandiser, Sales", "It Management", "Line Cook",
        "Truck Driver", "Ведущий Инженер", "Старший Бухгалтер", "Сварщик Иван",
        "Bpo Team Leader", "Risk Mangement Leader",  # held-out livecareer resumes
        # Places and document words.
        "New York", "Санкт Петербург", "Curriculum Vitae",
    ],
)  # fmt: skip
def test_headings_and_job_titles_are_not_names(line: str) -> None:
    assert not looks_like_name(line)
    assert not looks_like_name(line.upper())


@pytest.mark.parametrize(
    "line",
    [
        "John Smith", "Иван Петров", "ПЕТРОВ Иван Сергеевич", "Mary-Ann O'Neil",
        "Farrah M. Bauman", "Tim Cook", "Anna Stafford", "Токарев Иван", "Плотникова Анна",
        "April Newman", "Ludwig van Beethoven", "Sean McDonald",
    ],
)  # fmt: skip
def test_real_names_are_names(line: str) -> None:
    assert looks_like_name(line)


def test_occupations_are_told_from_surnames_that_come_from_trades() -> None:
    assert is_occupation("Line Cook") and not is_occupation("Tim Cook")
    assert is_occupation("Токарь Иван") and not is_occupation("Токарев Иван")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # livecareer layout: the job title where the name was, then the headings.
        ("CONSTRUCTION WORKER\nHighlights\nHighly Motivated.\nDedicated.\n", None),
        ("SALES ASSOCIATE\nSkill Highlights\nGreat ability to multi-task\n", None),
        ("ACCOUNTANT\nExecutive Profile\nCapable accountant.\nProfessional Value Offered\n", None),
        ("Work History\nCompany Name\nCONSTRUCTION LABORER\nJohn Smith\n", None),
        ("SALES ASSOCIATE\nABIGAIL FULTON\nAccomplishments\nPresident of clubs.\n",
         "Abigail Fulton"),
        ("ПЕТРОВ Иван Сергеевич\nВедущий инженер\nОпыт работы\n", "Петров Иван Сергеевич"),
        ("Mary-Ann O'Neil\nRegistered Nurse | Boston, MA\n", "Mary-Ann O'Neil"),
        ("Резюме\nФИО: Иван Петров\nТелефон: +7 916 123-45-67\n", "Иван Петров"),
    ],
)  # fmt: skip
def test_name_from_the_header_of_a_resume(text: str, name: str | None) -> None:
    assert ENGINE.extract_profile(text).full_name == name


def test_a_name_below_the_header_is_someone_else() -> None:
    text = """TEACHER
Summary
Caring teacher with ten years in primary schools.
References
Jane Wilson
Principal, Oak Creek Elementary
Name: Robert Brown
"""
    assert ENGINE.extract_profile(text).full_name is None


def test_find_name_reads_only_the_lines_it_is_given() -> None:
    assert find_name(["", "  John Smith  ", "Data Engineer"]) == "John Smith"
    assert find_name(["Skill Highlights", "Career Focus"]) is None
    assert find_name([]) is None
