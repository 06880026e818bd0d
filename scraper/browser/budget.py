"""How many pages an account may open per day, behind a small interface.

`PageBudget.take` counts one page and refuses past the limit in one step, so a Postgres
implementation can be one atomic statement (`insert … on conflict do update set pages =
pages + 1 where pages < limit returning pages`) and two workers cannot both take the last
page. `MemoryPageBudget` is the in-process implementation used until then, and in tests.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from scraper.browser.errors import PageBudgetExhausted


class PageBudget(Protocol):
    """Pages opened per account per day."""

    async def take(self, account: str, day: date, limit: int) -> int:
        """Count one page for `account` on `day` and return the pages used so far, this one
        included; raise `PageBudgetExhausted` (and count nothing) when `limit` is reached."""
        ...

    async def used(self, account: str, day: date) -> int:
        """Pages `account` has opened on `day`."""
        ...


class MemoryPageBudget:
    """`PageBudget` in this process's memory: lost on restart, not shared between workers."""

    def __init__(self) -> None:
        self._used: dict[tuple[str, date], int] = {}

    async def take(self, account: str, day: date, limit: int) -> int:
        # No await below: within one event loop the check and the count cannot interleave.
        used = self._used.get((account, day), 0)
        if used >= limit:
            raise PageBudgetExhausted(account, limit, day)
        self._used[(account, day)] = used + 1
        # Past days are never asked for again; keep the map from growing without end.
        for key in [k for k in self._used if k[1] < day]:
            del self._used[key]
        return used + 1

    async def used(self, account: str, day: date) -> int:
        return self._used.get((account, day), 0)
