"""Signing a workspace's Telegram account in: phone → code → two-step password → connected.

Each step is one short connection with the session kept between steps (a StringSession: the
auth key the first step made, which the code is bound to) and the code's hash; the caller
stores both sealed. Telegram's refusals become `TelegramRefused` with a stable code and a
sentence a recruiter can act on: a wrong or expired code, a wrong password, a banned or
invalid number, a flood wait (with its seconds), Telegram out of reach.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from telethon import TelegramClient, errors
from telethon.tl import types

from db.settings import Settings
from pipelines.telegram.client import make_client

log = logging.getLogger(__name__)
T = TypeVar("T")


class TelegramRefused(Exception):
    """A step Telegram (or the way to it) refused; `code` is stable, the message for people."""

    def __init__(self, code: str, message: str, *, retry_after_s: int | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.retry_after_s = code, message, retry_after_s


@dataclass(frozen=True)
class CodeSent:
    """A login code is on its way to the account's other devices (or by SMS)."""

    session: str
    phone_code_hash: str


@dataclass(frozen=True)
class Account:
    """Who the session is signed in as."""

    account_id: int
    username: str | None
    display_name: str
    phone: str | None


@dataclass(frozen=True)
class SignedIn:
    session: str
    account: Account


@dataclass(frozen=True)
class PasswordNeeded:
    session: str


def _account(user: types.User) -> Account:
    name = " ".join(p for p in (user.first_name, user.last_name) if p) or str(user.id)
    return Account(user.id, user.username, name, user.phone)


_REFUSALS: list[tuple[type[BaseException], str, str]] = [
    (errors.PhoneNumberInvalidError, "phone_invalid",
     "Telegram does not know this phone number; check it (with the country code)"),
    (errors.PhoneNumberBannedError, "phone_banned",
     "Telegram has banned this phone number; use another account"),
    (errors.PhoneCodeInvalidError, "code_invalid", "The code is wrong; check it and try again"),
    (errors.PhoneCodeExpiredError, "code_expired",
     "The code has expired; ask for a new one"),
    (errors.PhoneCodeEmptyError, "code_invalid", "Enter the code Telegram sent"),
    (errors.PasswordHashInvalidError, "password_invalid",
     "The two-step verification password is wrong"),
    (errors.SessionPasswordNeededError, "password_needed",
     "This account has a two-step verification password: enter it"),
    (errors.AuthKeyUnregisteredError, "session_invalid",
     "Telegram does not accept this session any more: sign in again"),
    (errors.SessionRevokedError, "session_invalid",
     "The session was ended from another device: sign in again"),
    (errors.AuthKeyDuplicatedError, "session_invalid",
     "The session was used from two places at once and Telegram ended it: sign in again"),
]  # fmt: skip


async def _run(
    settings: Settings, session: str, step: Callable[[TelegramClient], Awaitable[T]]
) -> T:
    client = make_client(settings, session)
    try:
        await asyncio.wait_for(client.connect(), settings.telegram_timeout_s)
        return await step(client)
    except errors.FloodWaitError as e:
        raise TelegramRefused(
            "flood_wait", f"Telegram asks to wait {e.seconds} s before trying again",
            retry_after_s=int(e.seconds),
        ) from e  # fmt: skip
    except (OSError, ConnectionError, TimeoutError) as e:
        raise TelegramRefused(
            "telegram_unreachable",
            f"Telegram cannot be reached from this server ({type(e).__name__})",
        ) from e
    except errors.RPCError as e:
        for kind, code, message in _REFUSALS:
            if isinstance(e, kind):
                raise TelegramRefused(code, message) from e
        log.warning("telegram refused a sign-in step: %s", type(e).__name__)
        raise TelegramRefused("telegram_error", f"Telegram refused: {e.message}") from e
    finally:
        await client.disconnect()


def _session_of(client: TelegramClient) -> str:
    return str(client.session.save())


async def send_code(settings: Settings, phone: str) -> CodeSent:
    """Ask Telegram to send a login code for `phone` (a new session is made for it)."""

    async def step(client: TelegramClient) -> CodeSent:
        sent = await client.send_code_request(phone)
        return CodeSent(_session_of(client), sent.phone_code_hash)

    return await _run(settings, "", step)


async def submit_code(
    settings: Settings, session: str, phone: str, phone_code_hash: str, code: str
) -> SignedIn | PasswordNeeded:
    """Sign in with the code; `PasswordNeeded` when the account has two-step verification."""

    async def step(client: TelegramClient) -> SignedIn | PasswordNeeded:
        try:
            user = await client.sign_in(phone, code.strip(), phone_code_hash=phone_code_hash)
        except errors.SessionPasswordNeededError:
            return PasswordNeeded(_session_of(client))
        assert isinstance(user, types.User)
        return SignedIn(_session_of(client), _account(user))

    return await _run(settings, session, step)


async def submit_password(settings: Settings, session: str, password: str) -> SignedIn:
    """Finish signing in with the two-step verification password (checked by SRP: the
    password itself never leaves this server)."""

    async def step(client: TelegramClient) -> SignedIn:
        user = await client.sign_in(password=password)
        assert isinstance(user, types.User)
        return SignedIn(_session_of(client), _account(user))

    return await _run(settings, session, step)


async def who(settings: Settings, session: str) -> Account:
    """The account a session is signed in as (checks an imported session)."""

    async def step(client: TelegramClient) -> Account:
        user = await client.get_me()
        if user is None:
            raise TelegramRefused("session_invalid", "This session is not signed in")
        return _account(user)

    return await _run(settings, session, step)


async def sign_out(settings: Settings, session: str) -> None:
    """End the session at Telegram (it disappears from the account's active sessions)."""

    async def step(client: TelegramClient) -> None:
        await client.log_out()

    await _run(settings, session, step)
