"""Hostile input at the API's edge (issue 11): oversized bodies refused before they are read,
unreadable files answered in the error shape, file names that are paths, NUL bytes or
thousands of characters stored safely, ids of nothing answered 404."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from psycopg_pool import ConnectionPool

from db.settings import Settings
from serve_apps import accounts
from serve_apps.app import attach, build_app
from serve_apps.file_names import MAX_NAME, safe_file_name

VACANCY = (
    "Python Developer\nWe build payment services. You will write Python and PostgreSQL "
    "code, review pull requests and keep our APIs fast. Three years of Python required."
)


@pytest.fixture(scope="module")
def small_client(pool: ConnectionPool, settings: Settings) -> Iterator[TestClient]:
    """The API with a 1 MB request limit (the default is 64 MB)."""
    tight = settings.model_copy(update={"max_request_mb": 1.0})
    with TestClient(attach(build_app(), pool=pool, settings=tight)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def key(client: TestClient, pool: ConnectionPool) -> dict[str, str]:
    workspace = accounts.create_workspace(pool, name="Hostile Input", owner_id=None)
    _, plaintext = accounts.issue_api_key(pool, workspace_id=workspace.id, name="t")
    return {"X-API-Key": plaintext}


def test_a_declared_body_over_the_limit_is_refused_unread(
    small_client: TestClient, key: dict[str, str]
) -> None:
    body = b"x" * (2 * 1024 * 1024)
    response = small_client.post(
        "/api/v1/resumes", files={"files": ("big.txt", body, "text/plain")}, headers=key
    )
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "request_too_large"


def test_a_streamed_body_without_length_is_cut_at_the_limit(
    small_client: TestClient, key: dict[str, str]
) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"y" * 65536  # 2.5 MB in all, no Content-Length

    response = small_client.post(
        "/api/v1/vacancies", content=chunks(), headers={**key, "Content-Type": "application/json"}
    )
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "request_too_large"


def test_a_body_under_the_limit_still_passes(small_client: TestClient, key: dict[str, str]) -> None:
    response = small_client.post("/api/v1/vacancies", json={"description": VACANCY}, headers=key)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("empty.pdf", b"", "empty_file"),
        ("broken.pdf", b"%PDF-1.7\n garbage that is no pdf", "corrupt_pdf"),
        ("random.docx", b"PK\x03\x04" + bytes(range(256)) * 8, "corrupt_docx"),
    ],
)
def test_an_unreadable_vacancy_file_is_422_with_its_code(
    client: TestClient, key: dict[str, str], name: str, data: bytes, code: str
) -> None:
    response = client.post(
        "/api/v1/vacancies/parse", files={"file": (name, data, "application/octet-stream")},
        headers=key,
    )  # fmt: skip
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code


def _multipart(parts: list[tuple[bytes, bytes]]) -> tuple[bytes, str]:
    """A multipart body written by hand, so file names go out byte for byte (httpx would
    percent-encode a NUL)."""
    boundary = b"hostileboundary"
    body = b""
    for name, content in parts:
        body += b"--" + boundary + b"\r\n"
        body += b'Content-Disposition: form-data; name="files"; filename="' + name + b'"\r\n'
        body += b"Content-Type: text/plain\r\n\r\n" + content + b"\r\n"
    body += b"--" + boundary + b"--\r\n"
    return body, f"multipart/form-data; boundary={boundary.decode()}"


def test_file_names_with_nul_bytes_paths_and_long_names_are_stored_whole_batch(
    client: TestClient, key: dict[str, str]
) -> None:
    body, content_type = _multipart([
        (b"cv\x00evil.txt", b"Anna Petrova\nPython developer, 5 years."),
        (b"a" * 900 + b".txt", b"Ivan Orlov\nQA engineer, 3 years."),
        (b"C:\\Users\\hr\\Desktop\\cv.txt", b"Olga Lee\nAnalyst."),
    ])  # fmt: skip
    response = client.post(
        "/api/v1/resumes", content=body, headers={**key, "Content-Type": content_type}
    )
    assert response.status_code == 202, response.text
    names = [r["file_name"] for r in response.json()["resumes"]]
    assert names[0] == "cvevil.txt"
    assert len(names[1]) == MAX_NAME and names[1].endswith(".txt")
    assert names[2] == "cv.txt"


def test_a_name_too_long_for_the_multipart_parser_is_an_error_in_the_api_shape(
    client: TestClient, key: dict[str, str]
) -> None:
    files = {"files": ("a" * 5000 + ".txt", b"Ivan Orlov", "text/plain")}
    response = client.post("/api/v1/resumes", files=files, headers=key)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "bad_request"


def test_an_unknown_path_is_404_in_the_api_shape(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("raw", "safe"),
    [(None, "resume"), ("", "resume"), ("../../etc/passwd", "passwd"), ("\x00\x01", "resume"),
     ("отклик.pdf", "отклик.pdf"), ("..", "resume")],
)  # fmt: skip
def test_safe_file_name(raw: str | None, safe: str) -> None:
    assert safe_file_name(raw, "resume") == safe


def test_rescreening_a_vacancy_that_does_not_exist_is_404(
    client: TestClient, key: dict[str, str]
) -> None:
    response = client.post("/api/v1/vacancies/999999/rescreen", headers=key)
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "not_found"
