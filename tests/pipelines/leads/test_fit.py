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


NURSE = """Olivia Grant
Registered Nurse

Experience
St. Mary's Hospital — Registered Nurse, Medical-Surgical Unit
2016 - Present
Care for post-operative patients, medication administration, wound care, patient and family
education, charting in the electronic health record, 12-hour shifts.
"""
CHEF = """Marco Bellini
Sous Chef

Experience
Trattoria Roma — Sous Chef
2015 - Present
Ran the line for 120 covers a night, menu costing, food safety, ordering and inventory.
"""
BUHGALTER = """Ирина Соколова
Главный бухгалтер

Опыт работы
ООО «Север» — Главный бухгалтер
2014 — настоящее время
Бухгалтерский и налоговый учёт, отчётность, расчёт заработной платы, 1С, сверки с
контрагентами, сдача НДС.
"""
NURSE_LEAD = """We are hiring a registered nurse for our medical-surgical unit.

Responsibilities:
- Assess and care for adult patients after surgery
- Administer medications and document care in the electronic health record
- Educate patients and families before discharge

Requirements:
- Active RN license
- 2+ years of hospital nursing experience
"""
BUHGALTER_LEAD = """Ищем главного бухгалтера в производственную компанию.

Обязанности:
- ведение бухгалтерского и налогового учёта
- расчёт заработной платы, сдача отчётности и НДС

Требования: опыт главным бухгалтером от 3 лет, 1С.
"""


def person(cid: int, name: str, text: str, titles: list[str], embedder: Embedder | None,
           skills: list[str] | None = None) -> MatchingMember:  # fmt: skip
    vector = None if embedder is None else embed_document(embedder, text)
    return MatchingMember(
        candidate_id=cid, full_name=name, headline="", rate=None, available_from=None, note="",
        added_at=datetime.now(UTC), resume_id=cid, skills=skills or [], years=9, titles=titles,
        location=None, languages=[], text=text,
        embedding=None if vector is None else np.asarray(vector, dtype=np.float32),
        embedding_engine=None if embedder is None else embedder.id,
    )  # fmt: skip


@pytest.fixture(scope="module")
def trades(embedder: Embedder) -> BenchIndex:
    return BenchIndex([
        person(11, "Marco Bellini", CHEF, ["Sous Chef"], embedder),
        person(12, "Olivia Grant", NURSE, ["Registered Nurse"], embedder),
        person(13, "Ирина Соколова", BUHGALTER, ["Главный бухгалтер"], embedder),
        person(14, "Mary Jones", MARY, ["Chief Accountant"], embedder),
    ])  # fmt: skip


def lead_fit(index: BenchIndex, embedder: Embedder | None, title: str, text: str) -> Fit:
    analysis = analyse_lead(title, text)
    vector = None if embedder is None else embed_document(embedder, f"{title}\n{text}")
    return score_fit(analysis, profile(stacks=[]), index, lead_vector=vector,
                     lead_engine=None if embedder is None else embedder.id, text=text)  # fmt: skip


@pytest.mark.parametrize("vectors", [True, False], ids=["with vectors", "words only"])
def test_a_lead_outside_it_is_matched_by_titles_and_resume_words(
    trades: BenchIndex, embedder: Embedder, vectors: bool
) -> None:
    """The skills dictionary knows little of nursing or accounting: the person's titles and the
    words of their resume decide, in both languages, with or without embeddings."""
    use = embedder if vectors else None
    nurse = lead_fit(trades, use, "Registered Nurse - Medical-Surgical Unit", NURSE_LEAD)
    best = nurse.bench_matches[0]
    assert best["name"] == "Olivia Grant" and best["title"] == "Registered Nurse"
    assert best["role"] >= 0.5 and best["text"] > 0.5 and "nurse" in best["words"]
    assert all(m["score"] < best["score"] for m in nurse.bench_matches[1:])
    assert "Registered Nurse" in reason(nurse, "bench")["text"]["en"]
    accountant = lead_fit(trades, use, "Главный бухгалтер", BUHGALTER_LEAD)
    first = accountant.bench_matches[0]
    assert first["name"] == "Ирина Соколова" and first["title"] == "Главный бухгалтер"
    assert {"бухгалтер", "ндс"} & set(first["words"])
    # The English accountant's titles cannot meet a Russian title word for word: unknown, not 0.
    others = {m["name"]: m for m in accountant.bench_matches}
    assert "Mary Jones" not in others or others["Mary Jones"]["role"] is None


def test_the_chef_is_no_match_for_a_nurse_lead(trades: BenchIndex, embedder: Embedder) -> None:
    fit = lead_fit(trades, embedder, "Registered Nurse - Medical-Surgical Unit", NURSE_LEAD)
    scores = {m["name"]: m["score"] for m in fit.bench_matches}
    assert scores["Olivia Grant"] >= 60
    assert scores.get("Marco Bellini", 0) < 30
    kept = {"name", "candidate_id", "headline", "score", "matched", "missing", "years",
            "similarity", "rate"}  # fmt: skip
    for match in fit.bench_matches:  # what other modules read, and the new reasons
        assert set(match) >= kept | {"title", "role", "text", "words"}


def test_the_bench_indexes_give_the_screenings_figures() -> None:
    """TextIndex and TitleIndex are the screening's text_relevance and role_fit, fitted once."""
    from pipelines.leads.bench_text import TextIndex, TitleIndex, query_terms
    from pipelines.screening.relevance import role_fit, text_relevance
    from tests.pipelines.screening.data import (
        RESUME_ACCOUNTANT_RU,
        RESUME_EN,
        RESUME_RU,
        VACANCY_ACCOUNTANT_RU,
        VACANCY_PY_EN,
        VACANCY_PY_RU,
    )

    resumes = [RESUME_EN, RESUME_RU, RESUME_ACCOUNTANT_RU, NURSE, CHEF, BUHGALTER, ANNA, ""]
    titles = [["Senior Python Developer", "Backend Engineer"], ["Python-разработчик"],
              ["Главный бухгалтер", "Бухгалтер"], ["Registered Nurse"], ["Sous Chef"],
              ["Главный бухгалтер"], ["Python Developer", "Java Developer"], []]  # fmt: skip
    text_index, title_index = TextIndex(resumes), TitleIndex(titles)
    for vacancy in (VACANCY_PY_EN, VACANCY_PY_RU, VACANCY_ACCOUNTANT_RU, NURSE_LEAD):
        title = vacancy.strip().splitlines()[0]
        got = text_index.relevance(query_terms(title, vacancy))
        want = [text_relevance(title, vacancy, r) if r else np.nan for r in resumes]
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
        fits, best = title_index.role_fit(title)
        for i, member_titles in enumerate(titles):
            expected = role_fit(title, member_titles)[0]
            if np.isnan(fits[i]):  # none of their titles in the vacancy title's alphabet
                assert not member_titles or not expected
            else:
                assert fits[i] == pytest.approx(expected)
                assert (best[i] is None) == (fits[i] == 0)
