"""The entry point's contract: limits before parsing, and no exception but DocumentError for
any bytes, however broken (truncations and bit flips of real PDFs and DOCX files)."""

from __future__ import annotations

import random

import pytest

from pipelines.documents import DocumentError, DocumentLimits, ExtractedDocument, extract_document
from tests.pipelines.documents import fixtures as f


def test_size_is_checked_before_anything_else() -> None:
    with pytest.raises(DocumentError) as info:
        data = b"\x00" * (3 * 1024 * 1024 // 2)  # not even a supported type: never looked at
        extract_document(data, "cv.xyz", limits=DocumentLimits(max_bytes=1024 * 1024))
    assert (info.value.code, info.value.reason) == (
        "too_large",
        "file too large: 1.5 MB, limit 1 MB",
    )


def test_empty_is_checked_before_the_type() -> None:
    for name in ("cv.pdf", "cv.docx", "cv.xyz"):
        with pytest.raises(DocumentError) as info:
            extract_document(b" \n", name)
        assert (info.value.code, info.value.reason) == ("empty_file", "empty file")


def test_error_exposes_code_and_reason() -> None:
    error = DocumentError("encrypted_pdf", "password-protected PDF")
    assert (error.code, error.reason, str(error)) == (
        "encrypted_pdf",
        "password-protected PDF",
        "password-protected PDF",
    )


def _mutations(data: bytes, seed: int, count: int) -> list[bytes]:
    rng = random.Random(seed)
    out = [data[: rng.randrange(1, len(data))] for _ in range(count // 2)]
    for _ in range(count - len(out)):
        flipped = bytearray(data)
        for _ in range(rng.randrange(1, 20)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        out.append(bytes(flipped))
    return out


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("cv.pdf", f.resume_pdf),
        ("cv.docx", f.body_order_docx),
        ("cv.txt", lambda: "Жанна".encode()),
    ],
)
def test_broken_inputs_raise_only_document_errors(name: str, build) -> None:  # type: ignore[no-untyped-def]
    original = build()
    codes = set()
    for data in _mutations(original, seed=len(original), count=40):
        try:
            result = extract_document(data, name)
        except DocumentError as e:
            assert e.reason and e.code
            codes.add(e.code)
        else:
            assert isinstance(result, ExtractedDocument)
    assert codes  # the mutations did break something


def test_a_parser_bug_still_surfaces_as_a_document_error(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from pipelines.documents import pdf

    def broken(data: bytes, limits: DocumentLimits) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(pdf, "extract_pdf", broken)
    with pytest.raises(DocumentError) as info:
        extract_document(f.text_pdf(["Jane"]), "cv.pdf")
    assert (info.value.code, info.value.reason) == (
        "corrupt_pdf",
        "corrupt PDF: the file cannot be read",
    )
    assert isinstance(info.value.__cause__, RuntimeError)
