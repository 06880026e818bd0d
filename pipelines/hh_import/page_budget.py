"""The browser scrapers' daily page budget kept in Postgres, per workspace (`PageBudget` of
scraper/browser/budget.py over db/page_budgets.py): it holds across runs, restarts and
workers, where the in-memory budget would start again at zero with every run."""

from __future__ import annotations

import asyncio
from datetime import date
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import page_budgets
from db.pool import transaction
from scraper.browser.errors import PageBudgetExhausted


class DbPageBudget:
    """`PageBudget` of one workspace's accounts, one atomic statement per page."""

    def __init__(self, pool: ConnectionPool, workspace_id: UUID) -> None:
        self._pool = pool
        self._workspace_id = workspace_id

    async def take(self, account: str, day: date, limit: int) -> int:
        """Count a page; `PageBudgetExhausted` (nothing counted) past `limit`."""
        taken = await asyncio.to_thread(self._take, account, day, limit)
        if taken is None:
            raise PageBudgetExhausted(account, limit, day)
        return taken

    async def used(self, account: str, day: date) -> int:
        return await asyncio.to_thread(self._used, account, day)

    def _take(self, account: str, day: date, limit: int) -> int | None:
        with transaction(self._pool, workspace_id=self._workspace_id) as conn:
            return page_budgets.take(conn, workspace_id=self._workspace_id, account=account,
                                     day=day, limit=limit)  # fmt: skip

    def _used(self, account: str, day: date) -> int:
        with transaction(self._pool, workspace_id=self._workspace_id) as conn:
            return page_budgets.used(conn, account=account, day=day)
