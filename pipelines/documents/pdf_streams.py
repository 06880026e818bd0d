"""Bounded decoding of PDF streams: a decompression bomb is refused, never inflated.

pdfminer.six inflates a FlateDecode stream with one `zlib.decompress` call, so a 1 MB upload
whose page inflates to 1 GiB drove a worker to 2.1 GB for 8.5 s. `BoundedParser` is the
`PDFParser` handed to `PDFDocument`: every stream it reads from the file (pages, fonts, CMaps,
object and xref streams) becomes a `BoundedStream`, whose `decode` runs pdfminer's filter
chain with each expanding decoder (Flate, LZW, RunLength) stopped as soon as its output
passes the budget (ASCII85, at most 4x its input, is checked after): a cap per stream and one
per document (the sum over every stream decoded). A refused stream costs about twice the
per-stream cap at its peak (zlib joins its output blocks). Nothing global is patched, so other
pdfminer users in the process keep pdfminer's own behaviour.

Image codecs (DCT, JPX, JBIG2 and, unlike pdfminer, CCITTFax) stay encoded: text extraction
never needs pixels, and pdfminer's pure-Python CCITT decoder allocates by the declared width,
whatever the data.
"""

from __future__ import annotations

import io
import logging
import zlib
from collections.abc import Iterable
from typing import Any, BinaryIO

from pdfminer import settings
from pdfminer.ascii85 import ascii85decode, asciihexdecode
from pdfminer.lzw import LZWDecoder
from pdfminer.pdfexceptions import PDFException, PDFNotImplementedError
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import (
    LITERAL_CRYPT,
    LITERALS_ASCII85_DECODE,
    LITERALS_ASCIIHEX_DECODE,
    LITERALS_CCITTFAX_DECODE,
    LITERALS_DCT_DECODE,
    LITERALS_FLATE_DECODE,
    LITERALS_JBIG2_DECODE,
    LITERALS_JPX_DECODE,
    LITERALS_LZW_DECODE,
    LITERALS_RUNLENGTH_DECODE,
    PDFStream,
    int_value,
)
from pdfminer.psparser import PSKeyword
from pdfminer.utils import apply_png_predictor, apply_tiff_predictor

from pipelines.documents.errors import DocumentError, megabytes, size_text

log = logging.getLogger(__name__)

_IMAGE_CODECS = (
    *LITERALS_DCT_DECODE,
    *LITERALS_JPX_DECODE,
    *LITERALS_JBIG2_DECODE,
    *LITERALS_CCITTFAX_DECODE,
)


class DecodeBudget:
    """Decoded bytes one document may produce: `per_stream` for any stream (and any stage of
    its filter chain), `per_document` for all streams together.

    The first excess is remembered: pdfminer swallows some exceptions (a broken font is
    skipped, not fatal), so `check()` re-raises it at the next checkpoint of `extract_pdf`.
    """

    def __init__(self, *, per_stream: int, per_document: int) -> None:
        self.per_stream = per_stream
        self.per_document = per_document
        self.used = 0
        self.error: DocumentError | None = None

    def limit(self) -> int:
        """The most one decoding stage may output now."""
        return max(0, min(self.per_stream, self.per_document - self.used))

    def charge(self, size: int) -> None:
        """Count a decoded stream against the document's budget."""
        self.used += size

    def exceeded(self, packed: int) -> DocumentError:
        """The error for a stream of `packed` bytes whose output passed `limit()`; sticky."""
        if self.error is None:
            if self.per_stream <= self.per_document - self.used:
                reason = (
                    f"decompression bomb: a PDF stream of {size_text(packed)} expands to more "
                    f"than {megabytes(self.per_stream)} MB, limit {megabytes(self.per_stream)} MB "
                    "per stream"
                )
            else:
                reason = (
                    f"decompression bomb: PDF streams expand to more than "
                    f"{megabytes(self.per_document)} MB in all, limit "
                    f"{megabytes(self.per_document)} MB per document"
                )
            self.error = DocumentError("decompression_bomb", reason)
        return self.error

    def check(self) -> None:
        """Raise the remembered excess, if any (a no-op for a document within its budget)."""
        if self.error is not None:
            raise self.error


class BoundedStream(PDFStream):
    """A `PDFStream` whose `decode` stays within a `DecodeBudget`."""

    def __init__(self, stream: PDFStream, budget: DecodeBudget) -> None:
        assert stream.rawdata is not None  # streams are wrapped as parsed, before decoding
        super().__init__(stream.attrs, stream.rawdata, stream.decipher)
        self.budget = budget

    def decode(self) -> None:
        """pdfminer's filter chain (decryption, filters, predictors) with bounded decoders."""
        assert self.rawdata is not None, "decoded twice"
        self.budget.check()
        data = self.rawdata
        packed = len(data)
        if self.decipher:
            assert self.objid is not None and self.genno is not None
            data = self.decipher(self.objid, self.genno, data, self.attrs)
        for name, params in self.get_filters():
            decoded = _apply(name, data, self.budget.limit())
            if decoded is None:
                raise self.budget.exceeded(packed)
            data = decoded
            if params and "Predictor" in params:
                data = _predict(data, params)
        self.budget.charge(len(data))
        self.data = data
        self.rawdata = None


class BoundedParser(PDFParser):
    """A `PDFParser` that wraps each stream it reads as a `BoundedStream` on `budget`."""

    def __init__(self, fp: BinaryIO, budget: DecodeBudget) -> None:
        super().__init__(fp)
        self.budget = budget

    def do_keyword(self, pos: int, token: PSKeyword) -> None:
        super().do_keyword(pos, token)
        if token is self.KEYWORD_STREAM and self.curstack:
            at, obj = self.curstack[-1]
            if type(obj) is PDFStream:  # just built by pdfminer from the file's bytes
                self.curstack[-1] = (at, BoundedStream(obj, self.budget))


def _apply(name: object, data: bytes, limit: int) -> bytes | None:
    """One filter's output, or None when it would pass `limit` (checked as it grows)."""
    if name in LITERALS_FLATE_DECODE:
        return _inflate(data, limit)
    if name in LITERALS_LZW_DECODE:
        return _bounded(LZWDecoder(io.BytesIO(data)).run(), limit)
    if name in LITERALS_RUNLENGTH_DECODE:
        return _run_length(data, limit)
    if name in LITERALS_ASCII85_DECODE or name in LITERALS_ASCIIHEX_DECODE:
        decoded = (ascii85decode if name in LITERALS_ASCII85_DECODE else asciihexdecode)(data)
        return decoded if len(decoded) <= limit else None  # at most 4x (ASCII85 "z")
    if name in _IMAGE_CODECS:
        return data
    if name == LITERAL_CRYPT:
        raise PDFNotImplementedError("/Crypt filter is unsupported")
    raise PDFNotImplementedError(f"Unsupported filter: {name!r}")


def _inflate(data: bytes, limit: int) -> bytes | None:
    """zlib-inflate at most `limit` + 1 bytes; a damaged stream yields what pdfminer's
    lenient path would (a bad Adler-32 is ignored; broken deflate data gives b"")."""
    try:
        out = zlib.decompressobj().decompress(data, limit + 1)
    except zlib.error as e:
        if settings.STRICT:
            raise PDFException(f"Invalid zlib bytes: {e!r}") from e
        try:  # raw deflate after the 2-byte header: the checksum is never looked at
            out = zlib.decompressobj(-15).decompress(data[2:], limit + 1)
        except zlib.error:
            log.debug("undecodable FlateDecode stream (%d bytes) read as empty", len(data))
            return b""
    return out if len(out) <= limit else None


def _bounded(chunks: Iterable[bytes], limit: int) -> bytes | None:
    out = bytearray()
    for chunk in chunks:
        out += chunk
        if len(out) > limit:
            return None
    return bytes(out)


def _run_length(data: bytes, limit: int) -> bytes | None:
    """RunLengthDecode (PDF 32000-1, 7.4.5); pdfminer's builds a list of ints, 8x the output."""
    out = bytearray()
    i, end = 0, len(data)
    while i < end:
        length = data[i]
        i += 1
        if length == 128:  # end of data
            break
        if length < 128:
            out += data[i : i + length + 1]
            i += length + 1
        elif i < end:
            out += data[i : i + 1] * (257 - length)
            i += 1
        if len(out) > limit:
            return None
    return bytes(out)


def _predict(data: bytes, params: dict[str, Any]) -> bytes:
    """PNG and TIFF predictors, as pdfminer applies them (their output is never larger)."""
    predictor = int_value(params["Predictor"])
    if predictor == 1:
        return data
    colors = int_value(params.get("Colors", 1))
    columns = int_value(params.get("Columns", 1))
    bits = int_value(params.get("BitsPerComponent", 8))
    if predictor == 2:
        return apply_tiff_predictor(colors, columns, bits, data)
    if predictor >= 10:
        return apply_png_predictor(predictor, colors, columns, bits, data)
    raise PDFNotImplementedError(f"Unsupported predictor: {predictor!r}")
