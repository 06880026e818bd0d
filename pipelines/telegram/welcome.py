"""Welcoming a vacancy's applicants in Telegram: a personal message from the company's account
with the next step (the interview, in the chat, through the invitation's deep link).

An applicant is written to where they can be reached: in the chat they already have with the
account, else by their @username, else by phone (imported as a contact when it goes out).
Each application is welcomed once (its outbox key), whatever the number of clicks. A message
to someone who never wrote is a first contact (`cold`): it counts against the daily cap and
stops while Telegram's PEER_FLOOD pause lasts. Nothing here is an answer, so everything waits
out the night where the candidate lives (their location, else their phone's country, else the
workspace's zone): `not_before` is set to the morning there when the welcome is queued, and the
channel checks again when it goes out (pipelines/telegram/outreach.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

import psycopg
from psycopg_pool import ConnectionPool

from db import applications, candidates, outbox, telegram_chats, telegram_sessions, vacancies
from db.errors import Conflict
from db.pool import transaction
from db.settings import Settings
from pipelines.candidate_zone import candidate_zone
from pipelines.interviewer.texts import first_name
from pipelines.telegram.deep_link import deep_link, make_token
from pipelines.telegram.outbound import KIND, Recipient, queue_message
from pipelines.telegram.outreach import Timing, quiet_until

LINK_TTL_S = 14 * 24 * 3600
KEY_PREFIX = "welcome:"
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
    no_telegram: int  # applicants with no chat, @username or phone
    by_phone: int  # of the new ones, to a phone number (found in Telegram when sent)
    not_before: datetime | None  # the latest morning a new message waits for, if any


@dataclass(frozen=True)
class WelcomeProgress:
    """Where a vacancy's welcomes are: by outbox status, and the last errors of failed ones."""

    total: int
    pending: int  # waiting (the night, the daily cap, a retry) or being sent
    sent: int
    failed: int
    cancelled: int
    next_at: datetime | None  # when the next waiting one is due
    errors: list[str]


def _recipient(
    conn: psycopg.Connection, candidate: candidates.Candidate
) -> tuple[Recipient | None, Timing]:
    chat = telegram_chats.for_candidate(conn, candidate_id=candidate.id)
    if chat is not None:
        return Recipient(chat.chat_id, chat.access_hash, chat.username), "unprompted"
    username = (candidate.telegram_username or "").lstrip("@")
    if username:
        return Recipient(username=username), "cold"
    if candidate.phone:
        return Recipient(phone=candidate.phone, name=candidate.full_name), "cold"
    return None, "cold"


def welcome_applicants(
    pool: ConnectionPool,
    settings: Settings,
    *,
    workspace_id: UUID,
    vacancy_id: int,
    now: datetime | None = None,
) -> WelcomeResult:
    """Queue a welcome for each applicant of the vacancy who can be reached in Telegram."""
    now = now or datetime.now(UTC)
    secret = settings.resolved_secret_key()
    queued = already = missing = by_phone = 0
    latest: datetime | None = None
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
            to, timing = _recipient(conn, candidate)
            if to is None:
                missing += 1
                continue
            zone = candidate_zone(location=candidate.location, phone=candidate.phone,
                                  default=settings.telegram_timezone)  # fmt: skip
            morning = quiet_until(now, settings.telegram_quiet_hours, zone)
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
                conn, workspace_id=workspace_id, key=f"{KEY_PREFIX}{application.id}", text=text,
                to=to, candidate_id=candidate.id, not_before=morning, timing=timing, zone=zone,
            )  # fmt: skip
            queued, already = queued + created, already + (not created)
            if created:
                by_phone += to.phone is not None
                if morning is not None and (latest is None or morning > latest):
                    latest = morning
    return WelcomeResult(queued, already, missing, by_phone, latest)


def welcome_progress(conn: psycopg.Connection, *, vacancy_id: int) -> WelcomeProgress:
    """How the vacancy's welcomes are going (in the workspace's RLS context)."""
    ids = [a.id for a in applications.list_for_vacancy(conn, vacancy_id=vacancy_id,
                                                       limit=100_000)]  # fmt: skip
    keys = [f"{KEY_PREFIX}{i}" for i in ids]
    counts = outbox.status_counts(conn, kind=KIND, keys=keys)
    return WelcomeProgress(
        total=sum(c.count for c in counts),
        pending=sum(c.count for c in counts if c.status in ("pending", "sending")),
        sent=sum(c.count for c in counts if c.status == "sent"),
        failed=sum(c.count for c in counts if c.status == "failed"),
        cancelled=sum(c.count for c in counts if c.status == "cancelled"),
        next_at=min((c.next_at for c in counts if c.next_at is not None), default=None),
        errors=[e for c in counts if c.status == "failed" for e in c.errors],
    )
