"""Active content in a PDF: what a viewer may run or open on its own.

A resume has no reason to carry JavaScript, an action run when the file opens, a command to
launch, embedded files or forms that submit somewhere; a file that does was made to do
something to whoever opens it. It is still read (its text is only text to us), but the resume
is flagged so the recruiter opens the original with care.

Found two ways, because either alone is easy to slip past: the document catalog and pages as
pdfminer resolved them (this sees inside compressed object streams), and the raw bytes with
`#xx` name escapes undone ("/J#61vaScript" is "/JavaScript"), as pdfid does.
"""

from __future__ import annotations

import re
from typing import Any

from pdfminer.pdftypes import resolve1

# PDF name → what it means, in a recruiter's words.
ACTIVE_NAMES = {
    "JavaScript": "JavaScript",
    "JS": "JavaScript",
    "OpenAction": "an action run when the file opens",
    "AA": "actions run on events",
    "Launch": "a command to launch",
    "EmbeddedFile": "embedded files",
    "EmbeddedFiles": "embedded files",
    "RichMedia": "embedded media",
    "XFA": "an XFA form",
    "SubmitForm": "a form that submits data",
    "ImportData": "a form that imports data",
}
_NAME = re.compile(rb"/([A-Za-z#0-9]{2,40})")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_SCAN_LIMIT = 16 * 1024 * 1024  # the raw scan reads at most this much of a file


def _unescape(name: bytes) -> str:
    return _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name).decode("latin-1")


def in_bytes(data: bytes) -> set[str]:
    """Active-content names written anywhere in the file's uncompressed bytes."""
    found = {_unescape(m.group(1)) for m in _NAME.finditer(data[:_SCAN_LIMIT])}
    return {name for name in found if name in ACTIVE_NAMES}


def in_catalog(catalog: dict[str, Any], pages: list[Any]) -> set[str]:
    """Active content reachable from the resolved catalog and page dictionaries."""
    found: set[str] = set()
    for key in ("OpenAction", "AA"):
        if key in catalog:
            found.add(key)
    names = resolve1(catalog.get("Names")) or {}
    if isinstance(names, dict):
        found |= {key for key in ("JavaScript", "EmbeddedFiles") if key in names}
    acroform = resolve1(catalog.get("AcroForm")) or {}
    if isinstance(acroform, dict) and "XFA" in acroform:
        found.add("XFA")
    for page in pages:
        attrs = getattr(page, "attrs", {}) or {}
        if "AA" in attrs:
            found.add("AA")
        for annotation in resolve1(attrs.get("Annots")) or []:
            action = resolve1((resolve1(annotation) or {}).get("A")) or {}
            kind = (
                getattr(resolve1(action.get("S")), "name", None)
                if isinstance(action, dict)
                else None
            )
            if kind in ACTIVE_NAMES:
                found.add(kind)
    return found


def describe(names: set[str]) -> list[str]:
    """The recruiter's words for what was found, each once, in a stable order."""
    return sorted({ACTIVE_NAMES[n] for n in names if n in ACTIVE_NAMES})
