"""What a board search finds, kept as leads: one lead per (board, the board's vacancy id), so a
search run again refreshes a lead's details and keeps the status a recruiter gave it.

The vacancy's text goes to the lead's `description` (what the lead analysis reads), whom to
answer to its `contact`, and everything else the board said to its `payload`. A lead that is
new, or whose title or text changed, waits for its analysis: the sink lists those ids, so the
scan's caller analyses them right after it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import leads
from db.pool import transaction
from pipelines.leads.dedupe import dedupe_key
from scraper.browser.models import BoardVacancy

_OWN_COLUMNS = ("description", "contact_name", "contact_email", "contact_phone", "details")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.I)


@dataclass
class LeadCounts:
    """A run's figures: vacancies found, and the leads they made new or refreshed."""

    found: int = 0
    new: int = 0
    updated: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def lead_payload(vacancy: BoardVacancy) -> dict[str, Any]:
    """The vacancy's facts as JSON: the common fields (dates ISO 8601) and the board's own
    details beside them; the text and the contact have their own columns. NUL characters,
    which Postgres cannot hold, are dropped."""
    fields = {k: v for k, v in asdict(vacancy).items() if k not in _OWN_COLUMNS}
    fields["published_at"] = vacancy.published_at.isoformat() if vacancy.published_at else None
    fields["skills"] = [_text(s) for s in vacancy.skills]
    extra = {k: v for k, v in _clean(dict(vacancy.details)).items() if k not in fields}
    return {**{key: _text(value) for key, value in fields.items()}, **extra}


def lead_contact(vacancy: BoardVacancy) -> dict[str, str]:
    """Whom to answer: the person, e-mail and phone the board names; an e-mail written in the
    vacancy's text when the board names none (Djinni's recruiters often do)."""
    email = vacancy.contact_email
    if not email and (match := _EMAIL.search(vacancy.description)):
        email = match.group(0).rstrip(".")
    contact = {"name": vacancy.contact_name, "email": email, "phone": vacancy.contact_phone}
    return {key: _text(value) for key, value in contact.items() if value}


def _text(value: Any) -> Any:
    return value.replace("\x00", "") if isinstance(value, str) else value


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return _text(value)


class LeadSink:
    """Stores vacancies of one board as the workspace's leads and counts what it did;
    `lead_ids` are the leads waiting for their analysis (new, changed, or not analysed yet),
    in the order found."""

    def __init__(self, pool: ConnectionPool, workspace_id: UUID, board: str) -> None:
        self._pool = pool
        self._workspace_id = workspace_id
        self._board = board
        self.counts = LeadCounts()
        self.lead_ids: list[int] = []

    def add(self, vacancies: list[BoardVacancy]) -> None:
        """Upsert the vacancies as leads, in one transaction (blocking: call it in a thread
        from async code)."""
        if not vacancies:
            return
        created = 0
        waiting: list[int] = []
        with transaction(self._pool, workspace_id=self._workspace_id) as conn:
            for vacancy in vacancies:
                lead, is_new = leads.upsert_lead(
                    conn, workspace_id=self._workspace_id, source=self._board,
                    external_id=_text(vacancy.external_id), url=_text(vacancy.url),
                    title=_text(vacancy.title), company=_text(vacancy.company),
                    contact=lead_contact(vacancy), payload=lead_payload(vacancy),
                    description=_text(vacancy.description),
                    dedupe_key=dedupe_key(_text(vacancy.company), _text(vacancy.title) or ""),
                )  # fmt: skip
                created += is_new
                if lead.analyzed_at is None and lead.id not in waiting:
                    waiting.append(lead.id)
        self.counts.found += len(vacancies)  # counted once committed
        self.counts.new += created
        self.counts.updated += len(vacancies) - created
        self.lead_ids += [i for i in waiting if i not in self.lead_ids]
