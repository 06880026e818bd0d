"""Qualifying a batch of leads against real Postgres: statuses, reasons, events, notification."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from psycopg_pool import ConnectionPool

from db import bench, leadgen_profiles, leads, memberships, resumes, users
from db.pool import transaction
from pipelines.engine_set import Engines, offline_engines
from pipelines.engines.embeddings import Embedder
from pipelines.engines.errors import EngineError
from pipelines.leads.dedupe import dedupe_key, find_duplicate
from pipelines.leads.qualify import qualify_leads, vector_kind
from pipelines.resume_flow import process_resume
from tests.db import factories

ANNA = """Anna Volkova
Email: anna.volkova@example.com
Location: Belgrade

Senior Python Developer

Experience
Shopwise — Senior Python Developer
March 2018 - Present
REST APIs with Django and Django REST Framework on PostgreSQL, Celery and Redis queues,
payments and billing for a marketplace.

Skills
Python, Django, Django REST Framework, PostgreSQL, Celery, Redis, Docker

Languages
English — C1
Russian — native
"""

PAYMENTS = """We are a fintech startup building a payments API for marketplaces.

Requirements:
- 5+ years of Python
- Django, Django REST Framework, PostgreSQL
- Celery
- English B2

Fully remote, long-term contract. Budget: $9,000 per month.
Contact: Jane Miller, jane@payco.io
"""
IOS = """Our consumer app needs an iOS developer in the Tokyo office.

Requirements:
- 3+ years with Swift and SwiftUI
- Objective-C, Core Data

Location: Tokyo. No remote. Salary: $2,000 per month.
"""
GAMBLING = """Python developer for an online gambling platform.

Requirements:
- Python, Django, PostgreSQL
Remote. Budget: $8,000 per month.
"""
BROKEN = "Python, Django. BREAK-THE-EMBEDDER"


class BreakingEmbedder:
    """The offline embedder, except that it fails on one marked text (a broken lead)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.id, self.dim = inner, inner.id, inner.dim

    def embed(self, texts: list[str]) -> list[list[float]]:
        if any("BREAK-THE-EMBEDDER" in t for t in texts):
            raise ValueError("the embedder choked")
        if any("RATE-LIMITED" in t for t in texts):
            raise EngineError("429", code="rate_limited", retryable=True, engine=self.id)
        return self.inner.embed(texts)


@pytest.fixture(scope="module")
def engines() -> Engines:
    real = offline_engines()
    return replace(real, embedder=BreakingEmbedder(real.embedder))


def test_a_batch_ends_in_the_right_statuses(pool: ConnectionPool, engines: Engines) -> None:
    ws, other = factories.workspace(pool), factories.workspace(pool)
    with transaction(pool) as conn:
        owner = users.create_user(conn, email=f"{uuid.uuid4().hex}@q.io", password_hash="h")
    with transaction(pool, workspace_id=ws.id) as conn:
        memberships.add_member(conn, workspace_id=ws.id, user_id=owner.id, role="owner")
        leadgen_profiles.save_profile(
            conn, workspace_id=ws.id, updated_by=owner.id, stacks=["Python", "Django", "Postgres"],
            seniority=["middle", "senior"], rate_min=40, rate_max=70, regions=["Remote", "EU"],
            languages=["English", "Russian"], stop_words=["gambling"],
            blocked_companies=["Shady Ltd"], fit_threshold=45, strong_threshold=75,
        )  # fmt: skip
        rid = resumes.create_resume(
            conn, workspace_id=ws.id, file=ANNA.encode(), file_name="a.txt"
        ).id
    anna = process_resume(pool, engines, workspace_id=ws.id, resume_id=rid).candidate_id
    assert anna is not None

    def lead(source: str, external_id: str, title: str, company: str, text: str) -> int:
        created, _ = leads.upsert_lead(conn, workspace_id=ws.id, source=source,
                                       external_id=external_id, title=title, company=company,
                                       description=text)  # fmt: skip
        return created.id

    with transaction(pool, workspace_id=ws.id) as conn:
        bench.add_member(conn, workspace_id=ws.id, candidate_id=anna, headline="Django backend")
        strong = lead("djinni", "1", "Senior Python/Django Developer", "PayCo", PAYMENTS)
        weak = lead("djinni", "2", "iOS Developer", "AppCo", IOS)
        duplicate = lead("linkedin", "li-1", "Senior Python/Django Developer (Remote)",
                         "PayCo, Inc.", PAYMENTS + "\nApply through LinkedIn.")  # fmt: skip
        excluded = lead("hh", "3", "Python Developer", "BetCo", GAMBLING)
        broken = lead("djinni", "4", "Python Developer", "Oops", BROKEN)
        moved = lead("djinni", "5", "Middle Django Developer", "ShopCo", PAYMENTS)
        leads.set_status(conn, lead_id=moved, status="responded", actor_user_id=owner.id)

    result = qualify_leads(pool, engines, ws.id)

    assert (result.qualified, result.strong, result.duplicates) == ([strong], [strong], [duplicate])
    assert (result.archived, result.failed, result.analysed) == ([weak, excluded], [broken], 5)
    with transaction(pool, workspace_id=ws.id) as conn:
        got = {i: leads.get_lead(conn, lead_id=i) for i in (strong, weak, duplicate, excluded,
                                                            broken, moved)}  # fmt: skip
        events = {i: [e.kind for e in leads.list_events(conn, lead_id=i)] for i in got}
        told = conn.execute(
            "select user_id, subject, body from notifications where kind = 'lead.strong'"
        ).fetchall()
    assert {i: got[i].status for i in got} == {
        strong: "qualified", weak: "archived", duplicate: "archived", excluded: "archived",
        broken: "archived", moved: "responded",
    }  # fmt: skip
    assert all(x.analyzed_at is not None and x.fit_score is not None for x in got.values())
    assert got[strong].fit_score >= 75 and got[strong].bench_matches[0]["candidate_id"] == anna
    assert got[strong].analysis["budget"]["max"] == 9000 and got[strong].language == "en"
    assert got[weak].fit_score < 45
    assert got[weak].archive_reason.startswith(f"fit {got[weak].fit_score} < threshold 45: ")
    assert "missing iOS, Swift, SwiftUI, Objective-C" in got[weak].archive_reason
    assert "Tokyo is outside your regions" in got[weak].archive_reason
    assert "69% below your rate" in got[weak].archive_reason
    assert got[duplicate].duplicate_of == strong
    assert got[duplicate].archive_reason == f"duplicate of lead {strong} (djinni)"
    assert got[excluded].fit_score == 0 and "stop word 'gambling'" in got[excluded].archive_reason
    assert "threshold 45" in got[excluded].archive_reason
    assert got[broken].archive_reason == "analysis failed: ValueError"
    assert (got[broken].fit_score, got[broken].fit_reasons[0]["code"]) == (0, "analysis_failed")
    assert got[moved].fit_score >= 45  # analysed, but the person's status stays
    assert events[strong] == ["created", "analysed", "status"]
    assert events[duplicate] == ["created", "analysed", "duplicate", "status"]
    assert events[broken] == ["created", "analysed", "status"]
    assert events[moved] == ["created", "status", "analysed"]
    assert len(told) == 1 and told[0][0] == owner.id and told[0][1]["lead_id"] == strong
    assert "PayCo" in told[0][2] and "Anna Volkova" in told[0][2]

    again = qualify_leads(pool, engines, ws.id)  # nothing left to analyse, nobody told twice
    assert (again.analysed, again.failed, again.strong) == (0, [], [])
    with transaction(pool, workspace_id=other.id) as conn:
        assert leads.list_leads(conn) == []
        assert conn.execute("select count(*) from lead_events").fetchone() == (0,)
        assert conn.execute("select count(*) from notifications").fetchone() == (0,)
    assert qualify_leads(pool, engines, other.id, [strong, weak]).analysed == 0


def _profiled(pool: ConnectionPool) -> Any:
    """A workspace whose owner saved the profile as it comes (no stacks, no regions)."""
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        leadgen_profiles.save_profile(conn, workspace_id=ws.id, updated_by=None)
    return ws


def test_only_the_given_unanalysed_leads_are_taken(pool: ConnectionPool, engines: Engines) -> None:
    ws = _profiled(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        ids = [leads.upsert_lead(conn, workspace_id=ws.id, source="hh", external_id=str(n),
                                 title=f"Go developer {n}", company=f"Co {n}",
                                 description="Go, Kubernetes, gRPC. Remote.")[0].id
               for n in range(3)]  # fmt: skip
    first = qualify_leads(pool, engines, ws.id, [ids[1]])
    assert first.analysed == 1 and first.archived == [ids[1]]  # no stacks in common: archived
    rest = qualify_leads(pool, engines, ws.id, limit=1)
    assert rest.analysed == 1 and rest.archived == [ids[0]]
    # An engine that asks to be tried later fails the lead for this run only.
    with transaction(pool, workspace_id=ws.id) as conn:
        leads.upsert_lead(conn, workspace_id=ws.id, source="hh", external_id="2",
                          title="Go developer 2", company="Co 2",
                          description="Go, Kubernetes. RATE-LIMITED")  # fmt: skip
    later = qualify_leads(pool, engines, ws.id)
    assert (later.analysed, later.failed) == (0, [ids[2]])
    with transaction(pool, workspace_id=ws.id) as conn:
        waiting = leads.get_lead(conn, lead_id=ids[2])
        assert leads.unanalysed_ids(conn) == [ids[2]]
    assert (waiting.status, waiting.fit_score, waiting.archive_reason) == ("new", None, None)


def test_dedupe_keys_and_close_texts(pool: ConnectionPool) -> None:
    same = dedupe_key("ACME", "Senior Python Developer")
    assert (
        dedupe_key("Acme, Inc.", "Sr. Python Dev (Remote)")
        == same
        == "acme|senior python developer"
    )
    assert dedupe_key("Acme", "Middle Python Developer") != same
    assert dedupe_key("ООО «Ромашка»", "Python-разработчик") == "ромашка|python разработчик"
    assert dedupe_key(None, "Python Developer") is None and dedupe_key("Acme", "  ") is None
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:

        def lead(source: str, title: str, text: str) -> leads.Lead:
            row, _ = leads.upsert_lead(conn, workspace_id=ws.id, source=source,
                                       external_id=uuid.uuid4().hex, title=title, company="Acme",
                                       description=text)  # fmt: skip
            conn.execute("update leads set dedupe_key = %s where id = %s",
                         (dedupe_key("Acme", title), row.id))  # fmt: skip
            return leads.get_lead(conn, lead_id=row.id)

        # No embeddings: the descriptions' word shingles decide.
        first = lead("hh", "Senior Python Developer", PAYMENTS)
        copy = lead("djinni", "Sr. Python Developer", PAYMENTS + "\nApply now.")
        other = lead("linkedin", "Senior Python Developer", GAMBLING)
        assert find_duplicate(conn, copy, None) == first.id
        assert find_duplicate(conn, first, None) is None  # only leads found before it count
        assert find_duplicate(conn, other, None) is None
        later = lead("hh", "Senior Python Developer", PAYMENTS)
        leads.mark_duplicate(conn, lead_id=copy.id, duplicate_of=first.id)
        assert find_duplicate(conn, later, None) == first.id  # a marked duplicate is no original


class MeddlingEmbedder:
    """The offline embedder, except that it gives a vector Postgres refuses (NaN) for one
    marked text, and lets a person edit a lead while the run is under way."""

    def __init__(self, inner: Embedder, edit: Callable[[], None]) -> None:
        self.inner, self.id, self.dim, self.edit = inner, inner.id, inner.dim, edit

    def embed(self, texts: list[str]) -> list[list[float]]:
        self.edit()
        vectors = self.inner.embed(texts)
        return [[math.nan] * self.dim if "NAN-VECTOR" in t else v
                for t, v in zip(texts, vectors, strict=True)]  # fmt: skip


def test_a_lead_refused_or_edited_meanwhile_does_not_spoil_its_group(pool: ConnectionPool) -> None:
    """Leads are stored a group per transaction, each in its own savepoint: a lead whose
    writes the database refuses fails alone, and one edited since the batch was read is left
    for the next run; the others of the group are stored."""
    ws = _profiled(pool)
    text = "Go, Kubernetes, gRPC. Remote. {}"
    with transaction(pool, workspace_id=ws.id) as conn:
        ids = [leads.upsert_lead(conn, workspace_id=ws.id, source="hh", external_id=str(n),
                                 title=f"Go developer {n}", company=f"Co {n}",
                                 description=text.format(mark))[0].id
               for n, mark in enumerate(("", "NAN-VECTOR", "", ""))]  # fmt: skip

    def edit() -> None:  # a person rewrites lead 2 while its analysis is being computed
        with transaction(pool, workspace_id=ws.id) as conn:
            leads.upsert_lead(conn, workspace_id=ws.id, source="hh", external_id="2",
                              title="Go developer 2", company="Co 2",
                              description="Go, Kafka. On site in Berlin.")  # fmt: skip

    real = offline_engines()
    engines = replace(real, embedder=MeddlingEmbedder(real.embedder, edit))
    result = qualify_leads(pool, engines, ws.id)
    assert (result.analysed, result.failed) == (2, [ids[1]])
    assert result.archived == [ids[0], ids[3]]  # no stacks in common
    with transaction(pool, workspace_id=ws.id) as conn:
        got = {i: leads.get_lead(conn, lead_id=i) for i in ids}
    assert got[ids[1]].archive_reason == "analysis failed: DataException"  # NaN in a vector
    assert got[ids[1]].fit_reasons[0]["code"] == "analysis_failed"
    edited = got[ids[2]]
    assert (edited.analyzed_at, edited.fit_score, edited.status) == (None, None, "new")
    assert edited.description == "Go, Kafka. On site in Berlin."
    assert all(got[i].analyzed_at is not None for i in (ids[0], ids[1], ids[3]))


def test_a_leads_vector_is_kept_apart_from_vectors_of_other_kinds(
    pool: ConnectionPool, engines: Engines
) -> None:
    """A lead's vector encodes its title and requirements and is stored as such: a lead stored
    before with a whole-text vector is never compared with it by cosine, but still found as the
    original by its text."""
    ws = factories.workspace(pool)
    engine = engines.embedder.id
    with transaction(pool, workspace_id=ws.id) as conn:
        old, _ = leads.upsert_lead(conn, workspace_id=ws.id, source="linkedin", external_id="1",
                                   title="Senior Python/Django Developer", company="PayCo",
                                   description=PAYMENTS)  # fmt: skip
        leads.save_analysis(
            conn, lead_id=old.id, language="en", analysis={}, fit_score=50, fit_reasons=[],
            bench_matches=[], dedupe_key=dedupe_key("PayCo", "Senior Python/Django Developer"),
            embedding=engines.embedder.embed([f"{old.title}\n{PAYMENTS}"])[0],
            embedding_engine=engine,
        )  # fmt: skip
        new, _ = leads.upsert_lead(conn, workspace_id=ws.id, source="djinni", external_id="2",
                                   title="Senior Python/Django Developer", company="PayCo Inc.",
                                   description=PAYMENTS + "\nApply on Djinni.")  # fmt: skip
    result = qualify_leads(pool, engines, ws.id)
    assert result.duplicates == [new.id]
    with transaction(pool, workspace_id=ws.id) as conn:
        kind = conn.execute("select embedding_engine from leads where id = %s", (new.id,))
        assert kind.fetchone() == (vector_kind(engine),) == (f"{engine}/requirements",)
        assert leads.get_lead(conn, lead_id=new.id).duplicate_of == old.id


def test_without_a_profile_leads_are_scored_but_wait_for_it(
    pool: ConnectionPool, engines: Engines
) -> None:
    """A workspace that never said what it sells gets its leads scored (for the Leads page) but
    neither archived nor qualified; once the profile is saved they are scored again and move."""
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        lead, _ = leads.upsert_lead(conn, workspace_id=ws.id, source="djinni", external_id="9",
                                    title="Senior Python/Django Developer", company="PayCo",
                                    description=PAYMENTS)  # fmt: skip
    first = qualify_leads(pool, engines, ws.id)
    assert (first.analysed, first.qualified, first.archived) == (1, [], [])
    with transaction(pool, workspace_id=ws.id) as conn:
        waiting = leads.get_lead(conn, lead_id=lead.id)
        assert waiting.status == "new" and waiting.fit_score is not None
        leadgen_profiles.save_profile(conn, workspace_id=ws.id, updated_by=None,
                                      stacks=["Python", "Django", "PostgreSQL", "Celery"],
                                      languages=["English"])  # fmt: skip
        assert leads.rescore_new(conn) == 1
    again = qualify_leads(pool, engines, ws.id)
    assert again.qualified == [lead.id]
