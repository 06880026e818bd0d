"""Plain-text decoding and the clean-up every extracted text goes through.

Resumes arrive as TXT files from Windows (cp1251, UTF-16 with a BOM), old Linux mail (koi8-r)
and browsers (UTF-8), so the encoding is guessed rather than assumed: a BOM wins, then strict
UTF-8, then the single-byte Cyrillic encoding whose decoding reads most like Russian. Binary
data is refused instead of being decoded into plausible-looking garbage.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata

from pipelines.documents.errors import DocumentError

log = logging.getLogger(__name__)

_BOMS = (  # UTF-32 first: its little-endian BOM starts with the UTF-16 one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CYRILLIC_CODECS = ("cp1251", "koi8-r", "cp866")
# The most frequent Russian letter pairs; a wrong single-byte codec scrambles them.
_RU_BIGRAMS = frozenset(
    "ст но то на ен ов ни ра во ко ал пр ро ер ес ть ет ло ел ли ан ка ор ре ва не ос ол по та"
    " ат ри ла го ин от де ом ое ий ый ти ди ит ем ег ат ам ак ск ча".split()
)
_CYR_WORD = re.compile(r"[а-яё]{2,}")
_BAD_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# Zero-width and bidi-override characters: invisible to a reader, useful only to disguise text.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff\u202a-\u202e\u2066-\u2069]")
_NEWLINES = re.compile("\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_HSPACE = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
)
_LETTER = re.compile(r"[^\W\d_]")


def normalize_text(text: str) -> str:
    """Canonical text: "\\n" newlines, no control or zero-width characters, single spaces,
    stripped lines, at most two blank lines in a row, NFC, ligatures spelled out."""
    text = _NEWLINES.sub("\n", text)
    text = _CONTROL.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFC", text).translate(_LIGATURES)
    text = _HSPACE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    return text.strip()


def has_words(text: str) -> bool:
    """True when the text contains at least one letter (digits and punctuation are not words)."""
    return _LETTER.search(text) is not None


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a TXT upload; `unsupported_encoding` for binary or undecodable data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(_strict(data[len(bom) :], encoding), encoding), encoding
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        text = _strict(data, utf16)
        if text is not None and not _looks_binary(text):
            return text, utf16
    text = _strict(data, "utf-8")
    if text is not None:
        return _checked(text, "utf-8"), "utf-8"
    best: tuple[float, str, str] | None = None
    for encoding in _CYRILLIC_CODECS:
        candidate = _strict(data, encoding)
        if candidate is None or _looks_binary(candidate):
            continue
        score = russian_score(candidate)
        if best is None or score > best[0]:
            best = (score, candidate, encoding)
    if best is not None and best[0] >= 0.25:
        log.debug("decoded as %s (score %.2f)", best[2], best[0])
        return best[1], best[2]
    western = _strict(data, "cp1252")
    if western is not None and _plausible_western(western):
        return western, "cp1252"
    raise DocumentError("unsupported_encoding", "unsupported text encoding")


def russian_score(text: str) -> float:
    """How much a decoding reads like Russian, 0..1: share of non-ASCII characters that are
    Cyrillic letters, times the share of letter pairs that are common Russian bigrams.

    Wrong codecs map the same bytes to rare letters, mostly capitals, so both shares drop.
    """
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return 0.0
    cyrillic = sum(1 for c in non_ascii if "\u0400" <= c <= "\u04ff")
    lower = sum(1 for c in non_ascii if "а" <= c <= "я" or c == "ё")
    pairs = hits = 0
    for word in _CYR_WORD.findall(text.lower()):
        for i in range(len(word) - 1):
            pairs += 1
            hits += word[i : i + 2] in _RU_BIGRAMS
    if pairs == 0:
        return 0.0
    bigram_share = hits / pairs
    return (cyrillic / len(non_ascii)) * min(1.0, 2.5 * bigram_share) * (lower / max(cyrillic, 1))


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, ValueError):
        return None


def _checked(text: str | None, encoding: str) -> str:
    if text is None or _looks_binary(text):
        log.debug("not valid %s text", encoding)
        raise DocumentError("unsupported_encoding", "unsupported text encoding")
    return text


def _looks_binary(text: str) -> bool:
    """Control characters (other than tab/newline/form feed) are rare in text, common in binary."""
    if not text:
        return False
    return len(_BAD_CONTROL.findall(text)) > max(1, len(text) // 50)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: spaces and ASCII letters put zero bytes on one parity only."""
    if len(data) < 4 or len(data) % 2 or b"\x00" not in data:
        return None
    half = len(data) // 2
    even_zero = data[0::2].count(0)
    odd_zero = data[1::2].count(0)
    if odd_zero >= 0.2 * half and even_zero <= 0.02 * half:
        return "utf-16-le"
    if even_zero >= 0.2 * half and odd_zero <= 0.02 * half:
        return "utf-16-be"
    return None


def _plausible_western(text: str) -> bool:
    """cp1252 as a last resort: mostly ASCII, and the rest Latin letters or typographic marks."""
    non_ascii = [c for c in text if ord(c) > 127]
    if len(non_ascii) > 0.3 * len(text):
        return False
    good = sum(1 for c in non_ascii if c.isalpha() or c in "’‘“”–—…•€«»°©®™")
    return good >= 0.9 * len(non_ascii)
