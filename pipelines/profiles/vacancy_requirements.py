"""A vacancy's requirement lines turned into `Requirement`s, as a recruiter would count them.

Each line (or clause of a prose line) gives one requirement per group of skills it names:
"FastAPI or Django", "Excel, Google Sheets or similar", "a framework such as Django or Flask"
are one requirement with alternatives, while "Python, PostgreSQL, Docker" are three. A line
the skill dictionary is silent on still counts: its telling words ("labor law", "ServSafe",
"high-volume kitchen") become the terms screening looks for in the resume text, so nothing a
vacancy asks for silently vanishes. A clause that names one skill and asks more of it ("Current
RN license in Pennsylvania", "Bachelor's degree in Nursing", "charge nurse experience") keeps
its own words too: otherwise every such clause would become the same "Nursing" and the
vacancy's list would shrink to it. Soft skills are marked so they weigh little.
"""

from __future__ import annotations

import re

from pipelines.models import Requirement
from pipelines.profiles.languages import find_languages
from pipelines.skills import find_skill_spans, skill_category
from pipelines.terms import STOPWORDS, is_soft, weight, words

_BULLET = re.compile(r"^\s*(?:[-–—*•·●▪►✓]|\d+[.)])\s*")
_CLAUSES = re.compile(r"(?<=[.;!?])\s+(?=\S)|\s*;\s*")
_OR = re.compile(r"^\s*,?\s*(?:or|или|либо|/|\||и/или|and/or)\s*$", re.I)
_LIST_GAP = re.compile(r"^\s*,\s*$")
_CHOICE = re.compile(
    r"(?:such\s+as|e\.\s?g\.?|for\s+example|like|one\s+of|any\s+of|например|типа|"
    r"один\s+из|любой\s+из|аналог\w*|or\s+similar|или\s+аналог\w*|or\s+equivalent)",
    re.I,
)
_LEAD = re.compile(
    r"^(?:you\s+have|you\s+are|you\s+bring|we\s+expect|must\s+have|must\s+be|should\s+have|"
    r"at\s+least|minimum(?:\s+of)?|proven|demonstrated|strong|excellent|solid|good|"
    r"hands-on|уверенн\w*|отличн\w*|хорош\w*|знание|опыт|умение|навыки?)\s+",
    re.I,
)
# Conditions of the job, not qualifications a resume shows: left for the interview.
_CONDITION = re.compile(
    r"willing|willingness|able\s+to\s+(?:lift|pass|work|travel|stand|commute|start)|"
    r"background\s+check|drug\s+(?:test|screen)|weekends?|nights?|holidays?|overtime|"
    r"\bshifts?\b|on[\s-]call|relocat|travel|authori[sz]ed\s+to\s+work|eligible\s+to\s+work|"
    r"work\s+permit|\blift\w*\s+(?:up\s+to\s+)?\d+|\d+\s*(?:lbs?|pounds|kg)\b|"
    r"welcome\s+to\s+apply|new\s+grad|we\s+(?:offer|provide)|готов\w*\s+к\s+"
    r"(?:командировк|переезд|работе\s+в\s+выходн|сменн|ночн)|график\w*|сменн\w*|"
    r"ночн\w+\s+смен|командировк|переезд|медицинск\w+\s+книжк|справк\w+\s+об\s+отсутствии|"
    r"\bremote\b|hybrid|on[\s-]?site|in[\s-]office|удал[её]н|гибрид|офис|"
    r"driver'?s\s+licen[cs]e|driving\s+licen[cs]e|водительск\w+\s+(?:прав|удостоверен)",
    re.I,
)
# What a hire may get after starting ("ACLS within 6 months of hire", "in your first month")
# is not asked of an applicant: a skill named so is a nice-to-have.
_LATER = re.compile(
    r"within\s+\S+\s+(?:days?|weeks?|months?|years?)\s+(?:of|after)\s+(?:hire|hiring|start\w*|"
    r"joining)|after\s+(?:hire|hiring)|in\s+(?:your|the)\s+first\s+(?:days?|weeks?|months?|year)|"
    r"(?:в\s+течение|за)\s+\S+\s+(?:месяц\w*|недел\w*|дн\w*)\s+(?:после|с\s+момента)",
    re.I,
)
_ASIDE = re.compile(r"\(([^()]*)\)")
# A clause that states years or a spoken language is checked by the years and language parts.
_YEARS = re.compile(
    r"\d+\s*\+?\s*(?:-\s*\d+\s*)?(?:years?|yrs?|лет|года?)\b|"
    r"(?:one|two|three|four|five|six|seven|eight|ten)\s+years?|"
    r"(?:одного|двух|трех|трёх|пяти)\s+лет",
    re.I,
)
MAX_TERMS = 6
MIN_TERM_WEIGHT = 3.0  # a clause whose words are all this common asks for nothing checkable
# A word this telling beside a skill's name qualifies it ("license", "degree", "charge"),
# where "experience with" or "strong" does not.
QUALIFIER_TERM_WEIGHT = 4.0
MAX_TEXT = 120


def clean_line(line: str) -> str:
    """A requirement line without its bullet, spaces collapsed, end punctuation dropped."""
    return " ".join(_BULLET.sub("", line).split()).strip(" .;:,")


def clauses(line: str) -> list[str]:
    """Sentences and ';'-separated parts of one line, each cleaned."""
    return [c for part in _CLAUSES.split(clean_line(line)) if (c := clean_line(part))]


def _short(text: str) -> str:
    text = _LEAD.sub("", text).strip()
    text = text[:1].upper() + text[1:]
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1].rstrip() + "…"


def _groups(clause: str, spans: list[tuple[str, int, int]]) -> list[list[tuple[str, int, int]]]:
    """Skill mentions grouped into alternatives: joined by "or", or introduced by "such as"."""
    groups: list[list[tuple[str, int, int]]] = []
    choice = _CHOICE.search(clause) is not None  # "such as A, B", "A, B or similar"
    for span in spans:
        if groups:
            between = clause[groups[-1][-1][2] : span[1]]
            if _OR.match(between) or (choice and _LIST_GAP.match(between)):
                groups[-1].append(span)
                continue
        groups.append([span])
    # "A, B or C": the commas before a closing "or" join the same alternatives.
    merged: list[list[tuple[str, int, int]]] = []
    for group in groups:
        if merged and len(group) > 1 and _LIST_GAP.match(clause[merged[-1][-1][2] : group[0][1]]):
            merged[-1].extend(group)
        else:
            merged.append(group)
    return merged


def _term_words(clause: str) -> list[str]:
    """The clause's telling words, most telling first among equals, in reading order."""
    seen: dict[str, float] = {}
    for word in words(clause):
        if word in STOPWORDS or len(word) < 2 or not any(ch.isalpha() for ch in word):
            continue
        seen.setdefault(word, weight(word))
    ranked = sorted(seen, key=lambda w: -seen[w])[:MAX_TERMS]
    return [w for w in seen if w in ranked]


def _qualifies(clause: str, spans: list[tuple[str, int, int]]) -> bool:
    """Whether the clause asks more of its skill than its name: a telling word outside the
    skill names ("license", "degree", "charge"), not only "experience with" or "strong"."""
    rest = clause
    for _, start, end in spans:
        rest = rest[:start] + " " * (end - start) + rest[end:]
    terms = _term_words(_CHOICE.sub(" ", rest))
    return bool(terms) and max(weight(t) for t in terms) >= QUALIFIER_TERM_WEIGHT


def _set_aside(clause: str) -> tuple[str, list[str]]:
    """The clause without its bracketed asides that are conditions of the job or due after
    hiring ("(ACLS within 6 months of hire)", "(or willingness to get one in your first
    month)"), and the asides due after hiring."""
    later: list[str] = []

    def drop(aside: re.Match[str]) -> str:
        inner = aside.group(1)
        if _LATER.search(inner):
            later.append(inner)
        elif not _CONDITION.search(inner):
            return aside.group(0)
        return " "

    return " ".join(_ASIDE.sub(drop, clause).split()), later


def _states_language(clause: str) -> bool:
    """ "English B2", "Английский — свободный": a spoken-language requirement (checked by the
    language part), not "teaching English grammar" (a subject)."""
    if find_languages(clause, require_level=True):
        return True
    return len(clause.split()) <= 3 and bool(find_languages(clause))


def requirements_from_line(
    line: str,
    *,
    must: bool,
    nice_marker: re.Pattern[str] | None = None,
    cue: re.Pattern[str] | None = None,
) -> list[Requirement]:
    """The requirements one vacancy line states (see the module docstring); a clause that
    `nice_marker` finds ("… is a real plus") is a nice-to-have even on a must line, and with a
    `cue` only clauses that it finds count (prose with no requirements section)."""
    out: list[Requirement] = []
    line_must = must
    for whole in clauses(line):
        if cue is not None and not cue.search(whole):
            continue
        clause, later = _set_aside(whole)
        for aside in later:
            out += requirements_from_line(_LATER.sub(" ", aside), must=False)
        must = line_must and not (nice_marker is not None and nice_marker.search(clause))
        # A short item is a list entry, where ambiguous names count in any case ("go",
        # "R"); in a sentence they must be written as names ("solid knowledge" is no SOLID).
        spans = find_skill_spans(clause, skills_section=len(clause.split()) <= 4)
        groups = _groups(clause, spans)
        one_skill_set = len({frozenset(skill for skill, _, _ in g) for g in groups}) == 1
        if spans and one_skill_set and _qualifies(clause, spans):
            skills = list(dict.fromkeys(skill for skill, _, _ in spans))
            soft = all(skill_category(s) == "soft" for s in skills)
            terms = _term_words(_CHOICE.sub(" ", clause))
            out.append(Requirement(text=_short(clause), skills=skills, terms=terms, must=must,
                                   soft=soft))  # fmt: skip
            continue
        if spans:
            for group in groups:
                skills = list(dict.fromkeys(skill for skill, _, _ in group))
                text = clause[group[0][1] : group[-1][2]] if len(skills) > 1 else skills[0]
                soft = all(skill_category(s) == "soft" for s in skills)
                out.append(Requirement(text=_short(text), skills=skills, must=must, soft=soft))
            continue
        if _CONDITION.search(clause) or _YEARS.search(clause) or _states_language(clause):
            continue
        terms = _term_words(clause)
        if not terms or max(weight(t) for t in terms) < MIN_TERM_WEIGHT:
            continue
        out.append(Requirement(text=_short(clause), terms=terms, must=must, soft=is_soft(clause)))
    return out


def merge_requirements(items: list[Requirement]) -> list[Requirement]:
    """Requirements in order with repeats dropped; a skill required anywhere is not also
    "nice" (a nice-to-have that asks more of it, "charge nurse experience", stays), and a
    must-have repeated as nice-to-have stays a must-have."""
    out: dict[tuple[tuple[str, ...], tuple[str, ...]], Requirement] = {}
    for item in items:
        key = (tuple(sorted(item.skills)), tuple(sorted(item.terms)))
        known = out.get(key)
        if known is None:
            out[key] = item
        elif item.must and not known.must:
            out[key] = known.model_copy(update={"must": True})
    required = {s for r in out.values() if r.must for s in r.skills if len(r.skills) == 1}
    return [r for r in out.values() if r.must or r.terms or not set(r.skills) & required]
