"""The lead flow end to end (issue 16): a scan of HeadHunter's public search (the fake HH) run
as the product runs it (the dispatcher: searches, then the flow), each find analysed and scored
against the workspace's profile and bench, a repeat from another board archived as a duplicate,
a response drafted in the vacancy's language naming the bench person who fits it, and a lead
above the auto-send threshold queued through the outbox once, however often the flow runs."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from psycopg_pool import ConnectionPool

from db import (
    bench,
    board_searches,
    lead_responses,
    leadgen_profiles,
    leads,
    memberships,
    resumes,
    users,
)
from db.pool import transaction
from db.settings import Settings
from pipelines.engine_set import offline_engines
from pipelines.leads.flow import process_leads
from pipelines.resume_flow import process_resume
from serve_apps.dispatch import InlineDispatcher
from tests.db import factories
from tests.fakes.hh.fixtures import configured_for_hh
from tests.fakes.hh.server import FakeHH

ANNA = """Anna Volkova
Email: anna.volkova@example.com
Location: Belgrade

Senior Python Developer

Experience
Northwind Payments — Senior Python Developer
March 2017 - Present
Payment services in Python with FastAPI and Django on PostgreSQL, Kafka and Celery queues,
ClickHouse reports.

Skills
Python, FastAPI, Django, PostgreSQL, Kafka, Celery, ClickHouse, Docker

Languages
English — C1
Russian — native
"""
PAVEL = """Павел Орлов
Email: pavel.orlov@example.com
Местоположение: Москва

Go-разработчик

Опыт работы
Облачные Системы — Go-разработчик
Январь 2018 — по настоящее время
Высоконагруженные сервисы на Go, gRPC и Kubernetes, наблюдаемость в Prometheus.

Навыки
Go, gRPC, Kubernetes, Docker, Prometheus, PostgreSQL

Языки
Русский — родной
Английский — B2
"""
VOLGA_TEXT = (
    "Volga Analytics builds demand forecasting for retailers.\n\nYou will:\n"
    "Own Python services on Django and Celery\nTune ClickHouse queries\n\n"
    "Remote-first, English at work."
)


@pytest.fixture(scope="module")
def hh() -> Iterator[FakeHH]:
    with FakeHH() as fake:
        yield fake


@pytest.fixture(scope="module")
def hh_settings(settings: Settings, hh: FakeHH) -> Settings:
    """HH at the fake; e-mail configured (nothing is delivered here: items are only queued)."""
    return configured_for_hh(settings, hh).model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_from": "leads@agency.test"}
    )


def _person(pool: ConnectionPool, ws: Any, text: str, headline: str) -> int:
    engines = offline_engines()
    with transaction(pool, workspace_id=ws.id) as conn:
        rid = resumes.create_resume(
            conn, workspace_id=ws.id, file=text.encode(), file_name=f"{headline}.txt"
        ).id
    candidate_id = process_resume(pool, engines, workspace_id=ws.id, resume_id=rid).candidate_id
    assert candidate_id is not None
    with transaction(pool, workspace_id=ws.id) as conn:
        bench.add_member(conn, workspace_id=ws.id, candidate_id=candidate_id, headline=headline)
    return candidate_id


def test_a_scan_ends_in_scored_leads_and_drafts_naming_the_right_person(
    pool: ConnectionPool, hh_settings: Settings
) -> None:
    ws, other = factories.workspace(pool), factories.workspace(pool)
    with transaction(pool) as conn:
        owner = users.create_user(conn, email=f"{uuid.uuid4().hex}@flow.io", password_hash="h")
    with transaction(pool, workspace_id=ws.id) as conn:
        memberships.add_member(conn, workspace_id=ws.id, user_id=owner.id, role="owner")
        leadgen_profiles.save_profile(
            conn, workspace_id=ws.id, updated_by=owner.id, sender_name="Мария Котова",
            stacks=["Python", "Django", "FastAPI", "PostgreSQL", "Go", "Kubernetes"],
            seniority=["middle", "senior"], languages=["Russian", "English"],
            booking_url="https://cal.example.com/maria", fit_threshold=45, strong_threshold=75,
            auto_send_threshold=60,
        )  # fmt: skip
        searches = [
            board_searches.create(conn, workspace_id=ws.id, board="hh", query=q).id
            for q in ("python", "go")
        ]
        # The same vacancy found on LinkedIn before (another board, its own id).
        repeat, _ = leads.upsert_lead(
            conn, workspace_id=ws.id, source="linkedin", external_id="li-77",
            title="Python Backend Engineer (English-speaking team)", company="Volga Analytics",
            description=VOLGA_TEXT, contact={"email": "talent@volga-analytics.com"},
        )  # fmt: skip
    anna = _person(pool, ws, ANNA, "Python backend")
    pavel = _person(pool, ws, PAVEL, "Go backend")

    dispatcher = InlineDispatcher(pool, offline_engines(), hh_settings)
    dispatcher.submit_import(ws.id, "boards", tuple(str(s) for s in searches))

    with transaction(pool, workspace_id=ws.id) as conn:
        found = {lead.external_id: lead for lead in leads.list_leads(conn, limit=500)}
        drafts = {
            lead.external_id: lead_responses.get_for_lead(conn, lead_id=lead.id)
            for lead in found.values()
        }
        queued = conn.execute(
            "select kind, payload from outbox where kind like '%%lead%%'"
        ).fetchall()
    assert {"93010001", "93010002", "93010007", "li-77"} <= set(found)
    assert all(lead.analyzed_at is not None for lead in found.values())
    assert all(lead.fit_reasons for lead in found.values())

    fastapi, volga, golang = found["93010001"], found["93010002"], found["93010007"]
    assert fastapi.bench_matches[0]["candidate_id"] == anna
    assert golang.bench_matches[0]["candidate_id"] == pavel
    ru_python, en_python, ru_go = drafts["93010001"], drafts["li-77"], drafts["93010007"]
    assert ru_python is not None and ru_python.language == "ru" and "Анна" in ru_python.body
    assert "Павел" not in ru_python.body
    assert ru_go is not None and ru_go.language == "ru" and "Павел" in ru_go.body
    # The LinkedIn lead was there first; HH's copy of it is the duplicate.
    assert (volga.status, volga.duplicate_of) == ("archived", repeat.id)
    assert drafts["93010002"] is None
    assert en_python is not None and en_python.language == "en" and "Anna" in en_python.body
    for lead in found.values():  # under the threshold: archived with the reason, never dropped
        if lead.status == "archived" and lead.duplicate_of is None:
            assert lead.archive_reason and str(lead.fit_score) in lead.archive_reason
    # Auto-send: the LinkedIn lead goes by e-mail to its contact (the HH leads need an HH resume
    # and are left as drafts for a person).
    assert found["li-77"].fit_score is not None and found["li-77"].fit_score >= 60
    assert [kind for kind, _ in queued] == ["email.lead"]
    assert queued[0][1]["to"] == "talent@volga-analytics.com"
    assert en_python.status == "queued"

    again = process_leads(pool, offline_engines(), hh_settings, ws.id)  # nothing is waiting
    assert (again.analysed, again.drafted, again.auto_sent) == (0, [], [])
    with transaction(pool, workspace_id=ws.id) as conn:
        assert conn.execute("select count(*) from outbox where kind = 'email.lead'").fetchone() == (
            1,
        )
    with transaction(pool, workspace_id=other.id) as conn:
        assert leads.list_leads(conn) == []
        assert conn.execute("select count(*) from lead_responses").fetchone() == (0,)
