"""Text from candidates, resumes and models shown as itself in Streamlit Markdown."""

from __future__ import annotations

import re

from console.i18n import TEXTS, t

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def plain(text: str) -> str:
    """Text escaped so Markdown renders it literally: never a link, emphasis, HTML or formula."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def word(prefix: str, value: str | None) -> str:
    """A stored word (status, recommendation, flag kind) in the chosen language."""
    key = f"{prefix}{value}"
    return t(key) if key in TEXTS else str(value or "—")
