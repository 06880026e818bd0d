"""The fit score: bench ranking, exclusions, budget against the profile's rates, reasons."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from db.bench import MatchingMember
from db.leadgen_profiles import DEFAULTS, LeadgenProfile
from pipelines.engines.embeddings import Embedder, embed_document, offline_embedder
from pipelines.leads.analysis import analyse_lead
from pipelines.leads.fit import BenchIndex, Fit, score_fit

ANNA = """Anna Volkova — Senior Python Developer, 7 years.
Built REST APIs with Django and Django REST Framework on PostgreSQL, Celery and Redis queues,
payments and billing for an e-commerce marketplace. Docker, AWS."""
BORIS = """Boris Lee — Java Developer, 8 years. Spring Boot microservices, Kafka, Oracle,
Kubernetes. Banking back office systems."""
MARY = (
    """Mary Jones — Chief Accountant. Month-end closing, payroll, tax reporting in Excel and 1C."""
)

LEAD_TEXT = """We are a fintech startup hiring a backend engineer for our payments API.

Requirements:
- 4+ years of Python
- Django, Django REST Framework
- PostgreSQL, Celery
- English B2

Remote, long-term contract. Budget: {budget}
"""


def profile(**fields: object) -> LeadgenProfile:
    values = {**DEFAULTS, "stacks": ["python", "Postgres", "django"], "seniority": ["senior"],
              "rate_min": 50.0, "rate_max": 70.0, "regions": ["Remote"],
              "languages": ["English", "ru"], **fields}  # fmt: skip
    return LeadgenProfile(workspace_id=None, **values)  # type: ignore[arg-type]


def member(cid: int, name: str, text: str, skills: list[str], years: float, embedder: Embedder,
           engine: str | None = None) -> MatchingMember:  # fmt: skip
    return MatchingMember(
        candidate_id=cid, full_name=name, headline="", rate=None, available_from=None, note="",
        added_at=datetime.now(UTC), resume_id=cid, skills=skills, years=years, titles=[],
        location=None, languages=["english"], text=text,
        embedding=np.asarray(embed_document(embedder, text), dtype=np.float32),
        embedding_engine=engine or embedder.id,
    )  # fmt: skip


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return offline_embedder()


@pytest.fixture(scope="module")
def bench(embedder: Embedder) -> BenchIndex:
    return BenchIndex([
        member(1, "Boris Lee", BORIS, ["Java", "Spring Boot", "Kafka", "Kubernetes"], 8, embedder),
        member(2, "Mary Jones", MARY, ["Accounting", "Excel", "1C"], 10, embedder),
        member(3, "Anna Volkova", ANNA, ["Python", "Django", "Django REST Framework",
                                         "PostgreSQL", "Celery", "Redis", "Docker"], 7, embedder),
    ])  # fmt: skip


def score(bench: BenchIndex, embedder: Embedder, budget: str, company: str = "PayCo",
          **fields: object) -> Fit:  # fmt: skip
    title = "Senior Python Developer"
    text = LEAD_TEXT.format(budget=budget)
    analysis = analyse_lead(title, text, company=company)
    vector = embed_document(embedder, f"{title}\n{text}")
    return score_fit(analysis, profile(**fields), bench, lead_vector=vector,
                     lead_engine=embedder.id, company=company, text=text)  # fmt: skip


def reason(fit: Fit, code: str) -> dict[str, Any]:
    return next(r for r in fit.reasons if r["code"] == code)


def test_a_python_django_lead_ranks_the_python_person_first(
    bench: BenchIndex, embedder: Embedder
) -> None:
    fit = score(bench, embedder, "$9,000 per month")
    names = [m["name"] for m in fit.bench_matches]
    assert names[0] == "Anna Volkova" and "Mary Jones" not in names
    best = fit.bench_matches[0]
    assert {"Python", "Django", "PostgreSQL", "Celery"} <= set(best["matched"])
    assert best["missing"] == [] and best["years"] == 7 and best["similarity"] > 0
    assert all(m["score"] < best["score"] for m in fit.bench_matches[1:])
    # "Postgres" in the profile's stacks is PostgreSQL: the whole must-have stack is covered.
    assert reason(fit, "stack")["points"] == 40 and reason(fit, "budget_ok")["points"] == 10
    assert reason(fit, "seniority")["points"] == 10 and reason(fit, "languages")["points"] == 10
    assert fit.score >= 85 and not fit.excluded
    for r in fit.reasons:
        assert set(r) >= {"code", "points", "text"} and r["text"]["en"] and r["text"]["ru"]


def test_vectors_of_another_engine_are_not_compared(embedder: Embedder) -> None:
    other = member(9, "Anna Volkova", ANNA, ["Python", "Django"], 7, embedder, engine="other-512")
    fit = score(BenchIndex([other]), embedder, "$9,000 per month")
    assert fit.bench_matches[0]["similarity"] is None and fit.bench_matches[0]["score"] > 0


def test_an_excluded_company_or_stop_word_scores_zero_with_the_reason(
    bench: BenchIndex, embedder: Embedder
) -> None:
    blocked = score(bench, embedder, "$9,000", company="EVIL CORP, LLC",
                    blocked_companies=["Evil Corp"])  # fmt: skip
    assert (blocked.score, blocked.excluded, blocked.bench_matches) == (0, True, [])
    assert [r["code"] for r in blocked.reasons] == ["excluded"]
    assert "Evil Corp" in blocked.reasons[0]["text"]["en"]
    assert "Evil Corp" in blocked.reasons[0]["text"]["ru"]
    stop = score(bench, embedder, "$9,000", stop_words=["fintech startup"])
    assert stop.score == 0 and "fintech startup" in stop.reasons[0]["text"]["en"]
    # A stop word is a whole word: "pay" does not exclude "payments".
    assert not score(bench, embedder, "$9,000", stop_words=["pay"]).excluded


def test_a_budget_below_the_rate_lowers_the_score(bench: BenchIndex, embedder: Embedder) -> None:
    fair = score(bench, embedder, "$9,000 per month")  # 56/hour against 50
    low = score(bench, embedder, "$4,000 per month")  # 25/hour: half the rate
    near = score(bench, embedder, "$45 per hour")  # 10% under
    assert reason(low, "budget_low")["points"] == -10 and low.score == fair.score - 20
    assert "50% below" in reason(low, "budget_low")["text"]["en"]
    assert reason(near, "budget_low")["points"] == 0 and near.score == fair.score - 10
    foreign = score(bench, embedder, "€9,000 per month")
    assert "can't compare" in reason(foreign, "budget_currency")["text"]["en"]
    assert reason(foreign, "budget_currency")["points"] == 5


def test_profile_mismatches_cost_points_with_reasons(bench: BenchIndex, embedder: Embedder) -> None:
    base = score(bench, embedder, "$9,000 per month")
    other = score(bench, embedder, "$9,000 per month", seniority=["junior"], languages=["German"],
                  regions=["Berlin"], stacks=[])  # fmt: skip
    assert reason(other, "seniority_mismatch")["points"] == 0
    assert "english" in reason(other, "languages_missing")["text"]["en"]
    assert reason(other, "region_unknown")["points"] == 5
    assert other.score < base.score
    empty = score(BenchIndex([]), embedder, "$9,000 per month", stacks=[])
    assert reason(empty, "bench_none")["text"]["en"] == "the bench is empty"
    assert (
        reason(empty, "stack")["points"] == 0
        and "missing Python" in reason(empty, "stack")["text"]["en"]
    )
    assert replace(empty, score=1).shortfalls()  # what cost points reads as a list
