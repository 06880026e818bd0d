"""Upper bounds on what a single upload may cost to parse.

One frozen dataclass so settings can build it once (see `pipelines.engine_set`) and every
parser sees the same numbers; the defaults fit resumes and vacancies with a wide margin.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.documents.errors import MIB


@dataclass(frozen=True)
class DocumentLimits:
    """Limits checked before and while parsing; exceeding one is a `DocumentError`.

    `max_text_chars` is the exception: longer text is cut with a warning, not refused.
    """

    max_bytes: int = 10 * MIB
    max_pages: int = 40
    max_docx_uncompressed: int = 40 * MIB
    max_docx_ratio: float = 100.0
    max_text_chars: int = 200_000
