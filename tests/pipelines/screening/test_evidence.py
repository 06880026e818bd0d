"""Evidence for requirements the dictionary does not know, and the score built on it."""

from __future__ import annotations

import pytest

from pipelines.engines.embeddings_use import UniversalSentenceEncoder
from pipelines.models import Profile, Requirement, VacancyRequirements
from pipelines.screening.evidence import ResumeLines, match_requirement
from pipelines.screening.scoring import screen_offline

CHEF_RESUME = """EXECUTIVE CHEF
Summary
Executive chef with 12 years in scratch kitchens; ServSafe Manager certified.
Experience
Executive Chef, Harbor Bistro, 2016 - Present
Run a 140-seat restaurant kitchen: menu development, food cost, ordering and a team of 14 cooks.
Sous Chef, Olive Tree, 2012 - 2016
Led the line during service, butchery, sauces and grill work.
"""
NON_CHEF_RESUME = """OPERATIONS MANAGER
Summary
Operations manager with strong leadership and communication skills.
Experience
Operations Manager, Brightline Logistics, 2012 - Present
Leadership of a warehouse team of 30, scheduling, customer service, reporting.
"""
CHEF_VACANCY = """Sous Chef
Requirements:
- 3+ years in a high-volume scratch kitchen, including time as a sous chef
- ServSafe Manager certification
- Leadership
- Strong communication skills
"""


def test_a_term_requirement_is_met_by_its_words_with_the_line_as_evidence() -> None:
    lines = ResumeLines.build(CHEF_RESUME)
    servsafe = Requirement(text="ServSafe Manager certification", terms=["servsafe", "manager"])
    match = match_requirement(servsafe, lines, set())
    assert match.credit == 1.0 and match.how == "words"
    assert "ServSafe Manager certified" in (match.evidence or "")
    missing = Requirement(text="HACCP plan writing", terms=["haccp", "plan", "writing"])
    assert match_requirement(missing, lines, set()).credit < 0.6


def test_everyday_forms_credit_a_dictionary_skill_the_profile_lacks() -> None:
    lines = ResumeLines.build("Taught reading to 3rd grade students; teacher of the year")
    teaching = Requirement(text="Teaching", skills=["Teaching"])
    assert match_requirement(teaching, lines, set()).credit == 1.0


def test_a_skill_asked_with_more_is_met_by_the_skill_and_shown_in_full_by_its_words() -> None:
    from pipelines.screening.evidence import SKILL_SHOWS

    licence = Requirement(
        text="Current RN license", skills=["Nursing"], terms=["current", "rn", "license"]
    )
    aide = ResumeLines.build("CERTIFIED NURSING ASSISTANT\nBathed and fed residents")
    match = match_requirement(licence, aide, {"nursing"})
    assert match.credit == SKILL_SHOWS and match.how == "skill"  # met, not fully shown
    nurse = ResumeLines.build("STAFF NURSE\nCurrent RN license, Pennsylvania, 2031")
    match = match_requirement(licence, nurse, {"nursing"})
    assert match.credit == 1.0 and "RN license" in (match.evidence or "")
    # a plain skill requirement is still met in full by the skill
    assert match_requirement(Requirement(text="Nursing", skills=["Nursing"]), aide,
                             {"nursing"}).credit == 1.0  # fmt: skip


@pytest.fixture(scope="module")
def encoder() -> UniversalSentenceEncoder:
    return UniversalSentenceEncoder()


def test_a_requirement_is_met_by_meaning_in_other_words(encoder: UniversalSentenceEncoder) -> None:
    lines = ResumeLines.build(CHEF_RESUME, embed=encoder.embed_array)
    req = Requirement(text="Experience leading a busy restaurant kitchen", terms=["leading"])
    vector = encoder.embed_array([req.text])[0]
    match = match_requirement(req, lines, set(), vector)
    assert match.how == "meaning" and match.credit > 0.3
    assert "kitchen" in (match.evidence or "").lower()


def test_a_chef_outranks_a_manager_who_only_shares_soft_skills(
    encoder: UniversalSentenceEncoder,
) -> None:
    from pipelines.profiles.offline import OfflineProfileEngine

    req: VacancyRequirements = OfflineProfileEngine().analyze_vacancy("Sous Chef", CHEF_VACANCY)
    vacancy_vector = encoder.embed_array([CHEF_VACANCY])[0]

    def screen(text: str, profile: Profile):
        similarity = float(encoder.embed_array([text])[0] @ vacancy_vector)
        return screen_offline(
            profile, req, similarity=similarity, flags=[], language="en",
            resume_text=text, vacancy_text=CHEF_VACANCY, embedder=encoder,
        )  # fmt: skip

    engine = OfflineProfileEngine()
    chef = screen(CHEF_RESUME, engine.extract_profile(CHEF_RESUME))
    manager_profile = engine.extract_profile(NON_CHEF_RESUME)
    assert {"Leadership", "Communication Skills"} <= set(manager_profile.skills)
    manager = screen(NON_CHEF_RESUME, manager_profile)
    assert chef.score >= manager.score + 25
    assert manager.recommendation in ("reject", "consider")
    # the requirement keeps its own words, not only the dictionary's "Food Safety"
    assert "ServSafe Manager certification" in chef.matched
    assert "ServSafe Manager certification" in manager.missing
    assert "executive chef" in chef.rationale.lower()  # the fitting role is named


def test_a_huge_resume_embeds_only_its_first_pages(encoder: UniversalSentenceEncoder) -> None:
    from pipelines.screening.evidence import MAX_EMBEDDED_CHARS

    line = "Managed the kitchen of a busy restaurant and trained new cooks every week"
    text = "\n".join([line] * (3 * MAX_EMBEDDED_CHARS // len(line)))
    vectors = ResumeLines.build(text, embed=encoder.embed_array).vectors()
    assert vectors is not None
    embedded = int((abs(vectors).sum(axis=1) > 0).sum())
    assert 0 < embedded <= MAX_EMBEDDED_CHARS // len(line) + 1 < len(vectors)
