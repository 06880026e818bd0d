"""The offline profile engine: rules and the skill dictionary, no network, deterministic.

It reads hh.ru-style Russian resumes, LinkedIn-style English ones and messy text alike:
sections by bilingual headings, the name and contacts from the candidate's own header and
contact lines (never a referee's), jobs anchored on their date ranges,
total experience as the union of those ranges (a `today` can be injected for tests), or a
stated "Опыт работы 5 лет 3 месяца" / "5+ years of experience" when no job has dates.
"""

from __future__ import annotations

import re
from datetime import date

from pipelines.models import Profile, VacancyRequirements, WorkExperience
from pipelines.profiles.cleaning import clean_text
from pipelines.profiles.contacts import (
    EMAIL,
    clean_value,
    contact_area,
    find_email,
    find_location,
    find_position_label,
    find_telegram,
)
from pipelines.profiles.dates import parse_duration
from pipelines.profiles.experience import parse_jobs, parse_schooling, total_years
from pipelines.profiles.languages import find_languages
from pipelines.profiles.names import find_name
from pipelines.profiles.occupations import TITLE_WORDS
from pipelines.profiles.phones import country_hints, find_phone
from pipelines.profiles.sections import (
    RESUME_HEADINGS,
    RESUME_NESTED,
    HeadingMatcher,
    Section,
    detect_language,
    section_text,
    split_sections,
)
from pipelines.profiles.vacancy import analyze_vacancy_text
from pipelines.skills import find_skills

ENGINE_ID = "offline"
_RESUME = HeadingMatcher(
    RESUME_HEADINGS,
    duration_key="experience",
    qualified={"experience": "experience", "work history": "experience"},
)
_NON_JOB_SECTIONS = frozenset(
    {"education", "skills", "languages", "other", "contacts", "references", "achievements"}
)
_CLAIM = re.compile(
    r"(?:опыт\w*|стаж\w*)(?:\s+[\w-]+){0,4}?\s*[:—–-]?\s*(?:более|свыше|около|от|не менее)?\s*"
    r"(?P<ru>\d{1,2}(?:[.,]\d)?\s*\+?\s*(?:лет|года?|год)(?:\s+(?:и\s+)?\d{1,2}\s*месяц\w*)?)"
    r"|(?P<en>\d{1,2}(?:[.,]\d)?\s*\+?\s*(?:years?|yrs?))(?:\s+of)?(?:\s+[\w-]+){0,3}?\s+experience"
    r"|experience\s*(?:of|:|-|—)?\s*(?P<en2>\d{1,2}(?:[.,]\d)?\s*\+?\s*(?:years?|yrs?))",
    re.I,
)


class OfflineProfileEngine:
    """Rule-based resume and vacancy reader; works with no network and no keys."""

    id = ENGINE_ID

    def __init__(self, *, today: date | None = None) -> None:
        self._today = today

    def extract_profile(self, text: str) -> Profile:
        """A `Profile` from resume text (any of Russian, English, or both)."""
        today = self._today or date.today()
        text = clean_text(text)
        sections = split_sections(text, _RESUME, RESUME_NESTED)
        area = contact_area(sections)
        regions = country_hints(text, area.head)
        jobs = _jobs(sections, today)
        years = total_years(jobs, today)
        if years is None:
            years = _claimed_years(sections, text)
        skills_text = section_text(sections, "skills")
        skills = find_skills(skills_text, skills_section=True) + find_skills(text)
        languages_text = section_text(sections, "languages")
        languages = find_languages(languages_text) if languages_text.strip() else []
        if not languages:
            languages = find_languages(text, require_level=True)
        return Profile(
            full_name=find_name(area.head_lines),
            email=find_email(area.head) or find_email(area.about),
            phone=find_phone(area.head, regions) or find_phone(area.about, regions),
            telegram_username=find_telegram(area.about, area.head),
            location=find_location(area.head) or find_location(area.about),
            desired_position=_desired_position(sections, area.head_lines),
            skills=list(dict.fromkeys(skills)),
            experience=jobs,
            total_years=years or 0.0,
            education=parse_schooling(section_text(sections, "education").split("\n")),
            languages=languages,
            summary=_summary(sections),
            language=detect_language(text),  # type: ignore[arg-type]
            engine=self.id,
        )

    def analyze_vacancy(self, title: str, text: str) -> VacancyRequirements:
        """Requirements of a vacancy: must/nice skills, years, languages, place, remote."""
        return analyze_vacancy_text(title, clean_text(text), engine=self.id)


def _jobs(sections: list[Section], today: date) -> list[WorkExperience]:
    experience = [line for s in sections if s.key == "experience" for line in s.lines]
    if experience:
        return parse_jobs(experience, today)
    # No experience heading: look for dated jobs anywhere but in schooling and lists.
    rest = [line for s in sections if s.key not in _NON_JOB_SECTIONS for line in s.lines]
    return parse_jobs(rest, today, skip_schooling=True)


def _claimed_years(sections: list[Section], text: str) -> float:
    """Years stated on the heading ("Опыт работы — 6 лет 2 месяца"), else in the text."""
    for section in sections:
        if section.key == "experience" and section.inline:
            months = parse_duration(section.inline)
            if months:
                return round(months / 12, 1)
    for match in _CLAIM.finditer(text):
        months = parse_duration(match.group("ru") or match.group("en") or match.group("en2"))
        if months:
            return round(months / 12, 1)
    return 0.0


def _desired_position(sections: list[Section], head_lines: list[str]) -> str | None:
    for section in sections:
        if section.key != "position":
            continue
        for line in [section.inline] + section.lines:
            value = clean_value(line, 120) if line.strip() else None
            if value:
                return value
    head = "\n".join(head_lines)
    labelled = find_position_label(head)
    if labelled:
        return labelled
    # A LinkedIn headline: a short line with a job-title word near the top.
    for line in head_lines[:10]:
        value = line.strip(" \t#*|")
        words = value.split()
        if (
            TITLE_WORDS.search(value)
            and 1 <= len(words) <= 7
            and not value.endswith(".")
            and not EMAIL.search(value)
            and not any(ch.isdigit() for ch in value)
            and ":" not in value
        ):
            return re.split(r"\s+(?:at|@|в)\s+|\s*[|•]\s*", value)[0].strip() or None
    return None


def _summary(sections: list[Section]) -> str | None:
    text = " ".join(s.text for s in sections if s.key == "summary")
    text = re.sub(r"\s+", " ", text).strip()
    return text[:1500] or None
