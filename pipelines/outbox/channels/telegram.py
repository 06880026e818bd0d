"""Telegram messages through the workspace's own account: the outbox channel the WorkspaceBot
runs (it holds the account's only client, on its event loop).

`deliver` is called by the dispatcher from a worker thread and runs the send on the bot's loop.
The request is the raw `messages.SendMessage` with the item's own `random_id`
(pipelines/telegram/outbound.py), which Telethon's `send_message` would replace with a fresh
one: Telegram then drops a repeat after a crash (RANDOM_ID_DUPLICATE), which counts as
delivered. Before each message the account shows "typing…" for about as long as a person would
take to type it (capped; settings, off in tests).

Before anything else, the item's timing is checked (pipelines/telegram/outreach.py): a message
that may not go yet (night where the candidate lives, the daily cap on first messages, first
messages paused) is `NotYet`, kept unattempted until then. A phone number is imported as a
contact first (contacts.importContacts); `retry_contacts` (Telegram's "not now") is retried
later, a number with no Telegram account is final. A flood wait is retried after the time
Telegram asks for; PEER_FLOOD (too many messages to strangers) on a first message pauses the
workspace's first messages and tells the recruiters; a candidate who blocked the account or
closed it is final. Each message sent to a candidate is recorded in `messages` once, keyed by
its random_id (a notification to a team member, `record` false, is not).
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
from db.settings import Settings
from pipelines.outbox.channels.base import Channel
from pipelines.outbox.errors import DeliveryError, NotYet
from pipelines.telegram import outreach

PEER_FLOOD_WAIT_S = 3600
RETRY_CONTACTS_S = 3600
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
        settings: Settings,
        *,
        timeout_s: float = 30.0,
    ) -> None:
        self._client, self._loop, self._pool = client, loop, pool
        self._workspace_id, self._settings = workspace_id, settings
        self.timeout_s = timeout_s
        self._typing_cps = settings.telegram_typing_cps
        self._typing_max_s = settings.telegram_typing_max_s

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
        if payload.get("phone"):
            return await self._contact(str(payload["phone"]), str(payload.get("name") or ""),
                                       int(payload["random_id"]))  # fmt: skip
        raise DeliveryError("the message names no chat, @username or phone", retryable=False)

    async def _contact(self, phone: str, name: str, client_id: int) -> Any:
        """The user behind `phone`, imported into the account's contacts (Telegram lets an
        account write to a number only through its contacts)."""
        first, _, last = name.strip().partition(" ")
        result = await self._client(
            functions.contacts.ImportContactsRequest([types.InputPhoneContact(
                client_id=client_id, phone=phone, first_name=first or phone, last_name=last,
            )])
        )  # fmt: skip
        if result.imported:
            user_id = result.imported[0].user_id
            user = next((u for u in result.users if u.id == user_id), None)
            if user is not None and user.access_hash is not None:
                return types.InputPeerUser(user.id, user.access_hash)
        if client_id in (result.retry_contacts or []):
            raise DeliveryError(
                "Telegram asks to add this phone as a contact later (retry_contacts)",
                retry_after_s=RETRY_CONTACTS_S,
            )
        raise DeliveryError(
            "no Telegram account found for this phone number (or its owner hides it)",
            retryable=False,
        )

    def _hold(self, payload: dict[str, Any]) -> outreach.Hold | None:
        with transaction(self._pool, workspace_id=self._workspace_id) as conn:
            return outreach.hold_for(
                conn, self._settings, timing=str(payload.get("timing") or "reply"),
                zone=payload.get("zone"),
            )  # fmt: skip

    def _pause_outreach(self) -> Any:
        with transaction(self._pool, workspace_id=self._workspace_id) as conn:
            return outreach.pause_outreach(conn, self._settings, workspace_id=self._workspace_id)

    async def _send(self, item: OutboxItem) -> str:
        payload = item.payload
        text, random_id = str(payload.get("text") or ""), int(payload["random_id"])
        hold = None
        if payload.get("timing") in ("unprompted", "cold"):  # a reply never waits
            hold = await asyncio.to_thread(self._hold, payload)
        if hold is not None:
            raise NotYet(f"waits: {hold.reason}", until=hold.until)
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
            if payload.get("timing") == "cold":
                until = await asyncio.to_thread(self._pause_outreach)
                raise NotYet("waits: first messages paused after PEER_FLOOD", until=until) from e
            raise DeliveryError(
                "Telegram limits this account's messages to new people (PEER_FLOOD)",
                retry_after_s=PEER_FLOOD_WAIT_S,
            ) from e
        except _FINAL as e:
            raise DeliveryError(f"Telegram refused: {type(e).__name__}", retryable=False) from e
        except ValueError as e:  # an entity this client cannot find
            raise DeliveryError(f"no such Telegram chat ({e})", retryable=False) from e
        chat_id = getattr(peer, "user_id", None) or payload.get("chat_id")
        if payload.get("record", True):  # a notification to a team member is no conversation
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
