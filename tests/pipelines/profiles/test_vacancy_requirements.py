"""Requirement lines grouped as a recruiter counts them, with what the dictionary misses."""

from __future__ import annotations

from pipelines.profiles.offline import OfflineProfileEngine
from pipelines.profiles.vacancy_requirements import requirements_from_line


def _one(line: str):
    found = requirements_from_line(line, must=True)
    assert len(found) == 1, found
    return found[0]


def test_alternatives_are_one_requirement() -> None:
    assert _one("- Experience with FastAPI or Django").skills == ["FastAPI", "Django"]
    assert _one("Excel, Google Sheets or similar").skills == ["Excel", "Google Sheets"]
    assert set(_one("A framework such as Django, Flask or FastAPI").skills) == {
        "Django", "Flask", "FastAPI",
    }  # fmt: skip
    assert _one("Опыт с PostgreSQL или MySQL").skills == ["PostgreSQL", "MySQL"]


def test_a_list_without_or_is_several_requirements() -> None:
    found = requirements_from_line("Python, PostgreSQL, Docker", must=True)
    assert [r.skills for r in found] == [["Python"], ["PostgreSQL"], ["Docker"]]


def test_what_the_dictionary_does_not_know_is_kept_as_terms() -> None:
    local = _one("Experience buying from Nashville farmers-market growers")
    assert local.skills == [] and {"nashville", "farmers-market", "growers"} <= set(local.terms)
    assert "experience" not in local.terms
    law = _one("Solid knowledge of Kazakh customs regulations")
    assert "kazakh" in law.terms and not law.soft


def test_years_and_spoken_languages_are_left_to_their_own_checks() -> None:
    for line in ("3+ years of backend development", "English B2", "Опыт работы от 3 лет"):
        assert requirements_from_line(line, must=True) == [], line
    assert requirements_from_line("Teaching English grammar to adults", must=True)


def test_soft_skills_are_marked_and_job_conditions_are_not_requirements() -> None:
    assert _one("Strong communication skills").soft
    assert _one("You stay calm and positive under pressure").soft
    for condition in (
        "Willing to work nights, weekends and holidays",
        "Able to lift 50 lbs",
        "Готовность к командировкам",
        "New graduates are welcome to apply",
        "Remote.",
        "Москва, гибрид",
    ):
        assert requirements_from_line(condition, must=True) == [], condition


def test_prose_vacancy_yields_must_and_nice_requirements() -> None:
    text = (
        "We are a busy restaurant. We need someone with at least three years in a high-volume "
        "kitchen, including a year as a sous chef. A ServSafe Manager certification is "
        "required. Experience with Josper charcoal ovens is a real plus."
    )
    req = OfflineProfileEngine().analyze_vacancy("Sous Chef", text)
    must = [r for r in req.requirements if r.must]
    nice = [r for r in req.requirements if not r.must]
    assert any("Food Safety" in r.skills for r in must)  # ServSafe, through the dictionary
    assert any("josper" in r.terms for r in nice)
    assert not any("restaurant" in r.terms for r in req.requirements)  # "We are a busy …"
    assert req.min_years == 3


def test_a_clause_that_asks_more_of_a_skill_keeps_its_own_words() -> None:
    """Every line of a nurse vacancy names "Nursing"; merged by that name, the licence, the
    degree and the nice-to-haves vanished into one requirement."""
    text = (
        "Registered Nurse\n\nRequirements\n"
        "- Current RN license in Pennsylvania\n"
        "- Bachelor's degree in Nursing (BSN)\n"
        "- BLS certification\n\n"
        "Nice to have\n- Preceptor or charge nurse experience\n"
    )
    req = OfflineProfileEngine().analyze_vacancy("Registered Nurse", text)
    by_text = {r.text: r for r in req.requirements}
    licence = by_text["Current RN license in Pennsylvania"]
    assert licence.must and licence.skills == ["Nursing"] and "license" in licence.terms
    assert {"degree", "bsn"} <= set(by_text["Bachelor's degree in Nursing (BSN)"].terms)
    charge = by_text["Preceptor or charge nurse experience"]
    assert not charge.must and {"preceptor", "charge"} <= set(charge.terms)
    assert by_text["BLS"].terms == []  # a skill named alone stays a skill
    # naming skills with common words around them asks nothing more of them
    assert _one("Strong experience with FastAPI or Django").terms == []


def test_what_a_hire_may_get_after_starting_is_not_asked_of_an_applicant() -> None:
    found = requirements_from_line("BLS certification (ACLS within 6 months of hire)", must=True)
    assert [(r.skills, r.must) for r in found] == [(["ACLS"], False), (["BLS"], True)]
    servsafe = _one(
        "A ServSafe Manager certification (or willingness to get one in your first month)"
    )
    assert servsafe.must and "willingness" not in servsafe.terms and "month" not in servsafe.terms
    # an aside that only gives examples stays part of the requirement
    assert _one("A BI tool (Power BI or Tableau)").skills == ["Power BI", "Tableau"]
