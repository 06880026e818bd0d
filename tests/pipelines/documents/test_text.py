"""TXT decoding (BOMs, UTF-8, Cyrillic code pages), clean-up, and pasted text."""

from __future__ import annotations

import random

import pytest

from pipelines.documents import (
    DocumentError,
    DocumentLimits,
    extract_document,
    extract_pasted_text,
)
from pipelines.documents.text import normalize_text

RUSSIAN = (
    "Иванов Иван Петрович\n"
    "Опыт работы: ведущий инженер-программист, разработка на Python и Go.\n"
    "Навыки: PostgreSQL, Kafka, английский язык B2.\n"
    "Ёлки, щука, съезд, подъём, объявление."
)
ENGLISH = "Jane Doe\nSenior data engineer: Spark, Airflow, SQL."


def _error(data: bytes, filename: str = "cv.txt", **kwargs: object) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        extract_document(data, filename, **kwargs)  # type: ignore[arg-type]
    return info.value


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (ENGLISH + "\nCafé — naïve résumé", "utf-8"),
        (RUSSIAN, "utf-8"),
        (RUSSIAN, "utf-8-sig"),
        (RUSSIAN, "utf-16"),  # with a BOM, as Notepad writes it
        (RUSSIAN, "utf-16-le"),  # without a BOM
        (RUSSIAN, "cp1251"),
        (RUSSIAN, "koi8-r"),
    ],
)
def test_text_decodes_to_the_original(text: str, encoding: str) -> None:
    doc = extract_document(text.encode(encoding), "cv.txt")
    assert (doc.text, doc.kind, doc.pages, doc.hidden_text) == (text, "txt", None, "")


def test_short_cyrillic_texts_pick_the_right_code_page() -> None:
    for encoding in ("cp1251", "koi8-r"):
        assert extract_document("Привет, мир".encode(encoding), "a.txt").text == "Привет, мир"


def test_markdown_and_text_extensions_are_text() -> None:
    assert (
        extract_document(b"# Jane Doe\n\nData engineer", "cv.md").text
        == "# Jane Doe\n\nData engineer"
    )
    assert extract_document(b"Jane", "cv.text").text == "Jane"


def test_random_binary_is_an_unsupported_encoding() -> None:
    error = _error(random.Random(1).randbytes(4096))
    assert (error.code, error.reason) == ("unsupported_encoding", "unsupported text encoding")


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  ", "  \n ".encode("utf-16")])
def test_empty_and_whitespace_only_files(data: bytes) -> None:
    error = _error(data)
    assert (error.code, error.reason) == ("empty_file", "empty file")


def test_text_without_words() -> None:
    error = _error(b"---\n12345\n***")
    assert (error.code, error.reason) == ("no_text", "no text: the document contains no words")


def test_oversize_file_is_refused() -> None:
    error = _error(b"a" * (2 * 1024 * 1024), limits=DocumentLimits(max_bytes=1024 * 1024))
    assert (error.code, error.reason) == ("too_large", "file too large: 2 MB, limit 1 MB")


def test_normalization() -> None:
    raw = "  Jane\x00 Doe \r\nline\x07 two\rthree\u200b\t\tfour\n\n\n\n\n\nend\ufb01ne  "
    assert normalize_text(raw) == "Jane Doe\nline two\nthree four\n\n\nendfine"


def test_pasted_text_is_cleaned_and_limited() -> None:
    doc = extract_pasted_text("  Senior Python developer\r\n\r\nRemote  ")
    assert (doc.text, doc.kind, doc.pages, doc.warnings) == (
        "Senior Python developer\n\nRemote",
        "txt",
        None,
        [],
    )
    error = _raises(lambda: extract_pasted_text(" \n "))
    assert (error.code, error.reason) == ("empty_file", "empty file")
    error = _raises(
        lambda: extract_pasted_text("я" * 600_000, limits=DocumentLimits(max_bytes=2**20))
    )
    assert (error.code, error.reason) == ("too_large", "file too large: 1.1 MB, limit 1 MB")


def test_long_text_is_cut_with_a_warning() -> None:
    doc = extract_pasted_text("word " * 100, limits=DocumentLimits(max_text_chars=50))
    assert len(doc.text) == 50
    assert doc.warnings == ["text cut to the first 50 characters"]


def _raises(call) -> DocumentError:  # type: ignore[no-untyped-def]
    with pytest.raises(DocumentError) as info:
        call()
    return info.value
