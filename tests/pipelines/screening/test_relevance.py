"""Text relevance and role fit: comparable 0..1 figures for any resume."""

from __future__ import annotations

import pytest

from pipelines.screening.relevance import (
    GENERIC_ONLY,
    field_factor,
    role_fit,
    text_relevance,
    title_overlap,
    title_words,
)

TITLE = "Staff Accountant"
VACANCY = "Reconcile accounts payable and receivable, month-end close, GAAP."


def test_text_relevance_is_bounded_and_prefers_the_trade() -> None:
    accountant = "STAFF ACCOUNTANT\nSkills\nGAAP, accounts payable, reconciliation\n"
    driver = "TRUCK DRIVER\nExperience\nDelivered freight across three states.\n"
    high, low = text_relevance(TITLE, VACANCY, accountant), text_relevance(TITLE, VACANCY, driver)
    assert 0.0 <= low < high <= 1.0
    # repeating a word buys little: the score saturates
    stuffed = accountant + "accountant " * 200
    assert text_relevance(TITLE, VACANCY, stuffed) < high + 0.2


def test_role_fit_ignores_rank_words_and_favours_recent_titles() -> None:
    assert set(title_words("Senior Sous Chef")) == set(title_words("Sous Chef"))
    fit, sims = role_fit("Senior Python Developer", ["Python Developer", "Line Cook"])
    assert fit == sims[0] > sims[1] == 0.0
    older, _ = role_fit("Senior Python Developer", ["Line Cook", "x", "y", "Python Developer"])
    assert older < fit
    assert role_fit("Стажёр", ["Python Developer"])[0] is None  # nothing to compare


def test_titles_in_one_language_meet_by_words_across_languages_by_meaning() -> None:
    from pipelines.engines.embeddings_use import UniversalSentenceEncoder

    embed = UniversalSentenceEncoder().embed_array
    # The encoder finds "Key Account Manager" close to a sysadmin; words do not.
    fit, sims = role_fit("Системный администратор", ["Менеджер по продажам"], embed)
    assert fit == 0.0
    fit, sims = role_fit("Бухгалтер", ["Accountant", "Sous Chef"], embed)
    assert sims[0] > 0.8 > 0.2 > sims[1]


@pytest.mark.parametrize(
    ("vacancy", "other_trade", "same_trade"),
    [
        (
            "Системный администратор",
            "Администратор салона красоты",
            "Системный администратор Linux",
        ),
        ("Aircraft Maintenance Technician", "Engineering Technician", "Aircraft Technician"),
        ("Graphic Designer", "Interior Designer", "Senior Graphic Designer"),
    ],
)
def test_sharing_only_the_generic_occupation_word_is_weak(
    vacancy: str, other_trade: str, same_trade: str
) -> None:
    """An "administrator" of a beauty salon is not a third of a system administrator: when the
    vacancy names a field, a title sharing only the occupation noun fits GENERIC_ONLY of that."""
    wanted = title_words(vacancy)
    assert field_factor(vacancy, wanted, other_trade) == GENERIC_ONLY
    assert field_factor(vacancy, wanted, same_trade) == 1.0
    fit, _ = role_fit(vacancy, [other_trade])
    assert fit > 0
    assert fit == pytest.approx(GENERIC_ONLY * title_overlap(wanted, other_trade))
    assert role_fit(vacancy, [same_trade])[0] > 2 * fit


def test_a_technology_in_the_title_names_the_stack_not_the_trade() -> None:
    wanted = title_words("Python Developer")
    assert field_factor("Python Developer", wanted, "Backend Developer") == 1.0
