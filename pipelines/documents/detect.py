"""What an upload really is, by its first bytes, and whether that matches its name.

Browsers and candidates mislabel files: a "resume.pdf" that is a phone photo, an HTML error
page saved as .pdf, a Word 97 .doc renamed to .docx. Magic bytes decide what is parsed; the
extension (or, without one, the declared content type) only decides what was expected, so a
mismatch can be reported in words a recruiter understands.
"""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Literal

from pipelines.documents.errors import DocumentError

log = logging.getLogger(__name__)

Kind = Literal["pdf", "docx", "txt"]

EXTENSIONS: dict[str, Kind] = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".txt": "txt",
    ".text": "txt",
    ".md": "txt",
}
CONTENT_TYPES: dict[str, Kind] = {
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/plain": "txt",
    "text/markdown": "txt",
}
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Word .doc or an encrypted Office file"),
    (b"\x7fELF", "an ELF executable"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"%!PS", "a PostScript file"),
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ZIP_FLAVOURS = (
    ("word/document.xml", "docx", "a Word document"),
    ("xl/workbook.xml", "xlsx", "an Excel workbook (.xlsx)"),
    ("ppt/presentation.xml", "pptx", "a PowerPoint presentation (.pptx)"),
    ("content.xml", "odf", "an OpenDocument file"),
)


@dataclass(frozen=True)
class Sniffed:
    """The real type: `kind` is "pdf", "docx", "zip", "text", "binary" or another tag;
    `label` names it for a reason ("a PNG image")."""

    kind: str
    label: str


def sniff(data: bytes) -> Sniffed:
    """Classify bytes by their signature; ZIP files are opened to tell DOCX from other ZIPs."""
    head = data[:1024]
    if b"%PDF-" in head:  # the spec allows junk before the header; viewers accept it
        return Sniffed("pdf", "a PDF document")
    if head.startswith(_ZIP_MAGIC):
        return _sniff_zip(data)
    for magic, label in _MAGIC:
        if head.startswith(magic):
            return Sniffed(label.split()[1].lower(), label)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("webp", "a WebP image")
    if head[:2] == b"MZ" and b"\x00" in head:
        return Sniffed("exe", "a Windows executable")
    stripped = head.lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html")):
        return Sniffed("html", "an HTML page")
    if _texty(head):
        return Sniffed("text", "plain text")
    return Sniffed("binary", "binary data")


def _refuse_polyglot(data: bytes) -> None:
    """A PDF that is also a ZIP archive (an archive appended or wrapped around it) opens as
    either, depending on who opens it: built to smuggle one past a check for the other."""
    if b"PK\x05\x06" not in data[-(66 * 1024) :]:  # the ZIP end record sits at the very end
        return
    try:
        is_zip = zipfile.is_zipfile(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - whatever zipfile trips on, it is not a usable ZIP
        is_zip = False
    if is_zip:
        raise DocumentError(
            "polyglot",
            "the file is both a PDF and a ZIP archive; save the resume again as a plain PDF",
        )


def detect_kind(
    data: bytes, filename: str, content_type: str | None = None
) -> tuple[Kind, list[str]]:
    """The parser to use, and warnings.

    Raises `unsupported_type` for a name we do not read, `type_mismatch` when the bytes are
    some other known format, `polyglot` for a PDF that is also a ZIP archive, and
    `corrupt_pdf`/`corrupt_docx` when they are no format at all.
    """
    ext = PurePath(filename or "").suffix.lower()
    real = sniff(data)
    named = ext or "without extension"
    expected = EXTENSIONS.get(ext)
    if expected is None and ext:
        if real.kind in ("pdf", "docx"):  # e.g. "cv.doc" that Word actually saved as DOCX
            return _as_kind(real.kind), [f"file named {ext} is {real.label}; read as such"]
        raise DocumentError(
            "unsupported_type", f"unsupported file type: {ext} (expected PDF, DOCX or TXT)"
        )
    if expected is None:
        expected = _content_kind(content_type) or _kind_of(real)
        if expected is None:
            raise DocumentError(
                "unsupported_type",
                "unsupported file type: no extension (expected PDF, DOCX or TXT)",
            )
    if real.kind in ("pdf", "docx"):  # magic bytes win over the name and the content type
        if real.kind == "pdf":
            _refuse_polyglot(data)
        warnings = [] if real.kind == expected else [f"file named {named} is {real.label}"]
        return _as_kind(real.kind), warnings
    if expected == "txt" and real.kind in ("text", "html", "binary"):
        return "txt", []  # binary garbage fails while decoding, as unsupported_encoding
    if expected == "pdf" and real.kind == "binary":
        raise DocumentError("corrupt_pdf", "corrupt PDF: no %PDF- header")
    if expected == "docx" and real.kind in ("binary", "zip-corrupt"):
        detail = "not a ZIP archive" if real.kind == "binary" else "damaged ZIP archive"
        raise DocumentError("corrupt_docx", f"corrupt DOCX: {detail}")
    raise DocumentError(
        "type_mismatch",
        f"file content does not match its extension: looks like {real.label}, named {named}",
    )


def _sniff_zip(data: bytes) -> Sniffed:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except Exception as e:  # BadZipFile, NotImplementedError ("zip file version 10.1"), ...
        log.debug("zip signature but unreadable archive: %s", type(e).__name__)
        return Sniffed("zip-corrupt", "a damaged ZIP archive")
    for member, kind, label in _ZIP_FLAVOURS:
        if member in names:
            return Sniffed(kind, label)
    if "[Content_Types].xml" in names and any(name.startswith("word/") for name in names):
        return Sniffed("docx", "a Word document")  # main part under another name (rare tools)
    return Sniffed("zip", "a ZIP archive")


def _content_kind(content_type: str | None) -> Kind | None:
    if not content_type:
        return None
    return CONTENT_TYPES.get(content_type.split(";")[0].strip().lower())


def _kind_of(real: Sniffed) -> Kind | None:
    if real.kind in ("pdf", "docx"):
        return _as_kind(real.kind)
    return "txt" if real.kind == "text" else None


def _as_kind(kind: str) -> Kind:
    return "pdf" if kind == "pdf" else "docx"


def _texty(head: bytes) -> bool:
    """Text has (almost) no control bytes; UTF-16 has a BOM or many zeros on one parity."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    zeros = head.count(0)
    controls = sum(1 for b in head if b < 9 or 13 < b < 32) - zeros
    if controls > len(head) // 50:
        return False
    if zeros == 0:
        return True
    one_parity = zeros in (head[0::2].count(0), head[1::2].count(0))
    return one_parity and zeros >= len(head) // 8
