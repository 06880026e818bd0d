"""Decompression bombs: PDF streams and DOCX members are refused by the bytes they really
inflate to, while inflating, with small limits so each bomb stays small and fast to build."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable

import pytest

from pipelines.documents import DocumentError, DocumentLimits, ExtractedDocument, extract_document
from tests.pipelines.documents import bombs

MIB = bombs.MIB
SMALL = DocumentLimits(max_pdf_stream_decoded=4 * MIB, max_pdf_decoded=8 * MIB)


def _error(data: bytes, filename: str, limits: DocumentLimits = SMALL) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        extract_document(data, filename, limits=limits)
    return info.value


def _peak(parse: Callable[[], object]) -> int:
    """Bytes allocated at the peak of `parse` (tracemalloc sees zlib's output buffers)."""
    tracemalloc.start()
    try:
        parse()
    except DocumentError:
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


# ---- PDF ----


def test_pdf_stream_past_the_stream_limit_is_a_bomb() -> None:
    error = _error(bombs.pdf_bomb(16 * MIB), "cv.pdf")
    assert error.code == "decompression_bomb"
    assert error.reason.startswith("decompression bomb: a PDF stream of ")
    assert error.reason.endswith("expands to more than 4 MB, limit 4 MB per stream")


def test_pdf_streams_past_the_document_limit_together_are_a_bomb() -> None:
    error = _error(bombs.pdf_bomb(9 * MIB, pages=3), "cv.pdf")  # 3 MiB each: every one fits
    assert (error.code, error.reason) == (
        "decompression_bomb",
        "decompression bomb: PDF streams expand to more than 8 MB in all, limit 8 MB per document",
    )


def test_twice_deflated_stream_is_bounded_at_every_stage() -> None:
    error = _error(bombs.double_flate_pdf_bomb(16 * MIB), "cv.pdf")
    assert error.code == "decompression_bomb"


def test_run_length_stream_is_bounded_too() -> None:
    page = bombs.run_length_page(8 * MIB)
    error = _error(bombs.pdf_document([page], filters="/RunLengthDecode"), "cv.pdf")
    assert error.code == "decompression_bomb"
    small = bombs.pdf_document([bombs.run_length_page(1024)], filters="/RunLengthDecode")
    assert extract_document(small, "cv.pdf", limits=SMALL).text == bombs.TEXT


def test_pdf_bomb_is_refused_without_being_inflated() -> None:
    bomb = bombs.pdf_bomb(64 * MIB)
    peak = _peak(lambda: extract_document(bomb, "cv.pdf", limits=SMALL))
    assert peak < 12 * MIB  # the limit (4 MiB) plus the parser; pdfminer inflated all 64 MiB


def test_pdf_within_the_limits_parses_as_before() -> None:
    document = extract_document(bombs.pdf_bomb(6 * MIB, pages=2), "cv.pdf", limits=SMALL)
    assert document == ExtractedDocument(f"{bombs.TEXT}\n\n{bombs.TEXT}", "pdf", 2, "", [])


def test_default_limits_read_an_ordinary_pdf() -> None:
    document = extract_document(bombs.pdf_document([bombs.flate_page(0)]), "cv.pdf")
    assert document.text == bombs.TEXT


# ---- DOCX ----


def test_docx_with_forged_sizes_is_refused_by_what_really_inflates() -> None:
    data = bombs.forged_docx(48 * MIB)  # the directory declares the sizes of a small document
    error = _error(data, "cv.docx", DocumentLimits())
    assert error.code == "zip_bomb"
    assert error.reason.startswith("DOCX expands to more than 40 MB (its ZIP directory declares ")
    assert error.reason.endswith(" KB), limit 40 MB")


def test_docx_ratio_is_checked_on_the_real_bytes() -> None:
    error = _error(bombs.forged_docx(5 * MIB), "cv.docx", DocumentLimits())
    assert error.code == "zip_bomb"
    assert error.reason.startswith("DOCX compression ratio ")


def test_forged_docx_is_not_inflated_at_once() -> None:
    bomb = bombs.forged_docx(128 * MIB)
    peak = _peak(lambda: extract_document(bomb, "cv.docx"))
    assert peak < 8 * MIB  # 64 KiB steps; zipfile's read() allocated all 128 MiB at once


def test_docx_members_compressed_other_than_deflate_are_refused() -> None:
    error = _error(bombs.forged_docx(0, declared=None, method=12), "cv.docx")  # bzip2
    assert (error.code, error.reason) == (
        "corrupt_docx",
        "corrupt DOCX: unsupported ZIP compression method 12",
    )


def test_honest_docx_parses_as_before() -> None:
    document = extract_document(bombs.forged_docx(0, declared=None), "cv.docx")
    assert (document.text, document.kind) == (bombs.TEXT, "docx")
