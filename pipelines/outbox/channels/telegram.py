"""Telegram messages through the workspace's own account: the outbox channel the WorkspaceBot
runs (it holds the account's only client, on its event loop).

`deliver` is called by the dispatcher from a worker thread and runs the send on the bot's loop.
The request is the raw `messages.SendMessage` with the item's own `random_id`
(pipelines/telegram/outbound.py), which Telethon's `send_message` would replace with a fresh
one: Telegram then drops a repeat after a crash (RANDOM_ID_DUPLICATE), which counts as
delivered. Before each message the account shows "typing…" for about as long as a person would
take to type it (capped; settings, off in tests). A flood wait is retried after the time
Telegram asks for; PEER_FLOOD (too many
messages to strangers) waits an hour; a candidate who blocked the account or closed it is
final. Each message sent is recorded in `messages` once, keyed by its random_id.
"""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

from psycopg_pool import ConnectionPool
from telethon import TelegramClient, errors
from telethon.tl import functions, types

from db import messages
from db.outbox import OutboxItem
from db.pool import transaction
from pipelines.outbox.channels.base import Channel
from pipelines.outbox.errors import DeliveryError

PEER_FLOOD_WAIT_S = 3600
_FINAL = (
    errors.UserIsBlockedError,
    errors.InputUserDeactivatedError,
    errors.UserDeactivatedError,
    errors.PeerIdInvalidError,
    errors.UsernameNotOccupiedError,
    errors.UsernameInvalidError,
    errors.UserPrivacyRestrictedError,
)


class TelegramChannel(Channel):
    """Sends `telegram.*` outbox items with the bot's connected client."""

    name = "telegram"

    def __init__(
        self,
        client: TelegramClient,
        loop: asyncio.AbstractEventLoop,
        pool: ConnectionPool,
        workspace_id: UUID,
        *,
        timeout_s: float = 30.0,
        typing_cps: float = 0.0,
        typing_max_s: float = 0.0,
    ) -> None:
        self._client, self._loop, self._pool = client, loop, pool
        self._workspace_id = workspace_id
        self.timeout_s = timeout_s
        self._typing_cps, self._typing_max_s = typing_cps, typing_max_s

    def deliver(self, item: OutboxItem) -> str | None:
        future = asyncio.run_coroutine_threadsafe(self._send(item), self._loop)
        return future.result(self.timeout_s)

    async def _peer(self, payload: dict[str, Any]) -> Any:
        if payload.get("chat_id") is not None and payload.get("access_hash") is not None:
            return types.InputPeerUser(int(payload["chat_id"]), int(payload["access_hash"]))
        if payload.get("username"):
            return await self._client.get_input_entity(str(payload["username"]))
        if payload.get("chat_id") is not None:  # seen by this client since it started
            return await self._client.get_input_entity(int(payload["chat_id"]))
        raise DeliveryError("the message names no chat or @username", retryable=False)

    async def _send(self, item: OutboxItem) -> str:
        payload = item.payload
        text, random_id = str(payload.get("text") or ""), int(payload["random_id"])
        try:
            peer = await self._peer(payload)
            await self._type(peer, text)
            sent = await self._client(
                functions.messages.SendMessageRequest(
                    peer=peer, message=text, random_id=random_id, no_webpage=True
                )
            )
            message_id = getattr(sent, "id", None)
        except errors.RandomIdDuplicateError:
            message_id = None  # Telegram took it before a crash and dropped this repeat
        except errors.FloodWaitError as e:
            raise DeliveryError(
                f"Telegram asks to wait {e.seconds} s", retry_after_s=e.seconds
            ) from e
        except errors.PeerFloodError as e:
            raise DeliveryError(
                "Telegram limits this account's messages to new people (PEER_FLOOD)",
                retry_after_s=PEER_FLOOD_WAIT_S,
            ) from e
        except _FINAL as e:
            raise DeliveryError(f"Telegram refused: {type(e).__name__}", retryable=False) from e
        except ValueError as e:  # an entity this client cannot find
            raise DeliveryError(f"no such Telegram chat ({e})", retryable=False) from e
        chat_id = getattr(peer, "user_id", None) or payload.get("chat_id")
        await asyncio.to_thread(self._record, item, chat_id, text, random_id, message_id)
        return f"tg:{message_id}" if message_id is not None else "tg:repeat-dropped"

    async def _type(self, peer: Any, text: str) -> None:
        """Show "typing…" and take about as long as a person would to type `text` (capped);
        nothing when typing is off (`typing_cps` 0)."""
        if self._typing_cps <= 0:
            return
        await self._client(
            functions.messages.SetTypingRequest(peer=peer, action=types.SendMessageTypingAction())
        )
        await asyncio.sleep(min(self._typing_max_s, len(text) / self._typing_cps))

    def _record(
        self, item: OutboxItem, chat_id: Any, text: str, random_id: int, message_id: int | None
    ) -> None:
        with transaction(self._pool, workspace_id=self._workspace_id) as conn:
            messages.record_message(
                conn, workspace_id=self._workspace_id, direction="outbound", text=text,
                chat_id=str(chat_id) if chat_id is not None else None,
                external_id=f"rid:{random_id}", candidate_id=item.payload.get("candidate_id"),
                media={"telegram_message_id": message_id} if message_id else None,
            )  # fmt: skip
