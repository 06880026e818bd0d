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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipelines.analysis.models import (
    CRITERIA,
    MAX_QUOTES,
    AnalysisInput,
    CriterionAssessment,
    EvidenceQuote,
    InterviewAssessment,
    RedFlag,
)
from pipelines.analysis.signals import Answer, Sentence, TurnSignals, collect, contradictions
from pipelines.interviewer.answers import THIN_WORDS
from pipelines.models import Criterion, Lang, Profile
from pipelines.screening.scoring import candidate_skills, ru_years

ENGINE = "offline"
FULL_WORDS: dict[Lang, int] = {"en": 60, "ru": 45}  # an answer this long counts as complete
RAMBLING_WORDS: dict[Lang, int] = {"en": 350, "ru": 280}
FILLER_CEILING = 0.08  # fillers per word at which the fluency credit reaches zero
COMFORTABLE_WPM = (100.0, 180.0)
MUST_WEIGHT, NICE_WEIGHT = 2.0, 1.0
SUPPORT_SHARE = 0.25  # how much a stronger answer to another question can lift PS / fit
QUOTE_CHARS = 300
QUALITY_CREDIT = {"substantive": 1.0, "thin": 0.3, "off_topic": 0.0, "empty": 0.0}
FLAG_ORDER = ("injection", "contradiction", "aborted", "evasive", "off_topic")
NAMES: dict[Criterion, tuple[str, str]] = {
    "technical_skills": ("technical skills", "технические навыки"),
    "experience_relevance": ("experience relevance", "релевантность опыта"),
    "communication": ("communication", "коммуникация"),
    "problem_solving": ("problem solving", "решение проблем"),
    "cultural_fit": ("cultural fit", "культурное соответствие"),
}


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
class _Scored:
    score: float
    answers: list[Answer]
    coverage: Coverage | None = None
    supported: bool = False  # lifted by a stronger answer to another question


def _score(ctx: _Context, criterion: Criterion) -> _Scored | None:
    """The criterion's 0..100 score and what it rests on (None: not assessed)."""
    own = ctx.own(criterion)
    if not own:
        return None
    per = _mean([answer_score(criterion, a, ctx.lang) for a in own])
    if criterion in ("technical_skills", "experience_relevance"):
        cov = ctx.coverage if criterion == "technical_skills" else coverage(ctx.data, own)
        share = 0.4 if criterion == "technical_skills" else 0.2
        score = per if cov is None else (1 - share) * per + share * 100 * cov.ratio
        return _Scored(score, own, cov)
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
        return _Scored(score, own)
    others = [a for a in ctx.answers if a not in own]
    support = max((answer_score(criterion, a, ctx.lang) for a in others), default=0.0)
    lifted = (1 - SUPPORT_SHARE) * per + SUPPORT_SHARE * support
    return _Scored(max(per, lifted), own, supported=lifted > per + 0.5)


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


# ---- words ----------------------------------------------------------------------------------

# (English, Russian) templates of every sentence the engine writes.
TEXTS: dict[str, tuple[str, str]] = {
    "injection": (
        "An instruction to the AI in the answer, removed before scoring: “{quote}”.",
        "Инструкция для ИИ в ответе, удалена перед оценкой: «{quote}».",
    ),
    "years": (
        "Claims {claimed} of experience{skill}, while the resume shows {resume} in total.",
        "Заявляет опыт {claimed}{skill}, а по резюме общий опыт — {resume}.",
    ),
    "with_skill": (" with {skill}", " с {skill}"),
    "denied": (
        "Says they have never used {skill}, though the resume lists it.",
        "Говорит, что не работал(а) с {skill}, хотя навык указан в резюме.",
    ),
    "aborted": (
        "The interview ended early: {answered} of {planned} questions answered.",
        "Интервью прервано: отвечено вопросов — {answered} из {planned}.",
    ),
    "evasive": (
        "Evasive or very short answer to question{number}{topic}{quote}.",
        "Уклончивый или очень короткий ответ на вопрос{number}{topic}{quote}.",
    ),
    "said": (": “{said}”", ": «{said}»"),
    "off_topic": (
        "The answer to question{number}{topic} is off the topic.",
        "Ответ на вопрос{number}{topic} не по теме.",
    ),
    "technical_skills": (
        "Technical answers: {n}, {avg} on average; figures: {num}, technologies named: "
        "{tech}, own actions: {act}.",
        "Технических ответов: {n}, в среднем {avg}; чисел: {num}, названных технологий: "
        "{tech}, своих действий: {act}.",
    ),
    "experience_relevance": (
        "Answers on experience: {n}, {avg} on average; examples from own work: {ex}, own "
        "actions: {act}, figures: {num}.",
        "Ответов об опыте: {n}, в среднем {avg}; примеров из своей работы: {ex}, своих "
        "действий: {act}, чисел: {num}.",
    ),
    "communication": (
        "Answers: {n}, {avg} on average; substantive and on topic: {sub} of {n}; fillers: "
        "{rate} per 100 words{pace}.",
        "Ответов: {n}, в среднем {avg}; содержательных и по теме: {sub} из {n}; "
        "слов-паразитов: {rate} на 100 слов{pace}.",
    ),
    "pace": ("; speaking rate {wpm} words per minute", "; темп речи {wpm} слов в минуту"),
    "problem_solving": (
        "Answers on problem solving: {n}, {avg} on average; steps: {steps}, causes and "
        "reasons: {why}, checks and measurements: {check}.",
        "Ответов на задачи: {n}, в среднем {avg}; шагов: {steps}, причин и обоснований: "
        "{why}, проверок и измерений: {check}.",
    ),
    "cultural_fit": (
        "Answers on motivation and culture: {n}, {avg} on average; mentions of teamwork and "
        "feedback: {team}, of motivation: {drive}.",
        "Ответов о мотивации и культуре: {n}, в среднем {avg}; упоминаний командной работы: "
        "{team}, мотивации: {drive}.",
    ),
    "must": (
        " Vacancy must-haves named: {hit} of {total}{names}",
        " Названо обязательных навыков вакансии: {hit} из {total}{names}",
    ),
    "nice": (", nice-to-haves: {hit} of {total}", ", желательных: {hit} из {total}"),
    "missing": (" Not named: {names}.", " Не названы: {names}."),
    "evasive_count": (
        " Evasive or very short answers: {n}.",
        " Уклончивых или очень коротких ответов: {n}.",
    ),
    "supported": (
        " A better answer to another question lifts the score a little.",
        " Оценку немного повышает более сильный ответ на другой вопрос.",
    ),
    "not_assessed": (
        "Not assessed: the candidate answered no question on {name}.",
        "Не оценено: кандидат не ответил ни на один вопрос по критерию «{name}».",
    ),
    "not_assessed_any": (
        "Not assessed: the candidate gave no answers.",
        "Не оценено: кандидат не дал ни одного ответа.",
    ),
    "s_skills": (
        "Named the vacancy's key skills: {names}.",
        "Назвал(а) ключевые навыки вакансии: {names}.",
    ),
    "s_concrete": (
        "Concrete answers: {figures} figures, {examples} examples from own work.",
        "Конкретные ответы: чисел — {figures}, примеров из своей работы — {examples}.",
    ),
    "s_problems": (
        "Solves problems step by step: measures, checks and explains causes.",
        "Решает задачи по шагам: измеряет, проверяет, объясняет причины.",
    ),
    "s_team": (
        "Talks readily about teamwork, feedback and motivation.",
        "Охотно говорит о работе в команде, обратной связи и мотивации.",
    ),
    "s_fluent": (
        "Fluent: {rate} fillers per 100 words.",
        "Говорит чисто: {rate} слов-паразитов на 100 слов.",
    ),
    "c_missing": (
        "Must-have skills not named: {names}.",
        "Не названы обязательные навыки: {names}.",
    ),
    "c_evasive": (
        "Evasive or very short answers: {n} of {total}.",
        "Уклончивых или очень коротких ответов: {n} из {total}.",
    ),
    "c_fillers": (
        "Many fillers: {rate} per 100 words.",
        "Много слов-паразитов: {rate} на 100 слов.",
    ),
    "c_short": ("Short answers: {avg} on average.", "Короткие ответы: в среднем {avg}."),
    "c_vague": (
        "No figures or examples from own work.",
        "Нет ни чисел, ни примеров из своей работы.",
    ),
    "c_off_topic": ("Answers off the topic: {n}.", "Ответов не по теме: {n}."),
    "c_not_assessed": ("Not assessed: {names}.", "Не оценено: {names}."),
    "no_answers": (
        "The candidate{who} gave no answers, so no criterion could be assessed.",
        "Кандидат{who} не дал(а) ни одного ответа, поэтому оценить ничего нельзя.",
    ),
    "ended_early": ("The interview ended early.", "Интервью прервано."),
    "answered": (
        "The candidate{who} answered {answers} of {planned} questions ({words} words in all).",
        "Кандидат{who} ответил(а) на вопросы: {answers} из {planned} (слов всего: {words}).",
    ),
    "best_worst": (
        "Strongest: {best}; weakest: {worst}.",
        "Сильнее всего: {best}; слабее всего: {worst}.",
    ),
    "assessed": ("Assessed: {best}.", "Оценено: {best}."),
    "check": ("Check before deciding: {items}.", "Перед решением проверьте: {items}."),
}
FLAG_LABELS: dict[str, tuple[str, str]] = {
    "injection": ("instructions to the AI", "указания для ИИ"),
    "contradiction": ("contradictions with the resume", "противоречия с резюме"),
    "aborted": ("the interview ended early", "интервью прервано"),
    "evasive": ("evasive answers", "уклончивые ответы"),
    "off_topic": ("answers off the topic", "ответы не по теме"),
}


def _say(lang: Lang, key: str, **values: object) -> str:
    return TEXTS[key][lang == "ru"].format(**values)


def _num(x: float, lang: Lang) -> str:
    text = f"{x:g}"
    return text.replace(".", ",") if lang == "ru" else text


def _words(n: int, lang: Lang) -> str:
    if lang == "en":
        return f"{n} word" + ("" if n == 1 else "s")
    tail = n % 100
    if 11 <= tail <= 14 or tail % 10 in (0, 5, 6, 7, 8, 9):
        return f"{n} слов"
    return f"{n} слово" if tail % 10 == 1 else f"{n} слова"


def _years(x: float, lang: Lang) -> str:
    return ru_years(x) if lang == "ru" else f"{x:g} year" + ("" if x == 1 else "s")


def _list(items: tuple[str, ...] | list[str], limit: int = 6) -> str:
    return ", ".join(items[:limit]) + (", …" if len(items) > limit else "")


def _excerpt(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ---- red flags ----------------------------------------------------------------------------


def red_flags(
    data: AnalysisInput, turns: list[TurnSignals], answers: list[Answer]
) -> list[RedFlag]:
    """Injections, contradictions with the resume, an early end, evasive and off-topic answers."""
    lang = data.language
    flags = [
        RedFlag(
            kind="injection",
            text=_say(lang, "injection", quote=_excerpt(t.injections[0].excerpt)),
            turn=t.seq,
        )
        for t in turns
        if t.injections
    ]
    for c in contradictions(data.profile, turns):
        if c.kind == "years":
            text = _say(
                lang,
                "years",
                claimed=_years(c.claimed_years or 0, lang),
                resume=_years(c.resume_years or 0, lang),
                skill=_say(lang, "with_skill", skill=c.skill) if c.skill else "",
            )
        else:
            text = _say(lang, "denied", skill=c.skill)
        flags.append(RedFlag(kind="contradiction", text=text, turn=c.turn))
    if data.status in ("failed", "active"):
        planned = len(data.plan.questions) if data.plan else len(answers)
        text = _say(lang, "aborted", answered=len(answers), planned=planned)
        last = data.turns[-1].seq if data.turns else None
        flags.append(RedFlag(kind="aborted", text=text, turn=last))
    for a in answers:
        where = {
            "number": f" {a.index + 1}" if a.index is not None else "",
            "topic": f" ({a.topic})" if a.topic else "",
        }
        if a.evasive:
            said = _excerpt(" ".join(t.clean for t in a.turns))
            quote = _say(lang, "said", said=said) if said else ""
            text = _say(lang, "evasive", quote=quote, **where)
            flags.append(RedFlag(kind="evasive", text=text, turn=a.turns[0].seq))
        elif a.quality == "off_topic":
            text = _say(lang, "off_topic", **where)
            flags.append(RedFlag(kind="off_topic", text=text, turn=a.turns[0].seq))
    return sorted(flags, key=lambda f: FLAG_ORDER.index(f.kind))


# ---- prose ----------------------------------------------------------------------------------


def _rationale(lang: Lang, criterion: Criterion, scored: _Scored) -> str:
    """Two or three sentences naming the figures behind a score."""
    own = scored.answers
    total = {k: sum(a.total(k) for a in own) for k in Sentence.COUNTS}
    tech = list(dict.fromkeys(k for a in own for k in a.tech_skills()))
    tokens = sum(a.tokens for a in own)
    rates = [t.wpm for a in own for t in a.turns if t.wpm is not None]
    text = _say(
        lang,
        criterion,
        n=len(own),
        avg=_words(round(_mean([a.words for a in own])), lang),
        num=total["numbers"],
        ex=total["examples"],
        act=total["actions"],
        tech=f"{len(tech)} ({_list(tech)})" if tech else 0,
        sub=sum(a.quality == "substantive" and not a.evasive for a in own),
        rate=_num(round(100 * sum(a.fillers for a in own) / tokens, 1) if tokens else 0, lang),
        pace=_say(lang, "pace", wpm=round(_mean(rates))) if rates else "",
        steps=total["steps"],
        why=total["causal"],
        check=total["method"],
        team=total["collab"],
        drive=total["motivation"],
    )
    cov = scored.coverage
    if cov is not None:
        names = f" ({_list(cov.must_hit)})" if cov.must_hit else ""
        text += _say(lang, "must", hit=len(cov.must_hit), total=len(cov.must), names=names)
        if cov.nice:
            text += _say(lang, "nice", hit=len(cov.nice_hit), total=len(cov.nice))
        text += "."
        missing = [s for s in cov.must if s not in cov.must_hit]
        if missing and criterion == "technical_skills":
            text += _say(lang, "missing", names=_list(missing))
    evasive = sum(a.evasive for a in own)
    if evasive:
        text += _say(lang, "evasive_count", n=evasive)
    if scored.supported:
        text += _say(lang, "supported")
    return text


def _not_assessed(lang: Lang, criterion: Criterion) -> str:
    if criterion == "communication":
        return _say(lang, "not_assessed_any")
    return _say(lang, "not_assessed", name=NAMES[criterion][lang == "ru"])


def _strengths_concerns(
    lang: Lang, criteria: list[CriterionAssessment], cov: Coverage | None, sig: dict[str, float]
) -> tuple[list[str], list[str]]:
    """At most four strengths and five concerns, each one short sentence."""
    score = {c.criterion: c.score for c in criteria}
    good = {c for c, s in score.items() if s is not None and s >= 65}
    answers, figures, examples = int(sig["answers"]), int(sig["figures"]), int(sig["examples"])
    rate = sig["fillers_per_100_words"]
    if not answers:
        return [], []
    strengths: list[str] = []
    if cov is not None and cov.must_hit and "technical_skills" in good:
        strengths.append(_say(lang, "s_skills", names=_list(cov.must_hit)))
    if figures >= 3 and examples >= 2:
        strengths.append(_say(lang, "s_concrete", figures=figures, examples=examples))
    if "problem_solving" in good:
        strengths.append(_say(lang, "s_problems"))
    if "cultural_fit" in good:
        strengths.append(_say(lang, "s_team"))
    if "communication" in good and rate < 2:
        strengths.append(_say(lang, "s_fluent", rate=_num(rate, lang)))
    concerns: list[str] = []
    if cov is not None and len(cov.must_hit) < len(cov.must):
        missing = [s for s in cov.must if s not in cov.must_hit]
        concerns.append(_say(lang, "c_missing", names=_list(missing)))
    if sig["evasive_answers"]:
        concerns.append(_say(lang, "c_evasive", n=int(sig["evasive_answers"]), total=answers))
    if rate >= 4:
        concerns.append(_say(lang, "c_fillers", rate=_num(rate, lang)))
    if sig["words_per_answer"] < FULL_WORDS[lang] / 2:
        concerns.append(_say(lang, "c_short", avg=_words(round(sig["words_per_answer"]), lang)))
    if figures == 0 and examples == 0:
        concerns.append(_say(lang, "c_vague"))
    if sig["off_topic_answers"]:
        concerns.append(_say(lang, "c_off_topic", n=int(sig["off_topic_answers"])))
    skipped = [NAMES[c][lang == "ru"] for c, s in score.items() if s is None]
    if skipped:
        concerns.append(_say(lang, "c_not_assessed", names=", ".join(skipped)))
    return strengths[:4], concerns[:5]


def _summary(
    data: AnalysisInput,
    criteria: list[CriterionAssessment],
    flags: list[RedFlag],
    sig: dict[str, float],
    notes: list[str],
) -> str:
    """2-4 sentences for the hiring manager: how much was said, best and worst, what to check."""
    lang = data.language
    who = f" {data.candidate_name}" if data.candidate_name else ""
    if not sig["answers"]:
        out = [_say(lang, "no_answers", who=who)]
        if any(f.kind == "aborted" for f in flags):
            out.append(_say(lang, "ended_early"))
        return " ".join(out)
    counts = {k: int(sig[k]) for k in ("answers", "questions_planned", "words_total")}
    out = [
        _say(
            lang,
            "answered",
            who=who,
            answers=counts["answers"],
            planned=counts["questions_planned"],
            words=counts["words_total"],
        )
    ]
    scored = sorted(
        (c for c in criteria if c.score is not None),
        key=lambda c: (-(c.score or 0), CRITERIA.index(c.criterion)),
    )
    named = [f"{NAMES[c.criterion][lang == 'ru']} ({c.score})" for c in scored]
    if len(named) > 2:
        out.append(_say(lang, "best_worst", best=", ".join(named[:2]), worst=named[-1]))
    else:
        out.append(_say(lang, "assessed", best=", ".join(named)))
    out += notes[:1]
    if flags:
        kinds = [f.kind for f in flags]
        items = [
            FLAG_LABELS[k][lang == "ru"] + ("" if k == "aborted" else f" ({kinds.count(k)})")
            for k in dict.fromkeys(kinds)
        ]
        out.append(_say(lang, "check", items=", ".join(items)))
    return " ".join(out)


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
                rationale = _not_assessed(lang, criterion)
                criteria.append(CriterionAssessment(criterion=criterion, rationale=rationale))
                continue
            criteria.append(
                CriterionAssessment(
                    criterion=criterion,
                    score=int(round(max(0.0, min(100.0, scored.score)))),
                    rationale=_rationale(lang, criterion, scored),
                    evidence=evidence(ctx, criterion),
                )
            )
        flags = red_flags(data, turns, answers)
        signals = _signals(ctx, turns)
        strengths, concerns = _strengths_concerns(lang, criteria, ctx.coverage, signals)
        notes = concerns or strengths
        return InterviewAssessment(
            criteria=criteria,
            strengths=strengths,
            concerns=concerns,
            red_flags=flags,
            summary=_summary(data, criteria, flags, signals, notes),
            language=lang,
            engine=ENGINE,
            signals=signals,
        )
