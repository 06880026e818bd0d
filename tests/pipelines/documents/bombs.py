"""Builders for decompression bombs: PDFs whose streams inflate far past their size, and ZIPs
(DOCX) whose directory lies about how big the members are.

Everything is written by hand with zlib and struct, streaming, so a bomb that expands to
1 GiB is built in about a second without ever holding the expanded bytes. Used by the tests
(small bombs, small limits) and by `benchmarks/document_bombs.py` (full-size bombs, default
limits). No pytest here: the benchmark imports this module too.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

MIB = 1024 * 1024
TEXT = "Jane Doe, data engineer. Skills: Python, SQL, Spark."


def repeated(total: int, byte: bytes = b" ", chunk: int = MIB) -> Iterator[bytes]:
    """`total` copies of one byte, in chunks (the easiest thing to compress ~1000:1)."""
    block = byte * chunk
    while total > 0:
        yield block[: min(chunk, total)]
        total -= chunk


def deflated(chunks: Iterable[bytes], *, raw: bool = False) -> tuple[bytes, int, int]:
    """(compressed, crc32, size) of the chunks: a zlib stream for PDF, raw deflate for ZIP."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15 if raw else 15)
    out = io.BytesIO()
    crc = size = 0
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
        out.write(packer.compress(chunk))
    out.write(packer.flush())
    return out.getvalue(), crc, size


# ---- PDF ----


def text_operators(text: str = TEXT, y: int = 720) -> bytes:
    """A content stream that writes one line in Helvetica."""
    return f"BT /F1 12 Tf 72 {y} Td ({text}) Tj ET\n".encode("latin-1")


def pdf_document(contents: Sequence[bytes], *, filters: str = "/FlateDecode") -> bytes:
    """A valid PDF with one page per content stream; each stream is stored as given, with
    `filters` as its /Filter ("" for none). Offsets in the xref table are exact."""
    objects: list[bytes] = []
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(contents)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(contents)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, stream in enumerate(contents):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode()
        )
        head = f"<< /Length {len(stream)}" + (f" /Filter {filters}" if filters else "") + " >>"
        objects.append(head.encode() + b"\nstream\n" + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode())
    out.write(f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def flate_page(padding: int, text: str = TEXT) -> bytes:
    """A FlateDecode content stream: one line of text, then `padding` spaces (white space is
    legal anywhere between operators, so the page stays valid however big it gets)."""
    return deflated([text_operators(text), *repeated(padding)])[0]


def run_length_page(padding: int, text: str = TEXT) -> bytes:
    """A RunLengthDecode content stream: the text as literal runs, then `padding` spaces as
    repeat runs of 128 (2 bytes each: the filter's best ratio, 64:1)."""
    ops = text_operators(text)
    literal = b"".join(bytes([len(part) - 1]) + part for part in _pieces(ops, 128))
    return literal + b"\x81 " * (padding // 128) + b"\x80"


def _pieces(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def pdf_bomb(expanded: int, *, pages: int = 1) -> bytes:
    """A PDF of `pages` pages whose content streams inflate to `expanded` bytes in all."""
    return pdf_document([flate_page(expanded // pages) for _ in range(pages)])


def double_flate_pdf_bomb(expanded: int) -> bytes:
    """One content stream deflated twice (/Filter [/FlateDecode /FlateDecode]): the outer
    layer is small, the inner one is the bomb."""
    inner = flate_page(expanded)
    return pdf_document([deflated([inner])[0]], filters="[/FlateDecode /FlateDecode]")


# ---- ZIP / DOCX ----


@dataclass(frozen=True)
class Member:
    """One ZIP member: its content as chunks, and the size its headers declare (None: true)."""

    name: str
    chunks: Iterable[bytes]
    declared: int | None = None
    method: int = zipfile.ZIP_DEFLATED


def forged_zip(members: Sequence[Member]) -> bytes:
    """A ZIP written header by header, so the local and central headers can lie about the
    uncompressed size (CRCs are true; only the sizes are forged)."""
    out = io.BytesIO()
    central = io.BytesIO()
    for member in members:
        if member.method == zipfile.ZIP_DEFLATED:
            packed, crc, size = deflated(member.chunks, raw=True)
        elif member.method == zipfile.ZIP_STORED:
            packed = b"".join(member.chunks)
            crc, size = zlib.crc32(packed), len(packed)
        else:  # e.g. bzip2: let zipfile compress it, then copy the compressed bytes
            packed, crc, size = _compressed_with(member)
        declared = size if member.declared is None else member.declared
        name = member.name.encode()
        offset = out.tell()
        sizes = (crc, len(packed), declared, len(name))
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 46, 0, member.method, 0, 0x21, *sizes, 0))
        out.write(name)
        out.write(packed)
        central.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                *(0x02014B50, 46, 46, 0, member.method, 0, 0x21, *sizes, 0, 0, 0, 0, 0, offset),
            )
        )
        central.write(name)
    start = out.tell()
    directory = central.getvalue()
    out.write(directory)
    count = len(members)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), start, 0))
    return out.getvalue()


def _compressed_with(member: Member) -> tuple[bytes, int, int]:
    buf = io.BytesIO()
    content = b"".join(member.chunks)
    with zipfile.ZipFile(buf, "w", compression=member.method) as archive:
        archive.writestr(member.name, content)
    with zipfile.ZipFile(buf) as archive:
        info = archive.getinfo(member.name)
    data = buf.getvalue()
    name_len, extra_len = struct.unpack(
        "<HH", data[info.header_offset + 26 : info.header_offset + 30]
    )
    start = info.header_offset + 30 + name_len + extra_len
    return data[start : start + info.compress_size], zlib.crc32(content), len(content)


def docx_parts(text: str = TEXT) -> dict[str, bytes]:
    """The members of a minimal real DOCX written by python-docx."""
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    with zipfile.ZipFile(buf) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def forged_docx(padding: int, *, declared: int | None = None, method: int = 8) -> bytes:
    """A real DOCX whose word/document.xml is followed by `padding` spaces (white space after
    the root element is valid XML). `declared` forges that member's size in both headers; by
    default it claims the size of the document without the padding."""
    parts = docx_parts()
    members = []
    for name, content in parts.items():
        if name == "word/document.xml":
            claim = len(content) if declared is None else declared
            members.append(Member(name, [content, *repeated(padding)], claim, method))
        else:
            members.append(Member(name, [content], None, method))
    return forged_zip(members)
