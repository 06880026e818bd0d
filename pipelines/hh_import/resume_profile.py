"""An HH resume (JSON) as the product's resume: its profile from HH's own fields, no text
re-parsing (HH knows the name, contacts, jobs and dates exactly), and a plain-text rendering
of the same fields for screening, search and the recruiter's download.

Languages: HH levels (a1…c2, l1 = native) become CEFR; skills are the resume's `skill_set`
plus whatever the skills dictionary finds in its "about" text and job descriptions.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from pipelines.models import Education, LanguageSkill, Profile, WorkExperience
from pipelines.profiles.sections import detect_language
from pipelines.skills import find_skills, normalize_skills
from scraper.hh.models import Contact, Resume

ENGINE = "hh"
_LEVELS = {"a1": "A1", "a2": "A2", "b1": "B1", "b2": "B2", "c1": "C1", "c2": "C2", "l1": "native"}
_LANGUAGES = {"rus": "russian", "eng": "english", "deu": "german", "fra": "french",
              "spa": "spanish", "ita": "italian", "zho": "chinese", "ukr": "ukrainian",
              "kaz": "kazakh", "uzb": "uzbek", "bel": "belarusian", "tur": "turkish"}  # fmt: skip


def _month(value: date | None) -> str | None:
    return value.strftime("%Y-%m") if value else None


def _months(start: date | None, end: date | None) -> int | None:
    if start is None:
        return None
    stop = end or datetime.now(UTC).date()
    return max(0, (stop.year - start.year) * 12 + stop.month - start.month + 1)


def _contact(contacts: list[Contact], kind: str) -> str | None:
    found = sorted((c for c in contacts if c.type.id == kind), key=lambda c: not c.preferred)
    for contact in found:
        value = contact.value
        if isinstance(value, str) and value.strip():
            return value.strip()
        if value is not None and not isinstance(value, str):
            if value.formatted or value.number:
                digits = "".join(ch for ch in (value.country or "") + (value.city or "")
                                 + (value.number or "") if ch.isdigit())  # fmt: skip
                return f"+{digits}" if digits else value.formatted
    return None


def _telegram(resume: Resume) -> str | None:
    for site in resume.site:
        if (site.type.id or "").lower() == "telegram" or "t.me/" in site.url:
            name = site.url.rstrip("/").rsplit("/", 1)[-1].lstrip("@")
            return name or None
    return None


def profile_of(resume: Resume, text: str) -> Profile:
    """The profile HH's fields state; `text` is the rendering (for the language and skills)."""
    name = " ".join(p for p in (resume.first_name, resume.middle_name, resume.last_name) if p)
    jobs = [
        WorkExperience(company=job.company, title=job.position, start=_month(job.start),
                       end=_month(job.end), current=job.end is None and job.start is not None,
                       months=_months(job.start, job.end))
        for job in resume.experience
    ]  # fmt: skip
    total = (
        resume.total_experience.months
        if resume.total_experience
        else sum(j.months or 0 for j in jobs)
    )
    education = [
        Education(institution=e.name, field=e.organization, degree=e.result or None,
                  year=e.year if e.year and 1950 <= e.year <= 2100 else None)
        for e in (resume.education.primary if resume.education else [])
    ]  # fmt: skip
    languages = [
        LanguageSkill(name=_LANGUAGES.get(lang.id or "", (lang.name or "").lower()),
                      level=_LEVELS.get((lang.level.id if lang.level else "") or ""))  # type: ignore[arg-type]
        for lang in resume.language if lang.id or lang.name
    ]  # fmt: skip
    described = "\n".join([resume.skills or "", *(j.description or "" for j in resume.experience)])
    skills = normalize_skills([*resume.skill_set, *find_skills(described)])
    return Profile(
        full_name=name or None, email=_contact(resume.contact, "email"),
        phone=_contact(resume.contact, "cell") or _contact(resume.contact, "home"),
        telegram_username=_telegram(resume), location=resume.area.name if resume.area else None,
        desired_position=resume.title, skills=skills, experience=jobs,
        total_years=round(total / 12, 1), education=education, languages=languages,
        summary=(resume.skills or "").strip()[:1000] or None,
        language="en" if detect_language(text) == "en" else "ru", engine=ENGINE,
    )  # fmt: skip


def render_text(resume: Resume) -> str:
    """The resume as a reader would print it: the text screened and downloaded."""
    name = " ".join(p for p in (resume.last_name, resume.first_name, resume.middle_name) if p)
    lines = [name or "—", resume.title or ""]
    if resume.area and resume.area.name:
        lines.append(resume.area.name)
    for kind in ("cell", "email"):
        if value := _contact(resume.contact, kind):
            lines.append(value)
    if telegram := _telegram(resume):
        lines.append(f"Telegram: @{telegram}")
    if resume.experience:
        lines += ["", "Опыт работы / Experience"]
        for job in resume.experience:
            period = f"{_month(job.start) or '?'} — {_month(job.end) or 'now'}"
            lines.append(f"{period}  {job.position or ''}, {job.company or ''}".rstrip(", "))
            if job.description:
                lines.append(job.description.strip())
    if resume.skill_set:
        lines += ["", "Навыки / Skills", ", ".join(resume.skill_set)]
    if resume.skills:
        lines += ["", "Обо мне / About", resume.skills.strip()]
    if resume.education and resume.education.primary:
        lines += ["", "Образование / Education"]
        lines += [", ".join(str(p) for p in (e.year, e.name, e.organization, e.result) if p)
                  for e in resume.education.primary]  # fmt: skip
    if resume.language:
        lines += ["", "Языки / Languages"]
        lines += [f"{lang.name or lang.id} — {lang.level.name if lang.level else ''}".strip(" —")
                  for lang in resume.language]  # fmt: skip
    return "\n".join(lines).strip() + "\n"
