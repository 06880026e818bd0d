"""The seeded world the fake HH serves: one employer, its manager, vacancies, responses and
resumes, as plain dataclasses the tests can read and change directly.

Negotiations move between HH's employer states (`response`, `consider`, `phone_interview`,
`assessment`, `interview`, `offer`, `hired`, `discard_by_employer` — the ids HH's OpenAPI
examples use); each state is also a collection of the same id. The applicant-side `state`
(`response` / `invitation` / `discard`) only changes when the employer sends a message, as HH
documents for `PUT /negotiations/{collection}/{nid}`.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

MSK = timezone(timedelta(hours=3))


def hh_time(moment: datetime) -> str:
    """HH's timestamp format, `2024-02-20T10:24:48+0300` (Moscow time)."""
    return moment.astimezone(MSK).strftime("%Y-%m-%dT%H:%M:%S%z")


@dataclass(frozen=True)
class Stage:
    """An employer state, the collection holding it and the action that moves a response there."""

    id: str
    state_name: str  # employer_state.name / resulting_employer_state.name
    collection_name: str
    action_name: str
    applicant_state: str | None  # what the applicant sees once told (None: unchanged)
    takes_address: bool = False


STAGES: tuple[Stage, ...] = (
    Stage("response", "Отклик", "Все неразобранные", "Отклик", None),
    Stage("consider", "Подумать", "Подумать", "Подумать", None),
    Stage(
        "phone_interview",
        "Тел. интервью",
        "Первичное интервью",
        "Телефонное интервью",
        "invitation",
        takes_address=True,
    ),
    Stage("assessment", "Оценка", "Оценка", "Оценка", "invitation"),
    Stage("interview", "Интервью", "Интервью", "Интервью", "invitation", takes_address=True),
    Stage(
        "offer",
        "Предложение о работе",
        "Предложение о работе",
        "Предложение о работе",
        "invitation",
    ),
    Stage(
        "hired",
        "Выход на работу",
        "Выход на работу",
        "Выход на работу",
        "invitation",
        takes_address=True,
    ),
    Stage("discard_by_employer", "Отказано", "Отказ", "Отказ", "discard"),
)
STAGE = {stage.id: stage for stage in STAGES}
APPLICANT_STATES = {"response": "Отклик", "invitation": "Приглашение", "discard": "Отказ"}
# HH lists the actions of a fresh response in this order (OpenAPI example).
_ACTION_ORDER = (
    "interview",
    "consider",
    "phone_interview",
    "assessment",
    "hired",
    "discard_by_employer",
    "offer",
)


def available_actions(employer_state: str) -> list[Stage]:
    """The stages a negotiation in `employer_state` can be moved to (none once discarded)."""
    if employer_state == "discard_by_employer":
        return []
    return [STAGE[a] for a in _ACTION_ORDER if a != employer_state]


@dataclass(frozen=True)
class Area:
    """A region from HH's `/areas` dictionary."""

    id: str
    name: str


@dataclass
class Employer:
    """The company whose manager authorizes the app."""

    id: str
    name: str


@dataclass
class Manager:
    """The employer's manager: the HH account that goes through OAuth."""

    id: str
    user_id: str
    first_name: str
    last_name: str
    middle_name: str | None
    email: str
    phone: str


@dataclass
class Vacancy:
    """A vacancy of the employer, active or archived."""

    id: str
    name: str
    description: str  # HTML, as HH stores it
    key_skills: list[str]
    area: Area
    salary_from: int | None
    salary_to: int | None
    professional_role: tuple[str, str]
    experience: tuple[str, str]
    schedule: tuple[str, str]
    created_at: datetime
    published_at: datetime
    manager_id: str
    currency: str = "RUR"
    gross: bool = False
    employment: tuple[str, str] = ("full", "Полная занятость")
    archived: bool = False
    archived_at: datetime | None = None
    allow_messages: bool = True

    @property
    def expires_at(self) -> datetime:
        return self.published_at + timedelta(days=30)


@dataclass(frozen=True)
class Phone:
    """A phone as HH splits it: `+7 (916) 123-45-67` is country 7, city 916, number 1234567."""

    country: str
    city: str
    number: str

    @property
    def formatted(self) -> str:
        n = self.number
        return f"+{self.country} ({self.city}) {n[:3]}-{n[3:5]}-{n[5:]}"


@dataclass
class Job:
    """One `experience[]` entry of a resume."""

    company: str
    position: str
    start: date
    end: date | None
    description: str
    area: Area
    company_url: str | None = None


@dataclass
class Study:
    """One `education.primary[]` entry."""

    name: str
    organization: str
    result: str
    year: int


@dataclass
class Resume:
    """A candidate's resume with everything HH shows an employer who may see contacts."""

    id: str
    owner_id: str
    first_name: str
    last_name: str
    middle_name: str | None
    title: str
    gender: str  # "male" | "female"
    birth_date: date
    area: Area
    email: str
    phone: Phone
    skills: str
    skill_set: list[str]
    experience: list[Job]
    education_level: tuple[str, str]
    education: list[Study]
    languages: list[tuple[str, str, str, str]]  # (id, name, level id, level name)
    salary: int | None
    created_at: datetime
    updated_at: datetime
    preferred_contact: str = "cell"  # "cell" | "email"
    phone_comment: str | None = None
    telegram: str | None = None  # a username; shown as a `site` entry (see render.py)
    currency: str = "RUR"
    citizenship: Area = field(default_factory=lambda: Area("113", "Россия"))
    schedules: list[tuple[str, str]] = field(default_factory=lambda: [("fullDay", "Полный день")])

    def age(self, today: date) -> int:
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    def experience_months(self, today: date) -> int:
        """HH's `total_experience.months`: the jobs' spans added up."""
        months = 0
        for job in self.experience:
            end = job.end or today
            months += (end.year - job.start.year) * 12 + end.month - job.start.month
        return months


@dataclass
class Message:
    """One message in a negotiation (a cover letter, an employer's note, a reply)."""

    id: str
    author: str  # "applicant" | "employer"
    text: str | None
    created_at: datetime
    state: str  # applicant state when it was written
    viewed_by_me: bool = True
    viewed_by_opponent: bool = False


@dataclass
class ActionRecord:
    """An action the client performed on a negotiation (for assertions)."""

    negotiation_id: str
    action: str
    from_state: str
    to_state: str
    arguments: dict[str, str]
    at: datetime


@dataclass
class Negotiation:
    """A response of one resume to one vacancy."""

    id: str
    vacancy_id: str
    resume_id: str
    employer_state: str
    state: str
    created_at: datetime
    updated_at: datetime
    messages: list[Message] = field(default_factory=list)
    has_updates: bool = True
    viewed_by_opponent: bool = False
    resume_viewed: bool = False
    source: str = "NEGOTIATION"


@dataclass
class World:
    """Everything the fake HH knows; the server reads it live, tests may edit it."""

    employer: Employer
    manager: Manager
    vacancies: list[Vacancy]
    resumes: dict[str, Resume]
    negotiations: list[Negotiation]
    actions: list[ActionRecord] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _ids: itertools.count[int] = field(
        default_factory=lambda: itertools.count(4_900_000_001), repr=False
    )

    @classmethod
    def sample(
        cls,
        rng_seed: int = 0,
        *,
        vacancies: int = 2,
        responses_per_vacancy: int = 6,
        archived: int = 1,
        now: datetime | None = None,
    ) -> World:
        """A realistic Russian IT employer (see sample.py); the same seed gives the same world."""
        from tests.fakes.hh.sample import build_world

        return build_world(
            rng_seed,
            vacancies=vacancies,
            responses_per_vacancy=responses_per_vacancy,
            archived=archived,
            now=now or datetime.now(UTC),
        )

    def next_id(self) -> str:
        """A fresh numeric id (negotiations, messages, subscriptions share the sequence)."""
        return str(next(self._ids))

    def vacancy(self, vacancy_id: str) -> Vacancy | None:
        return next((v for v in self.vacancies if v.id == vacancy_id), None)

    def negotiation(self, negotiation_id: str) -> Negotiation | None:
        return next((n for n in self.negotiations if n.id == negotiation_id), None)

    def negotiations_of(self, vacancy_id: str, collection: str | None = None) -> list[Negotiation]:
        """Responses to a vacancy, optionally only those in one collection (= employer state)."""
        return [
            n
            for n in self.negotiations
            if n.vacancy_id == vacancy_id and collection in (None, n.employer_state)
        ]

    def add_message(self, n: Negotiation, author: str, text: str | None, now: datetime) -> Message:
        """Append a message; an applicant's makes the response need the employer's attention."""
        with self.lock:
            message = Message(
                self.next_id(),
                author,
                text,
                now,
                "text" if author == "applicant" else n.state,
                viewed_by_me=author == "employer",
                viewed_by_opponent=author == "applicant",
            )
            n.messages.append(message)
            n.updated_at = now
            if author == "applicant":
                n.has_updates = True
            return message

    def apply_action(
        self, n: Negotiation, action: str, arguments: dict[str, str], now: datetime
    ) -> ActionRecord:
        """Move `n` to the action's stage; a `message` also tells the applicant (HH's rule)."""
        with self.lock:
            record = ActionRecord(n.id, action, n.employer_state, action, dict(arguments), now)
            n.employer_state = action
            n.has_updates = False
            if arguments.get("message"):
                self.add_message(n, "employer", arguments["message"], now)
                n.state = STAGE[action].applicant_state or n.state
                n.messages[-1].state = n.state
            n.updated_at = now
            self.actions.append(record)
            return record

    def add_response(
        self,
        vacancy_id: str,
        resume: Resume | None = None,
        *,
        letter: str | None = None,
        now: datetime | None = None,
        rng_seed: int | None = None,
    ) -> Negotiation:
        """A new response to `vacancy_id` (a generated resume unless one is given)."""
        from tests.fakes.hh.sample import make_resume

        now = now or datetime.now(UTC)
        with self.lock:
            vacancy = self.vacancy(vacancy_id)
            if vacancy is None:
                raise KeyError(vacancy_id)
            if resume is None:
                seed = rng_seed if rng_seed is not None else len(self.resumes) + 7919
                resume = make_resume(seed, vacancy, now)
            self.resumes[resume.id] = resume
            n = Negotiation(self.next_id(), vacancy_id, resume.id, "response", "response", now, now)
            n.messages.append(
                Message(
                    self.next_id(),
                    "applicant",
                    letter,
                    now,
                    "response",
                    viewed_by_me=False,
                    viewed_by_opponent=True,
                )
            )
            self.negotiations.append(n)
            return n
