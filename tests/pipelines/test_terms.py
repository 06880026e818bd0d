"""Stems and word weights that screening compares resumes and vacancies by."""

from __future__ import annotations

from pipelines.terms import SOFT_SPECIFICITY, is_soft, specificity, stem, weight, weighted_stems


def test_everyday_forms_share_a_stem() -> None:
    assert stem("teacher") == stem("teaching") == stem("teaches")
    assert stem("developer") == stem("development")
    assert stem("бухгалтерия") == stem("бухгалтер")
    assert stem("paper") != stem("pap")  # short words are left alone


def test_rare_words_weigh_more_than_common_ones() -> None:
    assert weight("hydraulics") > weight("management") > 0
    assert weight("МСФО".lower()) > weight("работы")
    assert weight("the") == 0 and weight("опыт") == 0 and weight("2019") == 0
    assert weight("servsafeplus") == max(weight(w) for w in ("servsafeplus", "hydraulics"))


def test_weighted_stems_keep_the_heaviest_form() -> None:
    found = weighted_stems("Teaching and teacher training in the classroom")
    assert set(found) >= {stem("teacher"), stem("classroom"), stem("training")}
    assert "the" not in found and "and" not in found


def test_soft_skills_are_less_specific_than_hard_ones() -> None:
    assert is_soft("Strong communication skills") and is_soft("Стрессоустойчивость")
    assert not is_soft("Solid knowledge of labor law")
    assert specificity("Excellent communication and teamwork") == SOFT_SPECIFICITY
    assert specificity("ServSafe Manager certification") > 0.9
    assert specificity("knowledge of labor law") > SOFT_SPECIFICITY


def test_it_in_capitals_is_a_field_and_ial_adjectives_meet_their_noun() -> None:
    from pipelines.terms import words

    assert words("IT Support Specialist")[:2] == ["information", "technology"]
    assert "information" not in words("make it work")
    assert stem("financial") == stem("finance") and stem("industrial") == stem("industry")
