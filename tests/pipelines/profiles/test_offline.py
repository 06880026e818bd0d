"""The offline profile engine on realistic resumes: hh.ru Russian, LinkedIn English, messy."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.models import Education, LanguageSkill, WorkExperience
from pipelines.profiles import OfflineProfileEngine
from pipelines.profiles.dates import find_range

TODAY = date(2024, 6, 15)

HH_RU = """Резюме обновлено 10 мая 2024 в 12:00

Смирнова Анна Викторовна
Женщина, 31 год, родилась 3 марта 1993

+7 (926) 555-12-34 — предпочитаемый способ связи
anna.smirnova@mail.ru
Telegram: @anna_smirnova
Проживает: Санкт-Петербург
Гражданство: Россия, есть разрешение на работу: Россия
Не готова к переезду, готова к командировкам

Желаемая должность и зарплата
Ведущий Python-разработчик
Специализации:
— Программист, разработчик
Занятость: полная занятость
График работы: полный день, удаленная работа

Опыт работы — 6 лет 2 месяца

Май 2021 —
настоящее время
3 года 2 месяца
ООО «ТехноСофт»
Санкт-Петербург, technosoft.ru
Ведущий Python-разработчик
— Разработка микросервисов на FastAPI и Django
— Проектирование схем БД в постгресе, оптимизация запросов
— Настройка CI/CD в GitLab, деплой в Kubernetes

Март 2018 — Апрель 2021
3 года 2 месяца
АО «Банк Инноваций»
Python-разработчик
— Поддержка внутренних сервисов на Flask, PostgreSQL, Redis
— Написание unit-тестов на pytest

Образование
Высшее
2015
Санкт-Петербургский государственный университет, Санкт-Петербург
Математико-механический факультет, Прикладная математика и информатика, Бакалавр

Ключевые навыки
Python  Django  FastAPI  Postgres  Redis  Docker  Kubernetes  Git  Linux  SQL

Знание языков
Русский — Родной
Английский — B2 — Средне-продвинутый

Дополнительная информация
Обо мне
Люблю чистый код и автотесты. Умею вести переговоры с заказчиками.
"""

LINKEDIN_EN = """Michael Chen
Senior Data Engineer at Streamly
San Francisco Bay Area
michael.chen@gmail.com | +1 (415) 555-0132 | linkedin.com/in/michael-chen

Summary
Data engineer with 7+ years of experience building batch and streaming pipelines
for analytics and machine learning teams.

Experience
Streamly
Senior Data Engineer
March 2020 - Present (4 years 4 months)
San Francisco, California
Built streaming ETL on Apache Kafka and Spark; cut data latency from hours to minutes.

DataCorp Inc.
Data Engineer
June 2016 - April 2020 (3 years 11 months)
- Designed the DWH on Snowflake and modelled marts with dbt
- Orchestrated 300+ jobs with Airflow

Freelance
Python Consultant
Jan 2019 - Dec 2019
- ETL scripts for small retailers

Education
University of California, Berkeley
Bachelor of Science (BS), Computer Science
2012 - 2016

Top Skills
Apache Spark • Airflow • Snowflake • Python • SQL

Languages
English (Native or Bilingual)
Mandarin (Professional Working Proficiency)
Spanish (Elementary Proficiency)
"""

MESSY = """ИВАНОВ Пётр
tel 8-903-111-22-33, e-mail: Petr.Ivanov@Yandex.ru, тг: @petr_dev
г. Казань

Java разработчик, опыт 5+ лет. Знаю Java, Spring Boot, Hibernate, немного JS и React.
Писал бэкенд для банков и ритейла, сейчас ищу удалёнку.
Английский - технический.
В свободное время играю в го и пишу пет-проекты на Go.
"""


@pytest.fixture(scope="module")
def engine() -> OfflineProfileEngine:
    return OfflineProfileEngine(today=TODAY)


def test_hh_resume_contacts_and_position(engine: OfflineProfileEngine) -> None:
    profile = engine.extract_profile(HH_RU)
    assert profile.full_name == "Смирнова Анна Викторовна"
    assert profile.email == "anna.smirnova@mail.ru"
    assert profile.phone == "+79265551234"
    assert profile.telegram_username == "anna_smirnova"
    assert profile.location == "Санкт-Петербург"
    assert profile.desired_position == "Ведущий Python-разработчик"
    assert profile.language == "ru"
    assert profile.engine == "offline"


def test_hh_resume_jobs_with_russian_months_and_split_date_line(
    engine: OfflineProfileEngine,
) -> None:
    profile = engine.extract_profile(HH_RU)
    assert profile.experience == [
        WorkExperience(
            company="ООО «ТехноСофт»",
            title="Ведущий Python-разработчик",
            start="2021-05",
            current=True,
            months=38,
        ),
        WorkExperience(
            company="АО «Банк Инноваций»",
            title="Python-разработчик",
            start="2018-03",
            end="2021-04",
            months=38,
        ),
    ]
    assert profile.total_years == 6.3  # March 2018 to June 2024, the overlap month once


def test_hh_resume_skills_education_languages_summary(engine: OfflineProfileEngine) -> None:
    profile = engine.extract_profile(HH_RU)
    # The skills section comes first, then skills met elsewhere; "постгресе" is PostgreSQL.
    assert profile.skills[:10] == [
        "Python", "Django", "FastAPI", "PostgreSQL", "Redis", "Docker", "Kubernetes", "Git",
        "Linux", "SQL",
    ]  # fmt: skip
    assert {"Microservices", "CI/CD", "Flask", "Pytest", "Negotiations"} <= set(profile.skills)
    assert profile.skills.count("PostgreSQL") == 1
    assert profile.education == [
        Education(
            institution="Санкт-Петербургский государственный университет",
            degree="Бакалавр",
            field="Прикладная математика и информатика",
            year=2015,
        )
    ]
    assert profile.languages == [
        LanguageSkill(name="russian", level="native"),
        LanguageSkill(name="english", level="B2"),
    ]
    assert profile.summary is not None and profile.summary.startswith("Люблю чистый код")


def test_linkedin_resume(engine: OfflineProfileEngine) -> None:
    profile = engine.extract_profile(LINKEDIN_EN)
    assert profile.full_name == "Michael Chen"
    assert (profile.email, profile.phone) == ("michael.chen@gmail.com", "+14155550132")
    assert profile.telegram_username is None
    assert profile.desired_position == "Senior Data Engineer"
    assert [(j.company, j.title, j.start, j.end, j.current) for j in profile.experience] == [
        ("Streamly", "Senior Data Engineer", "2020-03", None, True),
        ("DataCorp Inc.", "Data Engineer", "2016-06", "2020-04", False),
        ("Freelance", "Python Consultant", "2019-01", "2019-12", False),
    ]
    # 52 + 47 + 12 months of jobs, but the freelance year overlaps: June 2016 to June 2024.
    assert profile.total_years == 8.1
    assert profile.education == [
        Education(
            institution="University of California, Berkeley",
            degree="Bachelor of Science",
            field="Computer Science",
            year=2016,
        )
    ]
    assert profile.languages == [
        LanguageSkill(name="english", level="native"),
        LanguageSkill(name="chinese", level="C1"),
        LanguageSkill(name="spanish", level="A2"),
    ]
    assert profile.skills[:5] == ["Apache Spark", "Airflow", "Snowflake", "Python", "SQL"]
    assert {"Kafka", "DWH", "dbt", "ETL", "Machine Learning"} <= set(profile.skills)
    assert profile.summary is not None and "7+ years" in profile.summary
    assert profile.language == "en"


def test_messy_resume_without_headings(engine: OfflineProfileEngine) -> None:
    profile = engine.extract_profile(MESSY)
    assert profile.full_name == "Иванов Пётр"
    assert profile.email == "petr.ivanov@yandex.ru"
    assert profile.phone == "+79031112233"
    assert profile.telegram_username == "petr_dev"
    assert profile.location == "Казань"
    # "JS" in exact case, "Go" mid-sentence; the board game "го" is not Go.
    assert profile.skills == ["Java", "Spring Boot", "Hibernate", "JavaScript", "React", "Go"]
    assert profile.experience == []
    assert profile.total_years == 5.0  # "опыт 5+ лет": no dated jobs to count
    assert profile.languages == [LanguageSkill(name="english", level="B1")]
    assert profile.language == "ru"


@pytest.mark.parametrize(
    ("text", "start", "end", "current"),
    [
        ("Январь 2019 — настоящее время", (2019, 1), None, True),
        ("янв. 2019 – мар. 2021", (2019, 1), (2021, 3), False),
        ("01.2019 - 03.2021", (2019, 1), (2021, 3), False),
        ("Jan 2019 - Present", (2019, 1), None, True),
        ("2017 - 2019", (2017, 1), (2019, 1), False),
        ("March 2020 – now", (2020, 3), None, True),
        ("с мая 2018 по июль 2020", (2018, 5), (2020, 7), False),
        ("сентябрь 2020 — по н.в.", (2020, 9), None, True),
        ("2019-03 — 2020-11", (2019, 3), (2020, 11), False),
    ],
)
def test_date_range_formats(
    text: str, start: tuple[int, int], end: tuple[int, int] | None, current: bool
) -> None:
    found = find_range(text)
    assert found is not None
    assert (found.start, found.end, found.current) == (start, end, current)


@pytest.mark.parametrize("text", ["+7 (999) 123-45-67", "Май 2019", "2019", "дек 2020 - янв 2019"])
def test_not_date_ranges(text: str) -> None:
    assert find_range(text) is None


def test_one_line_jobs_in_mixed_formats(engine: OfflineProfileEngine) -> None:
    text = """Кузнецова Мария
Опыт работы
янв. 2019 – мар. 2021  ООО «Альфа», аналитик
01.2017 - 12.2018  ЗАО «Бета» — младший аналитик
Jan 2021 - Present: Business Analyst at Acme Corp
"""
    profile = engine.extract_profile(text)
    assert [(j.company, j.title, j.months) for j in profile.experience] == [
        ("ООО «Альфа»", "аналитик", 27),
        ("ЗАО «Бета»", "младший аналитик", 24),
        ("Acme Corp", "Business Analyst", 42),
    ]
    # Jan 2017 – Dec 2018 and Jan 2019 – Jun 2024 touch; Jan–Mar 2021 overlaps.
    assert profile.total_years == 7.5


def test_today_is_injected_for_current_jobs() -> None:
    text = "Experience\nAcme — Engineer\nJan 2020 - Present\n"
    early = OfflineProfileEngine(today=date(2020, 12, 1)).extract_profile(text)
    later = OfflineProfileEngine(today=date(2022, 12, 1)).extract_profile(text)
    assert (early.experience[0].months, early.total_years) == (12, 1.0)
    assert (later.experience[0].months, later.total_years) == (36, 3.0)


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("Иван Петров\nОпыт работы 4 года 6 месяцев\nРазработка на Python", 4.5),
        ("Jane Doe\nBackend engineer with 5+ years of experience in Go.", 5.0),
        ("Jane Doe\nSummary\nTotal experience: 3 years", 3.0),
        ("Jane Doe\nSkills: Python", 0.0),
    ],
)
def test_stated_experience_when_no_dated_jobs(
    engine: OfflineProfileEngine, text: str, years: float
) -> None:
    assert engine.extract_profile(text).total_years == years


def test_contacts_edge_cases(engine: OfflineProfileEngine) -> None:
    text = """ФИО: Орлова Екатерина
Email: katya.orlova@company.ru
Тел.: 8 (916) 000-11-22
Связь: https://t.me/katya_orlova
Location: Moscow, Russia

Experience
Developed Spring services annotated with @Transactional and @Override.
"""
    profile = engine.extract_profile(text)
    assert profile.full_name == "Орлова Екатерина"
    assert profile.email == "katya.orlova@company.ru"
    assert profile.phone == "+79160001122"
    assert profile.telegram_username == "katya_orlova"
    assert profile.location == "Moscow, Russia"


def test_email_is_not_a_telegram_handle_and_annotations_are_not_people(
    engine: OfflineProfileEngine,
) -> None:
    text = "John Doe\njohn.doe@example.com\n\nExperience\nUsed @Override in Java code.\n"
    profile = engine.extract_profile(text)
    assert profile.telegram_username is None
    assert profile.email == "john.doe@example.com"


def test_empty_text_gives_an_empty_profile(engine: OfflineProfileEngine) -> None:
    profile = engine.extract_profile("")
    assert profile.full_name is None and profile.skills == [] and profile.total_years == 0.0
    assert profile.engine == "offline"


@pytest.mark.parametrize(
    ("line", "handle"),
    [
        ("Telegram: @ivan_petrov", "ivan_petrov"),
        ("Telegram: ivan_petrov", "ivan_petrov"),
        ("tg @ivan_petrov", "ivan_petrov"),
        ("https://t.me/ivan_petrov", "ivan_petrov"),
        ("@ivan_petrov", "ivan_petrov"),
        ("ivan_petrov@gmail.com", None),
        ("Telegram: +7 999 123-45-67", None),
        ("Писал Telegram-ботов на aiogram", None),
    ],
)
def test_telegram_usernames(engine: OfflineProfileEngine, line: str, handle: str | None) -> None:
    assert engine.extract_profile(f"Иван Петров\n{line}\n").telegram_username == handle


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("Jane Doe\nPosition: Senior QA Engineer\n", "Senior QA Engineer"),
        ("Иван Петров\nЖелаемая должность: Системный аналитик\n", "Системный аналитик"),
        ("Jane Doe\nObjective\nJunior Data Analyst\n", "Junior Data Analyst"),
        ("Jane Doe\nProduct Manager | Fintech\n", "Product Manager"),
    ],
)
def test_desired_position(engine: OfflineProfileEngine, text: str, position: str) -> None:
    assert engine.extract_profile(text).desired_position == position
