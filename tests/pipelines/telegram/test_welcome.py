"""Welcoming a vacancy's applicants in Telegram: a personal message with the link that starts
their chat interview, in the candidate's chat, else by username, else by phone, once per
application, held back during the quiet hours where the candidate lives; nothing without a
connected account; progress by outbox status."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from db import outbox
from db.pool import transaction
from pipelines.telegram.accounts import TelegramAccounts
from pipelines.telegram.deep_link import read_token
from pipelines.telegram.outbound import KIND
from pipelines.telegram.outreach import quiet_until
from pipelines.telegram.welcome import NoTelegramAccount, welcome_applicants, welcome_progress
from tests.db import factories


def test_quiet_hours_hold_messages_until_morning_in_the_zone() -> None:
    late = datetime(2026, 12, 4, 20, 30, tzinfo=UTC)  # 23:30 in Moscow
    assert quiet_until(late, "21-9", "Europe/Moscow") == datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
    day = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
    assert quiet_until(day, "21-9", "Europe/Moscow") is None
    early = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)  # 06:00 in Moscow, before 09:00
    assert quiet_until(early, "21-9", "Europe/Moscow") == datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
    lunch = datetime(2026, 12, 4, 12, 30, tzinfo=UTC)
    assert quiet_until(lunch, "12-14", "UTC") == datetime(2026, 12, 4, 14, 0, tzinfo=UTC)
    assert quiet_until(late, "0-0", "Europe/Moscow") is None  # no quiet hours
    # 23:30 in Moscow is 05:30 in Novosibirsk... no: 03:30 there, also night; Vladivostok 06:30.
    assert quiet_until(late, "21-9", "Asia/Vladivostok") == datetime(2026, 12, 4, 23, 0, tzinfo=UTC)


def test_applicants_are_welcomed_once_where_they_can_be_reached(  # type: ignore[no-untyped-def]
    pool,
    tg_settings,
    telegram,
) -> None:
    tg_settings = tg_settings.model_copy(update={"telegram_quiet_hours": "21-9"})
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        vacancy = factories.vacancy(conn, ws, title="Data Engineer")
        ids = {}
        for name, username, phone, location in (
            ("Мария Петрова", "maria_de", None, None), ("Олег Иванов", "@oleg_data", None, None),
            ("Анна Смирнова", None, None, None),
            ("Иван Орлов", None, "+79161234567", "Владивосток"),
        ):  # fmt: skip
            person = factories.candidate(conn, ws, full_name=name, telegram_username=username,
                                         phone=phone, location=location)  # fmt: skip
            ids[name] = factories.application(
                conn, ws, candidate_id=person.id, vacancy_id=vacancy.id
            ).id
    with pytest.raises(NoTelegramAccount):
        welcome_applicants(pool, tg_settings, workspace_id=ws.id, vacancy_id=vacancy.id)
    account = telegram.add_account("+79998880011", first_name="HR", username="acme_hr")
    connect = TelegramAccounts(pool, tg_settings)
    connect.start(ws.id, account.phone)
    connect.submit_code(ws.id, account.code)

    night = datetime(2026, 12, 4, 20, 30, tzinfo=UTC)  # 23:30 in Moscow
    first = welcome_applicants(pool, tg_settings, workspace_id=ws.id, vacancy_id=vacancy.id,
                               now=night)  # fmt: skip
    again = welcome_applicants(pool, tg_settings, workspace_id=ws.id, vacancy_id=vacancy.id)
    assert (first.queued, first.already, first.no_telegram, first.by_phone) == (3, 0, 1, 1)
    assert first.not_before == datetime(2026, 12, 5, 6, 0, tzinfo=UTC)  # Moscow's morning
    assert (again.queued, again.already) == (0, 3)
    with transaction(pool, workspace_id=ws.id) as conn:
        items = [i for i in outbox.list_items(conn) if i.kind == KIND]
        progress = welcome_progress(conn, vacancy_id=vacancy.id)
    by_user = {i.payload["username"] or i.payload["phone"]: i for i in items}
    assert set(by_user) == {"maria_de", "oleg_data", "+79161234567"}
    maria, ivan = by_user["maria_de"], by_user["+79161234567"]
    assert maria.payload["text"].startswith("Здравствуйте, Мария!")
    assert "«Data Engineer»" in maria.payload["text"]
    assert maria.available_at == first.not_before
    assert (maria.payload["timing"], maria.payload["zone"]) == ("cold", "Europe/Moscow")
    # Ivan lives in Vladivostok, where 23:30 in Moscow is 06:30: his morning comes first.
    assert ivan.payload["zone"] == "Asia/Vladivostok" and ivan.payload["name"] == "Иван Орлов"
    assert ivan.available_at == datetime(2026, 12, 4, 23, 0, tzinfo=UTC)
    assert (progress.total, progress.pending, progress.sent) == (3, 3, 0)
    assert progress.next_at == ivan.available_at
    link = next(w for w in maria.payload["text"].split() if w.startswith("https://t.me/"))
    assert link.startswith("https://t.me/acme_hr?start=")
    token = link.rsplit("=", 1)[1]
    assert read_token(tg_settings.resolved_secret_key(), ws.id, token) == ids["Мария Петрова"]
