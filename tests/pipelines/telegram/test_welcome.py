"""Welcoming a vacancy's applicants in Telegram: a personal message with the link that starts
their chat interview for each applicant with a known username, once per application, held
back during the quiet hours of the workspace's zone; nothing without a connected account."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from db import outbox
from db.pool import transaction
from pipelines.telegram.accounts import TelegramAccounts
from pipelines.telegram.deep_link import read_token
from pipelines.telegram.outbound import KIND
from pipelines.telegram.welcome import NoTelegramAccount, outside_quiet_hours, welcome_applicants
from tests.db import factories


def test_quiet_hours_hold_messages_until_morning_in_the_zone() -> None:
    late = datetime(2026, 12, 4, 20, 30, tzinfo=UTC)  # 23:30 in Moscow
    assert outside_quiet_hours(late, "21-9", "Europe/Moscow") == datetime(
        2026, 12, 5, 6, 0, tzinfo=UTC
    )
    day = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
    assert outside_quiet_hours(day, "21-9", "Europe/Moscow") == day
    early = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)  # 06:00 in Moscow, before 09:00
    assert outside_quiet_hours(early, "21-9", "Europe/Moscow") == datetime(
        2026, 12, 4, 6, 0, tzinfo=UTC
    )
    lunch = datetime(2026, 12, 4, 12, 30, tzinfo=UTC)
    assert outside_quiet_hours(lunch, "12-14", "UTC") == datetime(2026, 12, 4, 14, 0, tzinfo=UTC)


def test_applicants_with_a_username_are_welcomed_once(pool, tg_settings, telegram) -> None:  # type: ignore[no-untyped-def]
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        vacancy = factories.vacancy(conn, ws, title="Data Engineer")
        ids = {}
        for name, username in (("Мария Петрова", "maria_de"), ("Олег Иванов", "@oleg_data"),
                               ("Анна Смирнова", None)):  # fmt: skip
            person = factories.candidate(conn, ws, full_name=name, telegram_username=username)
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
    assert (first.queued, first.already, first.no_telegram) == (2, 0, 1)
    assert first.not_before == datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
    assert (again.queued, again.already) == (0, 2)
    with transaction(pool, workspace_id=ws.id) as conn:
        items = [i for i in outbox.list_items(conn) if i.kind == KIND]
    by_user = {i.payload["username"]: i for i in items}
    assert set(by_user) == {"maria_de", "oleg_data"}
    maria = by_user["maria_de"]
    assert maria.payload["text"].startswith("Здравствуйте, Мария!")
    assert "«Data Engineer»" in maria.payload["text"]
    assert maria.available_at == first.not_before
    link = next(w for w in maria.payload["text"].split() if w.startswith("https://t.me/"))
    assert link.startswith("https://t.me/acme_hr?start=")
    token = link.rsplit("=", 1)[1]
    assert read_token(tg_settings.resolved_secret_key(), ws.id, token) == ids["Мария Петрова"]
