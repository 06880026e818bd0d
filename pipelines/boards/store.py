"""What a board search finds, kept as leads: one lead per (board, the board's vacancy id), so a
search run again refreshes a lead's details and keeps the status a recruiter gave it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import leads
from db.pool import transaction
from scraper.browser.models import BoardVacancy


@dataclass
class LeadCounts:
    """A run's figures: vacancies found, and the leads they made new or refreshed."""

    found: int = 0
    new: int = 0
    updated: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def lead_payload(vacancy: BoardVacancy) -> dict[str, Any]:
    """The vacancy's fields as JSON (dates ISO 8601; NUL characters, which Postgres cannot
    hold, dropped)."""
    fields = asdict(vacancy)
    fields["published_at"] = vacancy.published_at.isoformat() if vacancy.published_at else None
    fields["skills"] = [_text(s) for s in vacancy.skills]
    return {key: _text(value) for key, value in fields.items()}


def _text(value: Any) -> Any:
    return value.replace("\x00", "") if isinstance(value, str) else value


class LeadSink:
    """Stores vacancies of one board as the workspace's leads and counts what it did."""

    def __init__(self, pool: ConnectionPool, workspace_id: UUID, board: str) -> None:
        self._pool = pool
        self._workspace_id = workspace_id
        self._board = board
        self.counts = LeadCounts()

    def add(self, vacancies: list[BoardVacancy]) -> None:
        """Upsert the vacancies as leads, in one transaction (blocking: call it in a thread
        from async code)."""
        if not vacancies:
            return
        created = 0
        with transaction(self._pool, workspace_id=self._workspace_id) as conn:
            for vacancy in vacancies:
                _, is_new = leads.upsert_lead(
                    conn, workspace_id=self._workspace_id, source=self._board,
                    external_id=_text(vacancy.external_id), url=_text(vacancy.url),
                    title=_text(vacancy.title), company=_text(vacancy.company),
                    payload=lead_payload(vacancy),
                )  # fmt: skip
                created += is_new
        self.counts.found += len(vacancies)  # counted once committed
        self.counts.new += created
        self.counts.updated += len(vacancies) - created
