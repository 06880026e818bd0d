"""The characters of one PDF page, split into what a reader sees and what is hidden.

Hidden means a human cannot see it in a viewer: white or near-white fill (unless drawn over a
dark shape or an image, as in coloured résumé sidebars), font under 3 pt, entirely outside the
crop box, or text render mode 3/7 (invisible; accepted over an image, which is how OCR layers
of scanned pages are made). Such text is a classic prompt-injection carrier, so it is kept
apart from the visible text rather than dropped.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.utils import Rect

from pipelines.documents.pdf_content import FastInterpreter
from pipelines.documents.pdf_device import Glyph, GlyphCache, GlyphCollector

log = logging.getLogger(__name__)

MIN_VISIBLE_SIZE = 3.0  # points
__all__ = ["Glyph", "GlyphCache", "PageGlyphs", "collect_page"]


@dataclass
class PageGlyphs:
    """What one page draws: visible and hidden glyphs plus the ruling lines of tables."""

    visible: list[Glyph] = field(default_factory=list)
    hidden: list[Glyph] = field(default_factory=list)
    rotated: list[str] = field(default_factory=list)  # visible text not written left to right
    hrules: list[tuple[float, float, float]] = field(default_factory=list)  # x0, x1, y
    vrules: list[tuple[float, float, float]] = field(default_factory=list)  # x, y0, y1
    edges: list[tuple[float, float, float]] = field(default_factory=list)  # sides of fills
    images: int = 0
    undecodable: int = 0
    hidden_reasons: Counter[str] = field(default_factory=Counter)


def collect_page(rsrcmgr: PDFResourceManager, page: PDFPage, cache: GlyphCache) -> PageGlyphs:
    """Interpret one page and classify its glyphs; pdfminer errors propagate to the caller."""
    # /Rotate only turns the page for display; text laid out upright before a page was
    # rotated (the usual case: someone rotated it in a viewer) is upright in user space.
    page.rotate = 0
    device = GlyphCollector(rsrcmgr, cache)
    FastInterpreter(rsrcmgr, device).process_page(page)
    return _classify(device)


def _classify(dev: GlyphCollector) -> PageGlyphs:
    edges = [(x, r[1], r[3]) for r in dev.backgrounds if r[3] - r[1] >= 30 for x in (r[0], r[2])]
    out = PageGlyphs(hrules=dev.hrules, vrules=dev.vrules, edges=edges, images=len(dev.images))
    box = dev.box
    chars, runs = dev.chars, dev.runs
    for k, (start, size, upright, state, n_bg, n_img) in enumerate(runs):
        end = runs[k + 1][0] if k + 1 < len(runs) else len(chars)
        if start == end:
            continue
        run = chars[start:end]
        reason = None
        if size < MIN_VISIBLE_SIZE:
            reason = "tiny text"
        elif state is not None:
            cx = (min(g.x0 for g in run) + max(g.x1 for g in run)) / 2
            cy = run[0].y + 0.3 * size
            under = dev.images[:n_img] if state == "invisible text" else dev.backgrounds[:n_bg]
            if not any(r[0] <= cx <= r[2] and r[1] <= cy <= r[3] for r in under):
                reason = state
        if reason is None and upright and _inside(run[0], box) and _inside(run[-1], box):
            if any(g.text == "\ufffd" for g in run):
                out.undecodable += sum(1 for g in run if g.text == "\ufffd")
                run = [g for g in run if g.text != "\ufffd"]
            out.visible.extend(run)  # the common case: ordinary text on the page
            continue
        for g in run:
            if g.text == "\ufffd":
                out.undecodable += 1
                continue
            why = reason if reason is not None or _on_page(g, box) else "text outside the page"
            if why is not None:
                out.hidden.append(g)
                if not g.text.isspace():
                    out.hidden_reasons[why] += 1
            elif upright:
                out.visible.append(g)
            else:
                out.rotated.append(g.text)
        if not upright and reason is None:
            out.rotated.append(" ")
    return out


def _inside(g: Glyph, box: Rect) -> bool:
    return box[0] <= g.x0 <= box[2] and box[0] <= g.x1 <= box[2] and box[1] <= g.y <= box[3]


def _on_page(g: Glyph, box: Rect) -> bool:
    """At least partly inside the crop box (a glyph cut by the edge is still seen)."""
    lo, hi = (g.x0, g.x1) if g.x0 <= g.x1 else (g.x1, g.x0)
    return hi >= box[0] - 1 and lo <= box[2] + 1 and g.y + g.size >= box[1] and g.y <= box[3] + 1
