"""Text relevance and role fit: comparable 0..1 figures for any resume."""

from __future__ import annotations

import pytest

from pipelines.screening.relevance import (
    GENERIC_ONLY,
    QUALIFIER_WEIGHT,
    field_factor,
    role_fit,
    text_relevance,
    title_overlap,
    title_words,
    vacancy_title_words,
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


def test_title_acronyms_are_read_as_their_words() -> None:
    assert role_fit("Registered Nurse", ["Staff RN"])[0] == pytest.approx(1.0)
    assert role_fit("HR Generalist", ["Human Resources Generalist"])[0] == pytest.approx(1.0)
    assert role_fit("RN", ["Registered Nurse"])[0] == pytest.approx(1.0)  # and back
    # the vacancy's words weigh as written: "hr" is not diluted into "human" + "resources"
    assert title_words("HR Generalist") == {
        "hr": title_words("HR")["hr"],
        **title_words("Generalist"),
    }
    assert role_fit("IT Support Specialist", ["Information Technology Support"])[0] > 0.5


def test_whom_a_title_serves_is_not_the_trade() -> None:
    assistant = "Administrative Assistant to the Chief Nursing Officer"
    assert role_fit("Registered Nurse", [assistant])[0] == 0.0
    assert role_fit("Administrative Assistant", [assistant])[0] == pytest.approx(1.0)
    assert role_fit("Registered Nurse", ["Director of Nursing"])[0] > 0.5  # "of" names the field


@pytest.mark.parametrize(
    ("vacancy", "qualifier"),
    [
        ("Registered Nurse - Medical-Surgical Unit", "Medical-Surgical Unit"),
        ("Financial Analyst, FP&A", "FP&A"),
        ("Primary School Teacher (Grade 3)", "Grade 3"),
        ("Бухгалтер (участок: банк)", "участок: банк"),
    ],
)
def test_a_vacancy_titles_qualifier_counts_for_less(vacancy: str, qualifier: str) -> None:
    """The role before " - ", ",", "(" says what the person is; a nurse's own title
    "Registered Nurse" is most of "Registered Nurse - Medical-Surgical Unit", not two fifths."""
    head = title_words(vacancy[: len(vacancy) - len(qualifier)].rstrip(" -,(:"))
    wanted = vacancy_title_words(vacancy)
    for s, w in title_words(qualifier).items():
        assert wanted[s] == pytest.approx(w * QUALIFIER_WEIGHT if s not in head else head[s])
    assert {s: wanted[s] for s in head} == head
    role = vacancy[: len(vacancy) - len(qualifier)].rstrip(" -,(:")
    fit, _ = role_fit(vacancy, [role])
    assert fit > 0.7
    assert fit > title_overlap(title_words(vacancy), role)  # the whole title weighed evenly
    # a title that is all qualifier keeps its words
    assert vacancy_title_words("(Remote) Sous Chef") == title_words("(Remote) Sous Chef")


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
