"""HH vacancy descriptions are HTML (paragraphs, lists, bold): the product screens plain text,
with a line per paragraph and per list item so requirements stay one per line."""

from __future__ import annotations

import re

import lxml.html

_BLOCKS = {"p", "li", "br", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "tr"}


def html_to_text(html: str) -> str:
    if not html.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return re.sub(r"<[^>]+>", " ", html).strip()
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "li":
            element.text = "• " + (element.text or "")
        if tag in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
    text = root.text_content()
    lines = (re.sub(r"[ \t\xa0]+", " ", line).strip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
