"""A recruiter's corrections applied over an analysed vacancy: kept, relaxed, dropped, added
and reworded requirements, on real vacancy text read by the offline engine."""

from __future__ import annotations

import pytest

from db.errors import InvalidValue
from pipelines.models import VacancyRequirements
from pipelines.profiles.offline import OfflineProfileEngine
from pipelines.profiles.vacancy_edit import RequirementUnreadable, apply_edit
from tests.pipelines import samples


@pytest.fixture(scope="module")
def analysed() -> VacancyRequirements:
    found = OfflineProfileEngine().analyze_vacancy("", samples.VACANCY_EN)
    # What the edits below start from (so a dictionary change shows here first).
    assert [(r.text, r.must) for r in found.requirements] == [
        ("Python", True), ("FastAPI", True), ("PostgreSQL", True), ("Docker", True),
        ("Kubernetes", False), ("Redis", False),
    ]  # fmt: skip
    return found


def test_drop_relax_add_and_reword(analysed: VacancyRequirements) -> None:
    edited = apply_edit(
        analysed,
        [
            ("  python ", True),  # kept: same text in another case and spacing
            ("FastAPI", True),
            ("PostgreSQL", False),  # relaxed to nice-to-have
            # Docker dropped
            ("ServSafe certification", True),  # added, unknown to the analysis
            ("Container orchestration with Kubernetes", True),  # reworded, now a must
            ("Redis", False),
        ],
        min_years=2,
    )
    assert [(r.text, r.must) for r in edited.requirements] == [
        ("Python", True), ("FastAPI", True), ("PostgreSQL", False),
        ("ServSafe certification", True), ("Container orchestration with Kubernetes", True),
        ("Redis", False),
    ]  # fmt: skip
    by_text = {r.text: r for r in edited.requirements}
    assert by_text["Python"] == analysed.requirements[0]  # what was read is kept
    assert by_text["Container orchestration with Kubernetes"].skills == ["Kubernetes"]
    servsafe = by_text["ServSafe certification"]
    assert servsafe.skills or "servsafe" in servsafe.terms
    assert "Docker" not in edited.must_have + edited.nice_to_have
    assert edited.must_have[:2] == ["Python", "FastAPI"]
    assert "Kubernetes" in edited.must_have
    assert edited.nice_to_have == ["PostgreSQL", "Redis"]
    assert edited.min_years == 2
    assert edited.engine == "recruiter"
    # What the recruiter did not touch stays as read.
    assert (edited.title, edited.language, edited.languages, edited.remote) == (
        analysed.title, analysed.language, analysed.languages, analysed.remote,
    )  # fmt: skip


def test_unknown_words_become_terms_and_several_skills_one_requirement(
    analysed: VacancyRequirements,
) -> None:
    edited = apply_edit(
        analysed,
        [
            ("Python, Django", True),
            ("Experience with our in-house Quokka ledger", False),
            # A condition of the job the analysis leaves for the interview: the recruiter
            # asked for it, so its words are looked for.
            ("Night shifts at the bakery", True),
        ],
        None,
    )
    both, quokka, nights = edited.requirements
    assert (both.text, both.skills, both.must) == ("Python, Django", ["Python", "Django"], True)
    assert "quokka" in quokka.terms and not quokka.skills and not quokka.must
    assert "bakery" in nights.terms and nights.must
    assert edited.must_have == ["Python", "Django"]
    assert edited.nice_to_have == []
    assert edited.min_years is None


def test_a_recruiters_skill_with_more_keeps_what_it_asks(analysed: VacancyRequirements) -> None:
    edited = apply_edit(analysed, [("Current RN license in Ohio", True)], None)
    (licence,) = edited.requirements
    assert licence.text == "Current RN license in Ohio" and licence.skills == ["Nursing"]
    assert {"license", "ohio"} <= set(licence.terms)


def test_a_skill_required_and_nice_counts_as_required(analysed: VacancyRequirements) -> None:
    edited = apply_edit(analysed, [("Python", True), ("Python or Go", False)], None)
    assert edited.must_have == ["Python"]
    assert edited.nice_to_have == ["Go"]


def test_repeats_count_once(analysed: VacancyRequirements) -> None:
    edited = apply_edit(analysed, [("Docker", True), ("docker", False)], None)
    assert [(r.text, r.must) for r in edited.requirements] == [("Docker", True)]


def test_an_item_with_nothing_to_check_is_refused(analysed: VacancyRequirements) -> None:
    with pytest.raises(RequirementUnreadable, match="'3\\+ years'") as refused:
        apply_edit(analysed, [("Python", True), ("3+ years", True)], 3)
    assert isinstance(refused.value, InvalidValue)
    assert refused.value.code == "requirement_unreadable"


def test_min_years_is_validated(analysed: VacancyRequirements) -> None:
    with pytest.raises(ValueError):
        apply_edit(analysed, [("Python", True)], -1)
