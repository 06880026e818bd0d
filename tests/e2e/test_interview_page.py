"""The candidate's real page in headless Chromium (Debian's, driven by Playwright) with a
fake microphone fed from a WAV: consent, microphone check, Start, live captions and question
progress, an answer heard and transcribed, then End — the interview completes and is stored,
and the analysis task it queues produces the report and its PDF. Then the page's offer retries
against a scripted API: 429 waits `Retry-After`, a 409 for an offer it replaced is ignored, and
the clock follows the server's `elapsedSeconds`."""

from __future__ import annotations

import re
import time
import wave
from pathlib import Path
from typing import Any

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


# ---- The page's offer retries, against a scripted API (no Ray, no server) -----------------
# Every request is answered by Playwright's router, so each HTTP status comes exactly when the
# test says. `localhost` keeps the page a secure context (the microphone needs one); nothing
# listens there. A second page plays the server's side of WebRTC, so an answer is a real one.
PAGE_URL = "http://localhost:9/interview/tok"
PAGE_HTML = Path(__file__).parents[2] / "serve_apps" / "static" / "interview.html"
READY = {
    "canInterview": True, "message": "ready", "language": "en", "status": "active",
    "candidateName": "Ann", "vacancyTitle": "QA Engineer", "totalQuestions": 3,
    "maxDurationMinutes": 30, "elapsedSeconds": 0,
}  # fmt: skip
TIMED_OUT = {"canInterview": False, "message": "Time is up (scripted).", "code": "x"}
SUPERSEDED = {"error": {"code": "offer_superseded", "message": "a newer offer replaced this"}}
ANSWER_JS = """async (sdp) => {
    const pc = new RTCPeerConnection({ iceServers: [] });
    await pc.setRemoteDescription({ type: "offer", sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    window.keep = pc;
    return pc.localDescription.sdp;
}"""


@pytest.fixture
def scripted_page():  # type: ignore[no-untyped-def]
    """The candidate's page on the scripted API, consent given and microphone checked, with
    the offers it POSTs held in a list for the test to answer (route, body, monotonic time)."""
    from playwright.sync_api import expect, sync_playwright

    args = [
        "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
    ]  # fmt: skip
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            context = browser.new_context()
            page, server = context.new_page(), context.new_page()
            server.goto("about:blank")
            offers: list[tuple[Any, dict[str, Any], float]] = []
            page.route(PAGE_URL, lambda route: route.fulfill(
                body=PAGE_HTML.read_text(encoding="utf-8"), content_type="text/html"
            ))  # fmt: skip
            page.route("**/validate", lambda route: route.fulfill(json=READY))
            page.route(
                "**/offer",
                lambda route: offers.append(
                    (route, route.request.post_data_json, time.monotonic())
                ),
            )
            page.goto(PAGE_URL)
            expect(page.locator("#title")).to_have_text("QA Engineer")
            page.locator("#consent").check()
            page.locator("#mic-check").click()
            expect(page.locator("#start")).to_be_enabled()
            yield page, server, offers
        finally:
            browser.close()


def _wait_offers(page, offers: list, count: int) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 15
    while len(offers) < count:
        assert time.monotonic() < deadline, f"{len(offers)} offers, expected {count}"
        page.wait_for_timeout(50)  # lets Playwright deliver the page's requests


def test_page_waits_retry_after_on_429_then_shows_the_servers_clock(scripted_page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page, server, offers = scripted_page
    page.locator("#start").click()
    _wait_offers(page, offers, 1)
    offers[0][0].fulfill(
        status=429, headers={"Retry-After": "2"},
        json={"error": {"code": "too_many_offers", "message": "try again in 2 s"}},
    )  # fmt: skip
    expect(page.locator("#connect-status")).to_contain_text("connect automatically in")
    expect(page.locator("#problem-card")).to_be_hidden()
    _wait_offers(page, offers, 2)
    route, body, sent_at = offers[1]
    assert sent_at - offers[0][2] >= 1.9  # it waited as asked before trying again
    assert body["sdp"] == offers[0][1]["sdp"]  # the same offer
    sdp = server.evaluate(ANSWER_JS, body["sdp"])
    route.fulfill(json={"sdp": sdp, "type": "answer", "pc_id": "pc", "elapsedSeconds": 754})
    expect(page.locator("#live-card")).to_be_visible()
    expect(page.locator("#connect-status")).to_be_empty()
    # 12:34 as the server counts it (validation said 0): the answer's clock wins.
    expect(page.locator("#elapsed")).to_have_text(re.compile(r"^12:3[4-9]$"))


def test_page_ignores_409_for_an_offer_it_replaced_and_says_so_for_its_newest(
    scripted_page,
) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page, _server, offers = scripted_page
    page.locator("#start").click()
    _wait_offers(page, offers, 1)
    page.evaluate("() => { start(); }")  # a second offer replaces the first, still unanswered
    _wait_offers(page, offers, 2)
    offers[0][0].fulfill(status=409, json=SUPERSEDED)
    page.wait_for_timeout(300)
    expect(page.locator("#problem-card")).to_be_hidden()  # the replaced offer's 409: ignored
    offers[1][0].fulfill(status=410, json=TIMED_OUT)
    expect(page.locator("#problem")).to_have_text(TIMED_OUT["message"])
    expect(page.locator("#start")).to_be_enabled()  # the candidate may try again

    page.locator("#start").click()
    _wait_offers(page, offers, 3)
    offers[2][0].fulfill(status=409, json=SUPERSEDED)  # its newest: another tab took over
    expect(page.locator("#problem")).to_contain_text("another tab or window")


def test_page_sends_the_same_offer_again_after_a_504(scripted_page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page, server, offers = scripted_page
    page.locator("#start").click()
    _wait_offers(page, offers, 1)
    offers[0][0].fulfill(
        status=504,
        json={
            "error": {
                "code": "offer_expired",
                "message": "the interview did not answer in time; try again",
            }
        },
    )
    _wait_offers(page, offers, 2)
    expect(page.locator("#problem-card")).to_be_hidden()  # a slow start is not the candidate's
    route, body, _ = offers[1]
    assert body["sdp"] == offers[0][1]["sdp"]  # the same offer, sent again
    sdp = server.evaluate(ANSWER_JS, body["sdp"])
    route.fulfill(json={"sdp": sdp, "type": "answer", "pc_id": "pc", "elapsedSeconds": 0})
    expect(page.locator("#live-card")).to_be_visible()
