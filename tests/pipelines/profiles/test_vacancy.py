"""Offline vacancy analysis: must vs nice by sections and markers, years, languages, remote."""

from __future__ import annotations

import pytest

from pipelines.models import LanguageSkill
from pipelines.profiles import OfflineProfileEngine

VACANCY_RU = """Senior Python-разработчик (FastAPI)

Компания «Финтех Плюс» — лидер рынка онлайн-платежей, на рынке более 10 лет.

Обязанности:
• разработка микросервисов на Python;
• code review, менторство младших коллег.

Требования:
• опыт коммерческой разработки на Python от 4 лет;
• уверенное знание PostgreSQL и Redis;
• Docker;
• опыт работы с Kafka будет плюсом;
• английский язык не ниже B1.

Будет плюсом:
• Kubernetes, Helm;
• опыт с ClickHouse.

Условия:
• удалённая работа или офис в Москве;
• ДМС, оплата обучения, курсы английского и Go.
"""

VACANCY_EN = """About us
We are a fast-growing e-commerce company with teams in five countries.

What you'll do
- Build dashboards in Tableau for category managers
- Run A/B tests with product teams

Requirements
- 3+ years of experience in data analysis
- Strong SQL and Python (pandas)
- English: Upper-Intermediate or higher

Nice to have
- Experience with dbt and Airflow
- German is a plus

We offer
- Hybrid work: 2 days a week in our Berlin office
- Learning budget, Java and Scala courses
"""

VACANCY_PLAIN = """Ищем бухгалтера со знанием 1С и Excel. Опыт работы не менее 2 лет.
Желательно знание SAP.
Работа в офисе, Город: Казань."""


@pytest.fixture(scope="module")
def engine() -> OfflineProfileEngine:
    return OfflineProfileEngine()


def test_russian_vacancy_must_and_nice(engine: OfflineProfileEngine) -> None:
    req = engine.analyze_vacancy("Senior Python-разработчик (FastAPI)", VACANCY_RU)
    assert req.title == "Senior Python-разработчик (FastAPI)"
    assert req.must_have == ["Python", "FastAPI", "PostgreSQL", "Redis", "Docker"]
    # "Будет плюсом" section, a "будет плюсом" line inside requirements, and duties.
    assert {"Kafka", "Kubernetes", "Helm", "ClickHouse"} <= set(req.nice_to_have)
    assert "Go" not in req.nice_to_have  # the offer section is about perks, not skills
    assert not set(req.must_have) & set(req.nice_to_have)
    assert req.min_years == 4  # "на рынке более 10 лет" is about the company
    assert req.languages == [LanguageSkill(name="english", level="B1")]
    assert req.remote is True
    assert req.language == "ru"
    assert req.engine == "offline"


def test_english_vacancy(engine: OfflineProfileEngine) -> None:
    req = engine.analyze_vacancy("Data Analyst (Hybrid, Berlin)", VACANCY_EN)
    assert req.must_have == ["Data Analysis", "SQL", "Python", "Pandas"]
    assert {"dbt", "Airflow", "Tableau", "A/B Testing"} <= set(req.nice_to_have)
    assert not {"Java", "Scala"} & set(req.nice_to_have + req.must_have)
    assert req.min_years == 3
    assert req.languages == [
        LanguageSkill(name="english", level="B2"),
        LanguageSkill(name="german", level=None),
    ]
    assert req.location == "Berlin"
    assert req.remote is None  # hybrid
    assert req.language == "en"


def test_without_requirements_section_every_skill_is_a_must(engine: OfflineProfileEngine) -> None:
    req = engine.analyze_vacancy("Бухгалтер", VACANCY_PLAIN)
    assert req.must_have == ["Accounting", "1C", "Excel"]  # the title names the trade
    assert req.nice_to_have == ["SAP"]  # "Желательно" still marks a nice-to-have
    assert req.min_years == 2
    assert req.location == "Казань"
    assert req.remote is False


def test_with_requirements_section_other_skills_are_nice(engine: OfflineProfileEngine) -> None:
    text = "Наш стек: Go, gRPC, Kafka.\n\nТребования:\n- Go\n- PostgreSQL\n"
    req = engine.analyze_vacancy("Go-разработчик", text)
    assert req.must_have == ["Go", "PostgreSQL"]
    assert req.nice_to_have == ["gRPC", "Kafka"]


def test_empty_title_falls_back_to_the_first_line(engine: OfflineProfileEngine) -> None:
    req = engine.analyze_vacancy("", "Frontend Developer (React)\n\nRequirements: TypeScript")
    assert req.title == "Frontend Developer (React)"
    assert req.must_have == ["React", "TypeScript"]


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("Требования: опыт от 3 лет", 3),
        ("Требования:\n- не менее 2 лет опыта в продажах", 2),
        ("Requirements:\n- 3+ years with Go", 3),
        ("Requirements\nAt least 5 years of professional experience", 5),
        ("Требования: опыт работы от года", 1),
        ("Требуемый опыт работы: 3–6 лет", 3),
        ("Требования: опыт от трёх лет", 3),
        ("Requirements: five years of experience", 5),
        ("Опыт работы не требуется", 0),
        ("Мы на рынке более 10 лет", None),
        ("Nice to have:\n- 7+ years of experience with Kafka", None),
        # A welcoming clause beside the demand does not make the demand optional.
        (
            "Requirements:\n- At least 1 year of acute care nursing experience; new graduates "
            "are welcome to apply for our residency program",
            1,
        ),
        ("Requirements:\n- Python; 3+ years with Kafka is a plus", None),
    ],
)
def test_min_years(engine: OfflineProfileEngine, text: str, years: float | None) -> None:
    assert engine.analyze_vacancy("Vacancy", text).min_years == years


@pytest.mark.parametrize(
    ("text", "remote"),
    [
        ("Работа удалённо", True),
        ("Формат: удаленка", True),
        ("Remote, EU time zones", True),
        ("Гибрид: 3 дня в офисе", None),
        ("Hybrid, 2 days onsite", None),
        ("Работа в офисе в центре", False),
        ("Без удалёнки, только офис", False),
        ("Полностью удалённая работа, бывает гибрид", True),
        ("Python", None),
    ],
)
def test_remote(engine: OfflineProfileEngine, text: str, remote: bool | None) -> None:
    assert engine.analyze_vacancy("Vacancy", text).remote is remote


@pytest.mark.parametrize(
    ("text", "languages"),
    [
        ("Требования: английский B2", [LanguageSkill(name="english", level="B2")]),
        ("Requirements: English Upper-Intermediate", [LanguageSkill(name="english", level="B2")]),
        ("Знание английского языка на уровне С1", [LanguageSkill(name="english", level="C1")]),
        ("We sell to the Russian market.", []),
    ],
)
def test_languages(engine: OfflineProfileEngine, text: str, languages: list[LanguageSkill]) -> None:
    assert engine.analyze_vacancy("Vacancy", text).languages == languages
