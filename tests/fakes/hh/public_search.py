"""HH's public vacancy search on the fake: `GET /vacancies` (text, area, paging up to 100 a
page and 2,000 deep, as HH's OpenAPI says) and `GET /vacancies/{id}` for any employer's
vacancy, over a catalog of vacancies in Russian and English that tests read and change.

    catalog(hh).get("93010001").description = "<p>Новый текст</p>"   # a re-run sees it
    catalog(hh).refuse_next(1, retry_after_s=1)                      # 429 with Retry-After

No token is needed, as on HH; the server's gate still checks the User-Agent, its rate limit
and `captcha_next`. The route for one vacancy answers the employer world's vacancies too
(`api.vacancy`), so it is included before `api.router`.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request

from tests.fakes.hh import api, render
from tests.fakes.hh.data import MSK, hh_time
from tests.fakes.hh.deps import Fake, int_arg
from tests.fakes.hh.errors import HHError, bad_argument, not_found
from tests.fakes.hh.server import FakeHH

router = APIRouter()
MAX_DEPTH = 2000
# HH's /areas: id → (name, the country it lies in).
AREAS: dict[str, tuple[str, str | None]] = {
    "113": ("Россия", None), "1": ("Москва", "113"), "2": ("Санкт-Петербург", "113"),
    "88": ("Казань", "113"), "40": ("Казахстан", None), "160": ("Алматы", "40"),
    "159": ("Астана", "40"), "16": ("Беларусь", None), "1002": ("Минск", "16"),
}  # fmt: skip
SCHEDULES = {"fullDay": "Полный день", "remote": "Удаленная работа", "flexible": "Гибкий график"}
EMPLOYMENTS = {"full": "Полная занятость", "part": "Частичная занятость",
               "project": "Проектная работа"}  # fmt: skip
EXPERIENCES = {"between1And3": "От 1 года до 3 лет", "between3And6": "От 3 до 6 лет",
               "moreThan6": "Более 6 лет"}  # fmt: skip


@dataclass
class PublicVacancy:
    """Any employer's published vacancy; fields change in place between a search's runs."""

    id: str
    name: str
    employer: str
    area_id: str
    description: str  # HTML, as HH gives it
    key_skills: list[str]
    salary: tuple[int | None, int | None, str, bool] | None = None  # from, to, currency, gross
    schedule: str = "fullDay"
    employment: str = "full"
    experience: str = "between3And6"
    contacts: dict[str, Any] | None = None
    published_at: datetime = field(default_factory=lambda: datetime(2025, 3, 12, 10, tzinfo=MSK))

    @property
    def employer_id(self) -> str:
        return str(4_000_000 + sum(map(ord, self.employer)))

    def text(self) -> str:
        """What the search matches words against."""
        words = [self.name, self.employer, re.sub(r"<[^>]+>", " ", self.description)]
        return " ".join([*words, *self.key_skills]).lower()


def _phone(city: str, number: str, country: str = "7") -> dict[str, Any]:
    digits = re.sub(r"\D", "", number)
    formatted = f"+{country} ({city}) {digits[:3]}-{digits[3:5]}-{digits[5:]}"
    return {"country": country, "city": city, "number": number, "comment": None,
            "formatted": formatted}  # fmt: skip


def sample_vacancies() -> list[PublicVacancy]:
    """Ten vacancies of other companies: Python ones in Moscow, Saint Petersburg, Almaty and
    Minsk, some with contacts, in Russian and English."""
    return [
        PublicVacancy(
            "93010001", "Senior Python-разработчик (FastAPI)", "Северный Код", "1",
            "<p><strong>Северный Код</strong> делает платёжную платформу для 40 банков.</p>"
            "<p>Задачи:</p><ul><li>Проектировать сервисы на Python и FastAPI</li>"
            "<li>Развивать схемы PostgreSQL и очереди Kafka</li></ul>"
            "<p>Условия: удалённо, оформление по ТК РФ.</p>",
            ["Python", "FastAPI", "PostgreSQL", "Kafka"], (350_000, 450_000, "RUR", False),
            schedule="remote", experience="moreThan6",
            contacts={"name": "Анна Смирнова", "email": "hr@severcode.ru",
                      "phones": [_phone("495", "1234567")]},
        ),
        PublicVacancy(
            "93010002", "Python Backend Engineer (English-speaking team)", "Volga Analytics",
            "2",
            "<p>Volga Analytics builds demand forecasting for retailers.</p>"
            "<p>You will:</p><ul><li>Own Python services on Django and Celery</li>"
            "<li>Tune ClickHouse queries</li></ul><p>Remote-first, English at work.</p>",
            ["Python", "Django", "ClickHouse"], (4_000, 6_000, "USD", False), schedule="remote",
            contacts={"name": "Maria Ivanova", "email": "talent@volga-analytics.com",
                      "phones": []},
        ),
        PublicVacancy(
            "93010003", "Java-разработчик", "ТехноСфера", "88",
            "<p>Разработка банковского ядра на Java 21 и Spring Boot.</p>",
            ["Java", "Spring Boot"], (250_000, None, "RUR", True),
        ),
        PublicVacancy(
            "93010004", "Data Engineer (Airflow, Spark, Python)", "Steppe Data", "160",
            "<p>Pipelines for a telecom: Airflow, Spark and Python.</p>"
            "<ul><li>Batch and streaming ETL</li><li>Data quality checks</li></ul>",
            ["Python", "Airflow", "Spark"], (1_500_000, 2_000_000, "KZT", True),
            experience="between1And3",
        ),
        PublicVacancy(
            "93010005", "Frontend-разработчик (React)", "Минская Студия", "1002",
            "<p>Интерфейсы для логистики на React и TypeScript.</p>",
            ["React", "TypeScript"], (5_000, 7_000, "BYR", False), schedule="flexible",
        ),
        PublicVacancy(
            "93010006", "QA Automation Engineer (Python, Playwright)", "Северный Код", "1",
            "<p>Автотесты на Python и Playwright, CI в GitLab.</p>",
            ["Python", "Playwright", "pytest"], None, experience="between1And3",
            contacts={"name": "Игорь Петров", "email": None, "phones": []},
        ),
        PublicVacancy(
            "93010007", "Go-разработчик", "Облако Плюс", "1",
            "<p>Высоконагруженные сервисы на Go, gRPC и Kubernetes.</p>",
            ["Go", "gRPC", "Kubernetes"], (300_000, 400_000, "RUR", True), schedule="flexible",
        ),
        PublicVacancy(
            "93010008", "DevOps-инженер (Kubernetes)", "Steppe Data", "159",
            "<p>Kubernetes, Terraform, наблюдаемость.</p>",
            ["Kubernetes", "Terraform"], (1_200_000, None, "KZT", False), schedule="remote",
        ),
        PublicVacancy(
            "93010009", "Python-разработчик (Django)", "Минская Студия", "1002",
            "<p>Бэкенд маркетплейса на Python и Django REST framework.</p>",
            ["Python", "Django"], (2_500, 3_500, "USD", False),
            contacts={"name": "Ольга Ковалёва", "email": "jobs@minsk-studio.by",
                      "phones": [_phone("17", "2223344", "375")]},
        ),
        PublicVacancy(
            "93010010", "ML Engineer (LLM)", "Облако Плюс", "1",
            "<p>Fine-tune and serve LLMs in Python (PyTorch, vLLM).</p>",
            ["Python", "PyTorch", "LLM"], None, schedule="remote", experience="moreThan6",
        ),
    ]  # fmt: skip


class PublicCatalog:
    """The vacancies the public search finds, and the knobs and records of its routes."""

    def __init__(self, vacancies: list[PublicVacancy]) -> None:
        self.vacancies = {v.id: v for v in vacancies}
        self.served: list[tuple[float, str, int]] = []  # (monotonic time, path, status)
        self._refusals: list[float] = []
        self._lock = threading.Lock()

    def get(self, vacancy_id: str) -> PublicVacancy:
        return self.vacancies[vacancy_id]

    def add(self, vacancy: PublicVacancy) -> None:
        self.vacancies[vacancy.id] = vacancy

    def remove(self, vacancy_id: str) -> None:
        self.vacancies.pop(vacancy_id, None)

    def refuse_next(self, times: int = 1, *, retry_after_s: float = 1) -> None:
        """The next `times` search or vacancy requests answer 429 with `Retry-After`."""
        with self._lock:
            self._refusals.extend([retry_after_s] * times)

    def matching(self, text: str, areas: list[str]) -> list[PublicVacancy]:
        """Every word of `text` somewhere in the vacancy, in one of `areas` (a country holds
        its cities); newest first, as HH orders by date."""
        words = re.findall(r"\w+", text.lower())
        found = [
            v for v in self.vacancies.values()
            if all(w in v.text() for w in words)
            and (not areas or v.area_id in areas or AREAS.get(v.area_id, ("", None))[1] in areas)
        ]  # fmt: skip
        return sorted(found, key=lambda v: (v.published_at, v.id), reverse=True)

    def gate(self, path: str) -> None:
        """Record the request; raise the 429 a test asked for."""
        with self._lock:
            wait = self._refusals.pop(0) if self._refusals else None
            self.served.append((time.monotonic(), path, 429 if wait is not None else 200))
        if wait is not None:
            raise HHError(429, "too_many_requests", headers={"Retry-After": f"{wait:g}"})


def catalog(hh: FakeHH) -> PublicCatalog:
    """The fake's catalog (the sample, made on first use)."""
    state = hh.app.state
    if getattr(state, "public_catalog", None) is None:
        state.public_catalog = PublicCatalog(sample_vacancies())
    return state.public_catalog  # type: ignore[no-any-return]


def _area(area_id: str, base: str) -> dict[str, str]:
    return {"id": area_id, "name": AREAS[area_id][0], "url": f"{base}/areas/{area_id}"}


def _salary(v: PublicVacancy) -> dict[str, Any] | None:
    if v.salary is None:
        return None
    low, high, currency, gross = v.salary
    return {"from": low, "to": high, "currency": currency, "gross": gross}


def _short(v: PublicVacancy, base: str) -> dict[str, Any]:
    """An item of `GET /vacancies` (VacanciesVacancies in HH's OpenAPI)."""
    items = re.findall(r"<li>(.*?)</li>", v.description)
    first = re.sub(r"<[^>]+>", "", re.split(r"</p>", v.description)[0])
    return {
        "id": v.id, "premium": False, "name": v.name, "department": None, "has_test": False,
        "response_letter_required": False, "area": _area(v.area_id, base),
        "salary": _salary(v), "type": {"id": "open", "name": "Открытая"}, "address": None,
        "response_url": None, "sort_point_distance": None,
        "published_at": hh_time(v.published_at), "created_at": hh_time(v.published_at),
        "archived": False,
        "apply_alternate_url": f"https://hh.ru/applicant/vacancy_response?vacancyId={v.id}",
        "insider_interview": None, "url": f"{base}/vacancies/{v.id}",
        "alternate_url": f"https://hh.ru/vacancy/{v.id}", "relations": [],
        "employer": {
            "id": v.employer_id, "name": v.employer, "url": f"{base}/employers/{v.employer_id}",
            "alternate_url": f"https://hh.ru/employer/{v.employer_id}", "logo_urls": None,
            "vacancies_url": f"{base}/vacancies?employer_id={v.employer_id}",
            "accredited_it_employer": True, "trusted": True,
        },
        "snippet": {"requirement": re.sub(r"<[^>]+>", "", items[0]) if items else None,
                    "responsibility": first or None},
        "contacts": None, "schedule": render.id_name((v.schedule, SCHEDULES[v.schedule])),
        "working_days": [], "working_time_intervals": [], "working_time_modes": [],
        "accept_temporary": False, "accept_incomplete_resumes": False,
        "professional_roles": [{"id": "96", "name": "Программист, разработчик"}],
        "experience": render.id_name((v.experience, EXPERIENCES[v.experience])),
        "employment": render.id_name((v.employment, EMPLOYMENTS[v.employment])),
    }  # fmt: skip


def _full(v: PublicVacancy, base: str) -> dict[str, Any]:
    """`GET /vacancies/{id}` (VacanciesVacancyForApplicant): the item plus the text, skills,
    contacts (when the employer shows them) and the remaining terms."""
    full = _short(v, base)
    full.pop("snippet")
    full.update({
        "description": v.description, "branded_description": None,
        "key_skills": [{"name": s} for s in v.key_skills], "contacts": v.contacts,
        "allow_messages": True, "accept_handicapped": False, "accept_kids": False,
        "code": None, "hidden": False, "quick_responses_allowed": False,
        "driver_license_types": [], "languages": [], "test": None, "video_vacancy": None,
        "billing_type": {"id": "standard", "name": "Стандарт"},
        "initial_created_at": hh_time(v.published_at),
        "expires_at": hh_time(v.published_at + timedelta(days=30)),
    })  # fmt: skip
    return full


@router.get("/vacancies")
async def search(request: Request, hh: Fake) -> dict[str, Any]:
    """Vacancies matching `text` in `area` (repeatable); no token needed."""
    public = catalog(hh)
    public.gate("/vacancies")
    per_page = int_arg(request, "per_page", 10, maximum=100)
    page_no = int_arg(request, "page", 0)
    if per_page == 0:
        raise bad_argument("per_page")
    if (page_no + 1) * per_page > MAX_DEPTH:  # HH lists no deeper than 2,000 vacancies
        raise bad_argument("page")
    areas = request.query_params.getlist("area")
    if any(a not in AREAS for a in areas):
        raise bad_argument("area")
    found = [_short(v, hh.api_url) for v in public.matching(request.query_params.get("text", ""),
                                                            areas)]  # fmt: skip
    here = f"https://hh.ru/search/vacancy?{urlencode(request.query_params.multi_items())}"
    return render.page(found, page_no, per_page, clusters=None, arguments=None, fixes=None,
                       suggests=None, alternate_url=here)  # fmt: skip


@router.get("/vacancies/{vacancy_id}")
async def vacancy(vacancy_id: str, hh: Fake) -> dict[str, Any]:
    """A vacancy of the catalog, else one of the employer world's (`api.vacancy`)."""
    public = catalog(hh)
    if vacancy_id not in public.vacancies:
        if hh.world.vacancy(vacancy_id) is None:
            raise not_found()
        return await api.vacancy(vacancy_id, hh)
    public.gate(f"/vacancies/{vacancy_id}")
    return _full(public.get(vacancy_id), hh.api_url)
