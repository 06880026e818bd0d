"""The entry points: bytes of an upload (or pasted text) to an `ExtractedDocument`.

Callers get one result type for every format and one exception type for every failure: the
size limit is checked before anything is parsed, the real type comes from magic bytes, and any
library exception that slips through a parser is wrapped as the format's corrupt_* error, so
no input bytes can surface anything but a `DocumentError`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Literal

from pipelines.documents.detect import EXTENSIONS, Kind, detect_kind
from pipelines.documents.errors import DocumentError, megabytes
from pipelines.documents.limits import DocumentLimits
from pipelines.documents.text import decode_text, has_words, normalize_text

log = logging.getLogger(__name__)

_DEFAULT_LIMITS = DocumentLimits()


@dataclass(frozen=True)
class ExtractedDocument:
    """Text of one document, ready for screening.

    `text` is what a reader sees, in reading order; `hidden_text` is what is in the file but
    invisible to a reader (white, tiny, off-page or hidden-formatted), "" if none - screening
    must never score it, but its presence is worth a flag. `pages` is None for DOCX and TXT.
    """

    text: str
    kind: Literal["pdf", "docx", "txt"]
    pages: int | None
    hidden_text: str = ""
    warnings: list[str] = field(default_factory=list)
    # What a viewer could run or open by itself (PDF JavaScript, open actions, launch
    # commands, embedded files); the text is still read, the resume is flagged.
    active_content: list[str] = field(default_factory=list)


def extract_document(
    data: bytes,
    filename: str,
    *,
    content_type: str | None = None,
    limits: DocumentLimits = _DEFAULT_LIMITS,
) -> ExtractedDocument:
    """Text of an uploaded PDF, DOCX or TXT file; raises `DocumentError` and nothing else.

    With `limits.parse_timeout_s` or `parse_memory` set, the parse runs in a child process
    (`isolation`) that enforces them; only `ParserUnavailable` can then escape besides.
    """
    if len(data) > limits.max_bytes:
        raise DocumentError(
            "too_large",
            f"file too large: {megabytes(len(data))} MB, limit {megabytes(limits.max_bytes)} MB",
        )
    if not data.strip():
        raise DocumentError("empty_file", "empty file")
    if limits.parse_timeout_s is not None or limits.parse_memory is not None:
        from pipelines.documents.isolation import extract_isolated

        return extract_isolated(data, filename, content_type, limits)
    kind: Kind = EXTENSIONS.get(PurePath(filename or "").suffix.lower(), "txt")
    try:
        kind, warnings = detect_kind(data, filename, content_type)
        document = _extract(data, kind, limits)
    except DocumentError as e:
        log.info("%s rejected: %s", kind, e.code)
        raise
    except Exception as e:  # a parser bug or an input no check foresaw: still a clean failure
        log.warning(
            "%s extraction failed unexpectedly: %s at %s", kind, type(e).__name__, _where(e)
        )
        raise _unexpected(kind) from e
    result = _finish(document, warnings, limits)
    log.debug(
        "extracted %s: %s pages, %d chars, %d hidden",
        kind,
        result.pages,
        len(result.text),
        len(result.hidden_text),
    )
    return result


def extract_pasted_text(
    text: str, *, limits: DocumentLimits = _DEFAULT_LIMITS
) -> ExtractedDocument:
    """A vacancy or resume pasted into a form, held to the same limits as an upload."""
    size = len(text.encode("utf-8", errors="replace"))
    if size > limits.max_bytes:
        raise DocumentError(
            "too_large",
            f"file too large: {megabytes(size)} MB, limit {megabytes(limits.max_bytes)} MB",
        )
    return _finish(_from_text(text), [], limits)


def _extract(data: bytes, kind: Kind, limits: DocumentLimits) -> ExtractedDocument:
    if kind == "pdf":
        from pipelines.documents.pdf import extract_pdf

        pdf = extract_pdf(data, limits)
        return ExtractedDocument(
            normalize_text(pdf.text),
            "pdf",
            pdf.pages,
            normalize_text(pdf.hidden_text),
            pdf.warnings,
            pdf.active_content,
        )
    if kind == "docx":
        from pipelines.documents.docx import extract_docx

        doc = extract_docx(data, limits)
        text = normalize_text(doc.text)
        hidden = normalize_text(doc.hidden_text)
        if not has_words(text):
            detail = "only hidden text" if hidden else "the document contains no words"
            raise DocumentError("no_text", f"no text: {detail}")
        return ExtractedDocument(text, "docx", None, hidden, doc.warnings)
    decoded, _encoding = decode_text(data)
    return _from_text(decoded)


def _from_text(raw: str) -> ExtractedDocument:
    text = normalize_text(raw)
    if not text:
        raise DocumentError("empty_file", "empty file")
    if not has_words(text):
        raise DocumentError("no_text", "no text: the document contains no words")
    return ExtractedDocument(text, "txt", None, "", [])


def _finish(
    document: ExtractedDocument, warnings: list[str], limits: DocumentLimits
) -> ExtractedDocument:
    """Cut over-long text (a warning, not an error: the start of a resume is what matters)."""
    text, hidden = document.text, document.hidden_text
    notes = warnings + document.warnings
    if len(text) > limits.max_text_chars:
        text = text[: limits.max_text_chars]
        notes.append(f"text cut to the first {limits.max_text_chars} characters")
    hidden = hidden[: limits.max_text_chars]
    return ExtractedDocument(
        text, document.kind, document.pages, hidden, notes, document.active_content
    )


def _unexpected(kind: Kind) -> DocumentError:
    if kind == "pdf":
        return DocumentError("corrupt_pdf", "corrupt PDF: the file cannot be read")
    if kind == "docx":
        return DocumentError("corrupt_docx", "corrupt DOCX: the file cannot be read")
    return DocumentError("unsupported_encoding", "unsupported text encoding")


def _where(error: BaseException) -> str:
    """file:line that raised, for the log; the message itself may quote document bytes."""
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb is not None else "?"
