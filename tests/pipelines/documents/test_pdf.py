"""PDF extraction: reading order (columns, tables), hidden text, and every PDF failure."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject
from reportlab.lib.pdfencrypt import StandardEncryption

from pipelines.documents import DocumentError, DocumentLimits, extract_document
from pipelines.documents import pdf as pdf_module
from tests.pipelines.documents import fixtures as f


def _error(data: bytes, limits: DocumentLimits = DocumentLimits()) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        extract_document(data, "resume.pdf", limits=limits)
    return info.value


def test_english_and_russian_lines_come_out_as_written() -> None:
    lines = ["John Smith, backend developer", "Иван Петров, ведущий инженер", "Москва — 2024"]
    doc = extract_document(f.text_pdf(lines), "cv.pdf")
    assert doc.kind == "pdf"
    assert doc.pages == 1
    assert doc.text.splitlines() == lines
    assert doc.hidden_text == ""
    assert doc.warnings == []


@pytest.mark.parametrize("offset", [0.0, 7.0], ids=["aligned-rows", "offset-rows"])
def test_two_columns_read_left_column_then_right_column(offset: float) -> None:
    lines = extract_document(f.two_column_pdf(offset=offset), "cv.pdf").text.splitlines()
    assert lines[0] == "Иван Петров — инженер-программист"
    # every line intact (no "left | right" rows), left column wholly before the right one
    positions = [lines.index(line) for line in f.LEFT_COLUMN + f.RIGHT_COLUMN]
    assert positions == sorted(positions)
    assert not any("|" in line for line in lines)


def test_dark_sidebar_is_read_as_its_own_column() -> None:
    lines = extract_document(f.sidebar_resume_pdf(), "cv.pdf").text.splitlines()
    assert lines == f.SIDEBAR_LINES + [""] + f.MAIN_LINES


def test_labels_and_values_on_shared_rows_stay_rows() -> None:
    lines = extract_document(f.labelled_pdf(), "cv.pdf").text.splitlines()
    assert lines == [f"{label} | {value}" for label, value in f.LABELLED]


def test_single_column_with_right_aligned_dates_keeps_row_order() -> None:
    def draw(canvas) -> None:  # type: ignore[no-untyped-def]
        canvas.setFont(f.cyrillic_font(), 10)
        y = 780.0
        for n in range(6):
            canvas.drawString(60, y, f"Компания {n}, инженер")
            canvas.drawRightString(535, y, f"201{n}–202{n}")
            canvas.drawString(60, y - 14, f"Обязанности {n}: сервисы на Python и Go, ревью кода")
            y -= 40

    lines = extract_document(f.pdf_bytes(draw), "cv.pdf").text.splitlines()
    rows = [line for line in lines if line]
    assert rows[0] == "Компания 0, инженер | 2010–2020"
    assert rows[1].startswith("Обязанности 0:")
    assert rows[2] == "Компания 1, инженер | 2011–2021"


def test_table_rows_stay_in_order_with_cells_separated() -> None:
    lines = [line for line in extract_document(f.table_pdf(), "t.pdf").text.splitlines() if line]
    assert lines == [
        "Опыт работы до таблицы",
        "Компания | Должность | Годы",
        "Яндекс | Разработчик | 2019–2021",
        "Сбер | Тимлид | 2021–2023",
        "Ozon | Архитектор | 2023–2025",
        "Текст после таблицы",
    ]


@pytest.mark.parametrize(
    ("how", "why"),
    [
        ("white", "white text"),
        ("tiny", "tiny text"),
        ("offpage", "text outside the page"),
        ("invisible", "invisible text"),
    ],
)
def test_hidden_text_is_kept_out_of_the_text(how: str, why: str) -> None:
    doc = extract_document(f.hidden_text_pdf(how), "cv.pdf")
    assert doc.text.splitlines() == ["Jane Doe, data engineer", "Experience: Airflow, Spark, SQL"]
    assert doc.hidden_text == f.INJECTION
    assert doc.warnings == [f"hidden text excluded ({why}: 49 characters)"]


def test_white_text_on_a_dark_sidebar_is_visible() -> None:
    doc = extract_document(f.hidden_text_pdf("sidebar"), "cv.pdf")
    assert f.SIDEBAR in doc.text.splitlines()
    assert doc.hidden_text == ""


def test_invisible_text_over_a_scanned_image_is_the_ocr_layer() -> None:
    def draw(canvas) -> None:  # type: ignore[no-untyped-def]
        f.image_page(canvas)
        text = canvas.beginText(100, 300)
        text.setTextRenderMode(3)
        text.setFont("Helvetica", 12)
        text.textLine("Scanned resume text")
        canvas.drawText(text)

    doc = extract_document(f.pdf_bytes(draw), "scan.pdf")
    assert (doc.text, doc.hidden_text) == ("Scanned resume text", "")


def test_text_cropped_away_is_hidden() -> None:
    cropped = _rewrite(f.text_pdf(["First line", "Second line"]), cropbox=[0, 0, 595, 770])
    doc = extract_document(cropped, "cv.pdf")
    assert (doc.text, doc.hidden_text) == ("Second line", "First line")


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_page_rotated_for_display_keeps_its_lines(degrees: int) -> None:
    doc = extract_document(_rewrite(f.text_pdf(["First line", "Second"]), rotate=degrees), "a.pdf")
    assert doc.text == "First line\nSecond"


def _rewrite(data: bytes, *, rotate: int = 0, cropbox: list[float] | None = None) -> bytes:
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(data)))
    page = writer.pages[0]
    if rotate:
        page.rotate(rotate)
    if cropbox:
        page.cropbox = RectangleObject(cropbox)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_password_protected_pdf() -> None:
    error = _error(f.pdf_bytes(f.lines_page(["secret resume"]), encrypt="letmein"))
    assert (error.code, error.reason) == ("encrypted_pdf", "password-protected PDF")


def test_password_protected_pdf_is_caught_by_pdfminer_without_pypdf(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(pdf_module, "_check_password", lambda data: None)
    error = _error(f.pdf_bytes(f.lines_page(["secret resume"]), encrypt="letmein"))
    assert (error.code, error.reason) == ("encrypted_pdf", "password-protected PDF")


def test_owner_password_only_pdf_opens_like_in_any_viewer() -> None:
    encryption = StandardEncryption("", ownerPassword="owner-only", canCopy=0)
    doc = extract_document(f.pdf_bytes(f.lines_page(["Open resume"]), encrypt=encryption), "a.pdf")
    assert doc.text == "Open resume"


def test_truncated_pdf_is_corrupt() -> None:
    data = f.text_pdf(["hello world"])
    error = _error(data[: len(data) // 2])
    assert (error.code, error.reason) == ("corrupt_pdf", "corrupt PDF: file is truncated")


def test_pdf_with_garbage_body_is_corrupt() -> None:
    error = _error(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    assert error.code == "corrupt_pdf"
    assert error.reason.startswith("corrupt PDF: ")


def test_scanned_pdf_without_text_layer() -> None:
    error = _error(f.image_only_pdf())
    assert (error.code, error.reason) == ("no_text_layer", "no text layer: OCR not available")


def test_one_scanned_page_among_text_pages_is_a_warning() -> None:
    doc = extract_document(f.pdf_bytes(f.lines_page(["Page one text"]), f.image_page), "cv.pdf")
    assert (doc.text, doc.pages) == ("Page one text", 2)
    assert doc.warnings == ["page 2 has no text layer (scanned image?)"]


def test_too_many_pages() -> None:
    error = _error(f.text_pdf(["page"], pages=5), DocumentLimits(max_pages=3))
    assert (error.code, error.reason) == ("too_many_pages", "too many pages: 5, limit 3")
    doc = extract_document(
        f.text_pdf(["page"], pages=3), "a.pdf", limits=DocumentLimits(max_pages=3)
    )
    assert doc.pages == 3
