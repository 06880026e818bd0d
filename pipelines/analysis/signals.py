"""What each candidate answer shows, sentence by sentence: the features the offline analysis
scores (pipelines.analysis.offline) and quotes as evidence.

Sentences that give instructions to the AI (`detect_injection`) are dropped before anything
is counted, so "give me 100 points" adds no number, no skill and no length. Both languages'
markers always apply (candidates switch languages mid-sentence); all patterns run on
lowercased text with ё as е. Counts are of distinct markers per sentence, so repeating "team"
five times is one collaboration marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from pipelines.analysis.models import AnalysisInput, TranscriptTurn
from pipelines.interviewer.answers import (
    THIN_WORDS,
    Quality,
    answer_quality,
    classify_intent,
    content_words,
    normalize,
    overlap,
    words,
)
from pipelines.models import Criterion, Profile
from pipelines.screening.injection import InjectionFinding, detect_injection
from pipelines.skills import find_skills, skill_category

WPM_PLAUSIBLE = (50.0, 260.0)  # outside it the timestamps, not the speaker, are off
MIN_TIMED_S = 2.0
YEARS_GAP = 3.0  # claimed vs resume years of experience that make a contradiction

_WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")
_LINE = re.compile(r"[^\n\r]+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_CLAUSE = re.compile(r"[;]|,?\s+(?:but|however|although|though|whereas|но|однако|зато|хотя|а)\s+")


def _rx(*items: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in items))


_FILLER = _rx(
    r"\b(?:u+m+|u+h+|uhm|e+r+m?|hmm+|h+m+)\b",
    r"\byou know\b|\bi guess\b|\bi mean\b|\bkind of\b|\bsort of\b|\bbasically\b",
    r",\s*like\b|\blike,",
    r"(?<!\w)(?:ну|э+|э+м+|м{2,}|хм+|короче|в общем|в принципе|как бы|так сказать)(?!\w)",
    r"(?<!ого )(?<!его )(?<!\w)типа(?!\w)",
)
_NUMBER = _rx(
    r"\d+(?:[.,]\d+)?",
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|hundreds?|thousands?|millions?|billions?|half|twice|dozens?)\b",
    r"(?<!\w)(?:два|две|двух|три|трех|четыре|четырех|пять|пяти|шесть|шести|семь|семи|восемь|"
    r"восьми|девять|девяти|десять|десяти|двадцат\w*|тридцат\w*|сорок\w*|пятьдесят|сто|сотн\w*|"
    r"тысяч\w*|миллион\w*|миллиард\w*|половин\w*|вдвое|втрое|вчетверо|впятеро|вдесятеро|полтора|"
    r"полторы)(?!\w)",
)
_EXAMPLE = _rx(
    r"\bfor (?:example|instance)\b|\be\.g\.|\bone time\b|\bonce we\b|\blast year\b",
    r"\b(?:at|in) my (?:last|previous|current|former) (?:job|company|role|team|project|place)\b",
    r"\bin (?:one|a|our|that|this) (?:project|case|team)\b|\bwhen i was at\b",
    r"\bthere was (?:a|one) (?:case|time|bug|project|incident|situation|client)\b",
    r"\bwe had (?:a|an)\b",
    r"\b(?:i'm|i am|we're|we are|i was) (?:most |really |very )?proud\b|\bproudest\b",
    r"(?<!\w)(?:например|к примеру|однажды|был случай|в прошлом году|у нас (?:был|была|было|были))"
    r"(?!\w)",
    r"(?<!\w)на (?:прошлой|предыдущей|последней|текущей|нынешней) работе(?!\w)",
    r"(?<!\w)(?:горжусь|гордимся|гордилась|гордился)(?!\w)",
    r"(?<!\w)на (?:прошлом|предыдущем|последнем|текущем) месте(?!\w)",
    r"(?<!\w)(?:в|на) (?:(?:одном|прошлом|последнем|нашем|этом|том|текущем|одном из) )?"
    r"(?:проекте|проектов)(?!\w)|(?<!\w)когда я работал\w*(?!\w)",
)
_EN_VERBS = (
    r"built|led|designed|implemented|wrote|rewrote|created|developed|migrated|introduced|"
    r"set up|automated|optimi[sz]ed|reduced|improved|launched|deployed|refactored|moved|added|"
    r"split|measured|profiled|fixed|owned|ran|mentored|shipped|proposed|found|analy[sz]ed|"
    r"configured|tuned|cut|replaced|organi[sz]ed|prepared|trained|rolled out|sped up|made|"
    r"started|drove|handled|debugged|investigated|traced|benchmarked|tested|reviewed|presented|"
    r"explained|convinced|onboarded|coached|delivered|decided|chose|switched|caught|"
    r"negotiated|agreed|raised|set|took|wrapped|documented|drew|showed|modeled|modelled"
)
_RU_STEMS = (
    r"разработа|сдела|внедри|настрои|построи|написа|переписа|оптимизирова|ускори|"
    r"автоматизирова|сократи|запусти|переве|спроектирова|прове|собра|исправи|добави|предложи|"
    r"убеди|объясни|подготови|обучи|организова|выве|выстрои|посчита|проанализирова|замери|"
    r"измери|протестирова|выяви|снизи|увеличи|подня|мигрирова|руководи|договори|показа|"
    r"рассказа|нарисова|согласова|провери|выбра|созда|перене|заверши|отвеча|описа|сформулирова"
)
_ACTION = _rx(
    rf"\b(?:i|we|my team and i)(?: \w+ly)? (?:{_EN_VERBS})\b",
    r"\bi (?:was|am|'m) (?:responsible|in charge)\b|\bi owned\b",
    r"(?<!\w)я (?:\w+ )?отвеча(?:ю|л|ла) за(?!\w)",
    rf"(?:(?<!\w)(?:я|мы|сам|сама|лично)(?: (?!не(?!\w))\w+){{0,2}} |^|[,;:—–-] |"
    r"(?<!\w)(?:что|и|а|потом|затем|сначала|также|тоже|уже|вместе) )"
    rf"(?:{_RU_STEMS})(?:л|ла|ли)(?:ся|сь)?(?!\w)",
    r"(?<!\w)(?:я|мы)(?: (?!не(?!\w))\w+){0,2} (?:нашел|нашла|нашли|вел|вела|помог|помогла|"
    r"помогли|перенес|перенесла)(?!\w)",
)
_STEPS = _rx(
    r"\b(?:first(?:ly)?|to start|start by|then|after that|afterwards|next|second(?:ly)?|"
    r"finally|step by step|before that|at the end)\b",
    r"(?<!\w)(?:сначала|сперва|во-первых|во-вторых|потом|затем|после этого|далее|дальше|"
    r"в итоге|в конце|наконец|первым делом|шаг за шагом|по шагам)(?!\w)",
)
_CAUSAL = _rx(
    r"\b(?:because|since|so that|therefore|as a result|which meant|that's why|due to|caused|"
    r"root cause|the cause|led to|turned out|the reason)\b",
    r"(?<!\w)(?:потому что|так как|поэтому|из-за|из за|в результате|причин\w*|оказалось|"
    r"привел\w* к|следовательно|чтобы)(?!\w)",
)
_METHOD = _rx(
    r"\b(?:measur\w*|profil\w*|benchmark\w*|metrics?|monitor\w*|logs|logging|trac(?:e|es|ed|ing)|"
    r"explain analyze|hypothes\w*|test(?:s|ed|ing)?|check(?:s|ed|ing)?|compar\w*|trade-?offs?|"
    r"pros and cons|on the other hand|roll(?:ed)? back|rollback|reproduc\w*|bisect\w*|"
    r"experiment\w*|verif\w*|validat\w*)\b",
    r"(?<!\w)(?:замер\w*|измер\w*|профилир\w*|метрик\w*|мониторинг\w*|логи|логах|логов|"
    r"трассир\w*|гипотез\w*|тест\w*|провер\w*|сравн\w*|компромисс\w*|плюсы и минусы|"
    r"с одной стороны|с другой стороны|откат\w*|воспроизв\w*|эксперимент\w*|валидир\w*|"
    r"сегмент\w*)(?!\w)",
)
_COLLAB = _rx(
    r"\b(?:team\w*|colleagues?|together|feedback|mentor\w*|code reviews?|reviews?|pairing|"
    r"pair programming|stakeholders?|product (?:manager|owner)s?|managers?|designers?|"
    r"discuss\w*|agreed|agreement|helped|helping|help|shar(?:e|ed|ing)|retro\w*|stand-?ups?|"
    r"collaborat\w*|onboard\w*|juniors?|trust|respect\w*)\b",
    r"(?<!\w)(?:команд\w*|коллег\w*|вместе|обратн\w* связ\w*|фидбек\w*|ментор\w*|наставни\w*|"
    r"ревью|код-ревью|обсужд\w*|обсуди\w*|договори\w*|договорил\w*|помога\w*|помог\w*|"
    r"подели\w*|ретро\w*|созвон\w*|стендап\w*|руководител\w*|заказчик\w*|менеджер\w*|"
    r"джун\w*|довери\w*|уважени\w*|совместн\w*)(?!\w)",
)
_MOTIVATION = _rx(
    r"\b(?:interest\w*|excit\w*|motivat\w*|want to|would like to|i'd like to|looking for|"
    r"grow\w*|learn\w*|career|goals?|mission|impact|enjoy\w*|love|passion\w*|curious|"
    r"ownership|autonomy|challeng\w*)\b",
    r"(?<!\w)(?:интерес\w*|хочу|хотел\w*|хотелось|мотив\w*|рост\w*|расти|развива\w*|развити\w*|"
    r"учить\w*|изуча\w*|карьер\w*|цель|цели|целью|влияни\w*|нравит\w*|нравил\w*|люблю|"
    r"увлека\w*|вызов\w*|самостоятельн\w*|ответственност\w*)(?!\w)",
)
_NEGATION = _rx(
    r"\b(?:never|haven't|have not|hasn't|didn't|did not|don't|do not|not)\b(?: \w+){0,3}? "
    r"(?:used|use|worked|work|touched|tried|know|familiar)\b",
    r"\bno (?:real |hands-on |practical |commercial )?experience\b",
    r"(?<!\w)не (?:\w+ ){0,2}?(?:работал\w*|использовал\w*|пользовал\w*|сталкивал\w*|трогал\w*|"
    r"писал\w*|знаю|знаком\w*|умею|пробовал\w*)(?!\w)",
    r"(?<!\w)(?:нет опыта|никогда не|не было опыта|без опыта)(?!\w)",
)
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "один": 1, "одного": 1, "два": 2, "двух": 2, "три": 3, "трех": 3, "четыре": 4,
    "четырех": 4, "пять": 5, "пяти": 5, "шесть": 6, "шести": 6, "семь": 7, "семи": 7,
    "восемь": 8, "восьми": 8, "девять": 9, "девяти": 9, "десять": 10, "десяти": 10,
    "одиннадцать": 11, "одиннадцати": 11, "двенадцать": 12, "двенадцати": 12,
    "пятнадцать": 15, "пятнадцати": 15, "двадцать": 20, "двадцати": 20, "полтора": 1.5,
    "полутора": 1.5,
}  # fmt: skip
_YEARS = re.compile(
    r"(?<!\w)(?P<n>\d+(?:[.,]\d+)?|" + "|".join(_NUMBER_WORDS) + r")\s*\+?\s*"
    r"(?:years?|yrs|год(?:а|ов)?|лет)(?!\w)"
)
_EXPERIENCE_CUE = _rx(
    r"\b(?:experience|worked|working|work|been|coding|programming|developing|career)\b",
    r"(?<!\w)(?:опыт\w*|стаж\w*|работа\w*|работу|занима\w*|пишу|программир\w*)(?!\w)",
)
_NOT_A_CLAIM = _rx(
    r"\b(?:ago|old|next|following|coming|plan|want|hope|in \w+ years?)\b",
    r"(?<!\w)(?:назад|ближайш\w*|через|следующ\w*|планир\w*|хочу|хотел\w*|мне \d+)(?!\w)",
)


@dataclass(frozen=True)
class Sentence:
    """One kept sentence of a candidate turn: `text` is verbatim from the turn, with counts."""

    turn: int
    text: str
    words: int  # without fillers
    tokens: int  # with fillers
    fillers: int
    skills: tuple[str, ...]  # dictionary skills named, not in a "never used" clause
    denied: tuple[str, ...]  # skills in a "never used" / "не работал" clause
    numbers: int
    examples: int
    actions: int
    steps: int
    causal: int
    method: int
    collab: int
    motivation: int
    claimed_years: float | None  # "I have ten years of experience"

    COUNTS: ClassVar[tuple[str, ...]] = (
        "numbers", "examples", "actions", "steps", "causal", "method", "collab", "motivation"
    )  # fmt: skip


@dataclass(frozen=True)
class TurnSignals:
    """One candidate turn: what survived the injection check, and how it was delivered."""

    seq: int
    question_index: int | None
    text: str
    clean: str  # the kept sentences, joined
    sentences: tuple[Sentence, ...]
    injections: tuple[InjectionFinding, ...]
    intent: str  # see pipelines.interviewer.answers.classify_intent
    wpm: float | None  # words per minute of a timed voice turn, when plausible


@dataclass(frozen=True)
class Answer:
    """Everything the candidate said to one question (one turn when nothing is numbered)."""

    index: int | None
    criterion: Criterion | None
    question: str
    topic: str
    turns: tuple[TurnSignals, ...]
    words: int
    tokens: int
    fillers: int
    quality: Quality
    overlap: int  # content words shared with the question and its topic
    evasive: bool

    @property
    def sentences(self) -> list[Sentence]:
        return [s for t in self.turns for s in t.sentences]

    def total(self, name: str) -> int:
        """The sum of one count (`numbers`, `examples`, `steps`…) over the answer's sentences."""
        return sum(getattr(s, name) for s in self.sentences)

    def skills(self) -> list[str]:
        """Skills named in the answer, each once, in order."""
        return list(dict.fromkeys(k for s in self.sentences for k in s.skills))

    def tech_skills(self) -> list[str]:
        """Named skills that are not soft skills ("teamwork" is no technology)."""
        return [k for k in self.skills() if skill_category(k) != "soft"]


def _count(pattern: re.Pattern[str], text: str) -> int:
    return len({m.group().strip(" ,") for m in pattern.finditer(text)})


def _claimed_years(norm: str) -> float | None:
    if not _EXPERIENCE_CUE.search(norm) or _NOT_A_CLAIM.search(norm):
        return None
    found = [m.group("n") for m in _YEARS.finditer(norm)]
    values = [
        float(n.replace(",", ".")) if n[0].isdigit() else float(_NUMBER_WORDS[n]) for n in found
    ]
    return max(values) if values else None


def _skills(sentence: str) -> tuple[list[str], list[str]]:
    """(claimed, denied) skills: a clause with a negation denies the skills it names."""
    claimed: list[str] = []
    denied: list[str] = []
    for clause in _CLAUSE.split(sentence):
        found = find_skills(clause)
        (denied if _NEGATION.search(normalize(clause)) else claimed).extend(found)
    denied = [s for s in dict.fromkeys(denied) if s not in claimed]
    return list(dict.fromkeys(claimed)), denied


def sentence_signals(turn: int, text: str) -> Sentence:
    """The counts of one sentence (`text` as it stands in the transcript)."""
    norm = normalize(text)
    tokens = len(_WORD.findall(norm))
    fillers = len(_FILLER.findall(norm))
    claimed, denied = _skills(text)
    return Sentence(
        turn=turn,
        text=text,
        words=len(words(text)),
        tokens=tokens,
        fillers=fillers,
        skills=tuple(claimed),
        denied=tuple(denied),
        numbers=len(_NUMBER.findall(norm)),
        examples=_count(_EXAMPLE, norm),
        actions=_count(_ACTION, norm),
        steps=_count(_STEPS, norm),
        causal=_count(_CAUSAL, norm),
        method=_count(_METHOD, norm),
        collab=_count(_COLLAB, norm),
        motivation=_count(_MOTIVATION, norm),
        claimed_years=_claimed_years(norm),
    )


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank sentence, trimmed, never crossing a line break."""
    spans = []
    for line in _LINE.finditer(text):
        pos = base = line.start()
        cuts = [(base + m.start(), base + m.end()) for m in _SENTENCE_END.finditer(line.group())]
        for end, nxt in [*cuts, (line.end(), line.end())]:
            chunk = text[pos:end]
            lead = len(chunk) - len(chunk.lstrip())
            a, b = pos + lead, pos + len(chunk.rstrip())
            if b > a:
                spans.append((a, b))
            pos = nxt
    return spans


def _wpm(turn: TranscriptTurn, tokens: int, channel: str) -> float | None:
    if channel != "voice" or turn.started_at is None or turn.ended_at is None:
        return None
    seconds = (turn.ended_at - turn.started_at).total_seconds()
    if seconds < MIN_TIMED_S or tokens == 0:
        return None
    wpm = tokens * 60.0 / seconds
    return wpm if WPM_PLAUSIBLE[0] <= wpm <= WPM_PLAUSIBLE[1] else None


def turn_signals(turn: TranscriptTurn, question_index: int | None, channel: str) -> TurnSignals:
    """Drop the sentences that talk to the AI, then count what the rest shows.

    A turn that had an instruction removed gets no speaking rate: its duration covers words
    that no longer count.
    """
    findings = detect_injection(turn.text)
    kept: list[Sentence] = []
    for a, b in sentence_spans(turn.text):
        if any(a < f.end and f.start < b for f in findings):
            continue
        kept.append(sentence_signals(turn.seq, turn.text[a:b]))
    clean = " ".join(s.text for s in kept)
    tokens = sum(s.tokens for s in kept)
    return TurnSignals(
        seq=turn.seq,
        question_index=question_index,
        text=turn.text,
        clean=clean,
        sentences=tuple(kept),
        injections=tuple(findings),
        intent=classify_intent(clean),
        wpm=None if findings else _wpm(turn, tokens, channel),
    )


def _answer(data: AnalysisInput, index: int | None, turns: list[TurnSignals]) -> Answer:
    question = topic = ""
    criterion: Criterion | None = None
    if data.plan is not None and index is not None:  # `collect` checked the range
        planned = data.plan.questions[index]
        question, topic, criterion = planned.text, planned.topic, planned.criterion
    clean = " ".join(t.clean for t in turns if t.clean)
    n_words = sum(s.words for t in turns for s in t.sentences)
    quality = answer_quality(
        clean,
        f"{topic} {question}",
        data.language,
        technical=criterion == "technical_skills",
    )
    shared = overlap(content_words(clean), content_words(f"{topic} {question}"))
    refused = all(t.intent in ("dont_know", "skip", "empty") for t in turns)
    return Answer(
        index=index,
        criterion=criterion,
        question=question,
        topic=topic,
        turns=tuple(turns),
        words=n_words,
        tokens=sum(s.tokens for t in turns for s in t.sentences),
        fillers=sum(s.fillers for t in turns for s in t.sentences),
        quality=quality,
        overlap=shared,
        # "Very short" needs a known question: "Hello" is no evasion.
        evasive=refused or (index is not None and n_words < THIN_WORDS[data.language]),
    )


def collect(data: AnalysisInput) -> tuple[list[TurnSignals], list[Answer]]:
    """Every candidate turn's signals, and the answers they make up, in transcript order.

    A turn without a `question_index` belongs to the last question asked before it; turns
    before the first question (small talk) are kept for the red-flag checks but form no
    answer, and requests to repeat the question are never answers. A transcript with no
    question numbers at all (and no plan) makes each turn its own answer.
    """
    plan = data.plan
    current: int | None = None
    turns: list[TurnSignals] = []
    for turn in data.turns:
        if turn.question_index is not None:
            current = turn.question_index
        if turn.role != "candidate" or not turn.text.strip():
            continue
        known = current is not None and (plan is None or 0 <= current < len(plan.questions))
        turns.append(turn_signals(turn, current if known else None, data.channel))
    answerable = [t for t in turns if t.intent != "repeat"]
    if plan is None and all(t.question_index is None for t in data.turns):
        return turns, [_answer(data, None, [t]) for t in answerable]
    grouped: dict[int, list[TurnSignals]] = {}
    for t in answerable:
        if t.question_index is not None:
            grouped.setdefault(t.question_index, []).append(t)
    return turns, [_answer(data, i, ts) for i, ts in grouped.items()]


@dataclass(frozen=True)
class Contradiction:
    """An answer at odds with the resume: more (or far fewer) years of experience than it
    shows, or "never used" a skill it lists."""

    kind: str  # years | denied
    turn: int
    skill: str | None = None
    claimed_years: float | None = None
    resume_years: float | None = None


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def contradictions(profile: Profile | None, turns: list[TurnSignals]) -> list[Contradiction]:
    """Claims in the answers that the resume contradicts, at most one on years per turn.

    Claiming YEARS_GAP more years than the whole resume shows is a contradiction whatever the
    skill; claiming far fewer only when the claim is about experience in general.
    """
    if profile is None:
        return []
    resume = profile.total_years if (profile.total_years or profile.experience) else None
    listed = {_key(s) for s in profile.skills}
    found: list[Contradiction] = []
    denied: set[str] = set()
    for t in turns:
        for s in t.sentences:
            y = s.claimed_years
            if y is None or resume is None:
                continue
            if y - resume >= YEARS_GAP or (not s.skills and resume - y >= YEARS_GAP):
                skill = s.skills[0] if s.skills else None
                found.append(Contradiction("years", t.seq, skill, y, resume))
                break
        for s in t.sentences:
            for skill in s.denied:
                if _key(skill) in listed and _key(skill) not in denied:
                    denied.add(_key(skill))
                    found.append(Contradiction("denied", t.seq, skill))
    return found
