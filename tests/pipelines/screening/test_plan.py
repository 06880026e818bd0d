"""Interview plans: size, criteria, time, gap questions, language, determinism, and the LLM
planner's validation and fallback."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pipelines.models import InterviewPlan, LanguageSkill, Profile, VacancyRequirements
from pipelines.screening import LLMPlanner, build_interview_plan, screen_offline
from pipelines.screening.plan import CRITERIA, question_bank
from tests.fakes.openai_server import FakeOpenAI
from tests.pipelines.screening.data import (
    REQ_PY,
    REQ_PY_RU,
    accountant_profile,
    python_profile,
)

CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def plan_for(profile: Profile, req: VacancyRequirements = REQ_PY, lang: str | None = None):
    language = lang or req.language
    screening = screen_offline(profile, req, similarity=0.4, flags=[], language=language)
    return build_interview_plan(profile, req, screening, language=language)


def check_shape(plan: InterviewPlan) -> None:
    assert 6 <= len(plan.questions) <= 10
    assert {q.criterion for q in plan.questions} == set(CRITERIA)
    assert all(60 <= q.time_budget_s <= 300 for q in plan.questions)
    assert plan.total_time_s <= 30 * 60
    assert all(q.text.strip() and q.topic.strip() for q in plan.questions)
    assert len({q.text for q in plan.questions}) == len(plan.questions)
    assert all("{" not in q.text and "}" not in q.text for q in plan.questions)


PROFILES = {
    "strong": python_profile(),
    "gaps": python_profile(skills=["Python"], total_years=1, languages=[]),
    "mismatch": accountant_profile(),
    "empty": Profile(),
}


@pytest.mark.parametrize("name", PROFILES)
@pytest.mark.parametrize("req", [REQ_PY, REQ_PY_RU], ids=["en", "ru"])
def test_plan_shape_for_any_candidate(name: str, req: VacancyRequirements) -> None:
    plan = plan_for(PROFILES[name], req)
    check_shape(plan)
    assert plan.engine == "offline" and plan.language == req.language


def test_vacancy_and_profile_without_anything_still_get_six_questions() -> None:
    bare = VacancyRequirements(title="Стажёр", language="ru")
    plan = plan_for(Profile(), bare)
    check_shape(plan)
    assert len(plan.questions) == 6
    assert [q.topic for q in plan.questions if q.criterion == "technical_skills"] == [
        "Профессиональные навыки",
        "Профессиональные навыки",
    ]
    soft = VacancyRequirements(title="Manager", must_have=["Teamwork"], language="en")
    check_shape(plan_for(Profile(skills=["Teamwork"]), soft))


def test_order_warmup_technical_gaps_then_soft_questions() -> None:
    plan = plan_for(python_profile(skills=["Python", "Django"], total_years=2))
    criteria = [q.criterion for q in plan.questions]
    assert criteria[0] == "experience_relevance"
    assert criteria[-3:] == ["problem_solving", "communication", "cultural_fit"]
    assert criteria.count("problem_solving") == criteria.count("cultural_fit") == 1


def test_warmup_names_the_last_job() -> None:
    first = plan_for(python_profile()).questions[0]
    assert "Senior Backend Developer" in first.text and "Acme Payments" in first.text
    ru = plan_for(python_profile(), REQ_PY_RU).questions[0]
    assert "Senior Backend Developer" in ru.text and "Acme Payments" in ru.text
    unknown = plan_for(Profile()).questions[0]
    assert REQ_PY.title in unknown.text


def test_technical_questions_cover_claimed_must_haves_with_specific_questions() -> None:
    plan = plan_for(python_profile())
    technical = [q for q in plan.questions if q.criterion == "technical_skills"]
    # No must-have is missing, so the gap question probes a nice-to-have.
    topics = ["Python", "Django", "PostgreSQL", "Docker", "Gap: Kubernetes"]
    assert [q.topic for q in technical] == topics
    texts = {q.topic: q.text for q in technical}
    assert "GIL" in texts["Python"] and "N+1" in texts["Django"]
    assert "EXPLAIN" in texts["PostgreSQL"] and "Docker" in texts["Docker"]


def test_gap_questions_name_the_missing_skills_and_experience() -> None:
    profile = python_profile(skills=["Python", "Django"], total_years=1.5)
    plan = plan_for(profile)
    gaps = [q for q in plan.questions if q.topic.startswith("Gap")]
    assert 1 <= len(gaps) <= 3
    joined = " ".join(q.text for q in gaps)
    assert "PostgreSQL" in joined and "Docker" in joined
    ru_plan = plan_for(profile, REQ_PY_RU)
    ru_gaps = [q for q in ru_plan.questions if q.topic.startswith("Пробел")]
    assert "PostgreSQL" in ru_gaps[0].text and "вошли в курс дела" in ru_gaps[0].text
    years = plan_for(python_profile(total_years=1), REQ_PY_RU)
    assert any("от 3 лет" in q.text for q in years.questions)


def test_language_of_the_plan() -> None:
    en = plan_for(python_profile(), REQ_PY, lang="en")
    ru = plan_for(python_profile(), REQ_PY, lang="ru")
    assert all(not CYRILLIC.search(q.text) for q in en.questions)
    assert all(CYRILLIC.search(q.text) for q in ru.questions)
    assert all(CYRILLIC.search(q.topic) for q in ru.questions if q.criterion != "technical_skills")


def test_same_inputs_give_the_same_plan() -> None:
    first = plan_for(python_profile(skills=["Python"], total_years=2), REQ_PY_RU)
    again = plan_for(python_profile(skills=["Python"], total_years=2), REQ_PY_RU)
    assert first.model_dump() == again.model_dump()


def test_many_requirements_stay_within_ten_questions_and_thirty_minutes() -> None:
    req = VacancyRequirements(
        title="Full-stack engineer",
        must_have=["Python", "Django", "React", "TypeScript", "PostgreSQL", "Kubernetes",
                   "Kafka", "AWS", "Terraform", "Go"],
        nice_to_have=["Redis", "GraphQL"],
        min_years=7,
        languages=[LanguageSkill(name="english", level="C1")],
        language="en",
    )  # fmt: skip
    profile = python_profile(
        skills=["Python", "Django", "React", "TypeScript", "PostgreSQL"], total_years=3
    )
    plan = plan_for(profile, req)
    check_shape(plan)
    assert len(plan.questions) == 10


def test_unknown_and_non_it_skills_get_questions_too() -> None:
    req = VacancyRequirements(
        title="Главный бухгалтер",
        must_have=["Accounting", "1C", "Payroll", "Ruby"],
        min_years=5,
        language="ru",
    )
    plan = plan_for(accountant_profile().model_copy(update={"skills": [
        "Accounting", "1C", "Payroll", "Ruby",
    ]}), req)  # fmt: skip
    check_shape(plan)
    technical = {q.topic: q.text for q in plan.questions if q.criterion == "technical_skills"}
    assert "закрытие месяца" in technical["Accounting"]
    assert "1С" in technical["1C"]
    assert "Ruby" in technical["Ruby"]  # generic template with the skill's name


def test_bank_has_both_languages_everywhere() -> None:
    bank = question_bank()

    def walk(node: Any) -> None:
        if isinstance(node, dict) and ("ru" in node or "en" in node):
            assert node.get("ru", "").strip() and node.get("en", "").strip(), node
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(bank)


def llm_plan(n: int, criteria: tuple[str, ...] = CRITERIA, time_s: int = 200) -> dict[str, Any]:
    questions = [
        {
            "text": f"Question {i}?",
            "topic": f"Topic {i}",
            "criterion": criteria[i % len(criteria)],
            "time_budget_s": time_s,
        }
        for i in range(n)
    ]
    return {"questions": questions}


def planner(fake: FakeOpenAI) -> LLMPlanner:
    return LLMPlanner(api_key=fake.api_key, base_url=fake.base_url, max_retries=0)


def run_planner(fake: FakeOpenAI, lang: str = "en") -> InterviewPlan:
    profile = python_profile()
    req = REQ_PY if lang == "en" else REQ_PY_RU
    screening = screen_offline(profile, req, similarity=0.4, flags=[], language=req.language)
    return planner(fake).plan(profile, req, screening, language=req.language)


def test_llm_planner_uses_a_valid_model_plan() -> None:
    with FakeOpenAI(chat=lambda request: llm_plan(8, time_s=900)) as fake:
        plan = run_planner(fake)
    assert plan.engine == "openai:gpt-4o-mini"
    assert [q.text for q in plan.questions] == [f"Question {i}?" for i in range(8)]
    check_shape(plan)  # 900 s budgets were clamped and scaled into 30 minutes
    request = fake.requests[0]
    assert request["response_format"]["json_schema"]["name"] == "interview_plan"
    assert "draft" in request["messages"][1]["content"]
    assert "anna.smirnova@example.com" not in request["messages"][1]["content"]


@pytest.mark.parametrize(
    "reply",
    [
        llm_plan(5),
        llm_plan(11),
        llm_plan(8, criteria=("technical_skills", "communication")),
        "not json",
        {"questions": "none"},
    ],
)
def test_llm_planner_falls_back_to_offline_on_invalid_plans(reply: Any) -> None:
    with FakeOpenAI(chat=lambda request: reply) as fake:
        plan = run_planner(fake, lang="ru")
    assert plan.engine == "offline"
    assert plan == plan_for(python_profile(), REQ_PY_RU)


def test_llm_planner_falls_back_to_offline_on_errors() -> None:
    with FakeOpenAI(chat=lambda request: llm_plan(8)) as fake:
        fake.fail_next(500)
        plan = run_planner(fake)
    assert plan.engine == "offline"
    check_shape(plan)
