"""The outbox's Telegram channel with the real client against the fake data centre: flood waits,
phone numbers imported as contacts, and when a message nobody asked for may go out (quiet
hours where the candidate lives, the daily cap on first messages, the pause after PEER_FLOOD)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from db import notifications, outbox, telegram_sessions
from db.errors import InvalidValue
from db.pool import transaction
from db.settings import Settings
from pipelines.outbox.channels.telegram import TelegramChannel
from pipelines.outbox.dispatcher import dispatch_due
from pipelines.telegram import outbound
from pipelines.telegram.accounts import TelegramAccounts
from pipelines.telegram.client import make_client
from serve_apps import accounts as people
from tests.fakes.telegram.server import Account, FakeTelegram


@dataclass
class Connected:
    """A workspace whose account is signed in, and a client of it on a loop of its own."""

    workspace_id: Any
    owner_id: int
    account: Account
    loop: asyncio.AbstractEventLoop
    client: Any

    def channel(self, pool: Any, settings: Settings) -> TelegramChannel:
        return TelegramChannel(self.client, self.loop, pool, self.workspace_id, settings)


@pytest.fixture
def connected(pool, tg_settings, telegram: FakeTelegram) -> Iterator[Connected]:  # type: ignore[no-untyped-def]
    n = len(telegram.accounts)
    account = telegram.add_account(f"+7999666{n:04d}", username=None)
    owner = people.create_user_account(pool, email=f"owner{n}@channel.test", password="pw-12345678")
    ws = people.create_workspace(pool, name=f"Channel {n}", owner_id=owner.id)
    accounts = TelegramAccounts(pool, tg_settings)
    accounts.start(ws.id, account.phone)
    accounts.submit_code(ws.id, account.code)
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    client = make_client(tg_settings, accounts.export_session(ws.id))
    asyncio.run_coroutine_threadsafe(client.connect(), loop).result(20)
    try:
        yield Connected(ws.id, owner.id, account, loop, client)
    finally:

        async def close() -> None:  # disconnect() is a coroutine only on the client's loop
            await client.disconnect()

        asyncio.run_coroutine_threadsafe(close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)


def _queue(pool: Any, ws: Any, key: str, to: outbound.Recipient, **kw: Any) -> outbox.OutboxItem:
    with transaction(pool, workspace_id=ws) as conn:
        item, _ = outbound.queue_message(
            conn, workspace_id=ws, key=key, text=kw.pop("text", f"Hello ({key})"), to=to, **kw
        )
    return item


def _item(pool: Any, ws: Any, item_id: int) -> outbox.OutboxItem:
    with transaction(pool, workspace_id=ws) as conn:
        return outbox.get_item(conn, item_id=item_id)


def test_a_flood_wait_reschedules_after_the_time_asked(  # type: ignore[no-untyped-def]
    pool,
    tg_settings,
    telegram,
    connected,
) -> None:
    ws = connected.workspace_id
    candidate = telegram.add_user("Lena", "lena_ml")
    channel = connected.channel(pool, tg_settings)
    item = _queue(pool, ws, "hello", outbound.Recipient(username="lena_ml"),
                  text="Здравствуйте, Лена!")  # fmt: skip
    telegram.send_flood_wait_s = 900
    before = datetime.now(UTC)
    assert dispatch_due(pool, {"telegram": channel}, workspace_id=ws).retried == 1
    waiting = _item(pool, ws, item.id)
    assert waiting.status == "pending" and "900 s" in (waiting.last_error or "")
    assert waiting.available_at >= before + timedelta(seconds=900)
    assert dispatch_due(pool, {"telegram": channel}, workspace_id=ws).claimed == 0
    with transaction(pool, workspace_id=ws) as conn:  # the wait is over
        conn.execute("update outbox set available_at = now() where id = %s", (item.id,))
    assert dispatch_due(pool, {"telegram": channel}, workspace_id=ws).sent == 1
    assert [s.text for s in telegram.sent if s.to_user_id == candidate.user_id] == [
        "Здравствуйте, Лена!"
    ]


def test_a_phone_number_is_imported_as_a_contact_then_written_to(  # type: ignore[no-untyped-def]
    pool,
    tg_settings,
    telegram,
    connected,
) -> None:
    ws = connected.workspace_id
    pavel = telegram.add_user("Pavel", phone="+79161112233")
    telegram.retry_contacts.add("79165550000")
    channel = connected.channel(pool, tg_settings)
    found = _queue(pool, ws, "by-phone", outbound.Recipient(phone="+79161112233",
                                                             name="Павел Сидоров"))  # fmt: skip
    later = _queue(pool, ws, "later", outbound.Recipient(phone="+79165550000"))
    nobody = _queue(pool, ws, "nobody", outbound.Recipient(phone="+79160000000"))
    counts = dispatch_due(pool, {"telegram": channel}, workspace_id=ws)
    assert (counts.sent, counts.retried, counts.failed) == (1, 1, 1)
    assert [s.text for s in telegram.sent if s.to_user_id == pavel.user_id] == ["Hello (by-phone)"]
    assert pavel.user_id in telegram.contacts[connected.account.user_id]
    retried = _item(pool, ws, later.id)
    assert retried.status == "pending" and "retry_contacts" in (retried.last_error or "")
    assert retried.available_at > datetime.now(UTC) + timedelta(minutes=50)
    failed = _item(pool, ws, nobody.id)
    assert failed.status == "failed" and "no Telegram account" in (failed.last_error or "")
    sent = _item(pool, ws, found.id)
    assert sent.status == "sent" and sent.external_id.startswith("tg:")


def test_messages_nobody_asked_for_wait_out_the_night_where_the_candidate_lives(  # type: ignore[no-untyped-def]
    pool,
    tg_settings,
    telegram,
    connected,
) -> None:
    ws = connected.workspace_id
    telegram.add_user("Night", "night_owl")
    telegram.add_user("Day", "day_person")
    hour = datetime.now(UTC).hour  # night is now (and the next hour) in UTC, day in Tokyo
    settings = tg_settings.model_copy(update={"telegram_quiet_hours": f"{hour}-{(hour + 2) % 24}"})
    channel = connected.channel(pool, settings)
    reply = _queue(pool, ws, "reply", outbound.Recipient(username="night_owl"), zone="UTC")
    night = _queue(pool, ws, "nudge", outbound.Recipient(username="night_owl"),
                   timing="unprompted", zone="UTC")  # fmt: skip
    day = _queue(pool, ws, "tokyo", outbound.Recipient(username="day_person"),
                 timing="cold", zone="Asia/Tokyo")  # fmt: skip
    counts = dispatch_due(pool, {"telegram": channel}, workspace_id=ws)
    assert (counts.sent, counts.deferred, counts.retried) == (2, 1, 0)
    assert {_item(pool, ws, i.id).status for i in (reply, day)} == {"sent"}
    held = _item(pool, ws, night.id)
    morning = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)
    assert held.status == "pending" and held.attempts == 0
    assert abs((held.available_at - morning).total_seconds()) <= 3600
    assert held.available_at > datetime.now(UTC) and "quiet hours" in (held.last_error or "")


def test_first_messages_stop_at_the_daily_cap_and_pause_after_peer_flood(  # type: ignore[no-untyped-def]
    pool,
    tg_settings,
    telegram,
    connected,
) -> None:
    ws = connected.workspace_id
    for n in range(5):
        telegram.add_user(f"Cand {n}", f"cand_{ws.hex[:6]}_{n}")
    settings = tg_settings.model_copy(update={"telegram_first_contacts_per_day": 2})
    channel = connected.channel(pool, settings)
    cold = [_queue(pool, ws, f"cold-{n}", outbound.Recipient(username=f"cand_{ws.hex[:6]}_{n}"),
                   timing="cold") for n in range(3)]  # fmt: skip
    counts = dispatch_due(pool, {"telegram": channel}, workspace_id=ws)
    assert (counts.sent, counts.deferred) == (2, 1)
    capped = _item(pool, ws, cold[2].id)
    first_sent = _item(pool, ws, cold[0].id).sent_at
    assert capped.status == "pending" and capped.attempts == 0 and "daily cap" in capped.last_error
    assert first_sent is not None
    assert capped.available_at == first_sent + timedelta(hours=24)

    # A new day's budget, and Telegram warns: PEER_FLOOD on a first message.
    roomy = settings.model_copy(update={"telegram_first_contacts_per_day": 100})
    channel = connected.channel(pool, roomy)
    with transaction(pool, workspace_id=ws) as conn:
        conn.execute("update outbox set available_at = now() where id = %s", (capped.id,))
    telegram.peer_flood = 1
    assert dispatch_due(pool, {"telegram": channel}, workspace_id=ws).deferred == 1
    with transaction(pool, workspace_id=ws) as conn:
        paused = telegram_sessions.require(conn).outreach_paused_until
        told = [n.kind for n in notifications.list_inbox(conn, user_id=connected.owner_id)]
    assert paused is not None and paused > datetime.now(UTC) + timedelta(hours=23)
    assert _item(pool, ws, capped.id).available_at == paused
    assert told.count("telegram.outreach_paused") == 1
    # While paused, more first messages wait; a reply to someone who wrote goes out.
    more = _queue(pool, ws, "cold-3", outbound.Recipient(username=f"cand_{ws.hex[:6]}_3"),
                  timing="cold")  # fmt: skip
    answer = _queue(pool, ws, "answer", outbound.Recipient(username=f"cand_{ws.hex[:6]}_4"))
    counts = dispatch_due(pool, {"telegram": channel}, workspace_id=ws)
    assert (counts.sent, counts.deferred) == (1, 1)
    assert _item(pool, ws, answer.id).status == "sent"
    assert _item(pool, ws, more.id).available_at == paused


def test_a_team_members_notification_goes_to_their_username_and_is_no_conversation(  # type: ignore[no-untyped-def]
    pool,
    tg_settings,
    telegram,
    connected,
) -> None:
    """Issue 16 §7: a person who chose Telegram for a kind gets it from the workspace's account
    at their @username; it is not a candidate's chat, so `messages` records nothing."""
    ws = connected.workspace_id
    owner = telegram.add_user("Owner", "agency_owner")
    with transaction(pool, workspace_id=ws) as conn:
        with pytest.raises(InvalidValue):
            notifications.save_settings(conn, workspace_id=ws, user_id=connected.owner_id,
                                        channels={}, language="en",
                                        telegram_username="@no")  # fmt: skip
        saved = notifications.save_settings(
            conn, workspace_id=ws, user_id=connected.owner_id, language="en",
            channels={"lead.strong": ["telegram"]}, telegram_username="@agency_owner",
        )  # fmt: skip
        assert saved.telegram_username == "agency_owner"
        subject = {"lead_id": 1, "title": "Go developer", "company": "Acme", "source": "djinni",
                   "fit_score": 88, "bench": "Ivan (90)"}  # fmt: skip
        for _ in range(2):  # the same notification twice: told once
            notifications.notify(conn, workspace_id=ws, kind="lead.strong",
                                 dedupe_key="lead.strong:1", subject=subject)  # fmt: skip
        queued = conn.execute(
            "select count(*) from outbox where kind = 'telegram.notification'"
        ).fetchone()[0]
    assert queued == 1
    channel = connected.channel(pool, tg_settings)
    assert dispatch_due(pool, {"telegram": channel}, workspace_id=ws).sent == 1
    texts = [s.text for s in telegram.sent if s.to_user_id == owner.user_id]
    assert len(texts) == 1 and texts[0].startswith("Strong lead: Go developer")
    assert "Acme" in texts[0] and "88" in texts[0]
    with transaction(pool, workspace_id=ws) as conn:
        assert conn.execute("select count(*) from messages").fetchone()[0] == 0
