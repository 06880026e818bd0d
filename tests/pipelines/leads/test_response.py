"""Drafting lead responses: Russian and English, both template families, the booking link, the
channel, the LLM path against a local OpenAI-protocol server and its fallback."""

from __future__ import annotations

import itertools
import re
import uuid
from datetime import date, timedelta
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from pydantic import SecretStr

from db import bench, lead_responses, lead_variants, leadgen_profiles, leads
from db.lead_responses import ResponseLocked
from db.pool import transaction
from db.settings import Settings
from db.workspaces import Workspace
from pipelines.leads.response import draft_response
from pipelines.leads.response_texts import (
    BOOKING_PLACEHOLDER,
    Person,
    ResponseContext,
    fill_booking_link,
    render,
)
from tests.db import factories
from tests.fakes.openai_server import FakeOpenAI

EN_TEXT = """Acme Analytics is looking for a Senior Python Developer.
Requirements: Python, Django, PostgreSQL, Kubernetes. 5+ years.
Goals: cut the p95 API latency to 200 ms."""
RU_TEXT = """Ромашка ищет Python-разработчика в команду платформы.
Требования: Python, Django, PostgreSQL, Kubernetes. Опыт от 5 лет.
Задачи: сократить время ответа API до 200 мс. Старт как можно скорее."""
# As pipelines/leads/fit.py writes them: notes for the owner, never to be quoted to a client.
OWNER_NOTES = [
    {"code": "bench", "points": 18, "max": 20,
     "text": {"en": "best bench match: Anna Petrova (91)",
              "ru": "лучший кандидат со скамейки: Петрова Анна (91)"}},
    {"code": "budget_ok", "points": 10, "max": 10,
     "text": {"en": "budget $60 vs your rate from $40",
              "ru": "бюджет $60 при вашей ставке от $40"}},
]  # fmt: skip
FULL_STACK = {"code": "stack", "points": 40, "max": 40,
              "text": {"en": "covers 4 of 4 must-have skills",
                       "ru": "закрываем 4 из 4 обязательных навыков"}}  # fmt: skip
PARTIAL_STACK = {
    **FULL_STACK,
    "points": 30,
    "text": {
        "en": "covers 3 of 4 must-have skills; missing Kubernetes",
        "ru": "закрываем 3 из 4 обязательных навыков; нет: Kubernetes",
    },
}


def assert_clean(body: str) -> None:
    """No unfilled slot, no blank line from missing data, no dangling punctuation."""
    assert not re.search(r"[{}]", body.replace(BOOKING_PLACEHOLDER, "")), body
    assert body == body.strip() and "\n\n\n" not in body, body
    lines = body.split("\n")
    for i, line in enumerate(lines):
        assert line == line.strip(), repr(line)
        assert "  " not in line and not re.search(r"\s[,.;:!?]|,,|\.\.|\(\)|«»|None", line), line
        if line.endswith(":"):  # a lead-in is followed by its list
            assert i + 1 < len(lines) and re.match(r"(– |1\. )", lines[i + 1]), body


def _questions(body: str) -> list[str]:
    return re.findall(r"^\d\. (.+\?)$", body, re.M)


@pytest.fixture(scope="module")
def ws(pool: ConnectionPool) -> dict[str, Any]:
    """A workspace with a profile, a bench of two and the default variants."""
    workspace = factories.workspace(pool)
    with transaction(pool, workspace_id=workspace.id) as conn:
        leadgen_profiles.save_profile(
            conn,
            workspace_id=workspace.id,
            updated_by=None,
            variant_policy="fixed",
            pitch="We are a team of 40 engineers working with product companies since 2015.",
            sender_name="Maria Ivanova",
            booking_url="https://cal.example.com/maria",
        )
        anna = factories.candidate(conn, workspace, full_name="Petrova Anna Sergeevna")
        boris = factories.candidate(conn, workspace, full_name="Boris Smirnov")
        bench.add_member(
            conn,
            workspace_id=workspace.id,
            candidate_id=anna.id,
            headline="Senior Python developer",
        )
        bench.add_member(
            conn,
            workspace_id=workspace.id,
            candidate_id=boris.id,
            headline="Python developer",
            available_from=date.today() + timedelta(days=30),
        )
        variants = {
            v.name: v for v in lead_variants.ensure_defaults(conn, workspace_id=workspace.id)
        }
    return {"ws": workspace, "anna": anna.id, "boris": boris.id, "variants": variants}


def _matches(ws: dict[str, Any], anna_name: str) -> list[dict[str, Any]]:
    return [
        {
            "candidate_id": ws["boris"],
            "name": "Boris Smirnov",
            "headline": "Python developer",
            "score": 0.52,
            "matched": ["Python"],
            "missing": ["Django"],
            "years": 3,
        },
        {
            "candidate_id": ws["anna"],
            "name": anna_name,
            "headline": "Senior Python developer",
            "score": 0.91,
            "matched": ["Python", "Django", "PostgreSQL"],
            "missing": ["Kubernetes"],
            "years": 7.4,
        },
    ]


def _lead(
    conn: psycopg.Connection,
    workspace: Workspace,
    *,
    source: str,
    title: str,
    company: str | None,
    text: str,
    contact: dict[str, Any] | None = None,
    analysis: dict[str, Any] | None = None,
    language: str | None = None,
    matches: list[dict[str, Any]] | None = None,
    variant: lead_variants.Variant | None = None,
    reasons: list[dict[str, Any]] | None = None,
) -> int:
    lead, _ = leads.upsert_lead(
        conn,
        workspace_id=workspace.id,
        source=source,
        external_id=uuid.uuid4().hex,
        title=title,
        company=company,
        contact=contact,
        description=text,
    )
    if analysis is not None or matches:
        leads.save_analysis(
            conn,
            lead_id=lead.id,
            language=language,
            analysis=analysis or {},
            fit_score=80,
            fit_reasons=reasons or [],
            bench_matches=matches or [],
            dedupe_key=None,
        )
    if variant is not None:
        leads.set_variant(conn, lead_id=lead.id, variant_id=variant.id)
    leads.set_status(conn, lead_id=lead.id, status="qualified")
    return lead.id


def _en_lead(pool: ConnectionPool, ws: dict[str, Any], variant: str = "direct") -> int:
    with transaction(pool, workspace_id=ws["ws"].id) as conn:
        return _lead(
            conn,
            ws["ws"],
            source="djinni",
            title="Senior Python Developer",
            company="Acme Analytics",
            text=EN_TEXT,
            language="en",
            analysis={
                "kpis": ["Cut the p95 API latency to 200 ms."],
                "requirements": {"min_years": 5.0},
                "budget": None,
                "timeline": {"asap": False, "start": None, "duration": None},
                "contact": {"name": "John Carter", "emails": ["jobs@acme.io"]},
            },
            matches=_matches(ws, "Anna Petrova"),
            variant=ws["variants"][variant],
            reasons=[FULL_STACK, *OWNER_NOTES],
        )


def test_english_direct_response_names_the_best_bench_person(
    pool: ConnectionPool, settings: Settings, ws: dict[str, Any]
) -> None:
    lead_id = _en_lead(pool, ws)
    response = draft_response(pool, settings, ws["ws"].id, lead_id)
    body = response.body
    assert_clean(body)
    assert (response.language, response.engine, response.status) == ("en", "offline", "draft")
    assert (response.channel, response.recipient, response.subject) == ("djinni", None, "")
    assert response.variant_id == ws["variants"]["direct"].id
    assert body.startswith(
        "Hello, John!\n\nFor your Senior Python Developer role at Acme Analytics"
    )
    assert "Anna" in body and "Petrova" not in body and "Boris" not in body
    assert "7 years of experience" in body and "Python, Django and PostgreSQL" in body
    assert "Available to start right away." in body
    assert "– Our team covers all the must-have skills of the vacancy\n" in body
    assert "– 7 years of experience, with 5+ years required\n" in body
    assert "your rate" not in body and "covers 4 of 4" not in body and "(91)" not in body
    # the plain link is filled in at sending, tagged with the lead (pipelines/leads/sending.py)
    assert "We are a team of 40 engineers" in body and body.count(BOOKING_PLACEHOLDER) == 1
    assert "https://cal.example.com/maria" in fill_booking_link(
        body, "https://cal.example.com/maria"
    )
    assert body.endswith("Best regards,\nMaria Ivanova")
    asked = _questions(body)
    assert len(asked) == 3 and "Kubernetes" in asked[0]  # what Anna lacks comes first
    assert any("budget" in q for q in asked)  # the vacancy names none
    # The direct style leads with the person; the questions come after.
    assert body.index("Anna") < body.index(asked[0])
    with transaction(pool, workspace_id=ws["ws"].id) as conn:
        note = [e for e in leads.list_events(conn, lead_id=lead_id) if e.kind == "note"][-1]
    assert (
        note.actor_user_id is None and note.body == "response drafted (direct v1, engine offline)"
    )
    assert note.data == {
        "response_id": response.id,
        "variant_id": response.variant_id,
        "engine": "offline",
    }


def test_russian_consultative_response_by_email(
    pool: ConnectionPool, settings: Settings, ws: dict[str, Any]
) -> None:
    with transaction(pool, workspace_id=ws["ws"].id) as conn:
        lead_id = _lead(
            conn,
            ws["ws"],
            source="company_site",
            title="Python-разработчик",
            company="Ромашка",
            text=RU_TEXT,
            contact={"email": "hr@romashka.ru"},
            analysis={
                "kpis": ["Сократить время ответа API до 200 мс"],
                "requirements": {"min_years": 5},
                "budget": {"min": 300000, "max": 400000, "currency": "RUB"},
                "timeline": {"asap": True},
                "contact": {"name": "Ольга Смирнова"},
            },
            matches=_matches(ws, "Петрова Анна Сергеевна"),
            variant=ws["variants"]["consultative"],
            reasons=[PARTIAL_STACK, *OWNER_NOTES],
        )
    response = draft_response(pool, settings, ws["ws"].id, lead_id)
    body = response.body
    assert_clean(body)
    assert (response.language, response.channel, response.recipient) == (
        "ru",
        "email",
        "hr@romashka.ru",
    )
    assert (
        response.subject
        == "Вакансия «Python-разработчик» в компании Ромашка — Анна, Senior Python developer"
    )
    assert body.startswith(
        "Здравствуйте, Ольга!\n\nПосмотрели вашу вакансию «Python-разработчик» в компании Ромашка."
    )
    assert "ключевые результаты: Сократить время ответа API до 200 мс." in body
    assert "Анна" in body and "Петрова" not in body and "7 лет опыта" in body
    asked = _questions(body)
    assert len(asked) == 3 and "Kubernetes" in asked[0]
    assert not any("бюджет" in q or "Когда нужно начать" in q for q in asked)  # both known
    # The consultative style asks first and proposes the person after.
    assert body.index(asked[-1]) < body.index("Анна")
    # Only what the fit supports and a client may read: the stack is not fully covered.
    assert "Почему это подходит:\n– 7 лет опыта при требуемых от 5 лет\n\n" in body
    assert "закрываем" not in body.lower() and "ставк" not in body and "(91)" not in body
    assert body.endswith("С уважением,\nMaria Ivanova")


def test_missing_data_leaves_no_gaps(pool: ConnectionPool, settings: Settings) -> None:
    workspace = factories.workspace(pool)  # no profile, no bench: the defaults apply
    with transaction(pool, workspace_id=workspace.id) as conn:
        lead_id = _lead(
            conn,
            workspace,
            source="board",
            title="",
            company=None,
            text="Нужен бэкенд-разработчик на долгий проект.",
        )
    first = draft_response(pool, settings, workspace.id, lead_id)
    with transaction(pool, workspace_id=workspace.id) as conn:
        other = next(v for v in lead_variants.list_variants(conn) if v.id != first.variant_id)
        leads.set_variant(conn, lead_id=lead_id, variant_id=other.id)
    second = draft_response(pool, settings, workspace.id, lead_id)
    for response in (first, second):
        assert_clean(response.body)
        assert response.language == "ru" and response.recipient is None
        assert response.body.startswith("Здравствуйте!\n\n")
        assert response.body.endswith("\n\nС уважением")
        assert 2 <= len(_questions(response.body)) <= 3
        assert "инженер" in response.body
    assert second.id == first.id and second.variant_id == other.id
    assert {first.body, second.body} != {first.body}  # the other style reads differently


def test_calendly_puts_the_placeholder_for_the_sender(
    pool: ConnectionPool, settings: Settings
) -> None:
    workspace = factories.workspace(pool)
    with transaction(pool, workspace_id=workspace.id) as conn:
        leadgen_profiles.save_profile(
            conn,
            workspace_id=workspace.id,
            updated_by=None,
            sender_name="Team",
            booking_url="https://cal.example.com/plain",
            calendly_event_type="https://api.calendly.com/event_types/ABC",
        )
        lead_id = _lead(
            conn,
            workspace,
            source="linkedin",
            title="Data engineer",
            company="Globex",
            text="We need a data engineer. Spark, Airflow.",
        )
    body = draft_response(pool, settings, workspace.id, lead_id).body
    assert body.count(BOOKING_PLACEHOLDER) == 1 and "cal.example.com/plain" not in body
    assert_clean(body)
    filled = fill_booking_link(body, "https://calendly.com/d/abc-123")
    assert "https://calendly.com/d/abc-123" in filled and "{" not in filled
    dropped = fill_booking_link(body, None)
    assert "{" not in dropped and "\n\n\n" not in dropped and len(dropped) < len(body)
    assert dropped.endswith("Best regards,\nTeam")


def test_a_queued_response_cannot_be_redrafted(
    pool: ConnectionPool, settings: Settings, ws: dict[str, Any]
) -> None:
    lead_id = _en_lead(pool, ws)
    response = draft_response(pool, settings, ws["ws"].id, lead_id)
    with transaction(pool, workspace_id=ws["ws"].id) as conn:
        lead_responses.approve(conn, response_id=response.id, approved_by=None)
        item_id = conn.execute(
            "insert into outbox (workspace_id, kind, idempotency_key) values (%s, 'x', %s) "
            "returning id",
            (ws["ws"].id, f"r{response.id}"),
        ).fetchone()[0]  # type: ignore[index]
        lead_responses.mark_queued(conn, response_id=response.id, outbox_id=item_id)
    with pytest.raises(ResponseLocked):
        draft_response(pool, settings, ws["ws"].id, lead_id)
    with transaction(pool, workspace_id=ws["ws"].id) as conn:
        stored = lead_responses.get_for_lead(conn, lead_id=lead_id)
    assert stored is not None and stored.body == response.body and stored.status == "queued"


# ---- the LLM path ---------------------------------------------------------------------------

GOOD_EN = {
    "subject": "Senior Python Developer: Anna from our bench",
    "body": "Hello John,\n\nAnna, our senior Python developer, fits your role at Acme Analytics."
    "\n\n1. How critical is Kubernetes?\n2. What budget do you plan?\n\nBook a call: "
    "{booking_link}\n\nBest regards,\nMaria Ivanova",
}


def _cloud(settings: Settings, fake: FakeOpenAI) -> Settings:
    return settings.model_copy(
        update={
            "llm_engine": "openai",
            "openai_base_url": fake.base_url,
            "openai_api_key": SecretStr(fake.api_key),
        }
    )


def test_the_llm_writes_with_the_variant_instructions(
    pool: ConnectionPool, settings: Settings, ws: dict[str, Any]
) -> None:
    lead_id = _en_lead(pool, ws, "consultative")
    with FakeOpenAI(chat=lambda request: GOOD_EN) as fake:
        response = draft_response(pool, _cloud(settings, fake), ws["ws"].id, lead_id)
    assert response.engine == "openai:gpt-4o-mini"
    assert response.body == GOOD_EN["body"]
    system, user = (m["content"] for m in fake.requests[0]["messages"])
    assert system.startswith(ws["variants"]["consultative"].instructions)
    assert "Write in English" in system and "Anna" in system
    assert "<<<VACANCY\n" in user and "Acme Analytics is looking" in user
    assert '"first_name": "Anna"' in user and "Petrova" not in user


@pytest.mark.parametrize(
    "answer, reason",
    [
        ("this is not JSON at all", "bad_output"),
        (
            {"subject": "x", "body": "Здравствуйте! Анна готова начать работу у вас уже завтра."},
            "not in English",
        ),
        (
            {"subject": "x", "body": "Hello! Our engineer fits your role. Best regards, Maria"},
            "does not name the bench person",
        ),
        ({"subject": "x", "body": "Hello {name}, Anna fits your role."}, "braces"),
        ({"subject": "x", "body": "Anna fits. " + "More words here. " * 150}, "longer than"),
    ],
)
def test_a_refused_llm_answer_falls_back_to_the_template(
    pool: ConnectionPool, settings: Settings, ws: dict[str, Any], answer: Any, reason: str
) -> None:
    lead_id = _en_lead(pool, ws)
    offline = draft_response(pool, settings, ws["ws"].id, lead_id)
    with FakeOpenAI(chat=lambda request: answer) as fake:
        response = draft_response(pool, _cloud(settings, fake), ws["ws"].id, lead_id)
    assert len(fake.requests) == 1
    assert (response.engine, response.body) == ("offline", offline.body)
    with transaction(pool, workspace_id=ws["ws"].id) as conn:
        note = [e for e in leads.list_events(conn, lead_id=lead_id) if e.kind == "note"][-1]
    assert reason in note.data["llm_fallback"]


# ---- the templates alone -------------------------------------------------------------------


def test_every_combination_of_missing_data_reads_cleanly() -> None:
    person = Person(
        first_name="Anna",
        headline="Go developer",
        matched=("Go", "gRPC"),
        years=1,
        available_from=date(2031, 3, 2),
    )
    bare = Person(first_name="Anna")
    options = itertools.product(
        ("en", "ru"),
        ("direct", "consultative"),
        ("", "Go developer"),
        ("", "Acme"),
        (None, person, bare),
        ((), ("Grow revenue 20%",)),
        ((), ("Kafka", "Rust")),
        ((), ("Go is our core stack",)),
        ("", "Our pitch."),
        ("", "https://x.io/b"),
        ("", "Ann"),
    )
    seen = set()
    for lang, style, title, company, who, kpis, missing, reasons, pitch, booking, sender in options:
        ctx = ResponseContext(
            language=lang,  # type: ignore[arg-type]
            style=style,  # type: ignore[arg-type]
            title=title,
            company=company,
            person=who,
            kpis=kpis,
            missing=missing,
            reasons=reasons,
            pitch=pitch,
            booking=booking,
            sender_name=sender,
            today=date(2030, 1, 1),
        )
        drafted = render(ctx)
        assert_clean(drafted.body)
        assert drafted.subject and "  " not in drafted.subject
        assert 2 <= len(_questions(drafted.body)) <= 3
        if who is not None:
            assert "Anna" in drafted.body and "Anna" in drafted.subject
        seen.add(drafted.body)
    assert len(seen) > 1000  # the parts really change the text
    assert (
        "Available to start on 2 March 2031."
        in render(
            ResponseContext(language="en", style="direct", person=person, today=date(2030, 1, 1))
        ).body
    )
    assert (
        "1 год опыта" in render(ResponseContext(language="ru", style="direct", person=person)).body
    )
