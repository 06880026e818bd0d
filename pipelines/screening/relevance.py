"""How relevant a resume's text is to a vacancy's, on a 0..1 scale that means the same for
every resume — so it can be stored with the screening and compared across a shortlist.

BM25F over the resume's sections: the vacancy's words (stemmed, weighted by how telling they
are, `pipelines.terms`) are counted in each section with a field weight — the head and job
titles say what a person *is*, skills lists what they know, prose what they did — and each
word's count saturates as in BM25 (k1 = 1.2, length-normalised against a typical resume,
b = 0.5), so repeating a word buys little. Word weights come from general-language frequencies,
not from the pool being ranked, which keeps a score independent of who else applied. The sum
is divided by what a resume containing every vacancy word would get, and that share mapped
from its real-resume band (TEXT_FLOOR..TEXT_CEILING) to 0..1.

Role fit compares the vacancy's title with the titles the candidate has held or wants
(most recent first): word overlap of the titles' telling words, or their embeddings' cosine.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable

import numpy as np

from pipelines.profiles.contacts import TITLE_WORDS
from pipelines.profiles.sections import RESUME_HEADINGS, HeadingMatcher, split_sections
from pipelines.skills import canonical_skill
from pipelines.terms import stem, weight, words

K1, B = 1.2, 0.5
TITLE_BOOST = 3.0
# No resume holds every word of a vacancy: the share found runs from ~0.05 (another trade) to
# ~0.3 (a resume about this job) on real resumes, and is mapped from that band to 0..1.
TEXT_FLOOR, TEXT_CEILING = 0.05, 0.30
TYPICAL_WORDS = 450  # a one- to two-page resume
FIELD_WEIGHTS = {
    "header": 3.0, "position": 3.0, "skills": 2.0, "summary": 1.5, "experience": 1.0,
    "education": 0.7, "languages": 0.3, "contacts": 0.0, "other": 0.5,
}  # fmt: skip
# Seniority and employment words say nothing about the field ("Senior", "Lead", "Стажёр").
_RANK_WORDS = frozenset(
    """senior junior middle lead leading principal head chief staff assistant associate
    intern trainee entry level i ii iii iv sr jr deputy acting remote part full time
    старший младший ведущий главный помощник стажер стажёр руководитель заместитель""".split()
)
_ANY_TRADE = frozenset(
    """specialist specialists manager managers assistant associate coordinator representative
    officer consultant executive supervisor worker professional agent operator administrator
    director head lead partner owner expert clerk support technician engineer analyst designer
    developer inspector mechanic architect scientist
    специалист менеджер помощник ассистент координатор консультант представитель сотрудник
    руководитель директор начальник оператор администратор эксперт техник инженер аналитик
    дизайнер разработчик инспектор механик архитектор""".split()
)
# Titles are often written as acronyms ("Staff RN", "HR Generalist"): a candidate's title is
# read with both the acronym and the words it stands for, so "Staff RN" fits "Registered Nurse"
# and "Human Resources Generalist" fits "HR Generalist". The vacancy's title is weighed as
# written.
TITLE_ACRONYMS = {
    "rn": "registered nurse", "lpn": "licensed practical nurse",
    "lvn": "licensed vocational nurse", "cna": "certified nursing assistant",
    "emt": "emergency medical technician", "hr": "human resources",
    "it": "information technology", "qa": "quality assurance", "cpa": "certified public accountant",
    "ceo": "chief executive officer", "cfo": "chief financial officer",
    "cto": "chief technology officer",
}  # fmt: skip
_RESUME = HeadingMatcher(RESUME_HEADINGS, duration_key="experience")
_CYRILLIC = re.compile(r"[а-яё]", re.I)
# Title cosine across alphabets (sentence encoder): below FLOOR unrelated roles, from CEILING
# the same role ("Accountant" / "Бухгалтер" ≈ 0.7).
TITLE_FLOOR, TITLE_CEILING = 0.35, 0.70
RECENCY = (1.0, 0.9, 0.8, 0.7)  # weight of the 1st, 2nd, 3rd, older titles


def vacancy_query(text: str) -> dict[str, float]:
    """Vacancy stems with weight × (1 + ln tf): the words a vacancy repeats matter more."""
    counts: Counter[str] = Counter()
    weights: dict[str, float] = {}
    for w in words(text):
        wt = weight(w)
        if wt <= 0 or len(w) < 2:
            continue
        s = stem(w)
        counts[s] += 1
        weights[s] = max(weights.get(s, 0.0), wt)
    return {s: weights[s] * (1 + math.log(c)) for s, c in counts.items()}


def text_relevance(vacancy_title: str, vacancy_text: str, resume_text: str) -> float:
    """BM25F relevance of the resume's sections to the vacancy, 0..1 (module docstring); the
    title's words count TITLE_BOOST times more, as they say what the job is."""
    query = vacancy_query(vacancy_text)
    for s, w in vacancy_title_words(vacancy_title).items():
        query[s] = query.get(s, 0.0) + TITLE_BOOST * w
    if not query:
        return 0.0
    tf: Counter[str] = Counter()
    length = 0
    for section in split_sections(resume_text, _RESUME):
        field = FIELD_WEIGHTS.get(section.key, 0.5)
        section_words = words(section.text)
        length += len(section_words)
        if field:
            for w in section_words:
                tf[stem(w)] += field
    norm = K1 * (1 - B + B * max(length, 1) / TYPICAL_WORDS)
    got = sum(q * tf[s] / (tf[s] + norm) for s, q in query.items() if tf[s])
    share = got / sum(query.values())
    return min(1.0, max(0.0, (share - TEXT_FLOOR) / (TEXT_CEILING - TEXT_FLOOR)))


def title_words(title: str) -> dict[str, float]:
    """A title's telling stems as written, seniority words dropped ("Senior Sous Chef" → sous,
    chef); an occupation noun that names a trade counts double ("nurse", "chef", "бухгалтер"),
    one whose trade a modifier names does not ("aircraft *technician*", "менеджер по продажам")."""
    return _title_weights(words(title))


# "Assistant to the Chief Nursing Officer": what follows "to" is whom the person serves.
_SERVES = re.compile(r"\s+to\s+(?:the\s+)?", re.I)


def title_stems(title: str) -> set[str]:
    """The telling stems of a candidate's title, acronyms with what they stand for, without
    whom they serve ("Secretary *to the Director of Nursing*" is a secretary)."""
    own = _SERVES.split(title, maxsplit=1)[0]
    return set(_title_weights(_spelled_out(words(own))))


def _spelled_out(title_words_: list[str]) -> list[str]:
    """The words with each acronym followed by what it stands for, and each spelled-out
    phrase by its acronym ("staff rn" → staff rn registered nurse)."""
    out: list[str] = []
    for w in title_words_:
        out += [w, *TITLE_ACRONYMS[w].split()] if w in TITLE_ACRONYMS else [w]
    text = f" {' '.join(out)} "
    return out + [a for a, phrase in TITLE_ACRONYMS.items() if f" {phrase} " in text]


def _title_weights(title_words_: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for w in title_words_:
        if w in _RANK_WORDS or len(w) < 2 or (wt := weight(w)) <= 0:
            continue
        occupation = TITLE_WORDS.match(w)
        if occupation is not None and occupation.end() == len(w) and w not in _ANY_TRADE:
            wt *= 2
        s = stem(w)
        out[s] = max(out.get(s, 0.0), wt)
    return out


# A vacancy title is often "role - qualifier": "Registered Nurse - Medical-Surgical Unit",
# "Financial Analyst, FP&A", "Primary School Teacher (Grade 3)", "Бухгалтер (участок: банк)".
# The role says what the person is; the qualifier narrows where or on what, and a candidate's
# own title seldom repeats it, so its words count for less.
_QUALIFIER_START = re.compile(r"\s[-–—]\s|[,(:;|]")
QUALIFIER_WEIGHT = 0.4


def vacancy_title_words(title: str) -> dict[str, float]:
    """`title_words` of a vacancy title, the qualifier's words (after " - ", ",", "(", ":")
    weighted QUALIFIER_WEIGHT; a title that is all qualifier keeps its words whole."""
    cut = _QUALIFIER_START.search(title)
    head = title_words(title[: cut.start()]) if cut else {}
    if not head:
        return title_words(title)
    for s, wt in title_words(title[cut.end() :]).items():  # type: ignore[union-attr]
        head.setdefault(s, QUALIFIER_WEIGHT * wt)
    return head


_TRADE_STEMS = frozenset(stem(w) for w in _ANY_TRADE)
GENERIC_ONLY = 0.3  # what sharing only "technician" / "manager" is worth when the field differs


def title_overlap(wanted: dict[str, float], title: str) -> float:
    """Share of the vacancy title's word weight that this title has."""
    total = sum(wanted.values())
    if not total:
        return 0.0
    have = title_stems(title)
    return sum(w for s, w in wanted.items() if s in have) / total


def field_factor(vacancy_title: str, wanted: dict[str, float], title: str) -> float:
    """GENERIC_ONLY when the title shares only the generic occupation noun with a vacancy title
    that names a field ("Engineering *Technician*" for "Aircraft Maintenance *Technician*",
    "*Администратор* салона" for "Системный *администратор*"): weak evidence of the same
    trade. 1 otherwise. A technology in the title names the stack, not the trade: a "Backend
    Developer" is in a "Python Developer"'s field."""
    field = {
        s for w in words(vacancy_title)
        if (s := stem(w)) in wanted and s not in _TRADE_STEMS and canonical_skill(w) is None
    }  # fmt: skip
    shared = set(wanted) & title_stems(title)
    generic_only = bool(shared) and shared <= _TRADE_STEMS  # "chef" is a trade of its own
    return GENERIC_ONLY if field and generic_only else 1.0


def role_fit(
    vacancy_title: str,
    titles: list[str],
    embed: Callable[[list[str]], np.ndarray] | None = None,
) -> tuple[float | None, list[float]]:
    """(fit 0..1, per-title similarity) of the candidate's titles, most recent first; fit is
    None when there is nothing to compare (no titles, or a title of rank words only).

    Titles are compared by their words. Embeddings are used only for a title written in the
    other alphabet ("Accountant" for "Бухгалтер"), where words cannot meet: on short titles in
    one language the sentence encoder hears the register more than the trade ("Системный
    администратор" is closer to "Key Account Manager", 0.61, than to "DevOps-инженер", 0.42).
    """
    wanted = vacancy_title_words(vacancy_title)
    if not titles or not wanted:
        return None, [0.0] * len(titles)
    sims = [title_overlap(wanted, t) * field_factor(vacancy_title, wanted, t) for t in titles]
    script = _script(vacancy_title)
    foreign = {i for i, t in enumerate(titles) if t and _script(t) not in (script, None)}
    if embed is not None and foreign:
        vectors = embed([vacancy_title, *(titles[i] for i in sorted(foreign))])
        span = TITLE_CEILING - TITLE_FLOOR
        for i, cosine in zip(sorted(foreign), vectors[1:] @ vectors[0], strict=True):
            sims[i] = max(sims[i], float(np.clip((cosine - TITLE_FLOOR) / span, 0.0, 1.0)))
    fit = max(s * RECENCY[min(i, len(RECENCY) - 1)] for i, s in enumerate(sims))
    return fit, sims


def _script(text: str) -> str | None:
    """ "cyrillic" or "latin" by most letters; None without letters."""
    cyrillic = len(_CYRILLIC.findall(text))
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    if not cyrillic and not latin:
        return None
    return "cyrillic" if cyrillic > latin else "latin"
