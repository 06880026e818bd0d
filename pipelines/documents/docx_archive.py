"""ZIP bomb checks for DOCX uploads, before python-docx opens the archive.

The sizes a ZIP directory declares are the uploader's to write. zipfile's `read()` inflates a
whole member in one call and only then cuts it to the declared size, so a 0.5 MB DOCX whose
headers claimed 1.6 KB took a worker to 1.05 GB. The declared sizes are still checked first
(free, and exact for an honest bomb); then every member is inflated here in 64 KiB steps,
counting the bytes that really come out and stopping one step past the limit, whatever the
headers say. The ratio check uses the real count too.
"""

from __future__ import annotations

import io
import logging
import struct
import zipfile
import zlib

from pipelines.documents.errors import MIB, DocumentError, megabytes, size_text
from pipelines.documents.limits import DocumentLimits

log = logging.getLogger(__name__)

_STEP = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature ... file name length, extra field length
_LOCAL_MAGIC = b"PK\x03\x04"


def check_archive(data: bytes, limits: DocumentLimits) -> None:
    """Refuse an archive that inflates past `max_docx_uncompressed` or packs more tightly than
    `max_docx_ratio`; `corrupt_docx` for what is no ZIP a Word processor writes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except Exception as e:  # hostile central directories raise more than BadZipFile
        raise DocumentError("corrupt_docx", "corrupt DOCX: not a valid ZIP archive") from e
    limit = limits.max_docx_uncompressed
    declared = sum(info.file_size for info in infos)
    if declared > limit:
        raise DocumentError(
            "zip_bomb", f"DOCX expands to {megabytes(declared)} MB, limit {megabytes(limit)} MB"
        )
    view = memoryview(data)
    real = 0
    for info in infos:
        size = _inflated_size(view, info, limit - real)
        if size is None:
            raise DocumentError(
                "zip_bomb",
                f"DOCX expands to more than {megabytes(limit)} MB (its ZIP directory declares "
                f"{size_text(declared)}), limit {megabytes(limit)} MB",
            )
        real += size
    ratio = real / max(sum(info.compress_size for info in infos), 1)
    if real > MIB and ratio > limits.max_docx_ratio:  # small XML may legitimately pack well
        raise DocumentError(
            "zip_bomb",
            f"DOCX compression ratio {ratio:.0f}:1, limit {limits.max_docx_ratio:.0f}:1",
        )


def _inflated_size(data: memoryview, info: zipfile.ZipInfo, allowance: int) -> int | None:
    """Bytes the member really inflates to, or None once that passes `allowance`.

    Reads the same compressed bytes zipfile would (from the local header on, `compress_size`
    of them). Damaged deflate data counts as far as it inflates: python-docx fails on it later
    only if the member is a part it reads, as before this check existed.
    """
    if info.flag_bits & 0x1:
        raise DocumentError("corrupt_docx", "corrupt DOCX: encrypted ZIP members")
    packed = _packed_bytes(data, info)
    if info.compress_type == zipfile.ZIP_STORED:
        return len(packed) if len(packed) <= allowance else None
    if info.compress_type != zipfile.ZIP_DEFLATED:  # OPC allows only these two (ECMA-376-2)
        raise DocumentError(
            "corrupt_docx", f"corrupt DOCX: unsupported ZIP compression method {info.compress_type}"
        )
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    size = 0
    try:
        for start in range(0, len(packed), _STEP):
            pending: bytes | memoryview = packed[start : start + _STEP]
            while pending and not inflater.eof:
                size += len(inflater.decompress(pending, _STEP))
                if size > allowance:
                    return None
                pending = inflater.unconsumed_tail
            if inflater.eof:
                break
    except zlib.error:
        log.debug("damaged deflate data in a DOCX member; counted %d bytes", size)
    return size


def _packed_bytes(data: memoryview, info: zipfile.ZipInfo) -> memoryview:
    offset = info.header_offset
    header = bytes(data[offset : offset + _LOCAL_HEADER.size])
    if len(header) < _LOCAL_HEADER.size:
        raise DocumentError("corrupt_docx", "corrupt DOCX: not a valid ZIP archive")
    magic, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    if magic != _LOCAL_MAGIC:
        raise DocumentError("corrupt_docx", "corrupt DOCX: not a valid ZIP archive")
    start = offset + _LOCAL_HEADER.size + name_length + extra_length
    return data[start : start + info.compress_size]
