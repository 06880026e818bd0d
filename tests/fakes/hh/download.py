"""The files behind a resume's `download` links: a small PDF and RTF with the resume's text,
so a client that stores the original file gets a real one (Cyrillic included)."""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from tests.fakes.hh.data import Resume

_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)


def resume_lines(r: Resume) -> list[str]:
    """The resume as plain lines, in the order HH's own printout uses."""
    lines = [
        " ".join(p for p in (r.last_name, r.first_name, r.middle_name) if p),
        r.title,
        f"{r.area.name}, {r.phone.formatted}, {r.email}",
    ]
    if r.telegram:
        lines.append(f"Telegram: @{r.telegram}")
    lines.append("Опыт работы")
    for job in r.experience:
        end = job.end.isoformat() if job.end else "по настоящее время"
        lines += [
            f"{job.start.isoformat()} — {end}: {job.company}, {job.position}",
            job.description,
        ]
    lines += ["Навыки: " + ", ".join(r.skill_set), "О себе", r.skills]
    return lines


def _font() -> str:
    """DejaVuSans where installed (Helvetica cannot draw Cyrillic)."""
    if "DejaVuSans" in pdfmetrics.getRegisteredFontNames():
        return "DejaVuSans"
    path = next((p for p in _FONTS if p.exists()), None)
    if path is None:
        return "Helvetica"
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(path)))
    return "DejaVuSans"


def resume_pdf(r: Resume) -> bytes:
    """A one-page PDF of the resume's lines."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    font = _font()
    y = A4[1] - 60
    for line in resume_lines(r):
        canvas.setFont(font, 10)
        canvas.drawString(50, y, line[:110])
        y -= 16
    canvas.save()
    return buffer.getvalue()


def resume_rtf(r: Resume) -> bytes:
    """RTF with `\\uN?` escapes, which every reader decodes without a code page."""

    def escape(text: str) -> str:
        out = []
        for ch in text:
            if ch in "\\{}":
                out.append("\\" + ch)
            elif ord(ch) < 128:
                out.append(ch)
            else:
                code = ord(ch)
                out.append(f"\\u{code - 65536 if code > 32767 else code}?")
        return "".join(out)

    body = "\\par\n".join(escape(line) for line in resume_lines(r))
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\\f0\\fs20\n" + body + "\\par\n}").encode()
