"""Words as screening compares them: stems that ignore inflection, weights that ignore filler.

Resumes and vacancies say the same thing in different forms ("teaching", "teacher", "taught";
"бухгалтерия", "бухгалтерский"), so both sides are reduced to Snowball stems, with English
agent nouns folded into their verb ("teacher" → "teach", "developer" → "develop") and -ial
adjectives into their noun ("financial" → "financ", as "finance"). A word's weight is how much
it says: its information content under general-language word frequencies (`wordfreq`, by
script: Cyrillic words as Russian, the rest as English), so "hydraulics" or "МСФО" outweigh
"experience" or "работы" with no corpus of our own. Soft skills ("communication",
"коммуникабельность") get a fixed low specificity: every candidate claims them.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer
import wordfreq

_WORD = re.compile(r"[^\W_]+(?:[+#]+|(?:[.\-'][^\W_]+)+)?")
_CYRILLIC = re.compile(r"[а-яё]")
_EN = snowballstemmer.stemmer("english")
_RU = snowballstemmer.stemmer("russian")
# Information content in log10 units (9 - Zipf frequency): "the" ≈ 1.3, "experience" ≈ 3.7,
# "hydraulics" ≈ 6.1; words no list knows (product names, typos) are capped here.
MAX_WEIGHT = 7.5
MIN_WEIGHT = 0.5

STOPWORDS = frozenset(
    """a an and are as at be by for from has have in is it of on or our the to we with you your
    i my me was were will this that these those not but if so do does did can able ability
    must should would could may might shall etc e.g i.e per via who whom which what when where
    how all any each every other such than then there their them they he she his her its also
    into onto over under up out about after before between through during within without
    strong excellent good great solid proven demonstrated working work knowledge experience
    experienced understanding familiarity familiar skill skills proficiency proficient
    required requirement requirements preferred plus bonus years year yrs including include
    includes well high highly ideal ideally candidate candidates role position job team
    related relevant equivalent minimum least new using use used basic advanced level
    а в во и к ко с со у о об от до по на за из для при без под над про что как это или но же
    не ни да мы вы я он она они оно его ее их мой моя мое мои наш наша наше наши ваш ваша
    ваше ваши был была было были быть есть также так уже еще тоже который которая которые
    опыт опыта опытом работы работа работе знание знания знаний умение умения навыки навык
    навыков владение уверенное уверенный хорошее хорошие отличное отличные требуется требования
    лет года год более менее от плюсом будет желательно обязательно наличие готовность
    кандидат кандидата должность вакансия""".split()
)

# Claimed by nearly everyone and checked by nobody on paper: weigh little as requirements.
_SOFT = re.compile(
    r"communicat|коммуникаб|коммуникац|общени|team\s*(?:player|work)|teamwork|командн|"
    r"interpersonal|leadership|лидерск|motivat|мотивир|detail[\s-]oriented|attention\s+to\s+detail|"
    r"внимательн|ответственн|responsib|organi[sz](?:ed|ational)|организованн|punctual|пунктуальн|"
    r"reliab|надежн|надёжн|flexib|гибк|stress|стрессоустойчив|problem[\s-]solving|"
    r"critical\s+thinking|self[\s-]starter|proactive|проактивн|инициативн|positive\s+attitude|"
    r"customer\s+service|клиентоориентир|multitask|многозадач|time\s+management|"
    r"тайм-менеджмент|creative|креативн|hard[\s-]working|трудолюб|эмпат|empath|friendly|"
    r"дружелюб|fast\s+learner|обучаем|passion|energetic|enthusias|attitude|willing|eager|"
    r"желани\w+\s+(?:учиться|развиваться|работать)|позитивн|positive|\bcalm\b|under\s+pressure",
    re.I,
)
SOFT_SPECIFICITY = 0.3


# "IT" in capitals is information technology, not the pronoun a stopword list drops.
_IT = re.compile(r"(?<![\w.])IT(?![\w.])")


def words(text: str) -> list[str]:
    """Lowercased words ("c++", "node.js", "1с" kept whole), ё folded into е; "IT" becomes
    "information technology"."""
    text = _IT.sub("information technology", text)
    return _WORD.findall(text.lower().replace("ё", "е"))


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The comparable form of one lowercased word; English agent nouns fold into the verb."""
    if _CYRILLIC.search(word):
        return _RU.stemWord(word)
    if not word.isalpha():
        return word
    base = _EN.stemWord(word)
    if len(base) > 5 and base.endswith("i"):  # "financi(al)" → "financ(e)", "industri"
        base = base[:-1]
    if len(base) > 5 and base.endswith("er"):
        return base[:-2]
    if len(base) > 6 and base.endswith("or"):
        return base[:-2]
    return base


@lru_cache(maxsize=100_000)
def weight(word: str) -> float:
    """Information content of a lowercased word, MIN_WEIGHT..MAX_WEIGHT (rarer says more)."""
    if word in STOPWORDS or word.isdigit():
        return 0.0
    lang = "ru" if _CYRILLIC.search(word) else "en"
    zipf = wordfreq.zipf_frequency(word, lang)
    return max(MIN_WEIGHT, min(MAX_WEIGHT, 9.0 - zipf)) if zipf else MAX_WEIGHT


def weighted_stems(text: str) -> dict[str, float]:
    """Each content stem of `text` with the highest weight of the words it came from."""
    out: dict[str, float] = {}
    for w in words(text):
        wt = weight(w)
        if wt <= 0 or (len(w) < 2 and w not in ("c", "r")):
            continue
        s = stem(w)
        out[s] = max(out.get(s, 0.0), wt)
    return out


def is_soft(text: str) -> bool:
    """Whether a requirement is a soft skill ("strong communication", "стрессоустойчивость")."""
    return _SOFT.search(text) is not None


def specificity(text: str, *, soft_skill: bool = False) -> float:
    """How much meeting this requirement says about fit, 0.3..1.0 (soft skills 0.3)."""
    if soft_skill or is_soft(text):
        return SOFT_SPECIFICITY
    weights = sorted(weighted_stems(text).values(), reverse=True)
    if not weights:
        return SOFT_SPECIFICITY
    # The requirement's most telling words decide: a rare term makes it specific.
    top = sum(weights[:2]) / min(2, len(weights))
    return max(SOFT_SPECIFICITY, min(1.0, (top - 2.0) / 3.5))
