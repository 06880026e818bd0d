"""Real type by magic bytes versus the name: what is read, what is refused, and how."""

from __future__ import annotations

import random

import pytest

from pipelines.documents import DocumentError, extract_document
from tests.pipelines.documents import fixtures as f

PNG = b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(512)
MISMATCH = "file content does not match its extension: looks like {}, named {}"


def _error(data: bytes, filename: str, content_type: str | None = None) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        extract_document(data, filename, content_type=content_type)
    return info.value


@pytest.mark.parametrize(
    ("data", "filename", "label"),
    [
        (PNG, "cv.pdf", "a PNG image"),
        (PNG, "cv.txt", "a PNG image"),
        (b"\xff\xd8\xff\xe0" + random.Random(2).randbytes(512), "cv.docx", "a JPEG image"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
            "cv.docx",
            "a legacy Word .doc or an encrypted Office file",
        ),
        (b"<!DOCTYPE html><html><body>Not found</body></html>", "cv.pdf", "an HTML page"),
        (b"Jane Doe, data engineer", "cv.pdf", "plain text"),
        (b"\x7fELF" + random.Random(3).randbytes(512), "cv.pdf", "an ELF executable"),
    ],
)
def test_content_of_another_type(data: bytes, filename: str, label: str) -> None:
    error = _error(data, filename, content_type="application/pdf")
    ext = "." + filename.rsplit(".", 1)[1]
    assert (error.code, error.reason) == ("type_mismatch", MISMATCH.format(label, ext))


@pytest.mark.parametrize("filename", ["cv.doc", "cv.xyz", "photo.png"])
def test_unsupported_extension(filename: str) -> None:
    error = _error(b"Jane Doe", filename)
    ext = "." + filename.rsplit(".", 1)[1]
    assert (error.code, error.reason) == (
        "unsupported_type",
        f"unsupported file type: {ext} (expected PDF, DOCX or TXT)",
    )


def test_no_extension_and_no_recognisable_content() -> None:
    error = _error(random.Random(4).randbytes(1024), "resume")
    assert (error.code, error.reason) == (
        "unsupported_type",
        "unsupported file type: no extension (expected PDF, DOCX or TXT)",
    )


def test_random_bytes_named_pdf_are_corrupt() -> None:
    error = _error(random.Random(5).randbytes(2048), "cv.pdf")
    assert (error.code, error.reason) == ("corrupt_pdf", "corrupt PDF: no %PDF- header")


def test_magic_bytes_win_over_name_and_content_type() -> None:
    doc = extract_document(f.text_pdf(["Jane Doe"]), "cv.docx", content_type="text/plain")
    assert (doc.kind, doc.text) == ("pdf", "Jane Doe")
    assert doc.warnings == ["file named .docx is a PDF document"]
    doc = extract_document(f.body_order_docx(), "cv.doc")  # Word saved DOCX, user renamed it
    assert doc.kind == "docx"
    assert doc.warnings == ["file named .doc is a Word document; read as such"]


def test_no_extension_uses_content_type_then_content() -> None:
    assert extract_document(b"Jane Doe", "resume", content_type="text/plain").kind == "txt"
    assert extract_document(f.text_pdf(["Jane"]), "resume").kind == "pdf"
