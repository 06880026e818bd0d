"""The outbox's Telegram channel with the real client against the fake data centre: a flood
wait puts the message back for at least as long as Telegram asked, then it goes out once."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta

from db import outbox
from db.pool import transaction
from pipelines.outbox.channels.telegram import TelegramChannel
from pipelines.outbox.dispatcher import dispatch_due
from pipelines.telegram import outbound
from pipelines.telegram.accounts import TelegramAccounts
from pipelines.telegram.client import make_client
from tests.db import factories


def test_a_flood_wait_reschedules_after_the_time_asked(pool, tg_settings, telegram) -> None:  # type: ignore[no-untyped-def]
    account = telegram.add_account("+79996660011")
    candidate = telegram.add_user("Lena", "lena_ml")
    ws = factories.workspace(pool)
    accounts = TelegramAccounts(pool, tg_settings)
    accounts.start(ws.id, account.phone)
    accounts.submit_code(ws.id, account.code)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    client = make_client(tg_settings, accounts.export_session(ws.id))
    asyncio.run_coroutine_threadsafe(client.connect(), loop).result(20)
    channel = TelegramChannel(client, loop, pool, ws.id)
    try:
        with transaction(pool, workspace_id=ws.id) as conn:
            item, _ = outbound.queue_message(
                conn, workspace_id=ws.id, key="hello", text="Здравствуйте, Лена!",
                to=outbound.Recipient(username="lena_ml"),
            )  # fmt: skip
        telegram.send_flood_wait_s = 900
        before = datetime.now(UTC)
        assert dispatch_due(pool, {"telegram": channel}, workspace_id=ws.id).retried == 1
        with transaction(pool, workspace_id=ws.id) as conn:
            waiting = outbox.get_item(conn, item_id=item.id)
        assert waiting.status == "pending" and "900 s" in (waiting.last_error or "")
        assert waiting.available_at >= before + timedelta(seconds=900)
        assert dispatch_due(pool, {"telegram": channel}, workspace_id=ws.id).claimed == 0
        with transaction(pool, workspace_id=ws.id) as conn:  # the wait is over
            conn.execute("update outbox set available_at = now() where id = %s", (item.id,))
        assert dispatch_due(pool, {"telegram": channel}, workspace_id=ws.id).sent == 1
        assert [s.text for s in telegram.sent if s.to_user_id == candidate.user_id] == [
            "Здравствуйте, Лена!"
        ]
    finally:

        async def close() -> None:
            await client.disconnect()

        asyncio.run_coroutine_threadsafe(close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
