"""Finding a model's evidence quote in the candidate turn it cites.

A model paraphrases, retypes quotes and dashes, and adds punctuation; the LLM guard
(pipelines.analysis.llm) accepts a quote only where it stands verbatim, up to such noise, in the
candidate's own words, and then stores the turn's text rather than the model's. This matching
is its own module because it is pure text handling, testable without any model.
"""

from __future__ import annotations

import unicodedata

MAX_QUOTE_CHARS = 400
MIN_QUOTE_ALNUM = 3  # "ok" or "да" prove nothing
# Typographic twins folded for quote matching; ё is folded like injection.normalize does.
_FOLD = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟«»″", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        "ё": "е",
    }
)
_EDGE = " .,;:!?\"'-()"  # punctuation a model adds or drops around a quote


def fold(text: str) -> tuple[str, list[int]]:
    """`text` for comparison (NFKC, casefolded, typographic quotes and dashes folded, no
    invisible characters, one space), and for each of its characters the index in `text`."""
    chars: list[str] = []
    index: list[int] = []
    space = True
    for i, ch in enumerate(text):
        if unicodedata.category(ch) == "Cf":
            continue
        for out in unicodedata.normalize("NFKC", ch).casefold().translate(_FOLD):
            if out.isspace():
                if space:
                    continue
                out = " "
            space = out == " "
            chars.append(out)
            index.append(i)
    return "".join(chars), index


def locate_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where in `text` the `quote` stands, ignoring case, whitespace, typographic quotes and
    dashes, and punctuation at its ends: `text[start:end]` is the verbatim quote."""
    needle = fold(quote)[0].strip(_EDGE)
    if sum(ch.isalnum() for ch in needle) < MIN_QUOTE_ALNUM:
        return None
    folded, index = fold(text)
    pos = folded.find(needle)
    if pos < 0:
        return None
    start, end = index[pos], index[pos + len(needle) - 1] + 1
    if end - start > MAX_QUOTE_CHARS:  # a prefix of a verbatim quote is still verbatim
        cut = text.rfind(" ", start, start + MAX_QUOTE_CHARS)
        end = cut if cut > start else start + MAX_QUOTE_CHARS
    return start, end
