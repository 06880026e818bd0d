"""An HH resume page read by the browser (`ScrapedResume`) as the product's resume: a plain-text
rendering for screening, search and download, and its profile.

The page states the person exactly (name, position, phone, e-mail, Telegram, the skills
table): those are taken as they are. What the page only writes as text (jobs and their dates,
education, languages) is read by the offline rules, which are deterministic, free and read
hh.ru-style resumes; no cloud engine sees the page.
"""

from __future__ import annotations

from pipelines.models import Profile
from pipelines.profiles.offline import OfflineProfileEngine
from pipelines.profiles.phones import normalize_phone
from pipelines.skills import normalize_skills
from scraper.browser.models import ScrapedResume

ENGINE = "hh_page"
_REGIONS = ("RU", "KZ", "BY", "UZ")  # HH's countries, for numbers written without a code
_READER = OfflineProfileEngine()


def render_scraped(resume: ScrapedResume) -> str:
    """The page as a reader would print it: the person and contacts, then the sections."""
    lines = [resume.name or "—"]
    lines += [v for v in (resume.phone, resume.email) if v]
    if resume.telegram:
        lines.append(f"Telegram: {resume.telegram}")
    if resume.text.strip():
        lines += ["", resume.text.strip()]
    elif resume.title:
        lines += ["", resume.title]
    return "\n".join(lines).strip() + "\n"


def profile_of_scraped(resume: ScrapedResume, text: str) -> Profile:
    """The page's own fields over what the offline rules read in `text` (the rendering, after
    the injection check)."""
    read = _READER.extract_profile(text)
    phone = normalize_phone(resume.phone, _REGIONS) if resume.phone else None
    telegram = (resume.telegram or "").lstrip("@") or read.telegram_username
    return read.model_copy(
        update={
            "full_name": resume.name or read.full_name,
            "email": (resume.email or "").strip().lower() or read.email,
            "phone": phone or read.phone,
            "telegram_username": telegram,
            "desired_position": resume.title or read.desired_position,
            "skills": normalize_skills([*resume.skills, *read.skills]),
            "engine": ENGINE,
        }
    )
