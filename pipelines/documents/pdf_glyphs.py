"""The characters of one PDF page, split into what a reader sees and what is hidden.

Hidden means a human cannot see it in a viewer: white or near-white fill (unless drawn over a
dark shape or an image, as in coloured résumé sidebars), font under 3 pt, entirely outside the
crop box, or text render mode 3/7 (invisible; accepted over an image, which is how OCR layers
of scanned pages are made). Such text is a classic prompt-injection carrier, so it is kept
apart from the visible text rather than dropped. A word cut by the page edge is seen, tail
included: only whole words beyond the edge are outside the page.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.utils import Rect

from pipelines.documents.pdf_content import FastInterpreter
from pipelines.documents.pdf_device import Glyph, GlyphCache, GlyphCollector

log = logging.getLogger(__name__)

MIN_VISIBLE_SIZE = 3.0  # points
_MAX_WORD = 40  # glyphs: longer runs without a space are not words a page edge clips
_WORD_GAP = 0.15  # em: a narrower gap is kerning inside a word (a space is ~0.25-0.33 em)
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
    off_page: list[Glyph] = []  # upright, otherwise visible: seen if a word on the page goes on
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
            if why is not None and reason is None and upright:
                off_page.append(g)
            elif why is not None:
                _hide(out, g, why)
            elif upright:
                out.visible.append(g)
            else:
                out.rotated.append(g.text)
        if not upright and reason is None:
            out.rotated.append(" ")
    if off_page:
        tails = _clipped_tails(out.visible, off_page)
        out.visible.extend(g for g, seen in zip(off_page, tails, strict=True) if seen)
        for g, seen in zip(off_page, tails, strict=True):
            if not seen:
                _hide(out, g, "text outside the page")
    return out


def _hide(out: PageGlyphs, g: Glyph, why: str) -> None:
    out.hidden.append(g)
    if not g.text.isspace():
        out.hidden_reasons[why] += 1


def _clipped_tails(visible: list[Glyph], off_page: list[Glyph]) -> list[bool]:
    """For each off-page glyph, whether it belongs to a word that is partly on the page.

    A viewer cuts such a word at the page edge ("Kuberne|tes"); the reader still sees the
    word, so its cut-off glyphs are part of the visible word, not hidden text. Glyphs are
    matched across text operators, since generators such as wkhtmltopdf draw one glyph per
    operator. A word is a run of touching glyphs on one baseline; one longer than `_MAX_WORD`
    is no word a margin clips, and its off-page glyphs stay hidden.
    """
    baselines = sorted({g.y for g in off_page})
    rows: defaultdict[float, list[tuple[Glyph, int]]] = defaultdict(list)
    for i, g in enumerate(off_page):
        rows[g.y].append((g, i))
    for g in visible:
        k = bisect_left(baselines, g.y - 0.2 * g.size)
        if k < len(baselines) and abs(baselines[k] - g.y) <= 0.2 * g.size:
            rows[baselines[k]].append((g, -1))
    tails = [False] * len(off_page)
    for row in rows.values():
        row.sort(key=lambda item: item[0].x0)
        start = 0
        for end in range(1, len(row) + 1):
            if end < len(row) and _same_word(row[end - 1][0], row[end][0]):
                continue
            word = [i for _, i in row[start:end]]
            if end - start <= _MAX_WORD and -1 in word and max(word) >= 0:
                for i in word:
                    if i >= 0:
                        tails[i] = True
            start = end
    return tails


def _same_word(left: Glyph, right: Glyph) -> bool:
    """Neighbours in one word: neither is a space, and no gap as wide as a space parts them."""
    if left.text.isspace() or right.text.isspace():
        return False
    return abs(right.x0 - left.x1) <= _WORD_GAP * max(left.size, right.size)


def _inside(g: Glyph, box: Rect) -> bool:
    return box[0] <= g.x0 <= box[2] and box[0] <= g.x1 <= box[2] and box[1] <= g.y <= box[3]


def _on_page(g: Glyph, box: Rect) -> bool:
    """At least partly inside the crop box (a glyph cut by the edge is still seen)."""
    lo, hi = (g.x0, g.x1) if g.x0 <= g.x1 else (g.x1, g.x0)
    return hi >= box[0] - 1 and lo <= box[2] + 1 and g.y + g.size >= box[1] and g.y <= box[3] + 1
