"""Parsing in a child process: same results as in-process, and a document that runs over its
time or memory costs the child (killed, replaced), never the caller."""

from __future__ import annotations

import resource
import subprocess
import sys
from collections.abc import Iterator

import pytest

from pipelines.documents import DocumentError, DocumentLimits, extract_document, isolation
from tests.pipelines.documents import bombs

MIB = bombs.MIB
ISOLATED = DocumentLimits(parse_timeout_s=60, parse_memory=1024 * MIB)


@pytest.fixture(autouse=True)
def _fresh_child() -> Iterator[None]:
    isolation.shutdown()
    yield
    isolation.shutdown()


def _text_heavy_pdf(content_bytes: int) -> bytes:
    """A few KB that make pdfminer build ~200 bytes of objects per byte of page content."""
    line = b"BT /F1 1 Tf 10 10 Td (" + b"A" * 200 + b") Tj ET\n"
    content = line * (content_bytes // len(line))
    return bombs.pdf_document([bombs.deflated([content])[0]])


def _child_pid() -> int:
    assert isolation._child is not None
    return isolation._child.process.pid


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("cv.pdf", bombs.pdf_document([bombs.flate_page(0)])),
        ("cv.docx", bombs.forged_docx(0, declared=None)),
        ("cv.txt", "Иван Петров, инженер".encode("cp1251")),
    ],
    ids=["pdf", "docx", "txt"],
)
def test_isolated_parse_returns_what_in_process_parsing_does(filename: str, data: bytes) -> None:
    assert extract_document(data, filename, limits=ISOLATED) == extract_document(data, filename)


def test_document_errors_come_back_unchanged() -> None:
    limits = DocumentLimits(max_pdf_stream_decoded=4 * MIB, parse_timeout_s=60)
    with pytest.raises(DocumentError) as isolated:
        extract_document(bombs.pdf_bomb(16 * MIB), "cv.pdf", limits=limits)
    assert isolated.value.code == "decompression_bomb"
    assert isolated.value.reason.endswith("limit 4 MB per stream")


def test_parse_past_the_deadline_is_too_complex_and_the_child_is_replaced() -> None:
    extract_document(bombs.pdf_document([bombs.flate_page(0)]), "cv.pdf", limits=ISOLATED)
    first = _child_pid()
    limits = DocumentLimits(parse_timeout_s=0.2, parse_memory=1024 * MIB)
    with pytest.raises(DocumentError) as info:  # needs seconds of CPU: 10x the deadline
        extract_document(_text_heavy_pdf(1 * MIB), "cv.pdf", limits=limits)
    assert (info.value.code, info.value.reason) == (
        "too_complex",
        "document too complex: parsing took longer than 0.2 s",
    )
    document = extract_document(bombs.pdf_document([bombs.flate_page(0)]), "cv.pdf", limits=limits)
    assert document.text == bombs.TEXT
    assert _child_pid() != first


def _parser_start_size() -> int:
    """The address space of a fresh parser child, which differs from machine to machine."""
    script = (
        "import pipelines.documents.docx, pipelines.documents.pdf\n"
        "print(open('/proc/self/statm').read().split()[0])"
    )
    pages = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, check=True, text=True
    ).stdout
    return int(pages) * resource.getpagesize()


def test_parse_past_the_memory_limit_is_too_complex() -> None:
    # 64 MB above the child's start: the parse (~250 MB of glyph objects) reaches it in a
    # fraction of a second, with little resident memory for a crowded machine to find
    cap = (_parser_start_size() // MIB + 64) * MIB
    limits = DocumentLimits(parse_timeout_s=60, parse_memory=cap)
    with pytest.raises(DocumentError) as info:
        extract_document(_text_heavy_pdf(1 * MIB), "cv.pdf", limits=limits)
    assert (info.value.code, info.value.reason) == (
        "too_complex",
        f"document too complex: parsing needed more than {cap // MIB} MB of memory",
    )


def test_child_is_replaced_after_its_quota_of_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolation, "MAX_DOCUMENTS", 2)
    pdf = bombs.pdf_document([bombs.flate_page(0)])
    extract_document(pdf, "cv.pdf", limits=ISOLATED)
    first = _child_pid()
    extract_document(pdf, "cv.pdf", limits=ISOLATED)  # the second: served its quota, stopped
    assert isolation._child is None
    extract_document(pdf, "cv.pdf", limits=ISOLATED)
    assert _child_pid() != first
