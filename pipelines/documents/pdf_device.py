"""A lean pdfminer device: glyph positions, text paint state, shapes - nothing else.

pdfplumber turns every character into a dict of ~25 resolved attributes and pdfminer's own
layout device builds an LTChar object per character; either costs 40-70 ms per resume page,
and screening needs >= 20 resumes/s per core. This device runs pdfminer.six's interpreter
(pdfplumber's engine) and keeps per character only text, x-extent, baseline and size, and per
text operator its paint state and which backgrounds were drawn before it: about 4x faster.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any, NamedTuple

from pdfminer.pdfdevice import PDFDevice, PDFTextSeq
from pdfminer.pdffont import PDFFont
from pdfminer.pdfinterp import PDFGraphicState, PDFResourceManager, PDFTextState
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import PDFStream
from pdfminer.utils import Matrix, PathSegment, Rect, apply_matrix_pt, mult_matrix

from pipelines.documents.pdf_paint import lightness, paint_state

log = logging.getLogger(__name__)

_MAX_SHAPES = 4000  # per page; vector art beyond this adds nothing to text visibility
GlyphCache = dict[PDFFont, dict[int, tuple[str, float]]]
# A text operator: first glyph index, size, upright, paint state, #backgrounds, #images before
Run = tuple[int, float, bool, str | None, int, int]


class Glyph(NamedTuple):
    """One character: `y` is the baseline in PDF points (origin bottom-left), `size` the
    rendered font size in points."""

    text: str
    x0: float
    x1: float
    y: float
    size: float


class GlyphCollector(PDFDevice):
    """A pdfminer device that records raw glyphs, text runs, backgrounds and rules."""

    def __init__(self, rsrcmgr: PDFResourceManager, cache: GlyphCache) -> None:
        super().__init__(rsrcmgr)
        self.cache = cache
        self.chars: list[Glyph] = []
        self.runs: list[Run] = []
        self.backgrounds: list[Rect] = []  # dark fills and images, in drawing order
        self.images: list[Rect] = []
        self.hrules: list[tuple[float, float, float]] = []
        self.vrules: list[tuple[float, float, float]] = []
        self.box: Rect = (0.0, 0.0, 0.0, 0.0)
        self._saved_ctm: list[Matrix | None] = []

    def begin_page(self, page: PDFPage, ctm: Matrix) -> None:
        self.box = transform_rect(page.cropbox, ctm)

    def begin_figure(self, name: str, bbox: Rect, matrix: Matrix) -> None:
        self._saved_ctm.append(self.ctm)

    def end_figure(self, name: str) -> None:
        if self._saved_ctm:  # a form XObject's interpreter leaves its own matrix behind
            self.ctm = self._saved_ctm.pop()

    def render_image(self, name: str, stream: PDFStream) -> None:
        if self.ctm is not None and len(self.images) < _MAX_SHAPES:
            box = transform_rect((0, 0, 1, 1), self.ctm)
            self.images.append(box)
            self.backgrounds.append(box)

    def paint_path(
        self,
        graphicstate: PDFGraphicState,
        stroke: bool,
        fill: bool,
        evenodd: bool,
        path: Sequence[PathSegment],
    ) -> None:
        if (
            self.ctm is None
            or len(self.backgrounds) + len(self.hrules) + len(self.vrules) > _MAX_SHAPES
        ):
            return
        try:
            self._record_path(graphicstate, stroke, fill, path)
        except (TypeError, ValueError, IndexError):
            log.debug("unreadable path skipped")

    def _record_path(
        self, gs: PDFGraphicState, stroke: bool, fill: bool, path: Sequence[PathSegment]
    ) -> None:
        assert self.ctm is not None
        points: list[tuple[float, float]] = []
        segments: list[tuple[tuple[float, float], tuple[float, float]]] = []
        for seg in path:
            coords: Sequence[Any] = seg[1:]
            if len(coords) < 2:
                continue
            point = apply_matrix_pt(self.ctm, (float(coords[-2]), float(coords[-1])))
            if seg[0] == "l" and points:
                segments.append((points[-1], point))
            points.append(point)
        if not points:
            return
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        if fill:
            if lightness(gs.ncolor, gs.ncs.name) < 0.85:
                self.backgrounds.append((x0, y0, x1, y1))
            self._add_rule(x0, y0, x1, y1)
        if stroke:
            for (ax, ay), (bx, by) in segments:
                self._add_rule(min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))

    def _add_rule(self, x0: float, y0: float, x1: float, y1: float) -> None:
        if y1 - y0 <= 2.5 and x1 - x0 >= 10:
            self.hrules.append((x0, x1, (y0 + y1) / 2))
        elif x1 - x0 <= 2.5 and y1 - y0 >= 10:
            self.vrules.append(((x0 + x1) / 2, y0, y1))

    def render_string(
        self,
        textstate: PDFTextState,
        seq: PDFTextSeq,
        ncs: Any,
        graphicstate: PDFGraphicState,
    ) -> None:
        """pdfminer's horizontal text loop, without building an LTChar per character."""
        font = textstate.font
        if font is None or self.ctm is None:
            return
        a, b, c, d, e, f = mult_matrix(textstate.matrix, self.ctm)
        fontsize = textstate.fontsize
        scaling = textstate.scaling * 0.01
        charspace = textstate.charspace * scaling
        wordspace = 0.0 if font.is_multibyte() else textstate.wordspace * scaling
        dxscale = 0.001 * fontsize * scaling
        x, line_y = textstate.linematrix
        y = line_y + textstate.rise
        size = abs(fontsize) * math.hypot(c, d)
        upright = a > 0 and d > 0 and abs(b) <= 1e-3 * a and abs(c) <= 1e-3 * d
        upright = upright and not font.is_vertical()
        state = paint_state(textstate.render, graphicstate)
        self.runs.append(
            (len(self.chars), size, upright, state, len(self.backgrounds), len(self.images))
        )
        glyphs = self.cache.setdefault(font, {})
        chars = self.chars
        new_glyph = tuple.__new__  # Glyph(...) without its Python-level __new__: ~1 µs/glyph
        need_charspace = False
        for obj in seq:
            if isinstance(obj, (int, float)):
                x -= obj * dxscale
                need_charspace = True
                continue
            if not isinstance(obj, bytes):
                continue
            for cid in font.decode(obj):
                if need_charspace:
                    x += charspace
                glyph = glyphs.get(cid)
                if glyph is None:
                    glyph = glyphs[cid] = _glyph(font, cid)
                adv = glyph[1] * fontsize * scaling
                ox = a * x + c * y + e
                chars.append(
                    new_glyph(Glyph, (glyph[0], ox, ox + a * adv, b * x + d * y + f, size))
                )
                x += adv
                if cid == 32 and wordspace:
                    x += wordspace
                need_charspace = True
        textstate.linematrix = (x, line_y)


def _glyph(font: PDFFont, cid: int) -> tuple[str, float]:
    try:
        text = font.to_unichr(cid)
    except MemoryError:  # the parse ran out of its memory, not a glyph out of its text
        raise
    except Exception:  # PDFUnicodeNotDefined, or a broken CMap: the glyph has no known text
        text = "\ufffd"
    try:
        width = float(font.char_width(cid))
    except MemoryError:
        raise
    except Exception:
        width = 0.0
    return text, width


def transform_rect(rect: Sequence[float], m: Matrix) -> Rect:
    x0, y0, x1, y1 = (float(v) for v in rect)
    pts = [apply_matrix_pt(m, p) for p in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
    return (
        min(p[0] for p in pts),
        min(p[1] for p in pts),
        max(p[0] for p in pts),
        max(p[1] for p in pts),
    )
