"""The offline interview analysis: five criterion scores from countable features of the
candidate's answers, each with the figures behind it and verbatim quotes.

Every answer (all candidate turns on one plan question) is measured in
pipelines.analysis.signals; instructions to the AI are cut out before that. Per answer:
completeness (length against the language's norm, on-topic quality, words shared with the
question) and specificity (figures, named technologies, examples, first-person actions). Then:

- technical_skills: the technical answers' completeness and specificity, blended with how many
  vacancy skills the whole interview named (must-haves count double);
- experience_relevance: the experience answers' examples, own actions and figures, plus the
  vacancy skills named in them;
- communication: every answer (communication questions count double): completeness, the share
  of substantive answers, fluency (fillers per word), and for timed voice turns a small credit
  for a comfortable speaking rate;
- problem_solving / cultural_fit: their own answers' markers (steps, causes, checks /
  teamwork, motivation); a stronger answer elsewhere in the interview can only add.

A criterion is scored only when a question planned for it was answered (communication: any
answer); otherwise its score is None. Without a plan every answer bears on every criterion.
Scores never depend on red flags: the verdict policy caps the recommendation instead.
The sentences written about all this (both languages) live in pipelines.analysis.offline_texts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipelines.analysis import offline_texts as texts
from pipelines.analysis.models import (
    CRITERIA,
    MAX_QUOTES,
    AnalysisInput,
    CriterionAssessment,
    EvidenceQuote,
    InterviewAssessment,
)
from pipelines.analysis.signals import Answer, Sentence, TurnSignals, collect
from pipelines.interviewer.answers import THIN_WORDS
from pipelines.models import Criterion, Lang, Profile
from pipelines.screening.scoring import candidate_skills

ENGINE = "offline"
FULL_WORDS: dict[Lang, int] = {"en": 60, "ru": 45}  # an answer this long counts as complete
RAMBLING_WORDS: dict[Lang, int] = {"en": 350, "ru": 280}
FILLER_CEILING = 0.08  # fillers per word at which the fluency credit reaches zero
COMFORTABLE_WPM = (100.0, 180.0)
MUST_WEIGHT, NICE_WEIGHT = 2.0, 1.0
SUPPORT_SHARE = 0.25  # how much a stronger answer to another question can lift PS / fit
QUOTE_CHARS = 300
QUALITY_CREDIT = {"substantive": 1.0, "thin": 0.3, "off_topic": 0.0, "empty": 0.0}


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def _share(n: float, full: float) -> float:
    return max(0.0, min(1.0, n / full)) if full > 0 else 0.0


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


@dataclass(frozen=True)
class Coverage:
    """Which vacancy skills some answers named (a skill implies its base: PostgreSQL→SQL)."""

    must: tuple[str, ...]
    nice: tuple[str, ...]
    must_hit: tuple[str, ...]
    nice_hit: tuple[str, ...]

    @property
    def ratio(self) -> float:
        total = MUST_WEIGHT * len(self.must) + NICE_WEIGHT * len(self.nice)
        return (MUST_WEIGHT * len(self.must_hit) + NICE_WEIGHT * len(self.nice_hit)) / total


def coverage(data: AnalysisInput, answers: list[Answer]) -> Coverage | None:
    """Vacancy skills named in `answers` (None when the vacancy lists none)."""
    req = data.requirements
    if req is None or not (req.must_have or req.nice_to_have):
        return None
    said = candidate_skills(Profile(skills=[s for a in answers for s in a.skills()]))
    must = tuple(dict.fromkeys(req.must_have))
    nice = tuple(s for s in dict.fromkeys(req.nice_to_have) if s not in must)
    hit = [s for s in (*must, *nice) if _key(s) in said]
    return Coverage(
        must, nice, tuple(s for s in must if s in hit), tuple(s for s in nice if s in hit)
    )


def completeness(answer: Answer, lang: Lang) -> float:
    """0..1: long enough (not rambling), substantive, sharing words with the question."""
    if answer.evasive:
        return 0.0
    thin = THIN_WORDS[lang]
    length = _share(answer.words - thin, FULL_WORDS[lang] - thin)
    if answer.words > RAMBLING_WORDS[lang]:
        length = 0.85
    return 0.5 * length + 0.25 * QUALITY_CREDIT[answer.quality] + 0.25 * _share(answer.overlap, 2)


def specificity(answer: Answer) -> float:
    """0..1: figures, named technologies, an example, the candidate's own actions."""
    if answer.evasive:
        return 0.0
    return (
        0.3 * _share(answer.total("numbers"), 2)
        + 0.3 * _share(len(answer.tech_skills()), 2)
        + 0.2 * _share(answer.total("examples"), 1)
        + 0.2 * _share(answer.total("actions"), 2)
    )


def answer_score(criterion: Criterion, a: Answer, lang: Lang) -> float:
    """One answer's 0..100 on a criterion (an evasive answer scores 0)."""
    if a.evasive:
        return 0.0
    comp, spec = completeness(a, lang), specificity(a)
    if criterion == "technical_skills":
        return 100 * (0.35 * comp + 0.65 * spec)
    if criterion == "experience_relevance":
        own = (
            0.2 * _share(a.total("examples"), 1)
            + 0.25 * _share(a.total("actions"), 2)
            + 0.2 * _share(a.total("numbers"), 2)
        )
        return 100 * (0.35 * comp + own)
    if criterion == "problem_solving":
        structure = (
            0.35 * _share(a.total("steps"), 2)
            + 0.3 * _share(a.total("causal"), 2)
            + 0.35 * _share(a.total("method"), 2)
        )
        return 100 * (0.5 * structure + 0.25 * comp + 0.25 * spec)
    if criterion == "cultural_fit":
        return 100 * (
            0.35 * _share(a.total("collab"), 3)
            + 0.25 * _share(a.total("motivation"), 2)
            + 0.25 * comp
            + 0.15 * _share(a.total("examples"), 1)
        )
    return 100 * comp


@dataclass(frozen=True)
class _Context:
    data: AnalysisInput
    lang: Lang
    answers: list[Answer]
    coverage: Coverage | None
    timed: bool  # a voice interview with timestamps: speaking rate can be judged

    def own(self, criterion: Criterion) -> list[Answer]:
        """The answers a criterion is judged on (communication: all of them)."""
        if criterion == "communication":
            return self.answers
        return [a for a in self.answers if a.criterion in (criterion, None)]


@dataclass(frozen=True)
class Scored:
    """A criterion's score and the answers it rests on (offline_texts writes its rationale)."""

    score: float
    answers: list[Answer]
    coverage: Coverage | None = None
    supported: bool = False  # lifted by a stronger answer to another question


def _score(ctx: _Context, criterion: Criterion) -> Scored | None:
    """The criterion's 0..100 score and what it rests on (None: not assessed)."""
    own = ctx.own(criterion)
    if not own:
        return None
    per = _mean([answer_score(criterion, a, ctx.lang) for a in own])
    if criterion in ("technical_skills", "experience_relevance"):
        cov = ctx.coverage if criterion == "technical_skills" else coverage(ctx.data, own)
        share = 0.4 if criterion == "technical_skills" else 0.2
        score = per if cov is None else (1 - share) * per + share * 100 * cov.ratio
        return Scored(score, own, cov)
    if criterion == "communication":
        weights = [2.0 if a.criterion == "communication" else 1.0 for a in own]
        comps = [w * completeness(a, ctx.lang) for w, a in zip(weights, own, strict=True)]
        tokens = sum(a.tokens for a in own)
        rate = sum(a.fillers for a in own) / tokens if tokens else 1.0
        clear = _mean([float(a.quality == "substantive" and not a.evasive) for a in own])
        score = 100 * (0.4 * sum(comps) / sum(weights) + 0.3 * (1 - _share(rate, FILLER_CEILING)))
        score += 100 * 0.3 * clear
        if ctx.timed:  # turns with no trustworthy rate count as not comfortable
            lo, hi = COMFORTABLE_WPM
            pace = [float(t.wpm is not None and lo <= t.wpm <= hi) for a in own for t in a.turns]
            score = 0.92 * score + 8 * _mean(pace)
        return Scored(score, own)
    others = [a for a in ctx.answers if a not in own]
    support = max((answer_score(criterion, a, ctx.lang) for a in others), default=0.0)
    lifted = (1 - SUPPORT_SHARE) * per + SUPPORT_SHARE * support
    return Scored(max(per, lifted), own, supported=lifted > per + 0.5)


# ---- evidence ---------------------------------------------------------------------------


def _weigher(criterion: Criterion, ctx: _Context) -> Callable[[Sentence], float]:
    cov = ctx.coverage
    vacancy = {_key(s) for s in (*cov.must, *cov.nice)} if cov else set()

    def named(s: Sentence) -> int:
        return sum(1 for k in s.skills if _key(k) in vacancy)

    if criterion == "technical_skills":
        return lambda s: 2 * named(s) + len(s.skills) + min(s.numbers, 2) + s.actions + s.method
    if criterion == "experience_relevance":
        return lambda s: 2 * s.examples + 2 * s.actions + min(s.numbers, 2) + named(s)
    if criterion == "communication":
        return lambda s: (
            s.collab + s.steps + s.causal + s.examples + (s.fillers == 0 and 8 <= s.words <= 40)
        )
    if criterion == "problem_solving":
        return lambda s: s.steps + s.causal + 1.5 * s.method + min(s.numbers, 1)
    return lambda s: 1.5 * s.collab + 1.5 * s.motivation + s.examples


def _quote(text: str) -> str:
    """The sentence, or its first QUOTE_CHARS cut at a space: still a verbatim substring."""
    if len(text) <= QUOTE_CHARS:
        return text
    cut = text.rfind(" ", 0, QUOTE_CHARS)
    return text[: cut if cut > 0 else QUOTE_CHARS].rstrip(" ,;:—-")


def evidence(ctx: _Context, criterion: Criterion) -> list[EvidenceQuote]:
    """Up to three sentences that weighed most: the criterion's own answers first, then strong
    ones elsewhere, then (when nothing better was said) its own answers' plain sentences."""
    weigh = _weigher(criterion, ctx)
    # Communication is judged on every answer, but quoted from its own question first.
    own = [a for a in ctx.answers if a.criterion in (criterion, None)]
    mine = [s for a in own for s in a.sentences]
    rest = [s for a in ctx.answers if a not in own for s in a.sentences]
    ranked = [
        *sorted((s for s in mine if weigh(s) > 0), key=lambda s: -weigh(s)),
        *sorted((s for s in rest if weigh(s) >= 2), key=lambda s: -weigh(s)),
        *sorted((s for s in mine if weigh(s) <= 0), key=lambda s: s.words < 2),  # "Pass." last
    ]
    quotes: list[EvidenceQuote] = []
    for s in ranked:
        quote = EvidenceQuote(turn=s.turn, quote=_quote(s.text))
        if quote not in quotes:
            quotes.append(quote)
        if len(quotes) == MAX_QUOTES:
            break
    return quotes


def _signals(ctx: _Context, turns: list[TurnSignals]) -> dict[str, float]:
    """The figures behind the scores, for the report."""
    answers = ctx.answers
    tokens = sum(a.tokens for a in answers)
    words = sum(a.words for a in answers)
    out: dict[str, float] = {
        "answers": len(answers),
        "questions_planned": len(ctx.data.plan.questions) if ctx.data.plan else len(answers),
        "candidate_turns": len(turns),
        "words_total": words,
        "words_per_answer": round(words / len(answers), 1) if answers else 0.0,
        "fillers_per_100_words": round(100 * sum(a.fillers for a in answers) / tokens, 1)
        if tokens
        else 0.0,
        "figures": sum(a.total("numbers") for a in answers),
        "examples": sum(a.total("examples") for a in answers),
        "first_person_actions": sum(a.total("actions") for a in answers),
        "evasive_answers": sum(a.evasive for a in answers),
        "off_topic_answers": sum(a.quality == "off_topic" and not a.evasive for a in answers),
        "injection_turns": sum(bool(t.injections) for t in turns),
    }
    if ctx.coverage is not None:
        out["must_have_named"] = len(ctx.coverage.must_hit)
        out["must_have_total"] = len(ctx.coverage.must)
        out["coverage_ratio"] = round(ctx.coverage.ratio, 2)
    rates = [t.wpm for t in turns if t.wpm is not None]
    if rates:
        out["wpm"] = round(_mean(rates))
    return {k: float(v) for k, v in out.items()}


# ---- the engine ---------------------------------------------------------------------------


class OfflineAnalyzer:
    """Deterministic, explainable interview analysis: no model, no network, no I/O."""

    id = ENGINE

    def assess(self, data: AnalysisInput) -> InterviewAssessment:
        """Score the five criteria of one interview, with rationales, quotes and red flags."""
        lang = data.language
        turns, answers = collect(data)
        timed = data.channel == "voice" and any(
            t.started_at is not None and t.ended_at is not None for t in data.candidate_turns
        )
        ctx = _Context(data, lang, answers, coverage(data, answers), timed)
        criteria: list[CriterionAssessment] = []
        for criterion in CRITERIA:
            scored = _score(ctx, criterion)
            if scored is None:
                rationale = texts.not_assessed(lang, criterion)
                criteria.append(CriterionAssessment(criterion=criterion, rationale=rationale))
                continue
            criteria.append(
                CriterionAssessment(
                    criterion=criterion,
                    score=int(round(max(0.0, min(100.0, scored.score)))),
                    rationale=texts.rationale(lang, criterion, scored),
                    evidence=evidence(ctx, criterion),
                )
            )
        flags = texts.red_flags(data, turns, answers)
        signals = _signals(ctx, turns)
        short = FULL_WORDS[lang] / 2
        strengths, concerns = texts.strengths_concerns(lang, criteria, ctx.coverage, signals, short)
        notes = concerns or strengths
        return InterviewAssessment(
            criteria=criteria,
            strengths=strengths,
            concerns=concerns,
            red_flags=flags,
            summary=texts.summary(data, criteria, flags, signals, notes),
            language=lang,
            engine=ENGINE,
            signals=signals,
        )
