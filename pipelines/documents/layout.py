"""Reading order for the glyphs of one PDF page.

PDF stores characters in drawing order, which for résumé templates is often "left column line,
right column line, ..." or worse. Here glyphs become rows (shared baseline), rows become
segments (runs split at gaps wider than 1 em or at table rulings, joined with " | "), and a
page with a vertical gutter - an x-range no segment crosses for most of the page height, with
text columns on both sides (see `_columns`) - is read as its left column, then its right one.
Full-width rows above and below a column zone (a name header, a footer) stay in place; zones
nest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from pipelines.documents.pdf_glyphs import Glyph, PageGlyphs

log = logging.getLogger(__name__)

_WORD_GAP = 0.18  # em: a wider gap between glyphs is a space
_SEGMENT_GAP = 1.0  # em: a wider gap separates cells or columns
_BIN = 2.0  # points per bin when scanning for a gutter
_MIN_GUTTER = 4.0  # points
_MAX_DEPTH = 4

Row = list["Segment"]


@dataclass(slots=True)
class Segment:
    """Words on one row with no wide gap between them."""

    x0: float
    x1: float
    y: float
    size: float
    text: str


def page_text(page: PageGlyphs) -> str:
    """Visible text of a page in reading order: blocks separated by blank lines."""
    rows = [_segments(row, page.vrules) for row in _rows(page.visible)]
    blocks = _order([row for row in rows if row], page, 0)
    return "\n\n".join(text for text in map(_block_text, blocks) if text)


def plain_text(glyphs: list[Glyph]) -> str:
    """Rows top to bottom, no column analysis: enough for hidden text, which nobody reads."""
    lines = (" ".join(seg.text for seg in _segments(row, [])) for row in _rows(glyphs))
    return "\n".join(line for line in lines if line)


def _rows(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped by baseline, top row first (baselines within 0.45 em are one row)."""
    rows: list[list[Glyph]] = []
    ref_y = ref_size = 0.0
    for g in sorted(glyphs, key=_y, reverse=True):  # x order is restored per row later
        if rows and abs(g.y - ref_y) <= 0.45 * min(g.size, ref_size):
            rows[-1].append(g)
        else:
            rows.append([g])
            ref_y, ref_size = g.y, g.size
    return rows


def _segments(row: list[Glyph], vrules: list[tuple[float, float, float]]) -> Row:
    """Split a row at wide gaps and at vertical table rulings; words get single spaces."""
    row.sort(key=_x0)
    y = row[0].y
    walls = [x for x, y0, y1 in vrules if y0 - 2 <= y <= y1 + 2]
    out: Row = []
    parts: list[str] = []
    seg_x0 = seg_x1 = size = 0.0
    prev: Glyph | None = None
    space = False
    for g in row:
        text = g.text
        if text.isspace():
            space = prev is not None
            continue
        if prev is None:
            seg_x0, seg_x1, size = g.x0, g.x1, g.size
        else:
            em = g.size if g.size > prev.size else prev.size
            if text == prev.text and -0.1 * em < g.x0 - prev.x0 < 0.1 * em:
                continue  # the same glyph drawn twice (fake bold)
            gap = g.x0 - prev.x1
            if gap > _SEGMENT_GAP * em or (
                walls and any(prev.x1 - 1 <= w <= g.x0 + 1 for w in walls)
            ):
                out.append(Segment(seg_x0, seg_x1, y, size, "".join(parts)))
                parts = []
                seg_x0, seg_x1, size = g.x0, g.x1, g.size
            elif space or gap > _WORD_GAP * em:
                parts.append(" ")
            if g.x1 > seg_x1:
                seg_x1 = g.x1
            if g.size > size:
                size = g.size
        parts.append(text)
        prev, space = g, False
    if parts:
        out.append(Segment(seg_x0, seg_x1, y, size, "".join(parts)))
    return out


def _x0(g: Glyph) -> float:
    return g.x0


def _y(g: Glyph) -> float:
    return g.y


def _order(rows: list[Row], page: PageGlyphs, depth: int) -> list[list[Row]]:
    """Blocks of rows in reading order: above a column zone, left column, right, below."""
    cut = _find_gutter(rows, page) if depth < _MAX_DEPTH else None
    if cut is None:
        return [rows]
    i, j, gx0, gx1 = cut
    zone = rows[i : j + 1]
    left = [r for r in ([s for s in row if s.x1 <= gx0] for row in zone) if r]
    right = [r for r in ([s for s in row if s.x0 >= gx1] for row in zone) if r]
    blocks: list[list[Row]] = []
    for part in (rows[:i], left, right, rows[j + 1 :]):
        if part:
            blocks.extend(_order(part, page, depth + 1))
    return blocks


def _find_gutter(rows: list[Row], page: PageGlyphs) -> tuple[int, int, float, float] | None:
    """(first row, last row, x0, x1) of the tallest vertical gap between two text columns."""
    n = len(rows)
    if n < 4:
        return None
    xs0 = min(s.x0 for row in rows for s in row)
    width = max(s.x1 for row in rows for s in row) - xs0
    if width < 100:
        return None
    bins = int(width / _BIN) + 1
    free = np.ones((n, bins), dtype=bool)
    for r, row in enumerate(rows):
        for s in row:
            free[r, int((s.x0 - xs0) / _BIN) : int((s.x1 - xs0) / _BIN) + 1] = False
    tops = np.array([max(s.y + 0.8 * s.size for s in row) for row in rows])
    bottoms = np.array([min(s.y - 0.2 * s.size for s in row) for row in rows])
    # per bin: the longest run of consecutive rows that leave it free, and where it ends
    run = np.zeros(bins, dtype=int)
    best = np.zeros(bins, dtype=int)
    best_end = np.zeros(bins, dtype=int)
    for r in range(n):
        run = np.where(free[r], run + 1, 0)
        longer = run > best
        best = np.where(longer, run, best)
        best_end = np.where(longer, r, best_end)
    start = np.maximum(best_end - best + 1, 0)
    height = tops[start] - bottoms[best_end]
    candidates = np.nonzero((best >= 4) & (height >= 0.5 * (tops[0] - bottoms[-1])))[0]
    tried = np.zeros(bins, dtype=bool)
    for b in candidates[np.argsort(-height[candidates], kind="stable")][:64]:
        if tried[b]:
            continue
        i, j = int(start[b]), int(best_end[b])
        all_free = free[i : j + 1].all(axis=0)
        lo = hi = int(b)
        while lo > 0 and all_free[lo - 1]:
            lo -= 1
        while hi < bins - 1 and all_free[hi + 1]:
            hi += 1
        tried[lo : hi + 1] = True
        gx0, gx1 = xs0 + lo * _BIN, xs0 + (hi + 1) * _BIN
        top, bottom = float(tops[i]), float(bottoms[j])
        if gx1 - gx0 < _MIN_GUTTER or any(
            x0 < gx0 and x1 > gx1 and bottom <= y <= top for x0, x1, y in page.hrules
        ):
            continue  # too narrow, or a table's horizontal ruling crosses it
        if _columns(rows[i : j + 1], gx0, gx1, width, _edge_in_gutter(page, gx0, gx1, top, bottom)):
            return i, j, gx0, gx1
    return None


def _columns(zone: list[Row], gx0: float, gx1: float, width: float, edge: bool) -> bool:
    """Whether text on both sides of a gap is two columns rather than labels and values.

    A column of dates, bullets or "Email:" labels sits on the same rows as the text it
    belongs to and is narrow: read it row by row. Columns are both wide, or have rows of
    their own (independent line pitch), or are set apart by a shape edge (a sidebar fill).
    """
    left_rows = right_rows = both = 0
    lx0 = rx0 = float("inf")
    lx1 = rx1 = float("-inf")
    for row in zone:
        on_left = on_right = False
        for s in row:
            if s.x1 <= gx0:
                on_left, lx0, lx1 = True, min(lx0, s.x0), max(lx1, s.x1)
            else:
                on_right, rx0, rx1 = True, min(rx0, s.x0), max(rx1, s.x1)
        left_rows += on_left
        right_rows += on_right
        both += on_left and on_right
    if left_rows < 2 or right_rows < 2:
        return False
    wide = min(lx1 - lx0, rx1 - rx0) >= 0.3 * width
    own_rows = both < 0.6 * min(left_rows, right_rows)
    return wide or own_rows or edge


def _edge_in_gutter(page: PageGlyphs, gx0: float, gx1: float, top: float, bottom: float) -> bool:
    """A vertical ruling or the side of a filled shape runs down the gap for half its height."""
    for x, y0, y1 in page.vrules + page.edges:
        if gx0 - 2 <= x <= gx1 + 2 and min(y1, top) - max(y0, bottom) >= 0.5 * (top - bottom):
            return True
    return False


def _block_text(rows: list[Row]) -> str:
    """Rows one per line, cells " | "; a blank line where the line pitch jumps (new section)."""
    lines: list[str] = []
    prev: Row | None = None
    for row in rows:
        if prev is not None:
            pitch = prev[0].y - row[0].y
            if pitch > 1.9 * max(s.size for s in prev):
                lines.append("")
        lines.append(" | ".join(s.text for s in sorted(row, key=lambda s: s.x0)))
        prev = row
    return "\n".join(lines)
