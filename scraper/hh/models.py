"""HH's answers, typed for the fields the product uses (everything else is ignored).

Shapes follow HH's documentation (../shared/reference/hh/): `/me`, employer vacancies, the
negotiation collections of a vacancy, the responses in a collection with their embedded resume
summary and `actions[]`, and the full resume.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _HH(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Named(_HH):
    id: str | None = None
    name: str | None = None


class Employer(_HH):
    id: str
    name: str | None = None


class Me(_HH):
    id: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_employer: bool = False
    employer: Employer | None = None
    manager: Named | None = None


class KeySkill(_HH):
    name: str


class Salary(_HH):
    from_: int | None = Field(default=None, alias="from")
    to: int | None = None
    currency: str | None = None


class VacancyBrief(_HH):
    id: str
    name: str
    area: Named | None = None
    url: str | None = None
    alternate_url: str | None = None
    created_at: datetime | None = None
    published_at: datetime | None = None


class Vacancy(VacancyBrief):
    description: str = ""  # HTML
    key_skills: list[KeySkill] = Field(default_factory=list)
    salary: Salary | None = None
    archived: bool = False
    experience: Named | None = None


class Collection(_HH):
    id: str
    name: str | None = None
    url: str


class Argument(_HH):
    id: str
    required: bool = False


class Action(_HH):
    """Something the employer may do with a response; its URL and method are HH's to decide."""

    id: str
    name: str | None = None
    enabled: bool = True
    method: str = "PUT"
    url: str
    arguments: list[Argument] = Field(default_factory=list)
    resulting_employer_state: Named | None = None


class ResumeRef(_HH):
    id: str
    title: str | None = None
    url: str | None = None  # the full resume, with the response's topic_id
    first_name: str | None = None
    last_name: str | None = None
    alternate_url: str | None = None


class Negotiation(_HH):
    id: str
    state: Named | None = None
    employer_state: Named | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    has_updates: bool = False
    actions: list[Action] = Field(default_factory=list)
    url: str | None = None
    messages_url: str | None = None
    resume: ResumeRef | None = None


class ContactValue(_HH):
    formatted: str | None = None
    number: str | None = None
    country: str | None = None
    city: str | None = None


class Contact(_HH):
    type: Named
    value: ContactValue | str | None = None
    preferred: bool = False


class Site(_HH):
    type: Named
    url: str


class Experience(_HH):
    company: str | None = None
    position: str | None = None
    start: date | None = None
    end: date | None = None
    description: str | None = None


class TotalExperience(_HH):
    months: int = 0


class LanguageLevel(_HH):
    id: str | None = None
    name: str | None = None
    level: Named | None = None


class EducationItem(_HH):
    name: str | None = None
    organization: str | None = None
    result: str | None = None
    year: int | None = None


class Education(_HH):
    level: Named | None = None
    primary: list[EducationItem] = Field(default_factory=list)


class Resume(_HH):
    id: str
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    middle_name: str | None = None
    area: Named | None = None
    contact: list[Contact] = Field(default_factory=list)
    site: list[Site] = Field(default_factory=list)
    skills: str | None = None
    skill_set: list[str] = Field(default_factory=list)
    experience: list[Experience] = Field(default_factory=list)
    total_experience: TotalExperience | None = None
    education: Education | None = None
    language: list[LanguageLevel] = Field(default_factory=list)
    alternate_url: str | None = None
    updated_at: datetime | None = None

    def raw(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)
