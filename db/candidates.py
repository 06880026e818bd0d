"""Candidates: the people behind resumes, deduplicated per workspace.

The same person arrives through many doors (an HH response, an uploaded PDF, a Telegram chat),
so contacts are normalised before they are stored or compared and a new resume attaches to the
candidate who shares any of email, phone or Telegram username with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import class_row

from db.errors import Conflict, NotFound, TenantContextMissing

_COLUMNS = (
    "id, workspace_id, full_name, email, phone, telegram_username, location, created_at, updated_at"
)
_TELEGRAM_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?(?:t\.me/|telegram\.me/)|^@", re.I)
_TELEGRAM_NAME = re.compile(r"^[a-z0-9_]{4,32}$", re.I)


@dataclass(frozen=True)
class Candidate:
    """A person who applied or was found; contacts are stored normalised."""

    id: int
    workspace_id: UUID
    full_name: str
    email: str | None
    phone: str | None
    telegram_username: str | None
    location: str | None
    created_at: datetime
    updated_at: datetime


def normalize_email(email: str | None) -> str | None:
    """Trimmed email, or None when blank; comparisons ignore case."""
    value = (email or "").strip()
    return value or None


def normalize_phone(phone: str | None) -> str | None:
    """Digits with a leading '+' ("+7 (916) 123-45-67" → "+79161234567"), None if not a phone.

    A Russian number written with the trunk prefix ("8 916 ...", 11 digits, no '+') becomes
    +7..., since that is how the same person writes it on HH and in a Telegram profile.
    """
    raw = (phone or "").strip()
    digits = re.sub(r"\D", "", raw)
    if not 7 <= len(digits) <= 15:
        return None
    if not raw.startswith("+") and len(digits) == 11 and digits.startswith("8"):
        digits = "7" + digits[1:]
    return "+" + digits


def normalize_telegram(username: str | None) -> str | None:
    """A bare username ("@Handle", "t.me/Handle" → "Handle"), None if not a username."""
    value = _TELEGRAM_PREFIX.sub("", (username or "").strip()).split("?")[0].strip("/")
    return value if _TELEGRAM_NAME.match(value) else None


def _insert(conn: psycopg.Connection, params: dict[str, Any]) -> Candidate:
    with conn.transaction(), conn.cursor(row_factory=class_row(Candidate)) as cur:
        cur.execute(
            f"""
            insert into candidates (workspace_id, full_name, email, phone, telegram_username,
                                    location)
            values (%(workspace_id)s, %(full_name)s, %(email)s, %(phone)s,
                    %(telegram_username)s, %(location)s)
            returning {_COLUMNS}
            """,
            params,
        )
        row = cur.fetchone()
    assert row is not None
    return row


def _params(
    workspace_id: UUID,
    full_name: str,
    email: str | None,
    phone: str | None,
    telegram_username: str | None,
    location: str | None,
) -> dict[str, Any]:
    return {
        "workspace_id": workspace_id,
        "full_name": full_name.strip(),
        "email": normalize_email(email),
        "phone": normalize_phone(phone),
        "telegram_username": normalize_telegram(telegram_username),
        "location": (location or "").strip() or None,
    }


def create_candidate(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    full_name: str = "",
    email: str | None = None,
    phone: str | None = None,
    telegram_username: str | None = None,
    location: str | None = None,
) -> Candidate:
    """Insert a candidate with normalised contacts; `Conflict` if a contact is taken."""
    params = _params(workspace_id, full_name, email, phone, telegram_username, location)
    try:
        return _insert(conn, params)
    except psycopg.errors.UniqueViolation as e:
        raise Conflict(
            "a candidate with this email, phone or Telegram username already exists"
        ) from e
    except psycopg.errors.InsufficientPrivilege as e:
        raise TenantContextMissing(
            "candidate workspace_id does not match the workspace context"
        ) from e


def get_candidate(conn: psycopg.Connection, *, candidate_id: int) -> Candidate:
    """The candidate if visible in the current workspace, else `NotFound`."""
    with conn.cursor(row_factory=class_row(Candidate)) as cur:
        cur.execute(f"select {_COLUMNS} from candidates where id = %s", (candidate_id,))
        row = cur.fetchone()
    if row is None:
        raise NotFound(f"candidate {candidate_id} not found")
    return row


def list_candidates(
    conn: psycopg.Connection, *, search: str | None = None, limit: int = 50, offset: int = 0
) -> list[Candidate]:
    """Candidates whose name or email contains `search` (any case), newest first."""
    pattern = None
    if search and search.strip():
        escaped = re.sub(r"([\\%_])", r"\\\1", search.strip())
        pattern = f"%{escaped}%"
    with conn.cursor(row_factory=class_row(Candidate)) as cur:
        cur.execute(
            f"""
            select {_COLUMNS} from candidates
            where %(pattern)s::text is null
               or full_name ilike %(pattern)s or email ilike %(pattern)s
            order by created_at desc, id desc
            limit %(limit)s offset %(offset)s
            """,
            {"pattern": pattern, "limit": limit, "offset": offset},
        )
        return cur.fetchall()


def _matches(
    conn: psycopg.Connection, email: str | None, phone: str | None, telegram: str | None
) -> list[Candidate]:
    """Every candidate sharing a contact, strongest key first (email, Telegram, phone)."""
    if email is None and phone is None and telegram is None:
        return []
    with conn.cursor(row_factory=class_row(Candidate)) as cur:
        cur.execute(
            f"""
            select {_COLUMNS} from candidates
            where lower(email) = lower(%(email)s::text) or phone = %(phone)s::text
               or lower(telegram_username) = lower(%(telegram)s::text)
            order by case when lower(email) = lower(%(email)s::text) then 0
                          when lower(telegram_username) = lower(%(telegram)s::text) then 1
                          else 2 end,
                     id
            """,
            {"email": email, "phone": phone, "telegram": telegram},
        )
        return cur.fetchall()


def find_duplicate(
    conn: psycopg.Connection,
    *,
    email: str | None = None,
    phone: str | None = None,
    telegram_username: str | None = None,
) -> Candidate | None:
    """The existing candidate sharing any contact (after normalisation), or None."""
    found = _matches(
        conn, normalize_email(email), normalize_phone(phone), normalize_telegram(telegram_username)
    )
    return found[0] if found else None


def _fill_empty(
    conn: psycopg.Connection, params: dict[str, Any], matches: list[Candidate]
) -> Candidate:
    """Complete the first match's empty fields, skipping contacts another candidate holds."""
    target, others = matches[0], matches[1:]
    fill = dict(params)
    for key in ("email", "phone", "telegram_username"):
        value = fill[key]
        if value and any((getattr(o, key) or "").lower() == value.lower() for o in others):
            fill[key] = None
    try:
        with conn.transaction(), conn.cursor(row_factory=class_row(Candidate)) as cur:
            cur.execute(
                f"""
                update candidates
                set full_name = case when full_name = '' then %(full_name)s else full_name end,
                    email = coalesce(email, %(email)s),
                    phone = coalesce(phone, %(phone)s),
                    telegram_username = coalesce(telegram_username, %(telegram_username)s),
                    location = coalesce(location, %(location)s)
                where id = %(id)s
                returning {_COLUMNS}
                """,
                {**fill, "id": target.id},
            )
            row = cur.fetchone()
    except psycopg.errors.UniqueViolation as e:
        raise Conflict("another candidate took one of these contacts concurrently; retry") from e
    if row is None:
        raise NotFound(f"candidate {target.id} was deleted during the update")
    return row


def upsert_candidate(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    full_name: str = "",
    email: str | None = None,
    phone: str | None = None,
    telegram_username: str | None = None,
    location: str | None = None,
) -> tuple[Candidate, bool]:
    """Attach to the candidate sharing a contact, or create one; returns (candidate, created).

    An existing candidate keeps what it has: only its empty fields are filled in. If a
    concurrent import inserts the same person first, this one attaches to that row.
    """
    params = _params(workspace_id, full_name, email, phone, telegram_username, location)
    keys = (params["email"], params["phone"], params["telegram_username"])
    matches = _matches(conn, *keys)
    if matches:
        return _fill_empty(conn, params, matches), False
    try:
        return _insert(conn, params), True
    except psycopg.errors.UniqueViolation as e:
        matches = _matches(conn, *keys)  # the winner of the race has committed by now
        if not matches:
            raise Conflict("a candidate with these contacts was created concurrently") from e
        return _fill_empty(conn, params, matches), False
    except psycopg.errors.InsufficientPrivilege as e:
        raise TenantContextMissing(
            "candidate workspace_id does not match the workspace context"
        ) from e
