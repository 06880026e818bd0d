"""Welcoming a vacancy's applicants in Telegram: a personal message from the company's account
with the next step (the interview, in the chat, through the invitation's deep link).

Only applicants whose Telegram username is known (from their resume or profile) are written
to; each application is welcomed once (its outbox key), whatever the number of clicks. Nobody
asked for these messages, so they wait out the night (quiet hours in the workspace's zone);
replies to candidates who wrote are not held back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from psycopg_pool import ConnectionPool

from db import applications, candidates, telegram_sessions, vacancies
from db.errors import Conflict
from db.pool import transaction
from db.settings import Settings
from pipelines.interviewer.texts import first_name
from pipelines.telegram.deep_link import deep_link, make_token
from pipelines.telegram.outbound import Recipient, queue_message

LINK_TTL_S = 14 * 24 * 3600
TEXT = {
    "ru": "Здравствуйте{name}! Спасибо за отклик на вакансию «{vacancy}». Следующий шаг — "
    "короткое интервью прямо здесь, в чате: нажмите {link} и отвечайте, когда удобно.",
    "en": "Hello{name}! Thank you for applying for {vacancy}. The next step is a short "
    "interview right here in this chat: tap {link} and answer whenever it suits you.",
}


class NoTelegramAccount(Conflict):
    code = "telegram_not_connected"


@dataclass(frozen=True)
class WelcomeResult:
    queued: int  # new messages
    already: int  # welcomed before
    no_telegram: int  # applicants without a known Telegram username
    not_before: datetime | None  # when they go out, if the night holds them back


def outside_quiet_hours(now: datetime, quiet: str, zone: str) -> datetime:
    """`now`, or the end of the quiet hours ("21-9") in `zone` if `now` falls inside them."""
    start, end = (int(h) for h in quiet.split("-"))
    local = now.astimezone(ZoneInfo(zone))
    hour = local.hour
    inside = (start <= hour or hour < end) if start > end else (start <= hour < end)
    if not inside:
        return now
    wake = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if wake <= local:
        wake += timedelta(days=1)
    return wake.astimezone(UTC)


def welcome_applicants(
    pool: ConnectionPool,
    settings: Settings,
    *,
    workspace_id: UUID,
    vacancy_id: int,
    now: datetime | None = None,
) -> WelcomeResult:
    """Queue a welcome for each applicant of the vacancy with a Telegram username."""
    now = now or datetime.now(UTC)
    when = outside_quiet_hours(now, settings.telegram_quiet_hours, settings.telegram_timezone)
    secret = settings.resolved_secret_key()
    queued = already = missing = 0
    with transaction(pool, workspace_id=workspace_id) as conn:
        account = telegram_sessions.get(conn)
        if account is None or account.status != "active" or not account.username:
            raise NoTelegramAccount(
                "connect a Telegram account with a username first (the Telegram page)"
            )
        vacancy = vacancies.get_vacancy(conn, vacancy_id=vacancy_id)
        for application in applications.list_for_vacancy(conn, vacancy_id=vacancy_id,
                                                         limit=100_000):  # fmt: skip
            candidate = candidates.get_candidate(conn, candidate_id=application.candidate_id)
            username = (candidate.telegram_username or "").lstrip("@")
            if not username:
                missing += 1
                continue
            plan = applications.get_interview_plan(conn, application_id=application.id) or {}
            language = "en" if plan.get("language") == "en" else "ru"
            name = first_name(candidate.full_name)
            link = deep_link(
                account.username,
                make_token(secret, workspace_id, application.id, ttl_s=LINK_TTL_S),
            )
            text = TEXT[language].format(
                name=f", {name}" if name else "", vacancy=vacancy.title, link=link
            )
            _, created = queue_message(
                conn, workspace_id=workspace_id, key=f"welcome:{application.id}", text=text,
                to=Recipient(username=username), candidate_id=candidate.id,
                not_before=when if when > now else None,
            )  # fmt: skip
            queued, already = queued + created, already + (not created)
    return WelcomeResult(queued, already, missing, when if when > now else None)
