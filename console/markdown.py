"""Text from candidates, resumes and models shown as itself in Streamlit Markdown."""

from __future__ import annotations

import re
from typing import Any

from console.i18n import TEXTS, t

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def plain(text: str) -> str:
    """Text escaped so Markdown renders it literally: never a link, emphasis, HTML or formula."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def words(values: list[Any] | None) -> str:
    """Stored words (matched skills, flags) in the chosen language, comma-separated; a value
    with no translation is shown as it is."""
    return ", ".join(t(v) if isinstance(v, str) and v in TEXTS else str(v) for v in values or [])


def word(prefix: str, value: str | None) -> str:
    """A stored word (status, recommendation, flag kind) in the chosen language."""
    key = f"{prefix}{value}"
    return t(key) if key in TEXTS else str(value or "—")
