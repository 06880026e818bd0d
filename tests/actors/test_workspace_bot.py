"""The WorkspaceBot on a real local Ray against a fake Telegram data centre: it takes the
session's lease before connecting (a second copy waits without connecting), stores each
incoming message once even when Telegram delivers it again, and when Telegram ends the
session it marks it revoked, tells the owners, and exits for good."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from typing import Any

import pytest
import ray

from actors.naming import NAMESPACE
from actors.workspace_bot import WorkspaceBot, workspace_bot
from db import interviews, messages, notifications, outbox, telegram_sessions, turns
from db.pool import transaction
from pipelines.telegram import outbound
from pipelines.telegram.accounts import TelegramAccounts
from pipelines.telegram.conversation import POLITE
from pipelines.telegram.deep_link import make_token
from serve_apps import accounts as people
from tests.fakes.telegram.voice import spoken_voice_note
from tests.pipelines.engines.audio import packaged_model_dir
from tests.pipelines.screened import screened_application

pytestmark = pytest.mark.ray


def _until(check: Callable[[], Any], timeout_s: float = 30, what: str = "") -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what or check}")


def _state(actor: Any) -> str:
    try:
        return ray.get(actor.status.remote(), timeout=10)["state"]
    except ray.exceptions.RayActorError:
        return "dead"


def test_one_lease_one_client_messages_once_and_a_revoked_session_stops_it(  # type: ignore[no-untyped-def]
    ray_local,
    pool,
    prepared,
    tg_settings,
    telegram,
    tmp_path_factory,
) -> None:
    # Voice notes go to the node's shared Whisper host, which loads the packaged model.
    tg_settings = tg_settings.model_copy(
        update={"whisper_model_path": str(packaged_model_dir(tmp_path_factory))}
    )
    account = telegram.add_account("+79997770011", first_name="Бот-рекрутер")
    candidate = telegram.add_user("Пётр", "petr_dev")
    owner = people.create_user_account(pool, email="owner@bot.test", password="pw-12345678")
    space = people.create_workspace(pool, name="Bot Co", owner_id=owner.id)
    connect = TelegramAccounts(pool, tg_settings)
    connect.start(space.id, account.phone)
    connect.submit_code(space.id, account.code)

    bot = workspace_bot(space.id, settings=tg_settings, app_url=prepared.app_url,
                        lease_s=3.0, check_every_s=0.5, send_every_s=0.2)  # fmt: skip
    _until(lambda: _state(bot) == "running", what="the bot to run")
    rival = WorkspaceBot.options(name="rival-copy", namespace=NAMESPACE).remote(
        str(space.id), tg_settings, prepared.app_url, 3.0, 0.5
    )
    time.sleep(2)
    assert _state(rival) == "waiting_for_lease" and telegram.clients_of(account.user_id) == 1

    first = telegram.write(candidate, account.user_id, "Здравствуйте, я по вакансии Python")
    telegram.write(candidate, account.user_id, "Здравствуйте, я по вакансии Python", again=first)
    telegram.write(candidate, account.user_id, "Резюме пришлю сегодня")

    def stored() -> list[messages.Message]:
        with transaction(pool, workspace_id=space.id) as conn:
            found = messages.list_for_chat(conn, chat_id=str(candidate.user_id))
        inbound = [m for m in found if m.direction == "inbound"]
        return inbound if len(inbound) >= 2 else []

    _until(stored, what="two stored messages")
    time.sleep(0.5)  # time for a redelivery to be (wrongly) stored, if it were
    assert [m.text for m in stored()] == [
        "Здравствуйте, я по вакансии Python",
        "Резюме пришлю сегодня",
    ]
    assert ray.get(bot.status.remote())["handled"] == 2
    _answers_go_out_once(pool, space, telegram, candidate, bot)
    _the_deep_link_starts_the_interview(pool, space, telegram, account, tg_settings)

    telegram.revoke(account.user_id)  # "terminate all other sessions" on the phone
    _until(lambda: _state(bot) == "dead", what="the bot to exit")
    with transaction(pool, workspace_id=space.id) as conn:
        session = telegram_sessions.require(conn)
        told = notifications.list_inbox(conn, user_id=owner.id)
    assert session.status == "revoked" and session.session_sealed is None
    assert session.lease_owner is None
    assert [n.kind for n in told].count("telegram.revoked") == 1
    _until(lambda: _state(rival) == "dead", what="the waiting copy to leave")
    record = ray._private.state.actors(bot._actor_id.hex())  # noqa: SLF001
    # Restarted once, after the kill; not after its intended exit.
    assert "INTENDED_USER_EXIT" in str(record["DeathCause"]) and record["NumRestarts"] == 1


def _answers_go_out_once(pool, space, telegram, candidate, bot) -> None:  # type: ignore[no-untyped-def]
    """Messages queued in the outbox go out through the bot, by chat and by @username. The bot
    is killed (SIGKILL) after Telegram took the first one and before it heard so: its restarted
    copy sends that message again with the same random_id, and Telegram (the fake, like it)
    drops the repeat, so the candidate sees each message once, recorded once."""
    with transaction(pool, workspace_id=space.id) as conn:
        seen = next(m for m in messages.list_for_chat(conn, chat_id=str(candidate.user_id))
                    if m.direction == "inbound")  # fmt: skip
    pid = ray.get(bot.status.remote())["pid"]
    killed: list[int] = []

    def kill_the_sender(sent: Any) -> None:
        if sent.to_user_id == candidate.user_id and not killed:
            killed.append(sent.random_id)
            os.kill(pid, signal.SIGKILL)

    telegram.on_sent = kill_the_sender
    try:
        with transaction(pool, workspace_id=space.id) as conn:
            by_chat, _ = outbound.queue_message(
                conn, workspace_id=space.id, key="reply:1",
                text="Спасибо! Ссылка на интервью ниже.",
                to=outbound.Recipient(chat_id=candidate.user_id,
                                      access_hash=seen.media["access_hash"]),
            )  # fmt: skip
            by_name, _ = outbound.queue_message(
                conn, workspace_id=space.id, key="reminder:1", text="Напоминаю про интервью.",
                to=outbound.Recipient(username="@petr_dev"),
            )  # fmt: skip

        def status_of(item_id: int) -> outbox.OutboxItem | None:
            with transaction(pool, workspace_id=space.id) as conn:
                item = outbox.get_item(conn, item_id=item_id)
            return item if item.status == "sent" else None

        _until(lambda: status_of(by_chat.id) and status_of(by_name.id), timeout_s=60,
               what="both sent, after the restart")  # fmt: skip
    finally:
        telegram.on_sent = None
    assert killed == [by_chat.payload["random_id"]]
    assert status_of(by_chat.id).external_id == "tg:repeat-dropped"  # type: ignore[union-attr]
    assert [s.text for s in telegram.sent if s.to_user_id == candidate.user_id].count(
        POLITE["no_interview"]
    ) == 1  # a stranger is told once what to do
    to_candidate = [
        s
        for s in telegram.sent
        if s.to_user_id == candidate.user_id and s.text not in POLITE.values()
    ]
    assert [(s.text, s.random_id) for s in to_candidate] == [
        ("Спасибо! Ссылка на интервью ниже.", by_chat.payload["random_id"]),
        ("Напоминаю про интервью.", by_name.payload["random_id"]),
    ]
    with transaction(pool, workspace_id=space.id) as conn:
        out = [m for m in messages.list_for_chat(conn, chat_id=str(candidate.user_id))
               if m.direction == "outbound"]  # fmt: skip
    assert [m.text for m in out if m.text not in POLITE.values()] == [
        "Спасибо! Ссылка на интервью ниже.",
        "Напоминаю про интервью.",
    ]


def _the_deep_link_starts_the_interview(pool, space, telegram, account, settings) -> None:  # type: ignore[no-untyped-def]
    """A candidate who opens the invitation's t.me link gets the greeting and the first
    question; their answer is stored as a turn and answered."""
    application_id = screened_application(pool, space.id)
    token = make_token(settings.resolved_secret_key(), space.id, application_id,
                       ttl_s=3600)  # fmt: skip
    olga = telegram.add_user("Olga", "olga_dev")
    telegram.write(olga, account.user_id, f"/start {token}")
    to_olga = lambda: [s.text for s in telegram.sent if s.to_user_id == olga.user_id]  # noqa: E731
    opening = _until(lambda: to_olga() if any("?" in t for t in to_olga()) else None,
                     what="the first question")  # fmt: skip
    telegram.write(olga, account.user_id, "I built payment services in Python for five years.")
    _until(lambda: len(to_olga()) > len(opening), what="the reply to the first answer")
    with transaction(pool, workspace_id=space.id) as conn:
        (interview,) = interviews.list_interviews(conn, application_id=application_id)
        spoken = turns.list_turns(conn, interview_id=interview.id)
    assert interview.channel == "telegram" and interview.status == "active"
    assert "SetTypingRequest" in telegram.requests  # "typing…" before the messages

    cv = b"Olga Smirnova\nPython developer, 6 years: FastAPI, PostgreSQL, Kafka.\n"
    telegram.send_document(olga, account.user_id, cv, "olga_cv.txt", "text/plain")

    def stored_resume() -> tuple[str, bytes] | None:
        with transaction(pool, workspace_id=space.id) as conn:
            row = conn.execute(
                "select file_name, file from resumes where file_name = 'olga_cv.txt'"
            ).fetchone()
        return (row[0], bytes(row[1])) if row else None

    assert _until(stored_resume, what="the resume sent in the chat") == ("olga_cv.txt", cv)

    # A voice note answers the current question: transcribed, stored as her turn, answered.
    before = len(to_olga())
    note, seconds = spoken_voice_note("I designed the database schema and the Python workers.")
    telegram.send_voice(olga, account.user_id, note, seconds)

    def heard() -> str | None:
        with transaction(pool, workspace_id=space.id) as conn:
            said = [t.text for t in turns.list_turns(conn, interview_id=interview.id)
                    if t.role == "candidate"]  # fmt: skip
        return said[-1] if len(said) >= 2 else None

    transcript = _until(heard, timeout_s=90, what="the voice note's transcript").lower()
    assert "schema" in transcript and "python" in transcript, transcript
    _until(lambda: len(to_olga()) > before, what="the reply to the voice note")
    with transaction(pool, workspace_id=space.id) as conn:  # kept for recruiters to play
        voice = next(m for m in messages.list_for_chat(conn, chat_id=str(olga.user_id))
                     if (m.media or {}).get("kind") == "voice")  # fmt: skip
        kept = messages.get_audio(conn, message_id=voice.id)
    assert kept is not None and kept.data == note and kept.mime_type == "audio/ogg"
    assert kept.duration_s is not None and abs(kept.duration_s - seconds) < 1.0
    assert voice.candidate_id is not None  # the chat was tied to her by the deep link
    assert [t.role for t in spoken][: len(opening) + 1] == ["interviewer"] * len(opening) + [
        "candidate"
    ]
