"""Document errors: one exception with a stable `code` and a one-line `reason` for recruiters.

Every way an upload can fail (too big, wrong type, corrupt, encrypted, scanned, unreadable
encoding) ends as a `DocumentError`, so callers handle one type, store `code` for statistics
and show `reason` verbatim next to the failed resume.
"""

from __future__ import annotations

from typing import Literal

ErrorCode = Literal[
    "empty_file",
    "too_large",
    "unsupported_type",
    "type_mismatch",
    "polyglot",
    "corrupt_pdf",
    "encrypted_pdf",
    "no_text_layer",
    "too_many_pages",
    "decompression_bomb",
    "too_complex",
    "corrupt_docx",
    "zip_bomb",
    "unsupported_encoding",
    "no_text",
]

MIB = 1024 * 1024


class DocumentError(Exception):
    """An uploaded document cannot be turned into text; `reason` is safe to show as is."""

    def __init__(self, code: ErrorCode, reason: str) -> None:
        super().__init__(reason)
        self.code: ErrorCode = code
        self.reason = reason

    def __repr__(self) -> str:
        return f"DocumentError(code={self.code!r}, reason={self.reason!r})"


def megabytes(size: int | float) -> str:
    """A size in MiB for reasons: "10" for whole numbers, "12.3" otherwise."""
    value = size / MIB
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def size_text(size: int | float) -> str:
    """A size for reasons: "12 KB" below 1 MiB (where "0 MB" would say nothing), else "3 MB"."""
    if size < MIB:
        return f"{max(1, round(size / 1024))} KB"
    return f"{megabytes(size)} MB"
