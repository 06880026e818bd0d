"""Saved job-board searches (table `board_searches`, migrations 0030 and 0032): what a
workspace looks for on Djinni, LinkedIn, Indeed or HeadHunter's public search, and how its last
run went.

A search is one (board, query, location) per workspace; its runs are `import_runs` rows and
what they find are leads (db/leads.py). `record_run` keeps the last outcome on the search
itself, for the console's list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import psycopg
from psycopg.rows import class_row

from db.errors import Conflict, InvalidValue, NotFound

BOARDS = ("djinni", "linkedin", "indeed", "hh")  # as the schema's check allows
MAX_QUERY_CHARS = 200
MAX_RESULTS = 500
DEFAULT_RESULTS = 50
_COLUMNS = (
    "id, workspace_id, board, query, location, max_results, enabled, last_run_at, last_found, "
    "last_error, created_by, created_at"
)


class SearchExists(Conflict):
    """The workspace saved this board, query and location already."""

    code = "board_search_exists"


@dataclass(frozen=True)
class BoardSearch:
    """A saved search on one job board, with its last run's outcome."""

    id: int
    workspace_id: UUID
    board: str
    query: str
    location: str | None
    max_results: int
    enabled: bool
    last_run_at: datetime | None
    last_found: int | None
    last_error: str | None
    created_by: int | None
    created_at: datetime


def _fetch(conn: psycopg.Connection, query: str, params: object) -> BoardSearch | None:
    with conn.cursor(row_factory=class_row(BoardSearch)) as cur:
        cur.execute(query, params)
        return cur.fetchone()


def create(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    board: str,
    query: str,
    location: str | None = None,
    max_results: int = DEFAULT_RESULTS,
    created_by: int | None = None,
) -> BoardSearch:
    """Save a search (query and location trimmed; a blank location is none; the location is
    in the board's own terms, checked by the caller that knows them). `InvalidValue` for an
    unknown board or an empty or overlong query; `SearchExists` for a repeat."""
    query, location = query.strip(), (location or "").strip() or None
    if board not in BOARDS:
        raise InvalidValue(f"the board must be one of {', '.join(BOARDS)}, got '{board}'")
    if not 1 <= len(query) <= MAX_QUERY_CHARS:
        raise InvalidValue(f"a search query is 1 to {MAX_QUERY_CHARS} characters")
    if location is not None and len(location) > MAX_QUERY_CHARS:
        raise InvalidValue(f"a location is at most {MAX_QUERY_CHARS} characters")
    if not 1 <= max_results <= MAX_RESULTS:
        raise InvalidValue(f"a search returns 1 to {MAX_RESULTS} results")
    try:
        with conn.transaction():
            row = _fetch(
                conn,
                f"""
                insert into board_searches (workspace_id, board, query, location, max_results,
                                            created_by)
                values (%s, %s, %s, %s, %s, %s)
                returning {_COLUMNS}
                """,
                (workspace_id, board, query, location, max_results, created_by),
            )
    except psycopg.errors.UniqueViolation as e:
        raise SearchExists(f"this {board} search is saved already") from e
    assert row is not None
    return row


def list_searches(conn: psycopg.Connection, *, enabled: bool | None = None) -> list[BoardSearch]:
    """The current workspace's searches, oldest first (optionally only enabled or disabled)."""
    with conn.cursor(row_factory=class_row(BoardSearch)) as cur:
        cur.execute(
            f"select {_COLUMNS} from board_searches "
            "where %(enabled)s::boolean is null or enabled = %(enabled)s order by id",
            {"enabled": enabled},
        )
        return cur.fetchall()


def get(conn: psycopg.Connection, *, search_id: int) -> BoardSearch:
    """One search of the current workspace; `NotFound` otherwise."""
    row = _fetch(conn, f"select {_COLUMNS} from board_searches where id = %s", (search_id,))
    if row is None:
        raise NotFound(f"board search {search_id} not found")
    return row


def delete(conn: psycopg.Connection, *, search_id: int) -> None:
    """Forget a search (the leads it found stay); `NotFound` when there is none."""
    if conn.execute("delete from board_searches where id = %s", (search_id,)).rowcount == 0:
        raise NotFound(f"board search {search_id} not found")


def set_enabled(conn: psycopg.Connection, *, search_id: int, enabled: bool) -> BoardSearch:
    """Turn a search's scheduled runs on or off (it can still be run by hand)."""
    row = _fetch(
        conn,
        f"update board_searches set enabled = %s where id = %s returning {_COLUMNS}",
        (enabled, search_id),
    )
    if row is None:
        raise NotFound(f"board search {search_id} not found")
    return row


def record_run(
    conn: psycopg.Connection, *, search_id: int, found: int | None, error: str | None
) -> None:
    """Keep a run's outcome on its search: vacancies found, and why it stopped (None: it
    finished). A search deleted while it ran is left alone."""
    conn.execute(
        "update board_searches set last_run_at = now(), last_found = %s, last_error = %s "
        "where id = %s",
        (found, error, search_id),
    )
