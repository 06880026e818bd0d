"""Names of uploaded files, made safe to store and show.

A client chooses the name: it may carry a path ("C:\\Users\\x\\cv.pdf"), control characters
(a NUL byte makes PostgreSQL refuse the text, which lost part of a batch) or thousands of
characters. The stored name is the base name without control characters, at most
`MAX_NAME` characters, the extension kept so the type can still be told from it.
"""

from __future__ import annotations

import re

MAX_NAME = 255
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")


def safe_file_name(name: str | None, default: str) -> str:
    """The name to store for an upload; `default` when nothing printable is left."""
    base = _CONTROL.sub("", (name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if not base or base in (".", ".."):
        return default
    if len(base) <= MAX_NAME:
        return base
    extension = _EXTENSION.search(base)
    suffix = extension.group() if extension else ""
    return base[: MAX_NAME - len(suffix)].rstrip() + suffix
