"""Texts for the demo workspace's month of history: three more vacancies and a generator of
plausible resumes (English and Russian) for people of several trades, so rankings differ by
vacancy and the dashboard's funnels have strong, middling and weak applicants."""

from __future__ import annotations

import random
from dataclasses import dataclass

QA_VACANCY = """QA Automation Engineer

We test a payments platform that moves money for 2,000 shops.

Requirements:
- Test automation in Python with pytest
- Playwright or Selenium for UI tests
- API testing (REST), SQL
- CI pipelines (GitLab CI or GitHub Actions)
- 2+ years in QA automation

Nice to have:
- Load testing (k6 or Locust)
- Docker

Remote.
"""

SALES_VACANCY = """Менеджер по продажам B2B

Продаём SaaS для логистики средним и крупным компаниям.

Требования:
- опыт B2B продаж от 3 лет
- ведение сделок в CRM (amoCRM или Битрикс24)
- переговоры с лицами, принимающими решения
- холодные звонки и презентации

Будет плюсом:
- продажи IT-продуктов
- английский B1

Москва, офис.
"""

DEVOPS_VACANCY = """DevOps Engineer

Our platform team runs 40 services for a logistics marketplace.

Requirements:
- Kubernetes and Docker in production
- Terraform, Ansible
- Linux administration
- CI/CD (GitLab CI)
- Prometheus and Grafana monitoring
- 3+ years as DevOps or SRE

Nice to have:
- AWS or Yandex Cloud
- Python or Go scripting

Remote or Belgrade office.
"""

HISTORY_VACANCIES = [
    ("QA Automation Engineer", QA_VACANCY),
    ("Менеджер по продажам B2B", SALES_VACANCY),
    ("DevOps Engineer", DEVOPS_VACANCY),
]


@dataclass(frozen=True)
class Trade:
    """A kind of person: the titles they hold and the skills they list."""

    language: str
    titles: tuple[str, ...]
    skills: tuple[str, ...]
    duties: tuple[str, ...]


TRADES = [
    Trade("en", ("Backend Developer", "Python Developer", "Software Engineer"),
          ("Python", "FastAPI", "Django", "PostgreSQL", "Docker", "Redis", "Celery", "Kubernetes",
           "asyncio", "REST API", "Git"),
          ("Built REST APIs on FastAPI and PostgreSQL.", "Moved background jobs to Celery.",
           "Cut the slowest query from 3 s to 200 ms with indexes.")),
    Trade("en", ("QA Automation Engineer", "Test Engineer", "SDET"),
          ("Python", "pytest", "Playwright", "Selenium", "SQL", "REST API", "GitLab CI",
           "Docker", "Locust", "Jira"),
          ("Wrote 600 UI tests in Playwright.", "Set up API tests in pytest for 30 services.",
           "Ran load tests in Locust before every release.")),
    Trade("en", ("DevOps Engineer", "Site Reliability Engineer", "Systems Administrator"),
          ("Kubernetes", "Docker", "Terraform", "Ansible", "Linux", "GitLab CI", "Prometheus",
           "Grafana", "AWS", "Python", "Go"),
          ("Moved 25 services to Kubernetes.", "Wrote Terraform modules for AWS.",
           "Built alerting on Prometheus and Grafana.")),
    Trade("en", ("Frontend Developer", "UI Engineer"),
          ("JavaScript", "TypeScript", "React", "CSS", "Node.js", "Git"),
          ("Built single-page apps in React.", "Moved the design system to TypeScript.")),
    Trade("ru", ("Аналитик данных", "Продуктовый аналитик", "BI-аналитик"),
          ("SQL", "Python", "pandas", "Superset", "Power BI", "ClickHouse", "A/B тесты", "Excel"),
          ("Считала метрики удержания на SQL.", "Провела 30 A/B тестов.",
           "Собрала дашборды в Superset для руководства.")),
    Trade("ru", ("Менеджер по продажам", "Менеджер по работе с клиентами", "Аккаунт-менеджер"),
          ("B2B продажи", "amoCRM", "Битрикс24", "переговоры", "холодные звонки", "презентации",
           "Excel"),
          ("Закрывал сделки с сетями до 20 млн рублей.", "Вёл 60 клиентов в amoCRM.",
           "Делал 40 холодных звонков в день и назначал встречи.")),
    Trade("ru", ("Бухгалтер", "Главный бухгалтер"),
          ("1С", "Excel", "бухгалтерский учёт", "налоговая отчётность"),
          ("Вела учёт и сдавала отчётность в 1С.", "Закрывала месяц за три дня.")),
]  # fmt: skip

FIRST_EN = ("Olivia", "Liam", "Emma", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Sofia", "Leo",
            "Chloe", "Adam", "Grace", "Daniel", "Ella", "Max")  # fmt: skip
LAST_EN = ("Walker", "Hughes", "Bennett", "Foster", "Reed", "Porter", "Hayes", "Ward", "Cole",
           "Price", "Grant", "Fisher")  # fmt: skip
NAMES_RU = (
    ("Алексей", "Смирнов"), ("Екатерина", "Волкова"), ("Дмитрий", "Козлов"),
    ("Ольга", "Новикова"), ("Сергей", "Морозов"), ("Анна", "Лебедева"), ("Павел", "Соколов"),
    ("Наталья", "Попова"), ("Игорь", "Васильев"), ("Юлия", "Фёдорова"), ("Артём", "Михайлов"),
    ("Ксения", "Алексеева"),
)  # fmt: skip
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip
MONTHS_RU = ("Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август",
             "Сентябрь", "Октябрь", "Ноябрь", "Декабрь")  # fmt: skip
COMPANIES = ("Northwind", "Contoso", "Fabrikam", "Initech", "Umbrella", "Globex", "Hooli")


def resume(rng: random.Random, index: int) -> tuple[str, str, str]:
    """(file name, text, language) of the `index`-th history resume."""
    trade = TRADES[index % len(TRADES)]
    years = rng.choice((1, 2, 3, 4, 5, 6, 8, 10))
    skills = rng.sample(trade.skills, k=min(len(trade.skills), rng.randint(3, 7)))
    title = rng.choice(trade.titles)
    start_year, month = 2026 - years, rng.randrange(12)
    company, earlier = rng.sample(COMPANIES, 2)
    duty = rng.choice(trade.duties)
    if trade.language == "en":
        first, last = rng.choice(FIRST_EN), rng.choice(LAST_EN)
        text = (
            f"{first} {last}\nEmail: {first.lower()}.{last.lower()}{index}@example.com\n"
            f"Phone: +44 20 7946 {1000 + index:04d}\n\n{title}\n\nExperience\n"
            f"{company} — {title}\n{MONTHS_EN[month]} {start_year} - Present\n{duty}\n\n"
            f"{earlier} — Junior {trade.titles[0]}\n{MONTHS_EN[month]} {start_year - 1} - "
            f"{MONTHS_EN[month]} {start_year}\nSupport and small features.\n\n"
            f"Skills\n{', '.join(skills)}\n\nLanguages\nEnglish — native\n"
        )
        return f"{first.lower()}-{last.lower()}-{index}.txt", text, "en"
    first, last = rng.choice(NAMES_RU)
    text = (
        f"{last} {first}\nТелефон: +7 (916) {index:03d}-{rng.randrange(100):02d}-"
        f"{rng.randrange(100):02d}\nПочта: user{index}@example.ru\nГород: Москва\n\n"
        f"Желаемая должность: {title}\n\nОпыт работы\n{company} — {title}\n"
        f"{MONTHS_RU[month]} {start_year} — настоящее время\n{duty}\n\n"
        f"Ключевые навыки\n{', '.join(skills)}\n\nЗнание языков\nРусский — родной\n"
    )
    return f"resume-{index}.txt", text, "ru"
