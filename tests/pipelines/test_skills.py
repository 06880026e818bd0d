"""The skill dictionary: aliases in both languages, whole-token matching, ambiguous short names."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from pipelines.skills import (
    all_skills,
    canonical_skill,
    find_skills,
    normalize_skills,
    skill_category,
)


@pytest.mark.parametrize(
    ("canonical", "aliases"),
    [
        ("PostgreSQL", ["Postgres", "PostgreSQL", "postgresql", "постгрес", "постгресе", "PG"]),
        ("JavaScript", ["JS", "JavaScript", "javascript", "джаваскрипт", "джаваскрипте"]),
        ("Machine Learning", ["ML", "machine learning", "машинное обучение", "машинного обучения"]),
        ("Excel", ["Excel", "MS Excel", "эксель", "экселе", "экселем"]),
        ("1C", ["1С", "1C", "1С:Предприятие", "1С:Бухгалтерия"]),
        ("Negotiations", ["переговоры", "ведение переговоров", "negotiations", "Negotiation"]),
        ("Kubernetes", ["k8s", "K8S", "кубернетес", "Kubernetes"]),
        ("C++", ["C++", "c++", "cpp"]),
        ("C#", ["C#", "c#", "C Sharp"]),
        (".NET", [".NET", ".net core", "dotnet"]),
        ("Node.js", ["Node.js", "NodeJS", "node js"]),
        ("Go", ["Go", "golang", "Golang"]),
        ("A/B Testing", ["A/B testing", "A/B-тесты", "A/B тестирование", "АБ-тесты"]),
        ("Python", ["Python 3.11", "питон", "python3"]),
    ],
)
def test_aliases_resolve_to_one_canonical_name(canonical: str, aliases: list[str]) -> None:
    assert {canonical_skill(alias) for alias in aliases} == {canonical}


def test_unknown_or_empty_names_do_not_resolve() -> None:
    assert canonical_skill("") is None
    assert canonical_skill("   ") is None
    assert canonical_skill("Basket weaving") is None
    assert canonical_skill("Python/Django") is None  # two skills, not one


def test_postgres_spellings_in_text_are_one_skill() -> None:
    text = "Работал с Postgres и PostgreSQL; в постгресе настраивал репликацию."
    assert find_skills(text) == ["PostgreSQL"]


def test_russian_inflections_are_found() -> None:
    text = (
        "Строил модели машинного обучения, считал отчёты в экселе, "
        "вёл переговоры с поставщиками, писал на джаваскрипте и 1С."
    )
    assert find_skills(text) == ["Machine Learning", "Excel", "Negotiations", "JavaScript", "1C"]


def test_results_keep_first_appearance_order_without_duplicates() -> None:
    text = "Docker, Python, docker-compose, Python 3, SQL, Docker"
    assert find_skills(text) == ["Docker", "Python", "SQL"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Senior JavaScript developer", ["JavaScript"]),  # not Java
        ("Java and JavaScript", ["Java", "JavaScript"]),
        ("I am good at teamwork and goal setting", ["Teamwork"]),  # no Go in good/goal
        ("Research and R&D, Ruby on Rails", ["Ruby on Rails"]),  # no R
        ("Written in C++ and C#, some .NET and ASP.NET Core", ["C++", "C#", ".NET", "ASP.NET"]),
        ("Languages: C/C++, C#", ["C", "C++", "C#"]),  # bare "C" only as a list item
        ("Node.js, Vue.js and Next.js services", ["Node.js", "Vue.js", "Next.js"]),
        ("Migrated the backend to Go.", ["Go"]),  # exact case, not at a sentence start
        ("Go to market strategy for B2B clients.", []),  # sentence start, prose
        ("Graduated in Spring 2020, then used Spring Boot.", ["Spring Boot"]),
        ("We made a net profit. Net margin grew.", []),  # not .NET
        ("I excel at negotiations", ["Negotiations"]),  # not Excel
        ("i like js and pg a lot", []),  # lowercase short names in prose
    ],
)
def test_whole_token_matching_and_ambiguous_names(text: str, expected: list[str]) -> None:
    assert find_skills(text) == expected


def test_short_names_count_inside_lists_and_skills_sections() -> None:
    assert find_skills("Python, R, SQL") == ["Python", "R", "SQL"]
    assert find_skills("- Go\n- Docker\n") == ["Go", "Docker"]
    assert find_skills("Stack: js, pg, go") == ["JavaScript", "PostgreSQL", "Go"]
    assert find_skills("python go r", skills_section=True) == ["Python", "Go", "R"]
    assert find_skills("python go r") == ["Python"]


def test_hyphen_and_space_are_interchangeable() -> None:
    assert find_skills("Python-разработчик, T-SQL, scikit learn") == [
        "Python",
        "T-SQL",
        "scikit-learn",
    ]


def test_normalize_skills_dedupes_splits_compounds_and_drops_unknowns() -> None:
    names = ["Postgres", "PostgreSQL", "постгрес", "Python/Django", "SQL (MySQL)", "Underwater"]
    assert normalize_skills(names) == ["PostgreSQL", "Python", "Django", "SQL", "MySQL"]
    assert normalize_skills([]) == []


def test_dictionary_is_large_and_every_name_and_alias_resolves_to_itself() -> None:
    raw = resources.files("pipelines").joinpath("data/skills.json").read_text(encoding="utf-8")
    data = json.loads(raw)["skills"]
    names = all_skills()
    assert len(names) >= 250 and len(set(names)) == len(names)
    for entry in data:
        assert canonical_skill(entry["name"]) == entry["name"]
        for alias in entry.get("aliases", []) + entry.get("short", []) + entry.get("listed", []):
            assert canonical_skill(alias.replace("*", "")) == entry["name"], alias
    categories = {skill_category(name) for name in names}
    assert {"language", "database", "devops", "data", "testing", "design", "soft"} <= categories
    assert skill_category("Not a skill") is None


def test_a_two_page_resume_is_scanned_whole() -> None:
    line = "Разработка сервисов на Python, FastAPI и PostgreSQL; деплой в Kubernetes через Helm.\n"
    text = line * 80 + "Ключевые навыки: Go, Redis, ClickHouse\n"
    assert find_skills(text) == [
        "Python",
        "FastAPI",
        "PostgreSQL",
        "Kubernetes",
        "Helm",
        "Go",
        "Redis",
        "ClickHouse",
    ]
