"""Uploaded documents (PDF, DOCX, TXT) and pasted text to plain text, with clear failures.

`extract_document` is the one entry point for files, `extract_pasted_text` for form input.
Both return an `ExtractedDocument` (visible text in reading order, hidden text separately) or
raise a `DocumentError` whose `code` is stable and whose `reason` can be shown to recruiters.
"""

from pipelines.documents.errors import DocumentError, ErrorCode
from pipelines.documents.extract import (
    ExtractedDocument,
    extract_document,
    extract_pasted_text,
)
from pipelines.documents.limits import DocumentLimits

__all__ = [
    "DocumentError",
    "DocumentLimits",
    "ErrorCode",
    "ExtractedDocument",
    "extract_document",
    "extract_pasted_text",
]
