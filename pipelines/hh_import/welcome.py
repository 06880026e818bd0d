"""A new HH applicant welcomed, when the workspace asks for it (`welcome` on its HH connection):
invited to the interview (a voice link, and the Telegram chat when an account is connected)
and told so where they can be reached — in Telegram when their resume gives a username and the
workspace has an account (a first contact, keeping the quiet hours and the daily cap), else in
the HH response's own chat (through the outbox, `hh.message`).
"""

from __future__ import annotations

import logging
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import applications, candidates, integrations, outbox, telegram_sessions, vacancies
from db.pool import transaction
from db.settings import Settings
from pipelines.interviewer.texts import first_name
from pipelines.telegram.outbound import Recipient, queue_message
from pipelines.telegram.outreach import zone_of
from scraper.hh.tokens import KIND
from serve_apps import interview_invites

log = logging.getLogger(__name__)
TEXT = {
    "ru": "Здравствуйте{name}! Спасибо за отклик на вакансию «{vacancy}». Следующий шаг — "
    "короткое интервью, когда вам удобно: {links}",
    "en": "Hello{name}! Thank you for applying for {vacancy}. The next step is a short "
    "interview whenever it suits you: {links}",
}
LINKS = {
    "ru": ("голосом в браузере — {voice}", "или в чате Telegram — {chat}"),
    "en": ("by voice in the browser: {voice}", "or in a Telegram chat: {chat}"),
}


def welcome_enabled(pool: ConnectionPool, workspace_id: UUID) -> bool:
    with transaction(pool, workspace_id=workspace_id) as conn:
        row = integrations.get(conn, kind=KIND)
    return bool(row and row.settings.get("welcome"))


def welcome_imported(
    pool: ConnectionPool,
    settings: Settings,
    *,
    workspace_id: UUID,
    application_id: int,
    negotiation_id: str,
) -> str | None:
    """Invite and greet the applicant; the way it went ("telegram" or "hh"), None if not."""
    try:
        invitation = interview_invites.invite(
            pool, settings, workspace_id=workspace_id, application_id=application_id
        )
    except interview_invites.InterviewExists:
        return None  # invited already (by a recruiter, or an earlier sync)
    with transaction(pool, workspace_id=workspace_id) as conn:
        application = applications.get_application(conn, application_id=application_id)
        person = candidates.get_candidate(conn, candidate_id=application.candidate_id)
        vacancy = vacancies.get_vacancy(conn, vacancy_id=application.vacancy_id)
        account = telegram_sessions.get(conn)
        language = "en" if invitation.interview.language == "en" else "ru"
        voice, chat = LINKS[language]
        links = voice.format(voice=invitation.link)
        if invitation.telegram_link:
            links += " " + chat.format(chat=invitation.telegram_link)
        name = first_name(person.full_name)
        text = TEXT[language].format(name=f", {name}" if name else "", vacancy=vacancy.title,
                                     links=links)  # fmt: skip
        key = f"hh-welcome:{application_id}"
        if person.telegram_username and account is not None and account.status == "active":
            queue_message(
                conn, workspace_id=workspace_id, key=key, text=text, candidate_id=person.id,
                to=Recipient(username=person.telegram_username), timing="cold",
                zone=zone_of(conn, person.id),
            )  # fmt: skip
            return "telegram"
        outbox.enqueue(
            conn, workspace_id=workspace_id, kind="hh.message", idempotency_key=key,
            payload={"negotiation_id": negotiation_id, "text": text,
                     "application_id": application_id},
        )  # fmt: skip
    return "hh"
