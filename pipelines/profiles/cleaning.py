"""Resume text made uniform before it is read: line ends, odd spaces and mojibake.

PDF and DOCX extraction leave "\\r\\n", non-breaking and zero-width spaces. Many generated
PDFs also carry mojibake: UTF-8 text once decoded as Windows-1252, so "–" reads "â€“", "•"
reads "â€¢" and a non-breaking space reads "Â ". Dates and bullets written that way are
invisible to the patterns that follow ("10/2014 â€“ Current" is no range), so the runs are
decoded back.
"""

from __future__ import annotations

import re

_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")
# A UTF-8 lead byte (Â..ô) followed by continuation bytes, all as Windows-1252 characters.
_CP1252_HIGH = (
    "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_MOJIBAKE = re.compile(f"[\u00c2-\u00f4][{_CP1252_HIGH}]+")
# "ï¼" is U+FF0D (a full-width hyphen) whose last byte, 0x8D, Windows-1252 cannot hold, so
# it was dropped and the run no longer decodes; wkhtmltopdf resumes use it between dates.
_BROKEN_FULLWIDTH_DASH = "\u00ef\u00bc"
# A non-breaking space read as Windows-1252 is "Â" + U+00A0; extraction often turns the
# U+00A0 into a plain space, leaving a lone "Â" before a space or at a line end (no
# English or Russian word ends in "Â").
_LONE_NBSP_LEAD = re.compile(r"(?<=\S)\u00c2(?=[ \t]|$)|(?<!\S)\u00c2(?:[ \t]+|$)", re.M)


def _decode(match: re.Match[str]) -> str:
    run = match.group()
    try:
        return run.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return "－" if run == _BROKEN_FULLWIDTH_DASH else run


def repair_mojibake(text: str) -> str:
    """Decode UTF-8-read-as-Windows-1252 runs ("â€“" → "–", "Ã©" → "é"); others unchanged."""
    return _LONE_NBSP_LEAD.sub("", _MOJIBAKE.sub(_decode, text))


def clean_text(text: str) -> str:
    """Unify line ends, odd spaces and mojibake; PDF and DOCX extraction leave all three."""
    text = repair_mojibake(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u200b", "")
    return "\n".join(_SPACES.sub(" ", line).rstrip() for line in text.split("\n"))
