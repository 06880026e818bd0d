"""`selectio screen` and `selectio search` as a user runs them on a fresh home: embedded
database and a local Ray started on demand, Ray tasks doing the work, a ranked table, one line
per failed file, and the ranking stored for later searches. The ranking's length and the
workspace created on first use are also checked in-process on the module's database."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from psycopg_pool import ConnectionPool
from rich.console import Console

from db import applications, candidates, vacancies
from db.errors import NotFound
from db.pool import transaction
from db.workspaces import Workspace
from serve_apps import cli_screening
from tests.pipelines import samples

Ranked = tuple[Workspace, int]  # a workspace and its vacancy with five applications


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SELECTIO_", "RAY_"))}
    env.update(SELECTIO_HOME=str(home), SELECTIO_LLM_ENGINE="offline", COLUMNS="160")
    env["SELECTIO_EMBEDDING_ENGINE"] = "offline"
    return subprocess.run(
        [sys.executable, "-m", "serve_apps", *args],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.mark.ray
@pytest.mark.e2e
def test_screen_ranks_and_reports_failures(tmp_path: Path) -> None:
    files = {
        "vacancy.txt": samples.VACANCY_EN.encode(),
        "john.docx": samples.docx_from_text(samples.STRONG_EN),
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
    vacancy = str(tmp_path / "vacancy.txt")
    result = _cli(home, "screen", "--vacancy", vacancy, "--workspace", "hr-team", *resumes)
    assert result.returncode == 0, result.stderr[-3000:] + result.stdout[-3000:]
    out = result.stdout
    assert "workspace hr-team created" in out  # a new workspace is made on first use
    assert "4/4" in out  # the progress bar reached the end
    rows = [line for line in out.splitlines() if line.startswith("│")]
    names = [row.split("│")[2].strip() for row in rows]
    assert names[0] == "John Smith"
    assert set(names) == {"John Smith", "Mary Jones", "Eve Adams"}
    eve = next(row for row in rows if "Eve Adams" in row)
    assert "prompt_injection" in eve
    assert "failed empty.pdf: empty file" in out
    assert "more not shown" not in out  # every row is printed unless --top asks for less
    assert "Traceback" not in result.stderr

    john_application = next(row for row in rows if "John Smith" in row).split("│")[6].strip()
    invite = _cli(
        home, "interview", "invite", "--application", john_application, "--hours", "2",
        "--workspace", "hr-team",
    )  # fmt: skip
    assert invite.returncode == 0, invite.stderr[-2000:]
    link = invite.stdout.strip().splitlines()[-1]
    assert "/interview/iv1." in link

    search = _cli(home, "search", "python fastapi postgres", "--workspace", "hr-team")
    assert search.returncode == 0, search.stderr[-2000:]
    first = next(line for line in search.stdout.splitlines() if line.startswith("│"))
    assert "John Smith" in first


@pytest.mark.e2e
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


@pytest.mark.e2e
@pytest.mark.parametrize("text", ["x", "Python developer", "Бухгалтер"])
def test_screen_refuses_a_vacancy_too_short_in_one_line(tmp_path: Path, text: str) -> None:
    (tmp_path / "vacancy.txt").write_text(text)
    (tmp_path / "a.txt").write_text(samples.STRONG_EN)
    result = _cli(
        tmp_path / "home", "screen", "--vacancy", str(tmp_path / "vacancy.txt"),
        str(tmp_path / "a.txt"),
    )  # fmt: skip
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: vacancy vacancy.txt: vacancy too short to screen against")
    assert not (tmp_path / "home" / "pgdata").exists()  # refused before anything started


def test_a_workspace_is_created_on_first_use(pool: ConnectionPool) -> None:
    created = cli_screening.workspace_for_cli(pool, "first-use")
    assert created.slug == "first-use"
    assert cli_screening.workspace_for_cli(pool, "first-use").id == created.id
    assert cli_screening.workspace_for_cli(pool, str(created.id)).id == created.id
    missing = str(uuid.uuid4())
    with pytest.raises(NotFound, match="selectio workspace create"):
        cli_screening.workspace_for_cli(pool, missing)


@pytest.fixture(scope="module")
def five_applications(pool: ConnectionPool) -> Ranked:
    """A workspace with a vacancy and five unscreened applications."""
    workspace = cli_screening.workspace_for_cli(pool, "ranking-rows")
    with transaction(pool, workspace_id=workspace.id) as conn:
        vacancy = vacancies.create_vacancy(
            conn, workspace_id=workspace.id, title="Python developer", language="en"
        )
        for n in range(5):
            candidate = candidates.create_candidate(
                conn, workspace_id=workspace.id, full_name=f"Candidate {n}"
            )
            applications.create_application(
                conn, workspace_id=workspace.id, candidate_id=candidate.id, vacancy_id=vacancy.id
            )
    return workspace, vacancy.id


def _printed_ranking(
    pool: ConnectionPool, monkeypatch: pytest.MonkeyPatch, ranked: Ranked, top: int | None
) -> str:
    buffer = io.StringIO()
    monkeypatch.setattr(cli_screening, "console", Console(file=buffer, width=160))
    monkeypatch.setattr(cli_screening, "_PAGE", 2)  # five rows take three ranking queries
    workspace, vacancy_id = ranked
    cli_screening.print_ranking(pool, workspace, vacancy_id, [("bad.pdf", "empty file")], top=top)
    return buffer.getvalue()


def test_ranking_prints_every_row_by_default(
    pool: ConnectionPool, monkeypatch: pytest.MonkeyPatch, five_applications: Ranked
) -> None:
    out = _printed_ranking(pool, monkeypatch, five_applications, None)
    assert sum(f"Candidate {n}" in out for n in range(5)) == 5
    assert "more not shown" not in out
    assert out.rstrip().endswith("failed bad.pdf: empty file")


def test_ranking_cut_by_top_says_how_many_rows_are_left_out(
    pool: ConnectionPool, monkeypatch: pytest.MonkeyPatch, five_applications: Ranked
) -> None:
    out = _printed_ranking(pool, monkeypatch, five_applications, 2)
    assert sum(f"Candidate {n}" in out for n in range(5)) == 2
    assert "Ranking: best 2 of 5" in out
    _, vacancy_id = five_applications
    assert (
        f"… 3 more not shown (--top 2); to see all 5: selectio ranking {vacancy_id} "
        "--workspace ranking-rows"
    ) in out
