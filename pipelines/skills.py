"""The bilingual skill dictionary (pipelines/data/skills.json) and skill finding in free text.

Every engine reports skills as the canonical names of this dictionary, so a vacancy and a
resume read by different engines compare by plain set operations. Matching is by whole
tokens through a token trie built once per process: a word never matches inside a longer word
("Java" in "JavaScript", "Go" in "good"), punctuation that is part of a name must be glued on
("C++", "C#", ".NET", "Node.js"), hyphens and spaces are interchangeable ("A/B-тест" = "A/B
тест"), and a `*` in the data takes Russian (or English) inflection endings ("постгрес*" →
"постгресе"). Ambiguous short names match only in their exact case ("JS", "PG"; a Title-case
one such as "Go" not at a sentence start) or inside a skills list; some ("R", "C") only there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal

Tier = Literal["any", "short", "listed"]

# Words (letters, digits, '_'), or one punctuation character; spaces and hyphens only separate.
_TOKEN = re.compile(r"\w+|[^\w\s-]")
_CYRILLIC = re.compile(r"[а-яё]")
_VERSION = re.compile(r"^(?:\d+|\.|x)$")
# Noun and adjective endings; a stem takes each, so one entry covers a word's case forms.
_RU_ENDINGS = (
    "", "а", "я", "у", "ю", "е", "и", "ы", "о", "ь", "ом", "ем", "ой", "ей", "ам", "ям", "ах",
    "ях", "ами", "ями", "ов", "ев", "ью", "ый", "ий", "ая", "яя", "ое", "ее", "ого", "его",
    "ому", "ему", "ым", "им", "ую", "юю", "ые", "ие", "ых", "их", "ыми", "ими",
)  # fmt: skip
_EN_ENDINGS = ("", "s", "es")
_LIST_BEFORE = frozenset("\n,;:|•·●▪/([")
_LIST_AFTER = frozenset("\n,;|•·●▪/)]")
_BULLETS = frozenset("-–—*•·●▪")
_SENTENCE_END = frozenset(".!?")


@dataclass(frozen=True, slots=True)
class _Alias:
    skill: str
    tier: Tier
    exact: tuple[str, ...]  # the alias's own tokens, case kept (compared for "short")
    title_case: bool  # "Go", "Excel": looks like any word at a sentence start


@dataclass(slots=True, eq=False)
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    hits: list[_Alias] = field(default_factory=list)


@dataclass(frozen=True)
class _Dictionary:
    root: _Node
    categories: dict[str, str]


def _fold(token: str) -> str:
    return token.lower().replace("ё", "е")


def _tokens(text: str) -> list[re.Match[str]]:
    return list(_TOKEN.finditer(text))


def _edge(matches: list[re.Match[str]], j: int, token: str) -> str:
    """Trie key of token j: glued to the previous token ("g") or separated from it ("s")."""
    if j == 0:
        return token
    return ("g" if matches[j].start() == matches[j - 1].end() else "s") + token


def _forms(token: str) -> list[str]:
    if not token.endswith("*"):
        return [token]
    stem = token[:-1]
    endings = _RU_ENDINGS if _CYRILLIC.search(stem) else _EN_ENDINGS
    return [stem + ending for ending in endings]


def _alias_path(alias: str) -> tuple[list[list[str]], tuple[str, ...]]:
    """Trie keys (each with its inflected forms) and the case-kept tokens of one alias."""
    matches = _tokens(alias.strip())
    keys: list[list[str]] = []
    exact: list[str] = []
    for j, m in enumerate(matches):
        if m.group() == "*":  # the stem marker belongs to the previous word
            keys[-1] = [key + "*" for key in keys[-1]]
            continue
        exact.append(m.group())
        keys.append([_edge(matches, j, _fold(m.group()))])
    return [[form for key in group for form in _forms(key)] for group in keys], tuple(exact)


def _insert(root: _Node, alias: str, skill: str, tier: Tier) -> None:
    path, exact = _alias_path(alias)
    if not path:
        raise ValueError(f"empty alias for skill {skill!r}")
    title = len(exact) == 1 and exact[0][:1].isupper() and exact[0][1:].islower()
    entry = _Alias(skill, tier, exact, title)
    nodes = [root]
    for forms in path:
        # The forms of one word share a child, so a stem costs its forms, not their product.
        reached: dict[int, _Node] = {}
        for node in nodes:
            shared: _Node | None = None
            for form in forms:
                child = node.children.get(form)
                if child is None:
                    shared = shared or _Node()
                    child = node.children[form] = shared
                reached[id(child)] = child
        nodes = list(reached.values())
    for node in nodes:
        clash = [hit.skill for hit in node.hits if hit.skill != skill and hit.tier == tier]
        if clash:
            raise ValueError(f"alias {alias!r} of {skill!r} is already an alias of {clash[0]!r}")
        if entry not in node.hits:
            node.hits.append(entry)
            node.hits.sort(key=lambda hit: ("any", "short", "listed").index(hit.tier))


@cache
def _dictionary() -> _Dictionary:
    """Load the data file and build the trie, once per process."""
    raw = resources.files("pipelines").joinpath("data/skills.json").read_text(encoding="utf-8")
    root = _Node()
    categories: dict[str, str] = {}
    for entry in json.loads(raw)["skills"]:
        name = entry["name"]
        if name in categories:
            raise ValueError(f"skill {name!r} is listed twice")
        categories[name] = entry["category"]
        restricted = {a.lower() for a in entry.get("short", []) + entry.get("listed", [])}
        plain = ([] if name.lower() in restricted else [name]) + entry.get("aliases", [])
        for alias in plain:
            _insert(root, alias, name, "any")
        for alias in entry.get("short", []):
            _insert(root, alias, name, "short")
        for alias in entry.get("listed", []):
            _insert(root, alias, name, "listed")
    return _Dictionary(root, categories)


def _in_list(text: str, start: int, end: int) -> bool:
    """Whether [start, end) stands alone as an item of a list ("Python, R, SQL" or a line)."""
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    if i >= 0 and text[i] in _BULLETS:  # a bullet counts as a list start when it opens a line
        i -= 1
        while i >= 0 and text[i] in " \t":
            i -= 1
        if i >= 0 and text[i] != "\n":
            return False
    elif i >= 0 and text[i] not in _LIST_BEFORE:
        return False
    k = end
    while k < len(text) and text[k] in " \t":
        k += 1
    if k >= len(text) or text[k] in _LIST_AFTER:
        return True
    return text[k] == "." and (k + 1 >= len(text) or text[k + 1].isspace())


def _sentence_start(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and (text[i] in " \t" or text[i] in _BULLETS):
        i -= 1
    return i < 0 or text[i] == "\n" or text[i] in _SENTENCE_END


def _accept(
    hits: list[_Alias], text: str, matches: list[re.Match[str]], i: int, j: int, listed: bool
) -> str | None:
    """The skill of the first alias at this node whose tier allows a match here."""
    start, end = matches[i].start(), matches[j].end()
    for hit in hits:
        if hit.tier == "any":
            return hit.skill
        in_list = listed or _in_list(text, start, end)
        if in_list:
            return hit.skill
        written = tuple(text[m.start() : m.end()] for m in matches[i : j + 1])
        if hit.tier == "short" and written == hit.exact:
            if not (hit.title_case and _sentence_start(text, start)):
                return hit.skill
    return None


def _scan(text: str, listed: bool) -> list[tuple[str, int, int]]:
    """(skill, start, end) of every skill mention, left to right, longest alias first."""
    root = _dictionary().root
    folded = _fold(text)
    if len(folded) == len(text):  # fold once; token spans then hold for the original too
        matches = _tokens(folded)
        lows = [m.group() for m in matches]
    else:  # a letter whose lowercase is longer ("İ"): fold token by token
        matches = _tokens(text)
        lows = [_fold(m.group()) for m in matches]
    found: list[tuple[str, int, int]] = []
    n = len(matches)
    i = 0
    while i < n:
        node = root.children.get(lows[i])
        best: tuple[int, str] | None = None
        j = i
        while node is not None:
            if node.hits:
                skill = _accept(node.hits, text, matches, i, j, listed)
                if skill is not None:
                    best = (j, skill)
            j += 1
            if j >= n or not node.children:
                break
            node = node.children.get(_edge(matches, j, lows[j]))
        if best is None:
            i += 1
            continue
        found.append((best[1], matches[i].start(), matches[best[0]].end()))
        i = best[0] + 1
    return found


def find_skills(text: str, *, skills_section: bool = False) -> list[str]:
    """Canonical skills mentioned in `text`, each once, in order of first appearance.

    `skills_section=True` says the text is a skills list, where ambiguous short names ("R",
    "go") count in any case.
    """
    return list(dict.fromkeys(skill for skill, _, _ in _scan(text, skills_section)))


def find_skill_spans(text: str, *, skills_section: bool = False) -> list[tuple[str, int, int]]:
    """Every skill mention as (canonical name, start, end) in `text`, in order; for callers
    that need to know what stands between mentions ("FastAPI or Django")."""
    return _scan(text, skills_section)


def canonical_skill(name: str) -> str | None:
    """The canonical name for one skill name ("постгрес" → "PostgreSQL"), else None.

    A trailing version ("Python 3.11") is ignored; a short phrase naming exactly one skill
    ("опыт с Postgres") also resolves.
    """
    text = name.strip()
    if not text:
        return None
    matches = _tokens(text)
    cut = len(matches)
    while cut > 1 and _VERSION.match(matches[cut - 1].group().lower()):
        cut -= 1
    for end in dict.fromkeys((len(matches), cut)):
        skill = _whole(text, matches[:end])
        if skill is not None:
            return skill
    words = sum(1 for m in matches if m.group()[0].isalnum())
    found = find_skills(text, skills_section=True)
    return found[0] if len(found) == 1 and words <= 5 else None


def _whole(text: str, matches: list[re.Match[str]]) -> str | None:
    """The skill whose alias spans exactly these tokens."""
    node: _Node | None = _dictionary().root
    for j, m in enumerate(matches):
        node = node.children.get(_edge(matches, j, _fold(m.group()))) if node else None
    if node is None or not node.hits:
        return None
    return _accept(node.hits, text, matches, 0, len(matches) - 1, True)


def normalize_skills(names: list[str]) -> list[str]:
    """Canonical names for free-form skill names, deduplicated, order kept.

    A compound name ("Python/Django", "SQL (PostgreSQL, MySQL)") yields each skill in it;
    names the dictionary does not know are dropped, so results stay comparable.
    """
    out: dict[str, None] = {}
    for name in names:
        skill = canonical_skill(name)
        for found in [skill] if skill else find_skills(name, skills_section=True):
            out.setdefault(found, None)
    return list(out)


def skill_category(name: str) -> str | None:
    """Category of a canonical skill ("language", "database", "soft", ...), else None."""
    return _dictionary().categories.get(name)


def all_skills() -> list[str]:
    """Every canonical skill name, in data-file order."""
    return list(_dictionary().categories)
