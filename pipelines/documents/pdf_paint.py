"""Colours as a reader perceives them: is text painted white, is a filled shape dark.

PDF colours come as gray, RGB or CMYK components (or spot-colour tints, where 0 means no ink);
both hidden-text detection and the "white text on a dark sidebar is visible" exception need
them reduced to white/not white and a rough lightness.
"""

from __future__ import annotations

from pdfminer.pdfinterp import PDFGraphicState

_NEAR_WHITE = 0.94


def paint_state(mode: int, gs: PDFGraphicState) -> str | None:
    """ "invisible text" (render mode 3/7), "white text", or None for visibly painted text."""
    if mode in (3, 7):
        return "invisible text"
    fill_white = _is_white(gs.ncolor, gs.ncs.name)
    stroke_white = _is_white(gs.scolor, gs.scs.name)
    if mode in (1, 5):
        white = stroke_white
    elif mode in (2, 6):
        white = fill_white and stroke_white
    else:
        white = fill_white
    return "white text" if white else None


def _components(color: object) -> tuple[float, ...] | None:
    values = color if isinstance(color, tuple) else (color,)
    if not all(isinstance(v, (int, float)) for v in values):
        return None  # a pattern or an unparsed colour: assume it is visible
    return tuple(float(v) for v in values)  # type: ignore[arg-type]


def _is_white(color: object, space: str) -> bool:
    values = _components(color)
    if values is None or space in ("Indexed", "Pattern", "Lab"):
        return False
    if space in ("Separation", "DeviceN"):  # tints: 0 means no ink at all
        return max(values) <= 1 - _NEAR_WHITE
    if len(values) in (1, 3):
        return min(values) >= _NEAR_WHITE
    if len(values) == 4:
        return max(values) <= 1 - _NEAR_WHITE
    return False


def lightness(color: object, space: str) -> float:
    """Approximate luminance 0 (black) .. 1 (white); unknown colours count as dark."""
    values = _components(color)
    if values is None or space in ("Indexed", "Pattern", "Lab"):
        return 0.0
    if space in ("Separation", "DeviceN"):
        return 1.0 - max(values)
    if len(values) == 1:
        return values[0]
    if len(values) == 3:
        r, g, b = values
    elif len(values) == 4:
        cyan, magenta, yellow, k = values
        r, g, b = ((1 - v) * (1 - k) for v in (cyan, magenta, yellow))
    else:
        return 0.0
    return 0.299 * r + 0.587 * g + 0.114 * b
