"""Telethon clients made the one way this product uses them.

The API id and hash come from settings (`TELEGRAM_API_ID`, `TELEGRAM_API_HASH`); without them
nothing Telegram can work, and `TelegramNotConfigured` says so. A data centre other than
Telegram's (`SELECTIO_TELEGRAM_DC`, with its key in `SELECTIO_TELEGRAM_RSA_KEY`) serves test
set-ups: the client is pointed at it and its RSA key is trusted, as Telethon allows for custom
data centres. `flood_sleep_threshold=0`: a flood wait always reaches the caller, which decides
(a person is told how long; the bot reschedules), never a blind sleep inside a request.
"""

from __future__ import annotations

import threading
from pathlib import Path

from telethon import TelegramClient
from telethon.crypto import rsa
from telethon.sessions import StringSession

from db.settings import Settings

_KEYS_ADDED: set[str] = set()
_LOCK = threading.Lock()


class TelegramNotConfigured(Exception):
    """The installation has no Telegram API id / hash."""

    code = "telegram_not_configured"

    def __init__(self) -> None:
        super().__init__(
            "Telegram is not configured: set TELEGRAM_API_ID and TELEGRAM_API_HASH (from "
            "my.telegram.org) and restart"
        )


def _trust_key(setting: str) -> None:
    pem = setting
    if not setting.lstrip().startswith("-----BEGIN"):
        pem = Path(setting).expanduser().read_text()
    with _LOCK:
        if pem not in _KEYS_ADDED:
            rsa.add_key(pem.encode(), old=False)
            _KEYS_ADDED.add(pem)


def make_client(settings: Settings, session: str = "", *, updates: bool = False) -> TelegramClient:
    """A client for `session` (a StringSession string; "" for a new one), not yet connected."""
    if settings.telegram_api_id is None or settings.telegram_api_hash is None:
        raise TelegramNotConfigured()
    client = TelegramClient(
        StringSession(session),
        settings.telegram_api_id,
        settings.telegram_api_hash.get_secret_value(),
        timeout=int(settings.telegram_timeout_s),
        connection_retries=1,
        retry_delay=1,
        flood_sleep_threshold=0,
        request_retries=1,
        raise_last_call_error=True,
        receive_updates=updates,
        device_model="Selectio",
        app_version="Selectio",
    )
    if settings.telegram_dc and not session:
        dc_id, address = settings.telegram_dc.split("@", 1)
        host, port = address.rsplit(":", 1)
        client.session.set_dc(int(dc_id), host, int(port))
    if settings.telegram_rsa_key:
        _trust_key(settings.telegram_rsa_key)
    return client
