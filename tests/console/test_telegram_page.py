"""The Telegram page against the real API and a fake Telegram data centre: an owner connects
the workspace's account with the code and the two-step password (a wrong code said in the
page's language), sees it connected, and signs it out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from db import telegram_sessions
from db.pool import transaction
from pipelines.telegram import outbound
from pipelines.telegram.conversation import Incoming, receive
from serve_apps import accounts
from tests.console.pages import ok, page_text, signed_in
from tests.db import factories
from tests.fakes.telegram.fixtures import configured_for

OWNER = ("tanya@tg.test", "tanya-password-1")


@pytest.fixture(scope="module")
def settings(settings, telegram):  # type: ignore[no-untyped-def]
    """The console's API runs with Telegram configured and pointed at the fake."""
    return configured_for(settings, telegram)


@pytest.fixture(scope="module")
def tg_space(pool, telegram):  # type: ignore[no-untyped-def]
    telegram.add_account("+79995550011", first_name="Таня", username="tanya_hr", password="pw")
    owner = accounts.create_user_account(pool, email=OWNER[0], password=OWNER[1])
    return accounts.create_workspace(pool, name="TG Co", owner_id=owner.id)


def _submit(at, label: str):  # type: ignore[no-untyped-def]
    return ok(next(b for b in at.button if b.label == label).click().run())


def test_an_owner_connects_and_signs_out(api_url, tg_space, pool, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    at = ok(signed_in(api_url, monkeypatch, OWNER, "telegram", lang="ru"))
    assert "Аккаунт не подключён." in page_text(at)
    at.text_input(key="tg_phone").input("+7 999 555-00-11")
    at = _submit(at, "Отправить код")
    assert "Telegram отправил код на +79995550011" in page_text(at)
    at.text_input(key="tg_code").input("11111")
    at = _submit(at, "Войти")
    assert "Неверный код" in page_text(at)
    at.text_input(key="tg_code").input("24680")
    at = _submit(at, "Войти")
    assert "двухэтапная проверка" in page_text(at)
    at.text_input(key="tg_password").input("pw")
    at = _submit(at, "Войти")
    assert "Подключён: Таня" in page_text(at) and "tanya" in page_text(at)
    with transaction(pool, workspace_id=tg_space.id) as conn:  # Telegram warned: PEER_FLOOD
        telegram_sessions.pause_outreach(conn, until=datetime.now(UTC) + timedelta(hours=20),
                                         reason="PEER_FLOOD")  # fmt: skip
    at = ok(at.run())
    assert "первые сообщения новым кандидатам ждут до" in page_text(at)
    at = _submit(at, "Возобновить первые сообщения сейчас")
    assert "Первые сообщения возобновлены." in page_text(at)
    assert "ждут до" not in page_text(at)
    at.checkbox(key="tg_sure").check()
    at = ok(at.run())
    at = ok(at.button(key="tg_sign_out").click().run())
    assert "Аккаунт отключён." in page_text(at)


def test_a_recruiter_reads_a_chat_and_replies(
    api_url, tg_space, pool, settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    receive(pool, settings.resolved_secret_key(), tg_space.id,
           Incoming(chat_id=8080, access_hash=5, username="ivan_qa", text="Здравствуйте! Есть "
                    "ли удалённая работа?", kind="text"))  # fmt: skip
    receive(pool, settings.resolved_secret_key(), tg_space.id,
           Incoming(chat_id=8080, access_hash=5, username="ivan_qa", kind="voice",
                    text="Я тестирую мобильные приложения", message_id=2, voice_s=4.4,
                    audio=b"OggS voice", audio_mime="audio/ogg"))  # fmt: skip
    with transaction(pool, workspace_id=tg_space.id) as conn:  # two welcomes, one sent
        vacancy = factories.vacancy(conn, tg_space, title="QA")
        for n in range(2):
            person = factories.candidate(conn, tg_space, telegram_username=f"qa_{n}")
            application = factories.application(conn, tg_space, candidate_id=person.id,
                                                vacancy_id=vacancy.id)  # fmt: skip
            item, _ = outbound.queue_message(
                conn, workspace_id=tg_space.id, key=f"welcome:{application.id}", text="Hi",
                to=outbound.Recipient(username=f"qa_{n}"), timing="cold",
            )  # fmt: skip
        conn.execute("update outbox set status = 'sent', sent_at = now() where id = %s",
                     (item.id,))  # fmt: skip
    at = ok(signed_in(api_url, monkeypatch, OWNER, "conversations"))
    (bar,) = at.get("progress")
    assert bar.proto.text == "Welcomes for this vacancy: 2 · sent 1 · waiting 1 · failed 0"
    assert bar.proto.value == 50
    chats = at.dataframe[0].value
    assert list(chats["Candidate"]) == ["@ivan_qa"] and list(chats["New"]) == [2]
    assert "remote" not in page_text(at) and "удалённая работа" in page_text(at)
    # The voice note plays above its transcript.
    assert "Voice note, 4 s" in page_text(at) and "мобильные приложения" in page_text(at)
    assert len(at.get("audio")) == 1
    at.text_area(key="cv_reply_text").input("Да, полностью удалённо.")
    at = ok(next(b for b in at.button if b.label == "Send").click().run())
    assert "Queued: the bot sends it within seconds." in page_text(at)
    assert list(at.dataframe[0].value["New"]) == [0]
