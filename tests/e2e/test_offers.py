"""An interview actor's life on one link, through Ray Serve and real WebRTC.

SDP offers (issue 11): a burst of parallel offers leaves one live peer connection and never
locks the candidate out; offers past the per-link limit get 429 with `Retry-After`. Leaving:
an interview that ends normally leaves an actor that exited, not one killed; an actor nobody
is connected to leaves after the reconnect grace, freeing its memory, and the interview stays
resumable from the database with the same link until its time limit has passed, when the
leaving actor ends it as abandoned; a recruiter ending a running interview sends its actor
away. A crash under a connected candidate is not counted against the interview's clock.
(One module, so one Serve application, for all of them: deploying one costs seconds.)
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aiortc import RTCPeerConnection

from db import interview_expiry, interviews, turns
from db.pool import transaction
from pipelines.engines.tts_espeak import EspeakSynthesizer
from serve_apps import accounts
from tests.e2e.conftest import invite_screened_candidate
from tests.e2e.voice_client import InterviewClient, PcmMicrophone, resample

pytestmark = [pytest.mark.e2e, pytest.mark.ray]
GRACE_S = 3  # short, so an actor left idle decides to leave during the test
OFFER_LIMIT = 10
OFFER_WINDOW_S = 8
BURST = 30


@pytest.fixture(scope="module")
def api_env() -> dict[str, str]:
    return {
        "SELECTIO_INTERVIEW_RECONNECT_GRACE_S": str(GRACE_S),
        "SELECTIO_INTERVIEW_OFFER_LIMIT": str(OFFER_LIMIT),
        "SELECTIO_INTERVIEW_OFFER_WINDOW_S": str(OFFER_WINDOW_S),
        "SELECTIO_INTERVIEW_EXIT_AFTER_S": "2",  # the finished actor's test waits for its exit
    }


def _actor_record(interview_id: int) -> dict[str, Any] | None:
    """The live interview actor's GCS record (state, pid, death cause). The tests' Ray runs
    without the dashboard that `ray.util.state` needs; the GCS actor table has the same facts."""
    import ray

    from actors.naming import NAMESPACE, interview_actor_name

    try:
        actor_id = ray.get_actor(interview_actor_name(interview_id), namespace=NAMESPACE)
    except ValueError:
        return None
    return ray._private.state.actors(actor_id._actor_id.hex())


def _wait_dead(actor_id: str, timeout: float) -> dict[str, Any]:
    """The actor's GCS record once it has died (a dead named actor is no longer listed)."""
    import ray

    deadline = time.monotonic() + timeout
    while (record := ray._private.state.actors(actor_id))["State"] != "DEAD":
        assert time.monotonic() < deadline, record
        time.sleep(0.5)
    return record


def _assert_exited(record: dict[str, Any]) -> None:
    """Ended by `exit_actor` (an intended exit), not by ray.kill, and never restarted."""
    cause = str(record["DeathCause"])
    assert "RAY_KILL" not in cause and "INTENDED_USER_EXIT" in cause, cause
    assert record["NumRestarts"] == 0


def _speech(text: str) -> bytes:
    """`text` spoken by eSpeak as the candidate's microphone sends it (48 kHz)."""
    synth = EspeakSynthesizer()
    return resample(synth.synthesize(text, language="en"), synth.sample_rate)


def _udp_sockets(interview_id: int) -> int:
    """UDP sockets of the interview actor's process: every peer connection holds its own."""
    import psutil

    record = _actor_record(interview_id)
    assert record is not None and record["State"] == "ALIVE", record
    return len(psutil.Process(record["Pid"]).net_connections(kind="udp"))


async def _udp_settled(interview_id: int, target: int, within_s: float = 2.0) -> int:
    """UDP sockets once closed peers have let theirs go (aiortc closes them a moment later)."""
    deadline = time.monotonic() + within_s
    while (count := _udp_sockets(interview_id)) > target and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    return count


async def _offer_sdp() -> str:
    """A real browser-like offer (audio sendrecv + data channel), never answered."""
    pc = RTCPeerConnection()
    pc.addTransceiver(PcmMicrophone(), direction="sendrecv")
    pc.createDataChannel("chat")
    await pc.setLocalDescription(await pc.createOffer())
    sdp = pc.localDescription.sdp
    await pc.close()
    return sdp


async def _burst(api_url: str, token: str, count: int) -> list[httpx.Response]:
    sdp = await _offer_sdp()
    url = f"{api_url}/api/v1/interview-links/{token}/offer"
    async with httpx.AsyncClient(timeout=60) as http:
        return await asyncio.gather(
            *(http.post(url, json={"sdp": sdp, "type": "offer"}) for _ in range(count))
        )


async def _hear_first_question(api_url: str, token: str) -> InterviewClient:
    client = InterviewClient(api_url, token)
    answer = await client.connect()
    assert answer["status"] == 200, answer
    await client.wait_for(lambda m: m.get("type") == "question", timeout=60)
    return client


def test_parallel_offers_leave_one_peer_and_the_candidate_still_connects(
    api_url, settings, pool
) -> None:
    invited = invite_screened_candidate(pool, settings, "Burst")
    interview_id, token = invited["interview_id"], invited["token"]

    async def scenario() -> tuple[int, int, list[int], int]:
        first = await _hear_first_question(api_url, token)
        one_peer = _udp_sockets(interview_id)
        responses = await _burst(api_url, token, BURST)
        after_burst = await _udp_settled(interview_id, one_peer)
        await first.close()
        # Past the reconnect grace (the burst's last peer never connects) and the offer window.
        await asyncio.sleep(max(GRACE_S, OFFER_WINDOW_S) + 2)
        again = await _hear_first_question(api_url, token)
        after_reconnect = await _udp_settled(interview_id, one_peer)
        await again.close()
        return one_peer, after_burst, [r.status_code for r in responses], after_reconnect

    one_peer, after_burst, statuses, after_reconnect = asyncio.run(scenario())
    print(f"UDP sockets: one peer {one_peer}, after {BURST} offers {after_burst}")
    assert 0 < one_peer
    assert after_burst <= one_peer, statuses
    assert after_reconnect <= one_peer
    assert 200 in statuses and set(statuses) <= {200, 409, 429}, statuses


def test_offers_past_the_limit_get_429_with_retry_after(api_url, settings, pool) -> None:
    invited = invite_screened_candidate(pool, settings, "Limit")
    responses = asyncio.run(_burst(api_url, invited["token"], OFFER_LIMIT + 3))
    actor_id = _actor_record(invited["interview_id"])["ActorID"]  # type: ignore[index]

    limited = [r for r in responses if r.status_code == 429]
    assert len(limited) == 3, [r.status_code for r in responses]
    for response in limited:
        assert response.json()["error"]["code"] == "too_many_offers"
        assert response.json()["error"]["message"]
        assert 0 < int(response.headers["Retry-After"]) <= OFFER_WINDOW_S
    other = invite_screened_candidate(pool, settings, "Other")  # the limit is per link
    assert asyncio.run(_burst(api_url, other["token"], 1))[0].status_code == 200
    # Nobody connected to the last answer: the actor leaves after the grace, by exiting.
    _assert_exited(_wait_dead(actor_id, timeout=GRACE_S + 30))


def test_a_finished_interview_actor_exits_instead_of_being_killed(api_url, settings, pool) -> None:
    invited = invite_screened_candidate(pool, settings, "Ends")
    with transaction(pool, workspace_id=invited["workspace"].id) as conn:
        interviews.set_interview_status(conn, interview_id=invited["interview_id"], status="active")
        conn.execute(  # over the time limit: the interview closes as soon as it starts
            "update interviews set started_at = now() - interval '31 minutes' where id = %s",
            (invited["interview_id"],),
        )

    async def scenario() -> str:
        client = InterviewClient(api_url, invited["token"])
        assert (await client.connect())["status"] == 200
        # Over its time at the start, the interview says goodbye after the opening (all of it
        # queued at once) and ends when the goodbye has been spoken: half a minute of audio.
        # The candidate talks over it instead (barge-in), which stops the speech, so the end
        # comes at once; the goodbye is heard to its last word in tests/e2e/test_interview_page.
        await client.wait_for(lambda m: m.get("type") == "ai_speaking_start", timeout=45)
        await asyncio.sleep(1)  # the goodbye is queued with the opening, before it sounds
        client.mic.play(_speech("Sorry, I have to go now."))
        await client.wait_for(lambda m: m.get("type") == "interview_complete", timeout=60)
        actor_id = _actor_record(invited["interview_id"])["ActorID"]  # type: ignore[index]
        await client.close()
        return actor_id

    actor_id = asyncio.run(scenario())
    _assert_exited(_wait_dead(actor_id, timeout=40))
    # The limit counts from the first start (31 minutes ago), not from this connection.
    with transaction(pool, workspace_id=invited["workspace"].id) as conn:
        ended = interviews.get_interview(conn, interview_id=invited["interview_id"])
    assert ended.status == "completed"


def test_an_actor_crash_under_a_connected_candidate_is_not_counted(api_url, settings, pool) -> None:
    """The interview clock (issue 11), through the real actor: it beats while the candidate is
    connected, and the copy Ray restarts after a crash books the gap as server downtime."""
    import ray

    from actors.naming import NAMESPACE, interview_actor_name

    invited = invite_screened_candidate(pool, settings, "Crash")
    interview_id, workspace_id = invited["interview_id"], invited["workspace"].id

    def row() -> interviews.Interview:
        with transaction(pool, workspace_id=workspace_id) as conn:
            return interviews.get_interview(conn, interview_id=interview_id)

    async def scenario() -> tuple[dict[str, Any], interviews.Interview]:
        client = InterviewClient(api_url, invited["token"])
        answer = await client.connect()
        assert answer["status"] == 200, answer
        await client.wait_for(lambda m: m.get("type") == "question", timeout=45)
        beating = row()
        actor = ray.get_actor(interview_actor_name(interview_id), namespace=NAMESPACE)
        ray.kill(actor, no_restart=False)  # a crash: Ray restarts the actor at once
        deadline = time.monotonic() + 60
        while (after := row()).epoch == beating.epoch or after.heartbeat_at is not None:
            assert time.monotonic() < deadline, after
            await asyncio.sleep(0.5)
        await client.close()
        return answer, beating

    answer, beating = asyncio.run(scenario())
    after = row()
    assert answer["elapsedSeconds"] == 0  # the server's clock, in the answer
    assert beating.heartbeat_at is not None and beating.server_down_s == 0
    assert after.server_down_s > 0  # from the last heartbeat to the restart
    assert after.elapsed_s() < (datetime.now(UTC) - after.started_at).total_seconds()


# ---- leaving when nobody is there ----------------------------------------------------------


def _actor_alive(interview_id: int) -> bool:
    import ray

    from actors.naming import NAMESPACE, interview_actor_name

    try:
        ray.get_actor(interview_actor_name(interview_id), namespace=NAMESPACE)
    except ValueError:
        return False
    return True


def _wait_gone(interview_id: int, timeout: float) -> float:
    start = time.monotonic()
    while _actor_alive(interview_id):
        if time.monotonic() - start > timeout:
            raise AssertionError(f"interview {interview_id}'s actor is still there")
        time.sleep(0.5)
    return time.monotonic() - start


def _interview(pool, invitation):  # type: ignore[no-untyped-def]
    with transaction(pool, workspace_id=invitation["workspace"].id) as conn:
        interview = interviews.get_interview(conn, interview_id=invitation["interview_id"])
        return interview, turns.list_turns(conn, interview_id=invitation["interview_id"])


async def _hear_first_question_and_go(api_url: str, token: str) -> None:
    await (await _hear_first_question(api_url, token)).close()


def test_an_idle_actor_leaves_and_the_interview_resumes_then_is_abandoned(
    api_url, settings, pool
) -> None:
    invitation = invite_screened_candidate(pool, settings, "Idle")
    interview_id, token = invitation["interview_id"], invitation["token"]

    asyncio.run(_hear_first_question_and_go(api_url, token))
    assert _actor_alive(interview_id)
    waited = _wait_gone(interview_id, timeout=GRACE_S + 30)
    interview, before = _interview(pool, invitation)
    assert interview.status == "active" and before  # resumable, nothing lost
    assert waited > 1  # it left after the grace, not at once

    asyncio.run(_hear_first_question_and_go(api_url, token))  # a fresh actor from the database
    resumed, after = _interview(pool, invitation)
    assert [(t.seq, t.text) for t in after[: len(before)]] == [(t.seq, t.text) for t in before]
    assert resumed.epoch > interview.epoch and resumed.status == "active"

    with transaction(pool, workspace_id=invitation["workspace"].id) as conn:
        conn.execute(  # the candidate went away 45 minutes into a 30-minute interview
            "update interviews set started_at = now() - interval '45 minutes' where id = %s",
            (interview_id,),
        )
    _wait_gone(interview_id, timeout=GRACE_S + 30)
    ended, _ = _interview(pool, invitation)
    assert ended.status == "failed"
    assert ended.failure_reason == interview_expiry.ABANDONED_REASON


def test_a_recruiter_ends_a_running_interview_and_its_actor_leaves(api_url, settings, pool) -> None:
    invited = invite_screened_candidate(pool, settings, "Ended")
    interview_id = invited["interview_id"]
    _, key = accounts.issue_api_key(pool, workspace_id=invited["workspace"].id, name="r")

    async def scenario() -> float:
        client = InterviewClient(api_url, invited["token"])
        answer = await client.connect()
        assert answer["status"] == 200, answer
        await client.wait_for(lambda m: m.get("type") == "question", timeout=60)
        ended = await asyncio.to_thread(
            httpx.post, f"{api_url}/api/v1/interviews/{interview_id}/end",
            headers={"X-API-Key": key}, timeout=30,
        )  # fmt: skip
        assert ended.status_code == 200, ended.text
        # The candidate is still connected: the actor leaves because its epoch was taken.
        waited = await asyncio.to_thread(_wait_gone, interview_id, 20)
        await client.close()
        return waited

    waited = asyncio.run(scenario())
    assert waited < 15
    interview, _ = _interview(pool, invited)
    assert (interview.status, interview.failure_reason) == ("failed", "ended by recruiter")
    link = httpx.get(f"{api_url}/api/v1/interview-links/{invited['token']}/validate", timeout=10)
    assert link.status_code == 410
