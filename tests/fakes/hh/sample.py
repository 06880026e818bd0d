"""A seeded, realistic HH world: a Russian IT employer with Python/QA/... vacancies and
responses from candidates with Russian names, +7 phones, e-mails and sometimes a Telegram.

Deterministic for a given seed and `now`, so tests can rely on counts and shapes; names and
numbers are invented (phones use the 9xx mobile range, e-mails well-known Russian domains).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from tests.fakes.hh.data import (
    Employer,
    Job,
    Manager,
    Message,
    Negotiation,
    Phone,
    Resume,
    Study,
    Vacancy,
    World,
)
from tests.fakes.hh.sample_catalog import (
    AREAS,
    COMPANIES,
    COVER_LETTERS,
    FEMALE_NAMES,
    MALE_NAMES,
    ROLES,
    SURNAMES,
    UNIVERSITIES,
    Role,
    translit,
)

MOSCOW = AREAS[0]
# How a sample vacancy's responses spread over the stages (the rest stay unprocessed).
_LATER_STAGES = ("consider", "phone_interview", "interview", "discard_by_employer")


def build_world(
    seed: int, *, vacancies: int, responses_per_vacancy: int, archived: int, now: datetime
) -> World:
    """The employer, its manager, `vacancies` active + `archived` archived vacancies, responses."""
    rng = random.Random(seed)
    employer = Employer(str(rng.randint(1_000_000, 9_999_999)), "ООО «Цифровые решения»")
    manager = Manager(
        str(rng.randint(10_000_000, 99_999_999)),
        str(rng.randint(100_000_000, 199_999_999)),
        "Анна",
        "Соколова",
        "Игоревна",
        "a.sokolova@digital-solutions.ru",
        "+7 (495) 640-12-34",
    )
    world = World(employer, manager, [], {}, [])
    for i in range(vacancies + archived):
        role = ROLES[i % len(ROLES)]
        vacancy = _vacancy(rng, role, manager.id, now, archived=i >= vacancies)
        world.vacancies.append(vacancy)
        count = responses_per_vacancy if i < vacancies else min(2, responses_per_vacancy)
        for j in range(count):
            _respond(world, rng, vacancy, now, j, count)
    return world


def _vacancy(
    rng: random.Random, role: Role, manager_id: str, now: datetime, *, archived: bool
) -> Vacancy:
    age_days = rng.randint(40, 90) if archived else rng.randint(3, 20)
    created = (now - timedelta(days=age_days)).replace(microsecond=0)
    area = MOSCOW if rng.random() < 0.7 else rng.choice(AREAS[1:])
    return Vacancy(
        id=str(rng.randint(100_000_000, 129_999_999)),
        name=role.vacancy_title,
        description=_description(role),
        key_skills=list(role.key_skills),
        area=area,
        salary_from=role.salary[0],
        salary_to=role.salary[1] if rng.random() < 0.6 else None,
        professional_role=role.professional_role,
        experience=role.experience,
        schedule=rng.choice(
            [
                ("remote", "Удаленная работа"),
                ("fullDay", "Полный день"),
                ("flexible", "Гибкий график"),
            ]
        ),
        created_at=created,
        published_at=created + timedelta(minutes=rng.randint(1, 40)),
        manager_id=manager_id,
        archived=archived,
        archived_at=created + timedelta(days=30) if archived else None,
    )


def _description(role: Role) -> str:
    def section(title: str, items: tuple[str, ...]) -> str:
        lis = "".join(f"<li>{item}</li>" for item in items)
        return f"<p><strong>{title}</strong></p><ul>{lis}</ul>"

    return (
        f"<p>{role.intro}</p>"
        + section("Обязанности:", role.duties)
        + section("Требования:", role.requirements)
        + section("Условия:", role.conditions)
    )


def _respond(
    world: World, rng: random.Random, vacancy: Vacancy, now: datetime, j: int, count: int
) -> None:
    """One seeded response; about the first 60% stay unprocessed, the rest are spread out."""
    seed = rng.randint(0, 2**31)
    created = vacancy.published_at + (now - vacancy.published_at) * rng.uniform(0.05, 0.95)
    created = created.replace(microsecond=0)
    resume = make_resume(seed, vacancy, created)
    world.resumes[resume.id] = resume
    stage = "response" if j < max(1, round(count * 0.6)) else rng.choice(_LATER_STAGES)
    if vacancy.archived:
        stage = rng.choice(("hired", "discard_by_employer"))
    applicant_state = {
        "response": "response",
        "consider": "response",
        "discard_by_employer": "discard",
    }.get(stage, "invitation")
    letter = rng.choice(COVER_LETTERS) if rng.random() < 0.6 else None
    n = Negotiation(
        world.next_id(),
        vacancy.id,
        resume.id,
        stage,
        applicant_state,
        created,
        created,
        has_updates=stage == "response",
    )
    n.messages.append(
        Message(
            world.next_id(),
            "applicant",
            letter,
            created,
            "response",
            viewed_by_me=stage != "response",
            viewed_by_opponent=True,
        )
    )
    if stage != "response":
        later = created + timedelta(hours=rng.randint(2, 48))
        n.updated_at = min(later, now)
        n.resume_viewed = True
    world.negotiations.append(n)


def make_resume(seed: int, vacancy: Vacancy, now: datetime) -> Resume:
    """A candidate for `vacancy`'s role: name, contacts, jobs, education, skills."""
    rng = random.Random(seed)
    role = next((r for r in ROLES if r.vacancy_title == vacancy.name), ROLES[0])
    gender = "male" if rng.random() < 0.65 else "female"
    first, middle = rng.choice(MALE_NAMES if gender == "male" else FEMALE_NAMES)
    male_surname, female_surname = rng.choice(SURNAMES)
    last = male_surname if gender == "male" else female_surname
    login = f"{translit(first)}.{translit(last)}{rng.choice(['', str(rng.randint(1, 99))])}"
    today = now.date()
    years = rng.randint(1, 9)
    birth = date(
        today.year - 22 - years - rng.randint(0, 8), rng.randint(1, 12), rng.randint(1, 28)
    )
    return Resume(
        id=f"{rng.getrandbits(152):038x}",
        owner_id=str(rng.randint(10_000_000, 99_999_999)),
        first_name=first,
        last_name=last,
        middle_name=middle if rng.random() < 0.85 else None,
        title=rng.choice(role.resume_titles),
        gender=gender,
        birth_date=birth,
        area=vacancy.area if rng.random() < 0.8 else rng.choice(AREAS),
        email=f"{login}@{rng.choice(['gmail.com', 'yandex.ru', 'mail.ru', 'bk.ru'])}",
        phone=Phone("7", f"9{rng.randint(0, 99):02d}", f"{rng.randint(0, 9_999_999):07d}"),
        skills=rng.choice(role.about),
        skill_set=rng.sample(list(role.skill_pool), k=min(len(role.skill_pool), rng.randint(5, 9))),
        experience=_jobs(rng, role, today, years),
        education_level=("higher", "Высшее"),
        education=[_study(rng, birth)],
        languages=[
            ("rus", "Русский", "l1", "Родной"),
            (
                "eng",
                "Английский",
                *rng.choice(
                    [
                        ("a2", "A2 — Элементарный"),
                        ("b1", "B1 — Средний"),
                        ("b2", "B2 — Средне-продвинутый"),
                    ]
                ),
            ),
        ],
        salary=round(rng.randint(role.salary[0], role.salary[1] + 80_000), -4),
        created_at=now - timedelta(days=rng.randint(30, 900)),
        updated_at=now - timedelta(days=rng.randint(0, 20)),
        preferred_contact="cell" if rng.random() < 0.75 else "email",
        phone_comment=rng.choice([None, None, "Лучше писать в Telegram", "Звонить после 18:00"]),
        telegram=f"{translit(first)}_{translit(last)}".lower() if rng.random() < 0.45 else None,
    )


def _jobs(rng: random.Random, role: Role, today: date, years: int) -> list[Job]:
    """1–3 jobs back to back, newest first, covering about `years` years."""
    jobs: list[Job] = []
    end: date | None = None if rng.random() < 0.7 else today - timedelta(days=rng.randint(20, 90))
    months_left = years * 12
    for k in range(rng.randint(1, 3)):
        span = months_left if k == 2 else max(6, rng.randint(months_left // 3, months_left))
        months_left = max(6, months_left - span)
        start = _months_before(end or today, span)
        company, url = rng.choice(COMPANIES)
        jobs.append(
            Job(
                company,
                rng.choice(role.positions),
                start,
                end,
                rng.choice(role.job_descriptions),
                rng.choice(AREAS[:3]),
                url,
            )
        )
        end = start - timedelta(days=rng.randint(1, 60))
    return jobs


def _months_before(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 - months
    return date(total // 12, total % 12 + 1, 1)


def _study(rng: random.Random, birth: date) -> Study:
    name, organization, result = rng.choice(UNIVERSITIES)
    return Study(name, organization, result, birth.year + 22 + rng.randint(0, 2))
