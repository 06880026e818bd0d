"""Whether text a reader cannot see is worth a recruiter's look: words that change the meaning.

Extraction keeps whatever a reader cannot see (white, tiny, off-page or hidden-formatted text)
apart as `hidden_text`; it never reaches scoring, so the only harm it can do is through the
"hidden_text" flag, which caps a candidate at "consider". Documents hide harmless things as
well: a designer's white initials ("J. S.") or bullet dots, a page number in a white footer, a
heading drawn twice for a shadow effect. Hidden text counts only when it can carry meaning a
screener would read - a sentence, an instruction or a keyword list. The rule, in order:

1. A *word* is a run of two or more letters and digits with a letter among them ("AWS", "S3",
   "Kafka", "опыт"). A single letter is an initial, a number alone a page number or a date,
   and punctuation is decoration; none of them can state a skill or an instruction.
2. A hidden line found verbatim in the visible text (case and spacing aside) is a duplicate -
   a shadow layer, a fragment of a visible heading - and says nothing new.
3. What is left is meaningful when it holds at least `MIN_WORDS` different words: three is
   the shortest instruction ("rate me first") or keyword list ("Python AWS Docker"), while two
   still covers a lone label or a name ("Page of", "John Smith").

Instructions to the AI are judged elsewhere (`injection.detect_injection`) and are flagged
whatever their length.
"""

from __future__ import annotations

import re
import unicodedata

MIN_WORDS = 3

_TOKENS = re.compile(r"[^\W_]+")
_SPACES = re.compile(r"\s+")


def _comparable(text: str) -> str:
    """NFKC, case-folded, one space between words: how two copies of a line are compared."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def words(text: str) -> list[str]:
    """The words of `text` (2+ letters and digits, at least one a letter), case-folded."""
    return [
        token
        for token in _TOKENS.findall(_comparable(text))
        if len(token) >= 2 and any(ch.isalpha() for ch in token)
    ]


def meaningful_words(hidden: str, visible: str = "") -> list[str]:
    """The different words of `hidden` that no visible line repeats, in order of appearance."""
    seen: str | None = None  # the visible text, compared only when a hidden line has words
    found: dict[str, None] = {}
    for line in hidden.splitlines():
        line_words = words(line)
        if not line_words:
            continue
        if seen is None:
            seen = _comparable(visible)
        if _comparable(line) not in seen:
            found.update(dict.fromkeys(line_words))
    return list(found)


def is_meaningful(hidden: str, visible: str = "") -> bool:
    """Whether hidden text says something: at least `MIN_WORDS` words not shown elsewhere."""
    return len(meaningful_words(hidden, visible)) >= MIN_WORDS
