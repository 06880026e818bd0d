"""`selectio screen` and `selectio search` as a user runs them on a fresh home: embedded
database and a local Ray started on demand, Ray tasks doing the work, a ranked table, one line
per failed file, and the ranking stored for later searches."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from tests.pipelines import samples

pytestmark = [pytest.mark.ray, pytest.mark.e2e]


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SELECTIO_", "RAY_"))}
    env.update(SELECTIO_HOME=str(home), SELECTIO_LLM_ENGINE="offline", COLUMNS="160")
    env["SELECTIO_EMBEDDING_ENGINE"] = "offline"
    return subprocess.run(
        [sys.executable, "-m", "serve_apps", *args],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def _docx(text: str) -> bytes:
    document = Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_screen_ranks_and_reports_failures(tmp_path: Path) -> None:
    files = {
        "vacancy.txt": samples.VACANCY_EN.encode(),
        "john.docx": _docx(samples.STRONG_EN),
        "mary.txt": samples.WEAK_EN.encode(),
        "eve.txt": samples.WEAK_EN.replace("Mary Jones", "Eve Adams")
        .replace("mary.jones", "eve.adams")
        .replace("7946 0958", "7946 1234")
        .encode()
        + samples.INJECTION.encode(),
        "empty.pdf": b"",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    home = tmp_path / "home"
    resumes = [str(tmp_path / n) for n in ("john.docx", "mary.txt", "eve.txt", "empty.pdf")]
    result = _cli(home, "screen", "--vacancy", str(tmp_path / "vacancy.txt"), *resumes)
    assert result.returncode == 0, result.stderr[-3000:] + result.stdout[-3000:]
    out = result.stdout
    assert "4/4" in out  # the progress bar reached the end
    rows = [line for line in out.splitlines() if line.startswith("│")]
    names = [row.split("│")[2].strip() for row in rows]
    assert names[0] == "John Smith"
    assert set(names) == {"John Smith", "Mary Jones", "Eve Adams"}
    eve = next(row for row in rows if "Eve Adams" in row)
    assert "prompt_injection" in eve
    assert "failed empty.pdf: empty file" in out
    assert "Traceback" not in result.stderr

    john_application = next(row for row in rows if "John Smith" in row).split("│")[6].strip()
    invite = _cli(home, "interview", "invite", "--application", john_application, "--hours", "2")
    assert invite.returncode == 0, invite.stderr[-2000:]
    link = invite.stdout.strip().splitlines()[-1]
    assert "/interview/iv1." in link

    search = _cli(home, "search", "python fastapi postgres")
    assert search.returncode == 0, search.stderr[-2000:]
    first = next(line for line in search.stdout.splitlines() if line.startswith("│"))
    assert "John Smith" in first


def test_screen_with_unreadable_vacancy_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "vacancy.pdf").write_bytes(b"%PDF-1.7 truncated")
    (tmp_path / "a.txt").write_text(samples.STRONG_EN)
    result = _cli(
        tmp_path / "home", "screen", "--vacancy", str(tmp_path / "vacancy.pdf"),
        str(tmp_path / "a.txt"),
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: vacancy vacancy.pdf: corrupt PDF")
    assert "Traceback" not in result.stderr
