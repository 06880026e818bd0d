"""From five criterion scores to one verdict: weights, thresholds and the rules around them.

Defaults (per vacancy they can be changed; see `AnalysisPolicy`):

| criterion            | weight |
|----------------------|--------|
| technical_skills     | 0.30   |
| experience_relevance | 0.25   |
| problem_solving      | 0.20   |
| communication        | 0.15   |
| cultural_fit         | 0.10   |

overall = Σ weight × score / Σ weight, over the criteria that were assessed, rounded.
recommendation: strongly_recommend at overall ≥ 80, recommend ≥ 65, consider ≥ 45, else reject.

Rules on top, so that a verdict is never stronger than its evidence:
- no criterion assessed (no candidate answers) → status `insufficient`, no overall, no
  recommendation: the report says so instead of inventing scores;
- fewer than five criteria assessed (aborted early, questions skipped) → status `partial`, and
  the recommendation is at most `consider`;
- a red flag of kind contradiction or injection → at most `consider`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pipelines.analysis.models import CRITERIA, InterviewAssessment, ReportStatus
from pipelines.models import Criterion, Recommendation

DEFAULT_WEIGHTS: dict[Criterion, float] = {
    "technical_skills": 0.30,
    "experience_relevance": 0.25,
    "problem_solving": 0.20,
    "communication": 0.15,
    "cultural_fit": 0.10,
}
DEFAULT_THRESHOLDS: dict[str, int] = {"strongly_recommend": 80, "recommend": 65, "consider": 45}
CAPPING_FLAGS = frozenset({"contradiction", "injection"})
_ORDER: tuple[Recommendation, ...] = ("reject", "consider", "recommend", "strongly_recommend")


class AnalysisPolicy(BaseModel):
    """Weights and thresholds for one vacancy (stored with it; defaults when not set)."""

    model_config = ConfigDict(extra="forbid")

    weights: dict[Criterion, float] = Field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    thresholds: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))

    @model_validator(mode="after")
    def _check(self) -> AnalysisPolicy:
        missing = [c for c in CRITERIA if c not in self.weights]
        if missing:
            raise ValueError(f"weights missing for: {', '.join(missing)}")
        if any(w < 0 for w in self.weights.values()) or sum(self.weights.values()) <= 0:
            raise ValueError("weights must be non-negative and not all zero")
        keys = set(DEFAULT_THRESHOLDS)
        if set(self.thresholds) != keys:
            raise ValueError(f"thresholds must name exactly: {', '.join(sorted(keys))}")
        t = self.thresholds
        if not 0 <= t["consider"] <= t["recommend"] <= t["strongly_recommend"] <= 100:
            raise ValueError("thresholds must rise: 0 <= consider <= recommend <= strongly <= 100")
        return self

    @classmethod
    def from_stored(cls, data: dict[str, Any] | None) -> AnalysisPolicy:
        """The policy stored with a vacancy (partial settings fill in from the defaults)."""
        data = data or {}
        return cls(
            weights={**DEFAULT_WEIGHTS, **(data.get("weights") or {})},
            thresholds={**DEFAULT_THRESHOLDS, **(data.get("thresholds") or {})},
        )


@dataclass(frozen=True)
class Verdict:
    """The report's headline: how complete the evidence was, the overall score, the advice."""

    status: ReportStatus
    overall: int | None
    recommendation: Recommendation | None
    reasons: tuple[str, ...] = ()  # why the recommendation was capped, if it was


def recommendation_for(overall: int, thresholds: dict[str, int]) -> Recommendation:
    if overall >= thresholds["strongly_recommend"]:
        return "strongly_recommend"
    if overall >= thresholds["recommend"]:
        return "recommend"
    if overall >= thresholds["consider"]:
        return "consider"
    return "reject"


def decide(assessment: InterviewAssessment, policy: AnalysisPolicy | None = None) -> Verdict:
    """Apply weights, thresholds and the capping rules to an engine's assessment."""
    policy = policy or AnalysisPolicy()
    scored = {c.criterion: c.score for c in assessment.criteria if c.score is not None}
    if not scored:
        return Verdict("insufficient", None, None, ("no_answers",))
    total_weight = sum(policy.weights[c] for c in scored)
    if total_weight > 0:
        overall = sum(policy.weights[c] * s for c, s in scored.items()) / total_weight
    else:  # only zero-weight criteria were assessed: fall back to their plain mean
        overall = sum(scored.values()) / len(scored)
    overall_int = int(round(overall))
    recommendation = recommendation_for(overall_int, policy.thresholds)
    status: ReportStatus = "complete" if len(scored) == len(CRITERIA) else "partial"
    reasons = []
    if status == "partial":
        reasons.append("partial_evidence")
    if any(flag.kind in CAPPING_FLAGS for flag in assessment.red_flags):
        reasons.append("red_flags")
    if reasons:
        recommendation = _at_most(recommendation, "consider")
    return Verdict(status, overall_int, recommendation, tuple(reasons))


def _at_most(recommendation: Recommendation, ceiling: Recommendation) -> Recommendation:
    return min(recommendation, ceiling, key=_ORDER.index)
