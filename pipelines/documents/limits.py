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

    PDF streams are decoded within `max_pdf_stream_decoded` each and `max_pdf_decoded` in all
    (`decompression_bomb`). Of 300 real resumes the largest stream decodes to 140 KB and the
    largest document to 633 KB; the largest stream a legitimate PDF is likely to hold is a fully
    embedded Unicode font (Arial Unicode MS: 23 MB; images are never decoded), hence 32 MiB,
    and four of those, 128 MiB, per document.

    `parse_timeout_s` and `parse_memory` (bytes of address space) bound what no byte count
    can: the objects a parser builds from what it decoded. Setting either moves the parse into
    a child process that enforces both (`isolation`); None keeps it in-process.
    """

    max_bytes: int = 10 * MIB
    max_pages: int = 40
    max_docx_uncompressed: int = 40 * MIB
    max_docx_ratio: float = 100.0
    max_pdf_stream_decoded: int = 32 * MIB
    max_pdf_decoded: int = 128 * MIB
    max_text_chars: int = 200_000
    parse_timeout_s: float | None = None
    parse_memory: int | None = None
