"""A word cut by the page edge is part of the visible text; whole words beyond the edge are
hidden. Generators differ in how they draw a line (one text operator per line, or one per
glyph as wkhtmltopdf does), so both are built here."""

from __future__ import annotations

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from pipelines.documents import extract_document
from tests.pipelines.documents import fixtures as f

SIZE = 11


def _page(line: str, x: float, *, per_glyph: bool):  # type: ignore[no-untyped-def]
    """A page with a name line and `line` drawn from `x` (possibly past an edge)."""
    font = f.cyrillic_font()

    def draw(canvas: Canvas) -> None:
        canvas.setFont(font, SIZE)
        canvas.drawString(60, 780, "Jane Doe, data engineer")
        if not per_glyph:
            canvas.drawString(x, 760, line)
            return
        pos = x
        for ch in line:
            canvas.drawString(pos, 760, ch)
            pos += stringWidth(ch, font, SIZE)

    return draw


def _x_cut_inside(line: str, word: str, *, right: bool) -> float:
    """Where to start `line` so that the page edge falls inside `word`, 3 letters in."""
    font = f.cyrillic_font()
    before = stringWidth(line[: line.index(word) + 3], font, SIZE)
    return (f.WIDTH if right else 0) - before


@pytest.mark.parametrize("per_glyph", [False, True], ids=["one-operator", "per-glyph"])
def test_word_running_off_the_right_edge_is_visible(per_glyph: bool) -> None:
    line = "Skills: Python, Kubernetes"
    x = _x_cut_inside(line, "Kubernetes", right=True)
    doc = extract_document(f.pdf_bytes(_page(line, x, per_glyph=per_glyph)), "cv.pdf")
    assert doc.text.splitlines() == ["Jane Doe, data engineer", line]
    assert doc.hidden_text == ""
    assert doc.warnings == []


@pytest.mark.parametrize("per_glyph", [False, True], ids=["one-operator", "per-glyph"])
def test_word_starting_before_the_left_edge_is_visible(per_glyph: bool) -> None:
    line = "Experienced data engineer"
    x = _x_cut_inside(line, "Experienced", right=False)
    doc = extract_document(f.pdf_bytes(_page(line, x, per_glyph=per_glyph)), "cv.pdf")
    assert doc.text.splitlines()[-1] == line
    assert doc.hidden_text == ""


@pytest.mark.parametrize("per_glyph", [False, True], ids=["one-operator", "per-glyph"])
def test_whole_words_past_the_edge_stay_hidden(per_glyph: bool) -> None:
    line = "Skills: Python, Kubernetes and Terraform"
    x = _x_cut_inside(line, "Kubernetes", right=True)
    doc = extract_document(f.pdf_bytes(_page(line, x, per_glyph=per_glyph)), "cv.pdf")
    assert doc.text.splitlines()[-1] == "Skills: Python, Kubernetes"
    assert doc.hidden_text == "and Terraform"
    assert doc.warnings == ["hidden text excluded (text outside the page: 12 characters)"]


def test_a_long_string_at_the_edge_is_not_taken_for_a_clipped_word() -> None:
    stuffed = "Kubernetes," * 6  # 66 glyphs without a space: no word a margin clips
    x = _x_cut_inside(stuffed, "Kubernetes", right=True)
    doc = extract_document(f.pdf_bytes(_page(stuffed, x, per_glyph=True)), "cv.pdf")
    seen = doc.text.splitlines()[-1]
    assert seen.startswith("Kub") and len(seen) <= 5  # only what is on the page
    assert seen + doc.hidden_text == stuffed
