"""Typed results shared by every pipeline stage and engine.

Pydantic models (not dataclasses) because the OpenAI engine hands their JSON schema to the
model as a structured-output contract, and they are stored as jsonb (`model_dump(mode="json")`).
Skills are always canonical names from pipelines/data/skills.json (see pipelines.skills).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Lang = Literal["ru", "en"]
Recommendation = Literal["strongly_recommend", "recommend", "consider", "reject"]
Criterion = Literal[
    "technical_skills", "experience_relevance", "communication", "problem_solving", "cultural_fit"
]
CEFR = Literal["A1", "A2", "B1", "B2", "C1", "C2", "native"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WorkExperience(_Model):
    """One job; dates are 'YYYY-MM' strings, `end` None with `current` True for a current job."""

    company: str | None = None
    title: str | None = None
    start: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    end: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    current: bool = False
    months: int | None = Field(default=None, ge=0)


class Education(_Model):
    institution: str | None = None
    degree: str | None = None
    field: str | None = None
    year: int | None = Field(default=None, ge=1950, le=2100)


class LanguageSkill(_Model):
    """A spoken language; `name` is the lowercase English name ('english', 'russian')."""

    name: str
    level: CEFR | None = None


class Profile(_Model):
    """What a resume says about a person, as one engine read it."""

    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    telegram_username: str | None = Field(default=None, description="without '@'")
    location: str | None = None
    desired_position: str | None = None
    skills: list[str] = Field(default_factory=list, description="canonical skill names")
    experience: list[WorkExperience] = Field(default_factory=list)
    total_years: float = Field(default=0.0, ge=0)
    education: list[Education] = Field(default_factory=list)
    languages: list[LanguageSkill] = Field(default_factory=list)
    summary: str | None = None
    language: Lang = "en"
    engine: str = "offline"


class Requirement(_Model):
    """One thing a vacancy asks for, as a recruiter would read it.

    Any one of `skills` meets it ("FastAPI or Django" is one requirement, not two); when the
    skill dictionary knows nothing in it, `terms` (its telling words) are looked for in the
    resume text instead ("knowledge of labor law", "ServSafe certification").
    """

    text: str = Field(description="the requirement as written, shortened")
    skills: list[str] = Field(
        default_factory=list, description="canonical skill names; any one meets it"
    )
    terms: list[str] = Field(
        default_factory=list, description="telling words, when no canonical skill applies"
    )
    must: bool = True
    soft: bool = Field(default=False, description="a soft skill everyone claims")


class VacancyRequirements(_Model):
    """What a vacancy asks for, as one engine read it.

    `must_have` / `nice_to_have` list every canonical skill named (alternatives included);
    `requirements` groups them as the vacancy does and adds what the dictionary does not know.
    """

    title: str
    must_have: list[str] = Field(default_factory=list, description="canonical skill names")
    nice_to_have: list[str] = Field(default_factory=list, description="canonical skill names")
    requirements: list[Requirement] = Field(default_factory=list)
    min_years: float | None = Field(default=None, ge=0)
    languages: list[LanguageSkill] = Field(default_factory=list)
    location: str | None = None
    remote: bool | None = None
    language: Lang = "ru"
    engine: str = "offline"


class ScreeningResult(_Model):
    """A resume scored against a vacancy, with reasons a recruiter can read."""

    score: int = Field(ge=0, le=100)
    matched: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    rationale: str
    recommendation: Recommendation
    engine: str
    flags: list[str] = Field(default_factory=list)


class PlannedQuestion(_Model):
    """One interview question and what it is for."""

    text: str
    topic: str
    criterion: Criterion
    time_budget_s: int = Field(ge=30, le=900)


class InterviewPlan(_Model):
    """6-10 questions tailored to a vacancy and to the gaps in one resume."""

    language: Lang
    questions: list[PlannedQuestion] = Field(min_length=6, max_length=10)
    engine: str = "offline"

    @property
    def total_time_s(self) -> int:
        return sum(q.time_budget_s for q in self.questions)
