"""The fast content-stream tokenizer against pdfminer's own parser: same glyphs, same shapes."""

from __future__ import annotations

import io

import pytest
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser

from pipelines.documents import extract_document
from pipelines.documents.pdf_content import FastInterpreter
from pipelines.documents.pdf_device import GlyphCollector
from tests.pipelines.documents import fixtures as f

# Literal strings with escapes and nested parentheses, hex strings, TJ arrays, a comment,
# a marked-content dict and an inline image: the grammar a tokenizer can get wrong.
RAW = (
    b"BT /F1 12 Tf 60 700 Td (Paren \\(open\\) and (nested) \\\\ back \\101\\102) Tj ET\n"
    b"BT /F1 12 Tf 60 680 Td <48 65 6C6C 6F> Tj % a comment ( not a string\n"
    b"[(W) 120 (orld) -2000 (spaced)] TJ ET\n"
    b"/Span <</ActualText (x) /MCID 3>> BDC BT /F1 12 Tf 60 660 Td (marked) Tj ET EMC\n"
    b"q 10 0 0 10 300 300 cm BI /W 2 /H 2 /BPC 8 /CS /G ID \x00EI(leak) Tj \xff EI Q\n"
    b"BT /F1 12 Tf 60 640 Td (after the image) Tj ET\n"
)


def raw_page(canvas) -> None:  # type: ignore[no-untyped-def]
    canvas.setFont("Helvetica", 12)
    canvas.drawString(60, 760, "Header")  # puts Helvetica into the resources as /F1
    canvas._code.append(RAW.decode("latin-1"))


def _collect(data: bytes, interpreter: type[PDFPageInterpreter]) -> list[object]:
    document = PDFDocument(PDFParser(io.BytesIO(data)))
    rsrcmgr = PDFResourceManager(caching=True)
    pages: list[object] = []
    for page in PDFPage.create_pages(document):
        device = GlyphCollector(rsrcmgr, {})
        interpreter(rsrcmgr, device).process_page(page)
        pages.append((device.chars, device.runs, device.images, device.backgrounds, device.hrules))
    return pages


@pytest.mark.parametrize(
    "build",
    [
        f.resume_pdf,
        f.table_pdf,
        f.sidebar_resume_pdf,
        f.two_column_pdf,
        f.image_only_pdf,
        lambda: f.hidden_text_pdf("invisible"),
        lambda: f.pdf_bytes(raw_page),
    ],
)
def test_same_glyphs_and_shapes_as_pdfminer(build) -> None:  # type: ignore[no-untyped-def]
    data = build()
    assert _collect(data, FastInterpreter) == _collect(data, PDFPageInterpreter)


def test_tricky_syntax_reads_as_written() -> None:
    doc = extract_document(f.pdf_bytes(raw_page), "raw.pdf")
    assert doc.hidden_text == ""  # nothing leaked out of the inline image's binary data
    assert doc.text.splitlines() == [
        "Header",
        "",
        "Paren (open) and (nested) \\ back AB",
        "HelloWorld | spaced",
        "marked",
        "after the image",
    ]
