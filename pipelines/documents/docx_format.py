"""Whether a DOCX run is visible: direct formatting merged over character, paragraph and
default styles, as Word does.

Hidden means `w:vanish` (Word's "Hidden" font effect), a font under 3 pt (`w:sz` < 6
half-points), or white/near-white text that is not on a shaded run, paragraph, table cell,
dark page background or inside a text box (shaded résumé templates use white text legitimately).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

from docx.oxml.ns import qn

log = logging.getLogger(__name__)

_FALSE = ("0", "false", "off", "none")
_MIN_HALF_POINTS = 6  # 3 pt


@dataclass(frozen=True)
class RunFormat:
    """The visibility-relevant run properties; None means "not set at this level"."""

    vanish: bool | None = None
    color: str | None = None  # "RRGGBB" or "auto"
    half_points: int | None = None
    shaded: bool | None = None

    def over(self, base: RunFormat) -> RunFormat:
        """This level's settings on top of `base` (what styles inherit)."""
        return replace(
            base,
            **{k: v for k, v in self.__dict__.items() if v is not None},
        )


def read_rpr(rpr: Any) -> RunFormat:
    """RunFormat of one `w:rPr` element (None → nothing set)."""
    if rpr is None:
        return RunFormat()
    vanish = rpr.find(qn("w:vanish"))
    color = rpr.find(qn("w:color"))
    size = rpr.find(qn("w:sz"))
    shaded = dark_fill(rpr.find(qn("w:shd"))) or _highlighted(rpr.find(qn("w:highlight")))
    return RunFormat(
        vanish=None if vanish is None else vanish.get(qn("w:val"), "1").lower() not in _FALSE,
        color=None if color is None else color.get(qn("w:val")),
        half_points=None if size is None else _int(size.get(qn("w:val"))),
        shaded=shaded or None,
    )


def dark_fill(shd: Any) -> bool:
    """A `w:shd` whose fill is a colour darker than near-white (white text on it is readable)."""
    if shd is None:
        return False
    return lightness(shd.get(qn("w:fill"))) < 0.85


def lightness(hex_color: str | None) -> float:
    """0 (black) .. 1 (white) for "RRGGBB"; "auto", missing or unparsable count as white."""
    if not hex_color or len(hex_color) != 6:
        return 1.0
    try:
        r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return 1.0
    return 0.299 * r + 0.587 * g + 0.114 * b


class StyleBook:
    """Effective run formats of the document's paragraph and character styles."""

    def __init__(self, styles_element: Any | None) -> None:
        self._raw: dict[str, tuple[RunFormat, str | None]] = {}
        self._resolved: dict[str, RunFormat] = {}
        self.defaults = RunFormat()
        self.default_paragraph: str | None = None
        if styles_element is None:
            return
        defaults = styles_element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}")
        if defaults is not None:
            self.defaults = read_rpr(defaults.find(qn("w:rPr")))
        for style in styles_element.iterfind(qn("w:style")):
            style_id = style.get(qn("w:styleId"))
            if not style_id:
                continue
            based = style.find(qn("w:basedOn"))
            base_id = None if based is None else based.get(qn("w:val"))
            self._raw[style_id] = (read_rpr(style.find(qn("w:rPr"))), base_id)
            if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in (
                "1",
                "true",
            ):
                self.default_paragraph = style_id

    def style(self, style_id: str | None) -> RunFormat:
        """A style's format including what it inherits through `w:basedOn` (cycles cut)."""
        if not style_id or style_id not in self._raw:
            return RunFormat()
        if style_id in self._resolved:
            return self._resolved[style_id]
        self._resolved[style_id] = RunFormat()  # guards against basedOn cycles
        own, base_id = self._raw[style_id]
        result = own.over(self.style(base_id))
        self._resolved[style_id] = result
        return result

    def run_format(self, paragraph_style: str | None, run: Any) -> RunFormat:
        """Defaults < paragraph style < character style < direct formatting."""
        rpr = run.find(qn("w:rPr"))
        char_style = None
        if rpr is not None:
            rstyle = rpr.find(qn("w:rStyle"))
            char_style = None if rstyle is None else rstyle.get(qn("w:val"))
        fmt = self.style(paragraph_style or self.default_paragraph).over(self.defaults)
        return read_rpr(rpr).over(self.style(char_style).over(fmt))


def hidden_reason(fmt: RunFormat, shaded: bool) -> str | None:
    """Why a human cannot see a run with this format, or None when it is visible."""
    if fmt.vanish:
        return "hidden formatting"
    if fmt.half_points is not None and fmt.half_points < _MIN_HALF_POINTS:
        return "tiny text"
    if fmt.color and _near_white(fmt.color):
        if not (shaded or fmt.shaded):
            return "white text"
    return None


def _near_white(hex_color: str) -> bool:
    """Every channel ≥ 0xF0: white to any reader on a white page ("auto" is not a colour)."""
    try:
        return len(hex_color) == 6 and min(int(hex_color[i : i + 2], 16) for i in (0, 2, 4)) >= 0xF0
    except ValueError:
        return False


def _highlighted(highlight: Any) -> bool:
    if highlight is None:
        return False
    return highlight.get(qn("w:val"), "none").lower() not in ("none", "white")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
