"""PDFs that carry active content are read but flagged; PDF+ZIP polyglots are refused
(issue 11, point 11)."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript

from pipelines.documents import DocumentError, extract_document
from pipelines.documents.active_content import in_bytes
from pipelines.engine_set import offline_engines
from pipelines.resume_flow import FLAG_ACTIVE_CONTENT, read_resume
from tests.pipelines.documents.fixtures import text_pdf

RESUME = [
    "Anna Petrova",
    "Python developer",
    "Experience",
    "2019 - 2024 Acme Corp, backend developer: Python, PostgreSQL, Docker.",
]


def _rewritten(change) -> bytes:  # type: ignore[no-untyped-def]
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(RESUME))))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_javascript_is_found_and_the_text_still_read() -> None:
    data = _rewritten(lambda w: w.add_open_action(JavaScript("app.alert('hello');")))
    document = extract_document(data, "cv.pdf")
    assert "JavaScript" in document.active_content
    assert "Python developer" in document.text
    assert any(w.startswith("active content") for w in document.warnings)


def test_an_embedded_file_is_found() -> None:
    data = _rewritten(lambda w: w.add_attachment("payload.exe", b"MZ\x90\x00"))
    assert "embedded files" in extract_document(data, "cv.pdf").active_content


def test_escaped_names_do_not_hide_javascript() -> None:
    assert in_bytes(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>") == {"JavaScript", "JS"}
    assert in_bytes(b"<< /Type /Page /Contents 4 0 R >>") == set()


def test_an_ordinary_pdf_has_no_active_content() -> None:
    assert extract_document(text_pdf(RESUME), "cv.pdf").active_content == []


def test_the_resume_is_flagged() -> None:
    data = _rewritten(
        lambda w: w.add_open_action(JavaScript("app.launchURL('http://example.com');"))
    )
    read = read_resume(offline_engines(), data, "cv.pdf")
    assert FLAG_ACTIVE_CONTENT in read.flags
    plain = read_resume(offline_engines(), text_pdf(RESUME), "cv.pdf")
    assert FLAG_ACTIVE_CONTENT not in plain.flags


def test_a_pdf_that_is_also_a_zip_is_refused() -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("payload.txt", "not a resume")
    polyglot = text_pdf(RESUME) + archive.getvalue()
    with pytest.raises(DocumentError) as caught:
        extract_document(polyglot, "cv.pdf")
    assert caught.value.code == "polyglot"
