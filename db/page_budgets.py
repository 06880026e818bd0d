"""Pages a scraping account opened per day (table `scraper_page_budgets`, migration 0028).

`take` counts a page and refuses past the limit in one statement, so two workers cannot both
take an account's last page of the day.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import psycopg


def take(
    conn: psycopg.Connection, *, workspace_id: UUID, account: str, day: date, limit: int
) -> int | None:
    """Count one page for `account` on `day`: the pages used, this one included, or None (and
    nothing counted) when `limit` pages were opened already."""
    if limit <= 0:
        return None
    row = conn.execute(
        """
        insert into scraper_page_budgets as b (workspace_id, account, day, pages)
        values (%(ws)s, %(account)s, %(day)s, 1)
        on conflict (workspace_id, account, day) do update set pages = b.pages + 1
            where b.pages < %(limit)s
        returning pages
        """,
        {"ws": workspace_id, "account": account, "day": day, "limit": limit},
    ).fetchone()
    return int(row[0]) if row else None


def used(conn: psycopg.Connection, *, account: str, day: date) -> int:
    """Pages `account` opened on `day` in the current workspace."""
    row = conn.execute(
        "select pages from scraper_page_budgets where account = %s and day = %s", (account, day)
    ).fetchone()
    return int(row[0]) if row else 0
