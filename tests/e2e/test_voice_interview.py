"""A live voice interview over real WebRTC on loopback: an aiortc client talks to the
InterviewSession actor through Ray Serve's signalling, hears the greeting and the first
question as audio and messages, answers with eSpeak speech, and gets the second question;
the transcript is in Postgres. A broken offer and malformed messages get clear errors and the
interview goes on. The actor killed mid-interview (by `ray.kill` and by SIGKILL, at random
points) and resumed with the same link is tests/e2e/test_interview_faults.py."""

from __future__ import annotations

import asyncio
import time

import pytest

from db import interviews, turns
from db.pool import transaction
from pipelines.engines.tts_espeak import EspeakSynthesizer
from tests.e2e.conftest import invite_screened_candidate
from tests.e2e.voice_client import InterviewClient, resample

pytestmark = [pytest.mark.e2e, pytest.mark.ray]
ANSWER = (
    "I have seven years of experience with Python and PostgreSQL. "
    "At my last job I built REST APIs with FastAPI and Docker."
)


@pytest.fixture(scope="module")
def invitation(settings, pool):  # type: ignore[no-untyped-def]
    return invite_screened_candidate(pool, settings, "Voice")


@pytest.fixture(scope="module")
def answer_audio() -> bytes:
    synth = EspeakSynthesizer()
    pcm = synth.synthesize(ANSWER, language="en")
    return resample(pcm, synth.sample_rate)


def is_question(number: int):  # type: ignore[no-untyped-def]
    return lambda m: m.get("type") == "question" and m.get("questionNumber") == number


def speaking(kind: str):  # type: ignore[no-untyped-def]
    return lambda m: m.get("type") == f"ai_speaking_{kind}"


async def heard(client: InterviewClient, question: int) -> None:
    """Wait until the audio of the speech that carries the message at index `question` has
    started. The page hears a reply as one stretch (`ai_speaking_start` ... `_end`), announced
    when its first utterance starts to sound: before the question's own message when an
    acknowledgement or a greeting comes first, after it otherwise. (Looking only after the
    question would miss the first case and wait for the next stretch: a silence nudge, some
    twenty seconds later.)"""
    ended = [i for i, m in enumerate(client.messages[:question]) if speaking("end")(m)]
    await client.wait_for(speaking("start"), timeout=30, since=ended[-1] + 1 if ended else 0)


async def answer_until(client: InterviewClient, audio: bytes, number: int) -> None:
    """After the AI has finished asking, answer (again after a follow-up) until question
    `number` is asked and its audio starts."""
    for _ in range(3):
        asked = client.last_index
        await client.wait_for(speaking("end"), timeout=60, since=asked)
        await asyncio.sleep(0.4)
        client.mic.play(audio)
        try:
            await client.wait_for(is_question(number), timeout=45, since=asked + 1)
        except TimeoutError:
            continue
        await heard(client, client.last_index)
        return
    raise AssertionError(f"question {number} never came: {client.messages[-8:]}")


def stored_turns(pool, invitation):  # type: ignore[no-untyped-def]
    with transaction(pool, workspace_id=invitation["workspace"].id) as conn:
        return turns.list_turns(conn, interview_id=invitation["interview_id"])


def test_first_answer_is_heard_stored_and_followed_by_question_two(
    api_url, invitation, answer_audio, pool
) -> None:
    async def scenario() -> InterviewClient:
        client = InterviewClient(api_url, invitation["token"])
        answer = await client.connect()
        assert answer["status"] == 200, answer
        first = await client.wait_for(is_question(1), timeout=60)
        assert first["text"]
        # Let the whole opening (greeting, then the question) be spoken before answering.
        await heard(client, client.last_index)
        await answer_until(client, answer_audio, 2)
        await client.close()
        return client

    client = asyncio.run(scenario())
    assert client.loud_frames > 20  # the greeting and questions were heard as audio
    kinds = {m["type"] for m in client.messages}
    assert {"question", "ai_speaking_start", "ai_speaking_end", "transcript"} <= kinds
    rows = stored_turns(pool, invitation)
    assert [r.seq for r in rows] == list(range(len(rows)))
    answers = [r.text.lower() for r in rows if r.role == "candidate"]
    assert answers and "python" in answers[0] and "experience" in answers[0]
    with transaction(pool, workspace_id=invitation["workspace"].id) as conn:
        assert (
            interviews.get_interview(conn, interview_id=invitation["interview_id"]).status
            == "active"
        )
    # Latency is filled in when the reply's first audio goes out, just after the message.
    for _ in range(50):
        spoken = [
            r for r in stored_turns(pool, invitation)
            if r.role == "interviewer" and r.voice_to_voice_ms is not None
        ]  # fmt: skip
        if spoken:
            break
        time.sleep(0.1)
    assert spoken and 0 < spoken[0].voice_to_voice_ms < 15000


def test_broken_offer_is_a_clear_error(api_url, invitation) -> None:
    import httpx

    url = f"{api_url}/api/v1/interview-links/{invitation['token']}/offer"
    broken = httpx.post(url, json={"sdp": "v=0\r\nthis is not sdp", "type": "offer"}, timeout=60)
    assert broken.status_code == 400, broken.text
    assert broken.json()["error"]["code"] == "invalid_offer"
    wrong_type = httpx.post(url, json={"sdp": "v=0\r\n" * 3, "type": "answer"}, timeout=30)
    assert wrong_type.status_code == 422
    forged = httpx.post(
        f"{api_url}/api/v1/interview-links/{invitation['token'][:-2]}xx/offer",
        json={"sdp": "v=0\r\n" * 3, "type": "offer"},
        timeout=30,
    )
    assert (forged.status_code, forged.json()["canInterview"]) == (404, False)


def test_malformed_messages_are_ignored_and_the_interview_goes_on(
    api_url, invitation, pool
) -> None:
    async def scenario() -> InterviewClient:
        client = InterviewClient(api_url, invitation["token"])
        answer = await client.connect(start=False)
        assert answer["status"] == 200, answer
        opened = asyncio.Event()
        client.channel.on("open", opened.set)
        if client.channel.readyState != "open":
            await asyncio.wait_for(opened.wait(), timeout=20)
        client.channel.send("{this is not json")
        client.send({"type": "dance"})
        await client.wait_for(lambda m: m.get("type") == "error", timeout=20)
        client.send({"type": "start_interview"})
        await client.wait_for(lambda m: m.get("type") == "question", timeout=60)
        status = httpx_status(api_url, invitation["token"])
        assert status["connected"] is True and status["status"] == "active"
        await client.close()
        return client

    asyncio.run(scenario())


def httpx_status(api_url: str, token: str) -> dict:
    import httpx

    return httpx.get(f"{api_url}/api/v1/interview-links/{token}/status", timeout=30).json()
