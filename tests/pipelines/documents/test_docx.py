"""DOCX extraction: body order, tables, hidden runs, and archive checks before parsing."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from docx.shared import RGBColor

from pipelines.documents import DocumentError, DocumentLimits, extract_document
from tests.pipelines.documents import fixtures as f


def _error(data: bytes, limits: DocumentLimits = DocumentLimits()) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        extract_document(data, "resume.docx", limits=limits)
    return info.value


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buf.getvalue()


def test_paragraphs_and_tables_in_body_order_without_headers() -> None:
    doc = extract_document(f.body_order_docx(), "cv.docx")
    assert doc.kind == "docx"
    assert doc.pages is None
    assert doc.text.splitlines() == [
        "Первый абзац: опыт работы",
        "Навык | Уровень",
        "Python | эксперт",
        "Последний абзац: образование",
    ]
    assert "Колонтитул" not in doc.text


def test_hidden_white_and_tiny_runs_go_to_hidden_text() -> None:
    doc = extract_document(f.hidden_runs_docx(), "cv.docx")
    assert doc.text.splitlines() == ["Jane Doe, data engineer. Skills: Spark.", "Sidebar: Berlin"]
    assert doc.hidden_text == f"HIDDEN-RUN WHITE-RUN {f.INJECTION}"
    assert doc.warnings == [
        "hidden text excluded (hidden formatting: 10, tiny text: 49, white text: 9 characters)"
    ]


def test_white_character_style_is_hidden_too() -> None:
    def build(document) -> None:  # type: ignore[no-untyped-def]
        style = document.styles.add_style("Invisible", 2)  # WD_STYLE_TYPE.CHARACTER
        style.font.color.rgb = RGBColor(0xFE, 0xFE, 0xFE)
        paragraph = document.add_paragraph("Visible words. ")
        paragraph.add_run("styled away", style="Invisible")

    doc = extract_document(f.docx_bytes(build), "cv.docx")
    assert (doc.text, doc.hidden_text) == ("Visible words.", "styled away")


def test_zip_bomb_is_refused_before_parsing() -> None:
    error = _error(f.zip_bomb_docx(60))
    assert (error.code, error.reason) == ("zip_bomb", "DOCX expands to 60 MB, limit 40 MB")


def test_extreme_compression_ratio_is_a_zip_bomb() -> None:
    error = _error(f.zip_bomb_docx(5))
    assert error.code == "zip_bomb"
    assert error.reason.startswith("DOCX compression ratio ")
    assert error.reason.endswith(":1, limit 100:1")


def test_random_bytes_named_docx() -> None:
    error = _error(random.Random(1).randbytes(4096))
    assert (error.code, error.reason) == ("corrupt_docx", "corrupt DOCX: not a ZIP archive")


def test_damaged_zip_named_docx() -> None:
    error = _error(b"PK\x03\x04" + random.Random(2).randbytes(2048))
    assert (error.code, error.reason) == ("corrupt_docx", "corrupt DOCX: damaged ZIP archive")


def test_zip_that_is_not_a_word_document() -> None:
    error = _error(_zip({"xl/workbook.xml": b"<workbook/>"}))
    assert (error.code, error.reason) == (
        "type_mismatch",
        "file content does not match its extension: looks like an Excel workbook (.xlsx), "
        "named .docx",
    )


def test_broken_document_xml_is_corrupt() -> None:
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document"})
    error = _error(data)
    assert (error.code, error.reason) == (
        "corrupt_docx",
        "corrupt DOCX: cannot be opened as a Word file",
    )


def test_docx_without_words() -> None:
    error = _error(f.docx_bytes(lambda d: d.add_paragraph("  ---  2024  ")))
    assert (error.code, error.reason) == ("no_text", "no text: the document contains no words")


def test_docx_with_only_hidden_text() -> None:
    error = _error(
        f.docx_bytes(lambda d: setattr(d.add_paragraph().add_run("x").font, "hidden", True))
    )
    assert (error.code, error.reason) == ("no_text", "no text: only hidden text")


_TEXT_BOX_RUN = """<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
 xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
 xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
 xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent>
<mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>
<w:p><w:r><w:rPr><w:color w:val="FFFFFF"/></w:rPr><w:t>Skills: Python, SQL</w:t></w:r></w:p>
</w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice>
<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>
<w:p><w:r><w:t>Skills: Python, SQL</w:t></w:r></w:p>
</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>
</mc:AlternateContent></w:r>"""


def test_text_box_is_read_once_after_its_anchor_paragraph() -> None:
    from docx.oxml import parse_xml

    def build(document) -> None:  # type: ignore[no-untyped-def]
        anchor = document.add_paragraph("Jane Doe")
        anchor._p.append(parse_xml(_TEXT_BOX_RUN))
        document.add_paragraph("Experience")

    doc = extract_document(f.docx_bytes(build), "cv.docx")
    assert doc.text.splitlines() == ["Jane Doe", "Skills: Python, SQL", "Experience"]
    assert doc.hidden_text == ""


def test_main_part_under_another_name_is_still_read() -> None:
    original = zipfile.ZipFile(io.BytesIO(f.body_order_docx()))
    renamed = {
        info.filename.replace("document.xml", "document2.xml"): original.read(info).replace(
            b"document.xml", b"document2.xml"
        )
        for info in original.infolist()
    }
    doc = extract_document(_zip(renamed), "cv.docx")
    assert doc.text.splitlines()[0] == "Первый абзац: опыт работы"
