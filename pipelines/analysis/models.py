"""What an interview analysis reads and what it produces: the contract between the engines
(offline, LLM), the verdict policy, storage and the PDF.

Turn numbers are the transcript's `seq` (as stored in `interview_turns`), so a quote can be
found again in the transcript the recruiter sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pipelines.models import Criterion, InterviewPlan, Lang, Profile, VacancyRequirements

CRITERIA: tuple[Criterion, ...] = (
    "technical_skills",
    "experience_relevance",
    "communication",
    "problem_solving",
    "cultural_fit",
)
MAX_QUOTES = 3
RedFlagKind = Literal["contradiction", "evasive", "injection", "off_topic", "aborted"]
ReportStatus = Literal["complete", "partial", "insufficient"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---- input ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TranscriptTurn:
    """One stored utterance of the interview."""

    seq: int
    role: str  # interviewer | candidate | system
    text: str
    question_index: int | None = None  # the plan question the turn belongs to
    kind: str | None = None  # interviewer turns: greeting, question, followup, repeat, closing…
    started_at: datetime | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True)
class AnalysisInput:
    """Everything an engine may look at for one interview."""

    interview_id: int
    language: Lang
    channel: str  # voice | telegram
    status: str  # the interview's status: completed | failed | active | created
    turns: list[TranscriptTurn]
    plan: InterviewPlan | None = None
    requirements: VacancyRequirements | None = None
    profile: Profile | None = None
    candidate_name: str | None = None
    vacancy_title: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    server_down_s: float = 0.0  # time the server could not run the interview; not its length
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def candidate_turns(self) -> list[TranscriptTurn]:
        return [t for t in self.turns if t.role == "candidate" and t.text.strip()]

    def question_for(self, turn: TranscriptTurn) -> str | None:
        """The plan question a candidate turn answers, when known."""
        if self.plan is None or turn.question_index is None:
            return None
        if 0 <= turn.question_index < len(self.plan.questions):
            return self.plan.questions[turn.question_index].text
        return None


# ---- output ---------------------------------------------------------------------------------


class EvidenceQuote(_Model):
    """Words the candidate said, verbatim, and the turn they were said in."""

    turn: int = Field(description="the transcript turn number (seq) of a candidate turn")
    quote: str = Field(min_length=1, description="an exact substring of that turn's text")


class CriterionAssessment(_Model):
    """One criterion: a score (None when the interview gave nothing to judge it on), why,
    and up to three quotes."""

    criterion: Criterion
    score: int | None = Field(default=None, ge=0, le=100)
    rationale: str = ""
    evidence: list[EvidenceQuote] = Field(default_factory=list, max_length=MAX_QUOTES)


class RedFlag(_Model):
    """Something the hiring manager must look at before trusting the scores."""

    kind: RedFlagKind
    text: str
    turn: int | None = None


class InterviewAssessment(_Model):
    """An engine's reading of one interview (before weights and thresholds are applied)."""

    criteria: list[CriterionAssessment] = Field(min_length=5, max_length=5)
    strengths: list[str] = Field(default_factory=list)
    concerns: list[str] = Field(default_factory=list)
    red_flags: list[RedFlag] = Field(default_factory=list)
    summary: str = ""
    language: Lang = "en"
    engine: str = "offline"
    # Figures behind the offline scores (answer counts, coverage, rates), shown in the report.
    signals: dict[str, float] = Field(default_factory=dict)

    def score(self, criterion: Criterion) -> int | None:
        return self.by_criterion()[criterion].score

    def by_criterion(self) -> dict[Criterion, CriterionAssessment]:
        return {c.criterion: c for c in self.criteria}
