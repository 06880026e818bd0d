"""The chat interview without Telegram in the way: messages as the bot hands them over. The
invitation's deep link starts the interview (greeting and first question queued as messages,
each turn stored first), answers move it on question by question to the closing, the
analysis is queued and its report says the channel was Telegram; a bad or foreign link, a
stranger, a voice note and a message after the end each get one polite answer."""

from __future__ import annotations

from psycopg_pool import ConnectionPool

from db import interviews, outbox, reports, turns, workspaces
from db.pool import transaction
from db.settings import Settings
from pipelines.analysis.flow import run_analysis_job
from pipelines.engine_set import offline_engines
from pipelines.telegram.chat_interview import ABANDONED, ABANDONED_REASON, NUDGE, nudge_silent
from pipelines.telegram.conversation import POLITE, Incoming, handle
from pipelines.telegram.deep_link import make_token
from pipelines.telegram.outbound import KIND
from serve_apps import accounts
from serve_apps.dispatch import InlineDispatcher
from tests.pipelines import samples
from tests.pipelines.screened import screened_application

CHAT = 424242
ANSWERS = [
    "I built a Python payment service with FastAPI and PostgreSQL, about 3 million requests a "
    "day; I designed the schema, wrote the async workers and cut p95 latency from 800 to 120 ms.",
    "We had a deadlock between two workers updating balances; I reproduced it with a test, "
    "ordered the row locks by id and added a retry, and it never came back.",
    "I prefer small pull requests, code review within a day, and writing down decisions; when "
    "we disagree I bring numbers from a quick experiment.",
]


def _screened(pool: ConnectionPool, name: str):  # type: ignore[no-untyped-def]
    space = accounts.create_workspace(pool, name=name, owner_id=None)
    return space, screened_application(pool, space.id)


def _say(pool, settings, space, text: str, kind: str = "text"):  # type: ignore[no-untyped-def]
    message = Incoming(chat_id=CHAT, access_hash=777, username="olga_dev", text=text, kind=kind)
    return handle(pool, settings.resolved_secret_key(), space.id, message)


def _queued(pool, space) -> list[str]:  # type: ignore[no-untyped-def]
    with transaction(pool, workspace_id=space.id) as conn:
        items = outbox.list_items(conn, limit=500)
    return [i.payload["text"] for i in sorted(items, key=lambda i: i.id) if i.kind == KIND]


def test_a_chat_interview_from_the_deep_link_to_the_report(pool, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    space, application_id = _screened(pool, "Chat Co")
    secret = settings.resolved_secret_key()
    assert _say(pool, settings, space, "Здравствуйте").queued == [POLITE["no_interview"]]
    other = accounts.create_workspace(pool, name="Other Co", owner_id=None)
    foreign = make_token(secret, other.id, application_id, ttl_s=3600)
    assert _say(pool, settings, space, f"/start {foreign}").queued == [POLITE["bad_link"]]

    token = make_token(secret, space.id, application_id, ttl_s=3600)
    opening = _say(pool, settings, space, f"/start {token}")
    assert opening.interview_id is not None and len(opening.queued) >= 1
    assert "?" in opening.queued[-1]  # the first question
    assert "virtual" not in " ".join(opening.queued)  # not said unless the workspace wants it
    with transaction(pool, workspace_id=space.id) as conn:
        interview = interviews.get_interview(conn, interview_id=opening.interview_id)
        stored = turns.list_turns(conn, interview_id=interview.id)
    assert (interview.channel, interview.status) == ("telegram", "active")
    assert [t.text for t in stored] == opening.queued  # each turn stored with its message

    assert _say(pool, settings, space, "", kind="voice").queued == [POLITE["text_only"]]
    step, rounds = opening, 0
    while not step.finished and rounds < 20:
        step = _say(pool, settings, space, ANSWERS[rounds % len(ANSWERS)])
        assert step.queued, "every answer gets a reply"
        rounds += 1
    assert step.finished and step.analysis_job_id is not None
    after = _say(pool, settings, space, "Спасибо!")
    assert after.queued == [POLITE["finished"]]
    retake = _say(pool, settings, space, f"/start {token}")  # the link does not start it again
    assert retake.interview_id is not None and retake.queued == []  # "finished" was said today
    with transaction(pool, workspace_id=space.id) as conn:
        assert len(interviews.list_interviews(conn, application_id=application_id)) == 1

    run_analysis_job(pool, offline_engines(), workspace_id=space.id, job_id=step.analysis_job_id)
    with transaction(pool, workspace_id=space.id) as conn:
        report = reports.get_report_for_interview(conn, interview_id=step.interview_id)
        transcript = turns.list_turns(conn, interview_id=step.interview_id)
        ended = interviews.get_interview(conn, interview_id=step.interview_id)
    assert ended.status == "completed"
    assert report.details["channel"] == "telegram"
    assert report.overall is not None
    answers = [t.text for t in transcript if t.role == "candidate"]
    assert answers == [ANSWERS[i % len(ANSWERS)] for i in range(rounds)]
    queued = _queued(pool, space)
    assert queued.count(POLITE["no_interview"]) == 1 and queued[-1] == POLITE["finished"]


def test_a_silent_candidate_is_reminded_once_then_the_interview_is_closed(pool, settings) -> None:  # type: ignore[no-untyped-def]
    space, application_id = _screened(pool, "Quiet Co")
    with transaction(pool, workspace_id=space.id) as conn:
        workspaces.set_telegram_disclosure(conn, workspace_id=space.id, on=True)
    token = make_token(settings.resolved_secret_key(), space.id, application_id, ttl_s=3600)
    opening = _say(pool, settings, space, f"/start {token}")
    assert "a virtual interviewer" in opening.queued[0]
    resume = Incoming(
        chat_id=CHAT, access_hash=777, username="olga_dev", text="", kind="document",
        file_name="cv.txt", file=samples.STRONG_EN.encode(),
    )  # fmt: skip
    sink = InlineDispatcher(pool, offline_engines())
    assert handle(pool, settings.resolved_secret_key(), space.id, resume, sink).queued == [
        POLITE["resume_received"]
    ]
    with transaction(pool, workspace_id=space.id) as conn:
        sent = conn.execute("select status, file_name from resumes order by id desc limit 1")
        assert sent.fetchone() == ("parsed", "cv.txt")  # screened like an upload
    assert nudge_silent(pool, workspace_id=space.id, after_s=3600).queued == []  # not yet
    first = nudge_silent(pool, workspace_id=space.id, after_s=0)
    assert first.queued == [NUDGE["en"]]
    _say(pool, settings, space, ANSWERS[0])  # an answer: the next silence is a new one
    again = nudge_silent(pool, workspace_id=space.id, after_s=0)
    assert again.queued == [NUDGE["en"]]
    closed = nudge_silent(pool, workspace_id=space.id, after_s=0)
    assert closed.queued == [ABANDONED["en"]] and closed.analysis_job_id is not None
    assert nudge_silent(pool, workspace_id=space.id, after_s=0).queued == []
    with transaction(pool, workspace_id=space.id) as conn:
        ended = interviews.get_interview(conn, interview_id=opening.interview_id)
    assert (ended.status, ended.failure_reason) == ("failed", ABANDONED_REASON)
    assert _queued(pool, space).count(NUDGE["en"]) == 2  # once per silence, not per check
    with transaction(pool, workspace_id=space.id) as conn:  # reminders keep quiet hours
        items = outbox.list_items(conn, limit=500)
    timings = {i.payload["text"]: i.payload["timing"] for i in items if i.kind == KIND}
    assert timings[NUDGE["en"]] == timings[ABANDONED["en"]] == "unprompted"
    assert timings[opening.queued[0]] == "reply"
