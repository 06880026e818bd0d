"""F4: the database stops in the middle of a voice interview.

The interviewer says a holding sentence instead of going on with turns that would be lost,
keeps the candidate's answer, and once the database is back stores it and carries on by
itself; nothing acknowledged is lost and the holding words are not stored. The interviewer
(`InterviewConversation` and its `TurnRecorder`) runs against a real PostgreSQL server of the
test's own, stopped and started again; the voice pipeline around it is tested end to end in
tests/e2e."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pipecat.frames.frames import Frame, TTSSpeakFrame
from psycopg_pool import ConnectionPool

from db import interviews, turns
from db.bootstrap import prepare_database
from db.pool import open_pool, transaction
from db.settings import Settings
from pipelines.interviewer import InterviewBrain, texts
from pipelines.voice.conversation import HOLD_REPEAT_S, InterviewConversation
from pipelines.voice.recorder import TurnRecorder
from tests.db import factories
from tests.pg_external import APP_ROLE, ExternalServer, external_postgres, provision
from tests.pipelines.interviewer import GOOD_EN, plan_en

# Long enough for several failed writes and the first holding sentence; the 30 s with
# SELECTIO_OUTAGE_S=30 (the holding sentence is then said again every 15 s).
OUTAGE_S = float(os.environ.get("SELECTIO_OUTAGE_S", "6"))


@dataclass
class Outage:
    server: ExternalServer
    pool: ConnectionPool
    workspace_id: Any
    interview_id: int


@pytest.fixture(scope="module")
def outage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outage]:
    with external_postgres() as server:
        owner_url, app_url = provision(server)
        settings = Settings(
            home=Path(tmp_path_factory.mktemp("outage")), database_url=owner_url,
            app_database_url=app_url, db_app_role=APP_ROLE,
            secret_key="outage-secret-" + "o" * 32, _env_file=None,
        )  # fmt: skip
        prepared = prepare_database(settings)
        # As an interview actor opens it: nothing held open, a short wait for a connection.
        pool = open_pool(prepared.app_url, min_size=0, max_size=3, timeout_s=1, name="outage")
        workspace = factories.workspace(pool, "Outage")
        with transaction(pool, workspace_id=workspace.id) as conn:
            interview = factories.interview(conn, workspace)
        yield Outage(server, pool, workspace.id, interview.id)
        pool.close()


class Heard:
    """What the conversation pushed down the pipeline: spoken texts and page messages."""

    def __init__(self) -> None:
        self.frames: list[Frame] = []

    async def push(self, frame: Frame, *_: Any) -> None:
        self.frames.append(frame)

    @property
    def spoken(self) -> list[str]:
        return [f.text for f in self.frames if isinstance(f, TTSSpeakFrame)]


def stored(outage: Outage) -> list[turns.Turn]:
    with transaction(outage.pool, workspace_id=outage.workspace_id) as conn:
        return turns.list_turns(conn, interview_id=outage.interview_id)


def test_the_interviewer_holds_while_the_database_is_down_and_goes_on_when_it_is_back(
    outage: Outage,
) -> None:
    with transaction(outage.pool, workspace_id=outage.workspace_id) as conn:
        epoch = interviews.bump_epoch(conn, interview_id=outage.interview_id)
    brain = InterviewBrain(plan_en(), language="en", candidate_name="Anna Smirnova")
    recorder = TurnRecorder(
        outage.pool, workspace_id=outage.workspace_id, interview_id=outage.interview_id,
        epoch=epoch, next_seq=0,
    )  # fmt: skip
    conversation = InterviewConversation(brain=brain, recorder=recorder, engines={})
    heard = Heard()
    conversation.push_frame = heard.push  # type: ignore[method-assign]

    async def scenario() -> dict[str, Any]:
        await conversation._say(brain.opening())  # greeting and question 1, stored
        before = stored(outage)
        spoken_before = len(heard.spoken)
        outage.server.stop()
        down_at = time.monotonic()
        answering = asyncio.create_task(conversation._answered(GOOD_EN[0], None, None, 20.0))
        await asyncio.sleep(OUTAGE_S)
        during = heard.spoken[spoken_before:]
        assert not answering.done()  # it waits for the database, it does not go on
        outage.server.start()
        await asyncio.wait_for(answering, timeout=30)
        return {"before": before, "during": during, "resumed_s": time.monotonic() - down_at}

    outcome = asyncio.run(scenario())
    # While the database was down the candidate heard the holding sentence (again every
    # HOLD_REPEAT_S), and nothing else.
    first, *again = outcome["during"]
    assert first == texts.holding("en", again=False)
    assert set(again) <= {texts.holding("en", again=True)}
    assert len(again) <= OUTAGE_S // HOLD_REPEAT_S  # not more often than every HOLD_REPEAT_S
    after = stored(outage)
    assert [t.seq for t in after] == list(range(len(after)))  # contiguous, no duplicate
    assert [(t.seq, t.text) for t in after[: len(outcome["before"])]] == [
        (t.seq, t.text) for t in outcome["before"]
    ]  # fmt: skip
    answer = after[len(outcome["before"])]
    assert answer.role == "candidate" and answer.text == GOOD_EN[0]  # kept through the outage
    following = after[len(outcome["before"]) + 1 :]
    assert following and all(t.role == "interviewer" for t in following)  # it went on
    assert texts.holding("en", again=False) not in [t.text for t in after]
    # Everything the interviewer said after the outage was stored before it was spoken.
    assert heard.spoken[-len(following) :] == [t.text for t in following]
    print(f"resumed {outcome['resumed_s'] - OUTAGE_S:.1f} s after the database came back")
