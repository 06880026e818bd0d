"""Fixtures (registered in tests/conftest.py): a fake Telegram data centre for the module, and
the module's settings with Telegram configured and the real client pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from db.settings import Settings
from tests.fakes.telegram.server import FakeTelegram


@pytest.fixture(scope="module")
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture(scope="module")
def tg_settings(settings: Settings, telegram: FakeTelegram) -> Settings:
    return configured_for(settings, telegram)


def configured_for(settings: Settings, telegram: FakeTelegram) -> Settings:
    """`settings` with Telegram configured and the client pointed at the fake."""
    return settings.model_copy(
        update={
            "telegram_api_id": 611335,
            "telegram_api_hash": SecretStr("d524b414d21f4d37f08684c1df41ac9c"),
            "telegram_dc": telegram.dc,
            "telegram_rsa_key": telegram.public_pem,
            "telegram_timeout_s": 10.0,
            # "typing…" is shown, the pause it stands for is next to nothing.
            "telegram_typing_cps": 1_000_000.0,
            # No quiet hours: what a test sends must not depend on the time of day it runs.
            "telegram_quiet_hours": "0-0",
        }
    )
