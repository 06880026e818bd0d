"""Connecting a workspace's Telegram account with the real Telethon client against a fake data
centre (MTProto, key exchange, two-step password by SRP): with and without a password, wrong
and expired codes, a wrong password, a banned number, a flood wait, sign-out, and a session
moved from one workspace to another. Sessions are stored sealed, never in clear."""

from __future__ import annotations

import asyncio

import pytest
from psycopg_pool import ConnectionPool

from db.pool import transaction
from db.settings import Settings
from pipelines.telegram import login
from pipelines.telegram.accounts import (
    AccountInUse,
    TelegramAccounts,
    WrongStep,
    normalise_phone,
)
from pipelines.telegram.client import TelegramNotConfigured
from pipelines.telegram.login import TelegramRefused
from tests.db import factories
from tests.fakes.telegram.server import FakeTelegram


def test_an_account_without_a_password_connects_after_a_wrong_code(  # type: ignore[no-untyped-def]
    pool: ConnectionPool, tg_settings: Settings, telegram: FakeTelegram
) -> None:
    telegram.add_account("+79990001001", first_name="Ирина", username="irina_hr")
    ws = factories.workspace(pool)
    accounts = TelegramAccounts(pool, tg_settings)
    with pytest.raises(WrongStep):
        accounts.submit_code(ws.id, "24680")
    sent = accounts.start(ws.id, "+7 (999) 000-10-01")
    assert (sent.status, sent.phone) == ("code_sent", "+79990001001")
    with pytest.raises(TelegramRefused) as wrong:
        accounts.submit_code(ws.id, "11111")
    assert wrong.value.code == "code_invalid"
    assert "code_invalid" in (accounts.status(ws.id).last_error or "")
    done = accounts.submit_code(ws.id, "24680")
    assert (done.status, done.display_name, done.username) == ("active", "Ирина", "irina_hr")
    with transaction(pool, workspace_id=ws.id) as conn:
        (sealed,) = conn.execute("select session_sealed from telegram_sessions").fetchone()
    exported = accounts.export_session(ws.id)
    assert exported.startswith("1") and exported.encode() not in bytes(sealed)
    assert telegram.signed_in(done.account_id) == 1

    # The account cannot run in a second workspace here, neither by its session nor by a
    # new sign-in (whose fresh session is ended at Telegram); the first keeps working.
    other = factories.workspace(pool)
    with pytest.raises(AccountInUse):
        accounts.import_session(other.id, exported)
    accounts.start(other.id, "+79990001001")
    with pytest.raises(AccountInUse):
        accounts.submit_code(other.id, "24680")
    assert "telegram_account_in_use" in (accounts.status(other.id).last_error or "")
    assert accounts.status(other.id).status == "code_sent"
    assert telegram.signed_in(done.account_id) == 1
    assert accounts.status(ws.id).status == "active"

    # A session made elsewhere (another installation) moves in.
    telegram.add_account("+79990001011", first_name="Пётр")
    sent_code = asyncio.run(login.send_code(tg_settings, "+79990001011"))
    signed = asyncio.run(login.submit_code(tg_settings, sent_code.session, "+79990001011",
                                           sent_code.phone_code_hash, "24680"))  # fmt: skip
    assert isinstance(signed, login.SignedIn)
    moved = accounts.import_session(other.id, signed.session)
    assert (moved.status, moved.display_name) == ("active", "Пётр")
    with transaction(pool, workspace_id=other.id) as conn:
        assert conn.execute("select count(*) from telegram_sessions").fetchone() == (1,)

    out = accounts.sign_out(ws.id)
    assert out.telegram_confirmed and out.account.status == "signed_out"
    assert out.account.session_sealed is None
    with pytest.raises(TelegramRefused) as gone:  # that session is over at Telegram too
        accounts.import_session(factories.workspace(pool).id, exported)
    assert gone.value.code == "session_invalid"


def test_a_two_step_password_is_asked_for_and_checked(  # type: ignore[no-untyped-def]
    pool: ConnectionPool, tg_settings: Settings, telegram: FakeTelegram
) -> None:
    telegram.add_account("+79990001002", first_name="Олег", password="correct horse")
    ws = factories.workspace(pool)
    accounts = TelegramAccounts(pool, tg_settings)
    accounts.start(ws.id, "+79990001002")
    assert accounts.submit_code(ws.id, "24680").status == "password_needed"
    with pytest.raises(TelegramRefused) as wrong:
        accounts.submit_password(ws.id, "wrong horse")
    assert wrong.value.code == "password_invalid"
    assert accounts.submit_password(ws.id, "correct horse").status == "active"
    with pytest.raises(Exception, match="sign it out first"):
        accounts.start(ws.id, "+79990001002")


def test_refusals_read_as_what_to_do(  # type: ignore[no-untyped-def]
    pool: ConnectionPool, tg_settings: Settings, telegram: FakeTelegram, settings: Settings
) -> None:
    telegram.add_account("+79990001003", banned=True)
    telegram.add_account("+79990001004")
    ws = factories.workspace(pool)
    accounts = TelegramAccounts(pool, tg_settings)
    refusals = {}
    for phone in ("+79990001003", "+79990009999"):
        with pytest.raises(TelegramRefused) as e:
            accounts.start(ws.id, phone)
        refusals[phone] = e.value.code
    assert refusals == {"+79990001003": "phone_banned", "+79990009999": "phone_invalid"}
    telegram.flood_wait_s = 37
    with pytest.raises(TelegramRefused) as flood:
        accounts.start(ws.id, "+79990001004")
    assert (flood.value.code, flood.value.retry_after_s) == ("flood_wait", 37)
    telegram.code_ttl_s = 0
    try:
        accounts.start(ws.id, "+79990001004")
        with pytest.raises(TelegramRefused) as expired:
            accounts.submit_code(ws.id, "24680")
    finally:
        telegram.code_ttl_s = 300
    assert expired.value.code == "code_expired"
    with pytest.raises(Exception, match="7-15 digits"):
        normalise_phone("call me")
    with pytest.raises(TelegramNotConfigured):
        TelegramAccounts(pool, settings).start(ws.id, "+79990001004")
