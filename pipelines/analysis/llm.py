"""LLM interview analysis through OpenAI (or any OpenAI-compatible server), guarded by the
offline assessment.

The model reads the sanitised transcript between <<<TRANSCRIPT … TRANSCRIPT>>> markers, under
a system prompt that calls it untrusted data, and answers with structured JSON. Nothing it says
is trusted upward:
- every evidence quote must be found verbatim in the candidate turn it cites; the stored quote
  is re-extracted from that turn, fabricated ones are dropped and logged;
- a criterion score counts only with at least one valid quote (else the baseline's stays);
- a score rises at most `MAX_LIFT` above the baseline (`NO_BASELINE_CAP` where the baseline
  had none) and not at all when the candidate tried to instruct the assessor; it may always
  fall;
- the baseline's red flags are always kept, and an "injection" flag is added when needed.
Failures raise `EngineError`; the caller keeps the offline report.
What the model is sent lives in pipelines.analysis.llm_prompt, quote matching in
pipelines.analysis.quotes.
"""

from __future__ import annotations

import logging
import re
from typing import Annotated, Any, Protocol, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator

from pipelines.analysis.llm_prompt import ANALYSIS_SCHEMA, DELIMITERS, FLAG_KINDS, build_messages
from pipelines.analysis.models import (
    CRITERIA,
    MAX_QUOTES,
    AnalysisInput,
    CriterionAssessment,
    EvidenceQuote,
    InterviewAssessment,
    RedFlag,
)
from pipelines.analysis.quotes import fold, locate_quote
from pipelines.engines.errors import EngineError
from pipelines.models import Lang
from pipelines.screening.injection import detect_injection
from pipelines.screening.llm import DEFAULT_MODEL, OpenAIChat

log = logging.getLogger(__name__)

MAX_LIFT = 15  # how far above the baseline an unflagged, evidenced LLM score may go
NO_BASELINE_CAP = 60  # the ceiling for a criterion the offline engine could not score
MAX_ITEMS, MAX_ITEM_CHARS = 5, 300
MAX_SUMMARY_CHARS, MAX_RATIONALE_CHARS = 1200, 600
MAX_MODEL_FLAGS = 5
_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_INJECTION_TEXT = {
    "en": "The candidate tried to give instructions to the AI assessor.",
    "ru": "Кандидат пытался давать указания ИИ-оценщику.",
}
_FLAG_TEXT = {
    "en": {
        "contradiction": "Contradictory statements.",
        "evasive": "Evasive answers.",
        "injection": _INJECTION_TEXT["en"],
        "off_topic": "Answers off the topic.",
        "aborted": "The interview ended early.",
    },
    "ru": {
        "contradiction": "Противоречивые утверждения.",
        "evasive": "Уклончивые ответы.",
        "injection": _INJECTION_TEXT["ru"],
        "off_topic": "Ответы не по теме.",
        "aborted": "Интервью прервано.",
    },
}


class JSONChat(Protocol):
    """A chat model answering with JSON for a schema (`OpenAIChat` or a stand-in)."""

    id: str

    def complete_json(
        self, messages: list[dict[str, str]], *, name: str, schema: dict[str, Any]
    ) -> dict[str, Any]: ...


# ---- parsing the model's answer (tolerant: extra keys, "12" for 12, bad items dropped) ------


def _loose_number(value: Any) -> Any:
    if isinstance(value, str):
        found = _NUMBER.search(value)
        if found is None:
            return None if value.strip().lower() in ("", "null", "none", "n/a") else value
        value = float(found.group())
    return round(value) if isinstance(value, float) else value


_LooseInt = Annotated[int, BeforeValidator(_loose_number)]


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Quote(_Loose):
    turn: _LooseInt
    quote: str


class _Criterion(_Loose):
    criterion: str
    score: _LooseInt | None = None
    rationale: str | None = ""
    evidence: list[Any] = []


class _Flag(_Loose):
    kind: str
    text: str | None = ""
    turn: _LooseInt | None = None


class _Answer(_Loose):
    criteria: list[Any]
    strengths: list[Any] = []
    concerns: list[Any] = []
    red_flags: list[Any] = []
    summary: str | None = ""

    @model_validator(mode="before")
    @classmethod
    def _criteria_by_name(cls, data: Any) -> Any:
        # {"technical_skills": {...}, ...} instead of a list
        if isinstance(data, dict) and isinstance(data.get("criteria"), dict):
            items = [
                {"criterion": k, **v} for k, v in data["criteria"].items() if isinstance(v, dict)
            ]
            data = {**data, "criteria": items}
        return data


_M = TypeVar("_M", bound=BaseModel)


def _items(model: type[_M], items: list[Any]) -> list[_M]:
    out = []
    for item in items:
        try:
            out.append(model.model_validate(item))
        except ValidationError:
            continue
    return out


# ---- the guard -------------------------------------------------------------------------------


def _trim(text: str, limit: int) -> str:
    text = _SPACES.sub(" ", DELIMITERS.sub(" ", text)).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


def _texts(items: list[Any]) -> list[str]:
    out = [_trim(i, MAX_ITEM_CHARS) for i in items if isinstance(i, str)]
    return list(dict.fromkeys(t for t in out if t))[:MAX_ITEMS]


def in_language(texts: list[str], language: Lang) -> bool:
    """Whether prose is in the interview's language (Russian: 40% of letters Cyrillic, so
    Latin technology names pass; English: at most 20% Cyrillic)."""
    letters = [ch for ch in " ".join(texts) if ch.isalpha()]
    if not letters:
        return True
    cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in letters) / len(letters)
    return cyrillic >= 0.4 if language == "ru" else cyrillic <= 0.2


class LLMAnalyzer:
    """Refines the offline assessment with a chat model; never above the offline guard."""

    def __init__(self, chat: JSONChat) -> None:
        self.chat = chat

    @classmethod
    def from_openai(
        cls,
        *,
        api_key: str,
        model: str = DEFAULT_MODEL,
        base_url: str | None = None,
        timeout_s: float = 60.0,
        max_retries: int = 1,
    ) -> LLMAnalyzer:
        """An analyzer on OpenAI (a long transcript needs a longer timeout than screening)."""
        chat = OpenAIChat(
            api_key=api_key,
            model=model,
            base_url=base_url,
            timeout_s=timeout_s,
            max_retries=max_retries,
        )
        return cls(chat)

    @property
    def id(self) -> str:
        return self.chat.id

    def assess(self, data: AnalysisInput, baseline: InterviewAssessment) -> InterviewAssessment:
        """The guarded LLM assessment; `EngineError` when the model fails or its answer does
        not validate at all."""
        raw = self.chat.complete_json(build_messages(data), name="analysis", schema=ANALYSIS_SCHEMA)
        try:
            answer = _Answer.model_validate(raw)
        except ValidationError as e:
            raise self._bad_output("the model's assessment does not fit the schema") from e
        criteria: dict[str, _Criterion] = {}
        for item in _items(_Criterion, answer.criteria):
            name = item.criterion.strip().lower().replace(" ", "_")
            criteria.setdefault(name, item)
        if not criteria.keys() & set(CRITERIA):
            raise self._bad_output("the model's assessment names no criterion")
        return _Guard(data, baseline, self.id).apply(answer, criteria)

    def _bad_output(self, message: str) -> EngineError:
        return EngineError(message, code="bad_output", retryable=True, engine=self.id)


class _Guard:
    """Merges one model answer into the baseline under the rules in the module docstring."""

    def __init__(self, data: AnalysisInput, baseline: InterviewAssessment, engine: str) -> None:
        self.data, self.baseline, self.engine = data, baseline, engine
        self.roles = {t.seq: t.role for t in data.turns}
        self.candidate = {t.seq: t.text for t in data.candidate_turns}
        self.findings = {seq: detect_injection(text) for seq, text in self.candidate.items()}
        self.dropped = 0

    def apply(self, answer: _Answer, criteria: dict[str, _Criterion]) -> InterviewAssessment:
        lang = self.data.language
        flags = [f for f in _items(_Flag, answer.red_flags) if f.kind in FLAG_KINDS]
        injected_turns = [seq for seq, found in self.findings.items() if found]
        injected = bool(injected_turns) or any(
            f.kind == "injection" for f in [*flags, *self.baseline.red_flags]
        )
        prose = [answer.summary or "", *_texts(answer.strengths), *_texts(answer.concerns)]
        prose += [c.rationale or "" for c in criteria.values()]
        # An obedient model's praise stays out of the report, as does prose in the wrong language.
        use_texts = not injected and in_language(prose, lang)
        capped = kept = 0
        merged = []
        for base in self.baseline.criteria:
            item = criteria.get(base.criterion)
            evidence = self._evidence(base.criterion, item.evidence) if item else []
            if item is None or item.score is None or not evidence:
                merged.append(base)
                kept += 1
                continue
            if base.score is None:
                cap = None if injected else NO_BASELINE_CAP
            else:
                cap = base.score if injected else min(base.score + MAX_LIFT, 100)
            if cap is None:
                merged.append(base)
                kept += 1
                continue
            score = max(0, min(item.score, 100))
            capped += score > cap
            rationale = _trim(item.rationale or "", MAX_RATIONALE_CHARS)
            merged.append(
                CriterionAssessment(
                    criterion=base.criterion,
                    score=min(score, cap),
                    rationale=rationale if use_texts and rationale else base.rationale,
                    evidence=evidence,
                )
            )
        summary = _trim(answer.summary or "", MAX_SUMMARY_CHARS)
        return InterviewAssessment(
            criteria=merged,
            strengths=_texts(answer.strengths) if use_texts else list(self.baseline.strengths),
            concerns=_texts(answer.concerns) if use_texts else list(self.baseline.concerns),
            red_flags=self._red_flags(flags, injected_turns, injected),
            summary=summary if use_texts and summary else self.baseline.summary,
            language=lang,
            engine=self.engine,
            signals={
                **self.baseline.signals,
                "llm_quotes_dropped": float(self.dropped),
                "llm_criteria_capped": float(capped),
                "llm_criteria_from_baseline": float(kept),
            },
        )

    def _evidence(self, criterion: str, items: list[Any]) -> list[EvidenceQuote]:
        out: list[EvidenceQuote] = []
        spans: set[tuple[int, int, int]] = set()
        for quote in _items(_Quote, items):
            reason, span = self._check(quote)
            if span is None:
                self.dropped += 1
                log.warning(
                    "analysis of interview %s: dropped a %s quote citing turn %s (%s): %r",
                    self.data.interview_id,
                    criterion,
                    quote.turn,
                    reason,
                    _trim(quote.quote, 60),
                )
                continue
            if (quote.turn, *span) in spans or len(out) >= MAX_QUOTES:
                continue
            spans.add((quote.turn, *span))
            text = self.candidate[quote.turn][span[0] : span[1]]
            out.append(EvidenceQuote(turn=quote.turn, quote=text))
        return out

    def _check(self, quote: _Quote) -> tuple[str, tuple[int, int] | None]:
        if quote.turn not in self.roles:
            return "no such turn", None
        if quote.turn not in self.candidate:
            return "not a candidate turn", None
        span = locate_quote(self.candidate[quote.turn], quote.quote)
        if span is None:
            return "not in the turn", None
        # The instruction itself is never evidence of a skill.
        if any(f.start < span[1] and span[0] < f.end for f in self.findings[quote.turn]):
            return "instruction to AI", None
        return "", span

    def _red_flags(
        self, flags: list[_Flag], injected_turns: list[int], injected: bool
    ) -> list[RedFlag]:
        lang = self.data.language
        out = list(self.baseline.red_flags)
        for flag in flags[:MAX_MODEL_FLAGS]:
            text = _trim(flag.text or "", MAX_ITEM_CHARS)
            if not text or not in_language([text], lang):
                text = _FLAG_TEXT[lang][flag.kind]
            turn = flag.turn if flag.turn in self.candidate else None
            out.append(RedFlag(kind=flag.kind, text=text, turn=turn))  # type: ignore[arg-type]
        if injected and not any(f.kind == "injection" for f in out):
            turn = injected_turns[0] if injected_turns else None
            out.append(RedFlag(kind="injection", text=_INJECTION_TEXT[lang], turn=turn))
        seen: set[tuple[str, Any]] = set()
        unique = []
        for flag in out:
            key = (flag.kind, flag.turn if flag.turn is not None else fold(flag.text)[0])
            if key not in seen:
                seen.add(key)
                unique.append(flag)
        return unique
