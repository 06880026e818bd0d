"""HH responses as last synced (table `hh_negotiations`): the application each became, HH's
state and the actions HH offers on it (see migration 0027)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

_COLUMNS = ("workspace_id, negotiation_id, application_id, vacancy_external_id, "
            "resume_external_id, employer_state, actions, hh_updated_at, synced_at")  # fmt: skip


@dataclass(frozen=True)
class HHNegotiation:
    workspace_id: UUID
    negotiation_id: str
    application_id: int | None
    vacancy_external_id: str
    resume_external_id: str | None
    employer_state: str | None
    actions: list[dict[str, Any]]
    hh_updated_at: datetime | None
    synced_at: datetime


def get(conn: psycopg.Connection, *, negotiation_id: str) -> HHNegotiation | None:
    with conn.cursor(row_factory=class_row(HHNegotiation)) as cur:
        cur.execute(f"select {_COLUMNS} from hh_negotiations where negotiation_id = %s",
                    (negotiation_id,))  # fmt: skip
        return cur.fetchone()


def for_application(conn: psycopg.Connection, *, application_id: int) -> HHNegotiation | None:
    with conn.cursor(row_factory=class_row(HHNegotiation)) as cur:
        cur.execute(
            f"select {_COLUMNS} from hh_negotiations where application_id = %s "
            "order by synced_at desc limit 1",
            (application_id,),
        )
        return cur.fetchone()


def save(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    negotiation_id: str,
    application_id: int | None,
    vacancy_external_id: str,
    resume_external_id: str | None,
    employer_state: str | None,
    actions: list[dict[str, Any]],
    hh_updated_at: datetime | None,
) -> None:
    conn.execute(
        """
        insert into hh_negotiations (workspace_id, negotiation_id, application_id,
            vacancy_external_id, resume_external_id, employer_state, actions, hh_updated_at)
        values (%s, %s, %s, %s, %s, %s, %s, %s)
        on conflict (workspace_id, negotiation_id) do update set
            application_id = coalesce(excluded.application_id, hh_negotiations.application_id),
            resume_external_id = excluded.resume_external_id,
            employer_state = excluded.employer_state, actions = excluded.actions,
            hh_updated_at = excluded.hh_updated_at, synced_at = now()
        """,
        (workspace_id, negotiation_id, application_id, vacancy_external_id, resume_external_id,
         employer_state, Jsonb(actions), hh_updated_at),
    )  # fmt: skip


def set_state(conn: psycopg.Connection, *, negotiation_id: str, employer_state: str | None) -> None:
    """HH took an action: the state it leads to (its actions are re-read on the next sync)."""
    conn.execute(
        "update hh_negotiations set employer_state = %s, actions = '[]', synced_at = now() "
        "where negotiation_id = %s",
        (employer_state, negotiation_id),
    )
