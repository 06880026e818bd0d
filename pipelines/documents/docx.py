"""DOCX uploads to text: ZIP checks first, then the body in document order.

The archive is inspected before python-docx touches it (`docx_archive` counts the bytes that
really inflate, not the sizes the ZIP declares), because a 100 KB upload can expand to
gigabytes. Text follows the body XML, so a table between two paragraphs stays between them
(doc.paragraphs then doc.tables would move every table to the end); table rows are one line,
cells " | ". Content controls, hyperlinks, tracked insertions and text boxes are read; tracked
deletions, headers, footers, footnotes and comments are not. Hidden runs go to `hidden_text`.
"""

from __future__ import annotations

import io
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import docx
from docx.oxml.ns import qn

from pipelines.documents.docx_archive import check_archive
from pipelines.documents.docx_format import StyleBook, dark_fill, hidden_reason, lightness
from pipelines.documents.errors import DocumentError
from pipelines.documents.limits import DocumentLimits

log = logging.getLogger(__name__)
__all__ = ["DocxText", "check_archive", "extract_docx"]

_P, _TBL, _TR, _TC, _R = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:r")
_SDT, _SDT_CONTENT, _TXBX = qn("w:sdt"), qn("w:sdtContent"), qn("w:txbxContent")
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Containers whose runs are part of the paragraph text; w:del / w:moveFrom are deleted text.
_INLINE_CONTAINERS = {
    qn(f"w:{tag}")
    for tag in ("hyperlink", "ins", "smartTag", "customXml", "fldSimple", "moveTo", "dir", "bdo")
}
_RUN_TEXT = {qn("w:t"): None, qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n"}
_RUN_TEXT[qn("w:noBreakHyphen")] = "-"


@dataclass
class DocxText:
    """Visible and hidden text of a DOCX, with warnings for the recruiter."""

    text: str
    hidden_text: str
    warnings: list[str] = field(default_factory=list)


def extract_docx(data: bytes, limits: DocumentLimits) -> DocxText:
    """Visible text in body order plus hidden text; every failure is a `DocumentError`."""
    check_archive(data, limits)
    try:
        document = docx.Document(io.BytesIO(data))
        styles = document.styles.element  # python-docx supplies defaults if the part is missing
    except Exception as e:
        raise DocumentError("corrupt_docx", "corrupt DOCX: cannot be opened as a Word file") from e
    root = document.element
    background = root.find(qn("w:background"))
    page_dark = background is not None and lightness(background.get(qn("w:color"))) < 0.85
    reader = _BodyReader(StyleBook(styles))
    reader.blocks(root.find(qn("w:body")), shaded=page_dark)
    warnings: list[str] = []
    if reader.reasons:
        listed = ", ".join(f"{why}: {n}" for why, n in sorted(reader.reasons.items()))
        warnings.append(f"hidden text excluded ({listed} characters)")
    return DocxText("\n".join(reader.visible), "\n".join(reader.hidden), warnings)


class _BodyReader:
    """Walks block-level XML, collecting visible and hidden lines separately."""

    def __init__(self, styles: StyleBook) -> None:
        self.styles = styles
        self.visible: list[str] = []
        self.hidden: list[str] = []
        self.reasons: Counter[str] = Counter()

    def blocks(self, parent: Any, *, shaded: bool) -> None:
        if parent is None:
            return
        for child in parent.iterchildren():
            if child.tag == _P:
                self.paragraph(child, shaded=shaded)
            elif child.tag == _TBL:
                self.table(child, shaded=shaded)
            elif child.tag == _SDT:
                self.blocks(child.find(_SDT_CONTENT), shaded=shaded)
            elif child.tag == qn("w:customXml"):
                self.blocks(child, shaded=shaded)

    def paragraph(self, p: Any, *, shaded: bool) -> None:
        ppr = p.find(qn("w:pPr"))
        style_id = None
        if ppr is not None:
            pstyle = ppr.find(qn("w:pStyle"))
            style_id = None if pstyle is None else pstyle.get(qn("w:val"))
            shaded = shaded or dark_fill(ppr.find(qn("w:shd")))
        visible: list[str] = []
        hidden: list[str] = []
        boxes: list[Any] = []
        for run in _runs(p):
            text = _run_text(run)
            boxes.extend(_text_boxes(run))
            if not text:
                continue
            reason = hidden_reason(self.styles.run_format(style_id, run), shaded)
            if reason is None:
                visible.append(text)
            else:
                hidden.append(text)
                self.reasons[reason] += sum(1 for c in text if not c.isspace())
        self.visible.append("".join(visible))
        if hidden:
            self.hidden.append("".join(hidden))
        for box in boxes:  # text boxes may sit on coloured shapes: white text counts as seen
            self.blocks(box, shaded=True)

    def table(self, tbl: Any, *, shaded: bool) -> None:
        for tr in _children(tbl, _TR):
            cells: list[str] = []
            for tc in _children(tr, _TC):
                tcpr = tc.find(qn("w:tcPr"))
                cell_shaded = shaded or (tcpr is not None and dark_fill(tcpr.find(qn("w:shd"))))
                cell = _BodyReader(self.styles)
                cell.blocks(tc, shaded=cell_shaded)
                cells.append(" ".join(line.strip() for line in cell.visible if line.strip()))
                self.hidden.extend(cell.hidden)
                self.reasons.update(cell.reasons)
            if any(cells):
                self.visible.append(" | ".join(cells))


def _children(parent: Any, tag: str) -> list[Any]:
    """Direct children with `tag`, looking through content controls (w:sdt) around them."""
    found = []
    for child in parent.iterchildren():
        if child.tag == tag:
            found.append(child)
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                found.extend(_children(content, tag))
    return found


def _runs(parent: Any) -> list[Any]:
    runs: list[Any] = []
    for child in parent.iterchildren():
        if child.tag == _R:
            runs.append(child)
        elif child.tag in _INLINE_CONTAINERS:
            runs.extend(_runs(child))
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                runs.extend(_runs(content))
    return runs


def _run_text(run: Any) -> str:
    parts: list[str] = []
    for child in run.iterchildren():
        if child.tag in _RUN_TEXT:
            replacement = _RUN_TEXT[child.tag]
            parts.append(child.text or "" if replacement is None else replacement)
    return "".join(parts)


def _text_boxes(run: Any) -> list[Any]:
    """Text boxes anchored in a run, once each: DrawingML wins over its VML fallback copy."""
    boxes = []
    for box in run.iter(_TXBX):
        node = box.getparent()
        while node is not None and node is not run:
            if node.tag in (_FALLBACK, _TXBX):
                break
            node = node.getparent()
        else:
            boxes.append(box)
    return boxes
