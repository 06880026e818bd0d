"""The offline analysis engine's wording, in English and Russian: every sentence it writes.

pipelines.analysis.offline computes the scores and picks the quotes; this module turns the
figures behind them into rationales, strengths, concerns, the summary, red-flag texts and the
"not assessed" notes, so that the scoring reads without the prose and a change of wording
touches no score.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipelines.analysis.models import (
    CRITERIA,
    AnalysisInput,
    CriterionAssessment,
    RedFlag,
)
from pipelines.analysis.signals import Answer, Sentence, TurnSignals, contradictions
from pipelines.models import Criterion, Lang
from pipelines.screening.scoring import ru_years

if TYPE_CHECKING:
    from pipelines.analysis.offline import Coverage, Scored

FLAG_ORDER = ("injection", "contradiction", "aborted", "evasive", "off_topic")
NAMES: dict[Criterion, tuple[str, str]] = {
    "technical_skills": ("technical skills", "технические навыки"),
    "experience_relevance": ("experience relevance", "релевантность опыта"),
    "communication": ("communication", "коммуникация"),
    "problem_solving": ("problem solving", "решение проблем"),
    "cultural_fit": ("cultural fit", "культурное соответствие"),
}


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


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


def rationale(lang: Lang, criterion: Criterion, scored: Scored) -> str:
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


def not_assessed(lang: Lang, criterion: Criterion) -> str:
    if criterion == "communication":
        return _say(lang, "not_assessed_any")
    return _say(lang, "not_assessed", name=NAMES[criterion][lang == "ru"])


def strengths_concerns(
    lang: Lang,
    criteria: list[CriterionAssessment],
    cov: Coverage | None,
    sig: dict[str, float],
    short: float,
) -> tuple[list[str], list[str]]:
    """At most four strengths and five concerns, each one short sentence (`short`: the words
    per answer below which answers are called short)."""
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
    if sig["words_per_answer"] < short:
        concerns.append(_say(lang, "c_short", avg=_words(round(sig["words_per_answer"]), lang)))
    if figures == 0 and examples == 0:
        concerns.append(_say(lang, "c_vague"))
    if sig["off_topic_answers"]:
        concerns.append(_say(lang, "c_off_topic", n=int(sig["off_topic_answers"])))
    skipped = [NAMES[c][lang == "ru"] for c, s in score.items() if s is None]
    if skipped:
        concerns.append(_say(lang, "c_not_assessed", names=", ".join(skipped)))
    return strengths[:4], concerns[:5]


def summary(
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
