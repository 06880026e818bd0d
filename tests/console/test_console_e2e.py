"""The recruiter's day in a real browser: the console served by `streamlit run`, driven by
Playwright in headless Debian Chromium against the real API. Sign in, create a vacancy from a
file, upload three resumes and watch them parse, open the top candidate and invite them; once
their interview is over (written as the product stores one), analyse it, render and download
the report PDF, and open the dashboard. Screenshots of every step go to the artefacts folder
(`$SELECTIO_ARTIFACTS`, default `.artifacts/` in the repository) under `console-e2e/`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from db import applications, interviews, turns
from db.pool import transaction
from serve_apps import accounts
from tests.conftest import free_port
from tests.pipelines import samples
from tests.pipelines.analysis import transcripts

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
WHO = ("erin@e2e.test", "erin-password-1")
TIMEOUT_MS = 60_000
VACANCY_FILE = samples.VACANCY_EN
ANNA = samples.weak_en_as("Anna Lee", "anna.lee@example.com", "+44 20 7946 0222")


@pytest.fixture(scope="module")
def artefacts() -> Path:
    folder = Path(os.environ.get("SELECTIO_ARTIFACTS", ROOT / ".artifacts")) / "console-e2e"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return folder


@pytest.fixture(scope="module")
def console_url(api_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run console/app.py` on a free port, pointed at the test API."""
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "console.log"
    env = {**os.environ, "SELECTIO_API_URL": api_url}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "console" / "app.py"),
             "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/_stcore/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        process.kill()
        raise RuntimeError(f"the console did not start:\n{log.read_text()[-3000:]}")
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def recruiter(pool):  # type: ignore[no-untyped-def]
    user = accounts.create_user_account(pool, email=WHO[0], password=WHO[1], full_name="Erin")
    return accounts.create_workspace(pool, name="E2E Hiring", owner_id=user.id)


def _finish_interview(pool, workspace_id, application_id: int) -> None:  # type: ignore[no-untyped-def]
    """The invited interview, held and stored as the product stores one (greeting, questions,
    answers, then completed)."""
    script = transcripts.strong_en()
    with transaction(pool, workspace_id=workspace_id) as conn:
        row = conn.execute(
            "select id from interviews where application_id = %s and status = 'created'",
            (application_id,),
        ).fetchone()
        interview_id = row[0]
        epoch = interviews.bump_epoch(conn, interview_id=interview_id)
        interviews.set_interview_status(conn, interview_id=interview_id, status="active")
        for turn in script.turns:
            turns.append_turn(
                conn, workspace_id=workspace_id, interview_id=interview_id, epoch=epoch,
                seq=turn.seq, role=turn.role, text=turn.text, question_index=turn.question_index,
                kind=turn.kind, started_at=turn.started_at, ended_at=turn.ended_at,
            )  # fmt: skip
        interviews.set_interview_status(conn, interview_id=interview_id, status="completed")


def test_a_recruiters_day_in_chromium(console_url, recruiter, pool, artefacts, tmp_path) -> None:
    from playwright.sync_api import expect, sync_playwright

    vacancy_file = tmp_path / "python-developer.txt"
    vacancy_file.write_text(VACANCY_FILE)
    resumes = []
    for name, text in (("john.txt", samples.STRONG_EN), ("mary.txt", samples.WEAK_EN),
                       ("anna.txt", ANNA)):  # fmt: skip
        path = tmp_path / name
        path.write_text(text)
        resumes.append(str(path))

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)  # expect() keeps its own 5 s default otherwise

        def shot(name: str) -> None:
            page.wait_for_timeout(300)  # let the last rerun paint
            page.screenshot(path=str(artefacts / f"{name}.png"), full_page=True)

        try:
            page.goto(f"{console_url}/?lang=en")
            page.get_by_label("Email").fill(WHO[0])
            page.get_by_role("textbox", name="Password").fill(WHO[1])
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
            shot("01-signed-in")

            # A vacancy from a file: what was read is shown for correction, then saved.
            page.get_by_role("link", name="Vacancies").click()
            page.locator("summary", has_text="New vacancy").click()
            page.get_by_text("Upload a file").click()
            page.locator('input[type="file"]').set_input_files(str(vacancy_file))
            page.get_by_role("button", name="Read requirements").click()
            expect(page.get_by_text("Check what was read, correct it, then save")).to_be_visible()
            shot("02-vacancy-read")
            page.get_by_role("button", name="Save vacancy").click()
            expect(page.get_by_role("heading", name="Senior Python Developer")).to_be_visible()
            shot("03-vacancy-saved")

            # Three resumes uploaded; each file's status shown until all are processed.
            page.get_by_role("link", name="Candidates", exact=True).click()
            page.locator("summary", has_text="Upload resumes").click()
            page.locator('input[type="file"]').set_input_files(resumes)
            page.get_by_role("button", name="Upload and read").click()
            expect(page.get_by_text("All files processed: 3 parsed, 0 failed.")).to_be_visible()
            expect(page.get_by_text("1–3 of 3")).to_be_visible()
            shot("04-resumes-parsed")

            # The top candidate: opened and invited.
            page.get_by_role("button", name="Open candidate").click()
            expect(page.get_by_role("heading", name="John Smith")).to_be_visible()
            page.get_by_role("tab", name="Screening").click()
            page.get_by_role("button", name="Invite to a voice interview").click()
            expect(page.get_by_text("Invitation ready")).to_be_visible()
            expect(page.locator("code", has_text="/interview/")).to_be_visible()
            shot("05-candidate-invited")

            with transaction(pool, workspace_id=recruiter.id) as conn:
                john = next(
                    a
                    for a in applications.list_for_vacancy(conn, vacancy_id=_vacancy_id(conn))
                    if a.stage == "interview_scheduled"
                )
            _finish_interview(pool, recruiter.id, john.id)

            # The interview's report: analysed, rendered and downloaded as a PDF. (The page's
            # reads are cached for a few seconds: let them expire, as a recruiter would.)
            page.wait_for_timeout(5_500)
            page.reload()
            page.get_by_role("tab", name="Interviews").click()
            page.get_by_role("button", name="Analyse").click()
            expect(page.get_by_text("Overall score")).to_be_visible()
            page.get_by_role("button", name="Render PDF").click()
            expect(page.get_by_text("The PDF is ready.")).to_be_visible()
            with page.expect_download() as download:
                page.get_by_role("button", name="Download PDF").click()
            pdf = tmp_path / "report.pdf"
            download.value.save_as(pdf)
            assert pdf.read_bytes().startswith(b"%PDF")
            shot("06-report")

            page.get_by_role("link", name="Dashboard").click()
            expect(page.get_by_text("Open vacancies")).to_be_visible()
            expect(page.locator("[data-testid='stMetricValue']").first).to_be_visible()
            shot("07-dashboard")
        except Exception:
            shot("failure")
            raise
        finally:
            browser.close()
    assert len(list(artefacts.glob("0*.png"))) == 7


def _vacancy_id(conn) -> int:  # type: ignore[no-untyped-def]
    return conn.execute("select id from vacancies order by id desc limit 1").fetchone()[0]
