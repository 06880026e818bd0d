"""PDF uploads to text: validation, password and page checks, per-page reading order.

Order of checks, cheapest first: a truncated file (no %%EOF after the last object) is refused
before parsing; "/Encrypt" in the bytes triggers a pypdf check whether an empty user password
opens it (owner-only protection does not stop a reader, so it does not stop us); the page
count is checked before any page is interpreted. Every stream is decoded within a
`DecodeBudget` (`pdf_streams`), so a decompression bomb is refused while it inflates. Text
comes from `pdf_glyphs` (visibility) and `layout` (reading order); hidden glyphs are returned
separately, never mixed in.

pdfplumber is not used on this path: its per-character dicts cost ~100 ms per two-page
resume; the same pdfminer.six engine driven by `pdf_device`/`pdf_content` takes ~11 ms.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from itertools import islice

from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import resolve1

from pipelines.documents import active_content
from pipelines.documents.errors import DocumentError
from pipelines.documents.layout import page_text, plain_text
from pipelines.documents.limits import DocumentLimits
from pipelines.documents.pdf_glyphs import GlyphCache, collect_page
from pipelines.documents.pdf_streams import BoundedParser, DecodeBudget

log = logging.getLogger(__name__)

_OCR_MISSING = "no text layer: OCR not available"


@dataclass
class PdfText:
    """Visible and hidden text of a PDF, with its page count and warnings for the recruiter."""

    text: str
    hidden_text: str
    pages: int
    warnings: list[str] = field(default_factory=list)
    active_content: list[str] = field(default_factory=list)  # active_content.describe()


def extract_pdf(data: bytes, limits: DocumentLimits) -> PdfText:
    """Text of a PDF in reading order; every failure is a `DocumentError`."""
    _check_complete(data)
    _check_password(data)
    budget = DecodeBudget(
        per_stream=limits.max_pdf_stream_decoded, per_document=limits.max_pdf_decoded
    )
    try:
        document = PDFDocument(BoundedParser(io.BytesIO(data), budget), password="")
    except PDFPasswordIncorrect as e:
        raise DocumentError("encrypted_pdf", "password-protected PDF") from e
    except PDFEncryptionError as e:
        raise DocumentError(
            "encrypted_pdf", "password-protected PDF (unsupported encryption)"
        ) from e
    except Exception as e:
        budget.check()  # a bomb is a bomb, whatever pdfminer made of it
        raise DocumentError("corrupt_pdf", "corrupt PDF: damaged file structure") from e
    pages = _pages(document, limits, budget)
    rsrcmgr = PDFResourceManager(caching=True)
    cache: GlyphCache = {}
    texts: list[str] = []
    hidden: list[str] = []
    warnings: list[str] = []
    reasons: dict[str, int] = {}
    glyph_count = undecodable = 0
    for number, page in enumerate(pages, start=1):
        try:
            glyphs = collect_page(rsrcmgr, page, cache)
        except MemoryError:  # the parse's own limit: nothing more to do at the limit
            raise
        except Exception as e:
            budget.check()
            log.info("pdf page %d unreadable: %s", number, type(e).__name__)
            raise DocumentError("corrupt_pdf", f"corrupt PDF: page {number} cannot be read") from e
        budget.check()  # pdfminer skips a font it cannot load, bomb or not
        text = page_text(glyphs)
        if glyphs.rotated:
            text = "\n\n".join(t for t in (text, "".join(glyphs.rotated).strip()) if t)
        texts.append(text)
        hidden.append(plain_text(glyphs.hidden))
        for reason, count in glyphs.hidden_reasons.items():
            reasons[reason] = reasons.get(reason, 0) + count
        glyph_count += len(glyphs.visible) + len(glyphs.hidden) + len(glyphs.rotated)
        undecodable += glyphs.undecodable
        if not text and glyphs.images:
            warnings.append(f"page {number} has no text layer (scanned image?)")
    visible = "\n\n".join(t for t in texts if t)
    hidden_text = "\n\n".join(t for t in hidden if t)
    if not visible.strip():
        if hidden_text.strip():
            raise DocumentError("no_text_layer", f"{_OCR_MISSING} (only hidden text found)")
        if undecodable:
            raise DocumentError("no_text_layer", f"{_OCR_MISSING} (text cannot be decoded)")
        raise DocumentError("no_text_layer", _OCR_MISSING)
    if len(texts) > 1 and len(warnings) == len(texts):
        warnings = ["no page has a text layer"]
    if undecodable > 0.02 * (undecodable + glyph_count):
        warnings.append(f"{undecodable} characters cannot be decoded (font without Unicode map)")
    if reasons:
        listed = ", ".join(f"{why}: {n}" for why, n in sorted(reasons.items()))
        warnings.append(f"hidden text excluded ({listed} characters)")
    try:
        found = active_content.in_catalog(document.catalog, pages)
    except Exception:  # a malformed catalog still has its bytes scanned
        found = set()
    found |= active_content.in_bytes(data)
    active = active_content.describe(found)
    if active:
        warnings.append(f"active content: {', '.join(active)}")
    return PdfText(visible, hidden_text, len(pages), warnings, active)


def _check_complete(data: bytes) -> None:
    """A cut-off upload lacks the %%EOF that ends the last revision: refuse, don't guess."""
    last_object = max(data.rfind(b"endobj"), data.rfind(b"endstream"))
    if data.rfind(b"%%EOF") < last_object or b"%%EOF" not in data:
        raise DocumentError("corrupt_pdf", "corrupt PDF: file is truncated")


def _check_password(data: bytes) -> None:
    """Password-protected means the empty user password does not open it (pypdf decides)."""
    if b"/Encrypt" not in data:
        return
    from pypdf import PasswordType, PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise DocumentError("encrypted_pdf", "password-protected PDF")
    except DocumentError:
        raise
    except Exception as e:  # pypdf is stricter than pdfminer; let pdfminer have its say
        log.debug("pypdf cannot check encryption: %s", type(e).__name__)


def _pages(document: PDFDocument, limits: DocumentLimits, budget: DecodeBudget) -> list[PDFPage]:
    try:
        pages = list(islice(PDFPage.create_pages(document), limits.max_pages + 1))
    except Exception as e:
        budget.check()  # the page tree may sit in a compressed object stream
        raise DocumentError("corrupt_pdf", "corrupt PDF: unreadable page tree") from e
    budget.check()
    if not pages:
        raise DocumentError("corrupt_pdf", "corrupt PDF: no pages")
    if len(pages) > limits.max_pages:
        raise DocumentError(
            "too_many_pages",
            f"too many pages: {_page_count(document, limits)}, limit {limits.max_pages}",
        )
    return pages


def _page_count(document: PDFDocument, limits: DocumentLimits) -> str:
    """The declared page count for the reason, or "more than N" if it is missing or lies."""
    try:
        count = resolve1(resolve1(document.catalog["Pages"])["Count"])
        if isinstance(count, int) and count > limits.max_pages:
            return str(count)
    except Exception:
        log.debug("no usable /Count in the page tree")
    return f"more than {limits.max_pages}"
