"""An interview actor nobody is connected to leaves after the reconnect grace, freeing its
memory; the interview stays resumable from the database with the same link, and once its
time limit has passed the leaving actor ends it as abandoned."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from db import interview_expiry, interviews, turns
from db.pool import transaction
from serve_apps import accounts
from tests.e2e.conftest import invite_screened_candidate
from tests.e2e.voice_client import InterviewClient

pytestmark = [pytest.mark.e2e, pytest.mark.ray]
GRACE_S = 3


@pytest.fixture(scope="module")
def api_env() -> dict[str, str]:
    return {"SELECTIO_INTERVIEW_RECONNECT_GRACE_S": str(GRACE_S)}


@pytest.fixture(scope="module")
def invitation(settings, pool):  # type: ignore[no-untyped-def]
    return invite_screened_candidate(pool, settings, "Idle")


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


async def _hear_first_question(api_url: str, token: str) -> None:
    client = InterviewClient(api_url, token)
    answer = await client.connect()
    assert answer["status"] == 200, answer
    await client.wait_for(lambda m: m.get("type") == "question", timeout=60)
    await client.close()


def test_an_idle_actor_leaves_and_the_interview_resumes_then_is_abandoned(
    api_url, invitation, pool
) -> None:
    interview_id, token = invitation["interview_id"], invitation["token"]

    asyncio.run(_hear_first_question(api_url, token))
    assert _actor_alive(interview_id)
    waited = _wait_gone(interview_id, timeout=GRACE_S + 30)
    interview, before = _interview(pool, invitation)
    assert interview.status == "active" and before  # resumable, nothing lost
    assert waited > 1  # it left after the grace, not at once

    asyncio.run(_hear_first_question(api_url, token))  # a fresh actor from the database
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
