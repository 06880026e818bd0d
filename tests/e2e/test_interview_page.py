"""The candidate's real page in headless Chromium (Debian's, driven by Playwright) with a
fake microphone fed from a WAV: consent, microphone check, Start, live captions and question
progress, an answer heard and transcribed, then End — the interview completes and is stored,
and the analysis task it queues produces the report and its PDF."""

from __future__ import annotations

import time
import wave
from pathlib import Path

import pytest

from db import interviews, jobs, reports, turns
from db.errors import NotFound
from db.pool import transaction
from pipelines.engines.tts_espeak import EspeakSynthesizer
from tests.e2e.conftest import invite_screened_candidate
from tests.e2e.voice_client import resample

pytestmark = [pytest.mark.e2e, pytest.mark.ray]
CHROMIUM = "/usr/bin/chromium"
ANSWER = (
    "I have seven years of experience with Python and PostgreSQL. "
    "At my last job I built REST APIs with FastAPI and Docker."
)


@pytest.fixture(scope="module")
def microphone_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Silence while the AI greets and asks, the spoken answer, then silence (looped)."""
    synth = EspeakSynthesizer()
    speech = resample(synth.synthesize(ANSWER, language="en"), synth.sample_rate, 48_000)
    silence = bytes(48_000 * 2 * 9)
    path = tmp_path_factory.mktemp("mic") / "answer.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(48_000)
        out.writeframes(silence + speech + silence * 2)
    return path


def test_candidate_completes_a_short_interview_in_chromium(
    api_url, microphone_wav, pool, settings, tmp_path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    invited = invite_screened_candidate(pool, settings, "Browser")
    workspace, token = invited["workspace"], invited["token"]
    args = [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={microphone_wav}",
        "--autoplay-policy=no-user-gesture-required",
        # Real local addresses in ICE candidates instead of mDNS names aiortc cannot resolve.
        "--disable-features=WebRtcHideLocalIpsWithMdns",
    ]  # fmt: skip
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            page = browser.new_page()
            offers: list[int] = []

            def restarting_once(route) -> None:  # type: ignore[no-untyped-def]
                # The first offer meets an actor that is restarting (503): the page retries.
                offers.append(1)
                if len(offers) == 1:
                    route.fulfill(
                        status=503,
                        json={
                            "error": {"code": "actor_leaving", "message": "try again in a moment"}
                        },
                    )
                else:
                    route.continue_()

            page.route("**/offer", restarting_once)
            page.goto(f"{api_url}/interview/{token}")
            expect(page.locator("#title")).to_have_text("Senior Python Developer", timeout=20_000)
            page.locator("#consent").check()
            page.locator("#mic-check").click()
            expect(page.locator("#mic-status")).to_contain_text("Microphone works")
            page.locator("#start").click()
            expect(page.locator("#live-card")).to_be_visible(timeout=30_000)
            assert len(offers) == 2
            expect(page.locator("#progress")).to_contain_text("1 /", timeout=60_000)
            expect(page.locator("#question")).not_to_be_empty()
            # The fake microphone answers; the second question follows.
            expect(page.locator("#progress")).to_contain_text("2 /", timeout=90_000)
            expect(page.locator(".line.me").first).to_contain_text("Python", timeout=10_000)
            page.screenshot(path=str(tmp_path / "interview.png"))
            page.locator("#end").click()
            expect(page.locator("#done-card")).to_be_visible(timeout=60_000)
        finally:
            browser.close()
    # The actor records the end before it sends `interview_complete`; poll briefly anyway.
    deadline = time.monotonic() + 10
    while True:
        with transaction(pool, workspace_id=workspace.id) as conn:
            interview = interviews.get_interview(conn, interview_id=invited["interview_id"])
            rows = turns.list_turns(conn, interview_id=invited["interview_id"])
        if interview.status == "completed" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert interview.status == "completed"
    assert any(r.role == "candidate" and "python" in r.text.lower() for r in rows)
    assert rows[-1].role == "interviewer" and rows[-1].kind == "closing"

    # Completing queued the analysis, and the actor started it as a Ray task.
    report = _wait_for_report(pool, workspace.id, invited["interview_id"], timeout_s=120)
    assert report.status in ("complete", "partial") and report.overall is not None
    assert report.has_pdf and report.engine == "offline"
    with transaction(pool, workspace_id=workspace.id) as conn:
        analysis_jobs = jobs.list_jobs(conn, kind="interview_analysis")
    assert [j.status for j in analysis_jobs] == ["succeeded"]


def _wait_for_report(pool, workspace_id, interview_id: int, timeout_s: float):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with transaction(pool, workspace_id=workspace_id) as conn:
                report = reports.get_report_for_interview(conn, interview_id=interview_id)
            if report.has_pdf or time.monotonic() > deadline:
                return report
        except NotFound:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.5)
