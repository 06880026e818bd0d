"""The WorkspaceBot on a real local Ray against a fake Telegram data centre: it takes the
session's lease before connecting (a second copy waits without connecting), stores each
incoming message once even when Telegram delivers it again, and when Telegram ends the
session it marks it revoked, tells the owners, and exits for good."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
import ray

from actors.naming import NAMESPACE
from actors.workspace_bot import WorkspaceBot, workspace_bot
from db import messages, notifications, outbox, telegram_sessions
from db.pool import transaction
from pipelines.telegram import outbound
from pipelines.telegram.accounts import TelegramAccounts
from serve_apps import accounts as people

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
) -> None:
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
        return found if len(found) >= 2 else []

    texts = [m.text for m in _until(stored, what="two stored messages")]
    time.sleep(0.5)
    assert texts == ["Здравствуйте, я по вакансии Python", "Резюме пришлю сегодня"]
    assert ray.get(bot.status.remote())["handled"] == 2
    _answers_go_out_once(pool, space, telegram, candidate)

    telegram.revoke(account.user_id)  # "terminate all other sessions" on the phone
    _until(lambda: _state(bot) == "dead", what="the bot to exit")
    with transaction(pool, workspace_id=space.id) as conn:
        session = telegram_sessions.require(conn)
        told = notifications.list_inbox(conn, user_id=owner.id)
    assert session.status == "revoked" and session.session_sealed is None
    assert session.lease_owner is None
    assert [n.kind for n in told] == ["telegram.revoked"]
    _until(lambda: _state(rival) == "dead", what="the waiting copy to leave")
    record = ray._private.state.actors(bot._actor_id.hex())  # noqa: SLF001
    assert "INTENDED_USER_EXIT" in str(record["DeathCause"]) and record["NumRestarts"] == 0


def _answers_go_out_once(pool, space, telegram, candidate) -> None:  # type: ignore[no-untyped-def]
    """Messages queued in the outbox go out through the bot, by chat and by @username; one
    sent again after a crash between Telegram taking it and the row being marked carries the
    same random_id, and Telegram (the fake, like it) shows the candidate one message."""
    with transaction(pool, workspace_id=space.id) as conn:
        seen = messages.list_for_chat(conn, chat_id=str(candidate.user_id))[0]
        by_chat, _ = outbound.queue_message(
            conn, workspace_id=space.id, key="reply:1", text="Спасибо! Ссылка на интервью ниже.",
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

    _until(lambda: status_of(by_chat.id) and status_of(by_name.id), what="both sent")
    to_candidate = [s for s in telegram.sent if s.to_user_id == candidate.user_id]
    assert [(s.text, s.random_id) for s in to_candidate] == [
        ("Спасибо! Ссылка на интервью ниже.", by_chat.payload["random_id"]),
        ("Напоминаю про интервью.", by_name.payload["random_id"]),
    ]
    with transaction(pool, workspace_id=space.id) as conn:  # the bot died before the mark
        conn.execute(
            "update outbox set status = 'pending', available_at = now(), lease_owner = null, "
            "lease_until = null where id = %s",
            (by_chat.id,),
        )
    again = _until(lambda: status_of(by_chat.id), what="the resend")
    assert again.external_id == "tg:repeat-dropped"
    assert len([s for s in telegram.sent if s.to_user_id == candidate.user_id]) == 2
    with transaction(pool, workspace_id=space.id) as conn:
        out = [m for m in messages.list_for_chat(conn, chat_id=str(candidate.user_id))
               if m.direction == "outbound"]  # fmt: skip
    assert [m.text for m in out] == ["Спасибо! Ссылка на интервью ниже.", "Напоминаю про интервью."]
