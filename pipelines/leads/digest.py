"""The daily lead digest: yesterday's figures and the best new leads, told to the owners once.

A day is the profile's `meeting_timezone`'s calendar day. The figures come from the leads and
their history, so they agree with the lead pages: leads found (duplicates left out) and how
many of them are strong (at or above the profile's `strong_threshold`), responses that went
out (`message_out`), replies (`message_in`) and meetings booked (`meeting` events of status
'scheduled'); the top three new leads by fit. A day with none of it tells nobody. The
notification's dedupe key is the day, so a digest retried or run twice is told once.

When: the automation job 'lead_digest' (pipelines/automation/lead_digest.py) runs once a day
per workspace with lead-gen activity, at `DIGEST_HOUR` local time (0035_lead_sending.sql
queues each run for that time).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import psycopg
from psycopg_pool import ConnectionPool

from db import leadgen_profiles, notifications
from db.pool import transaction
from pipelines.leads.caps import zone

DIGEST_HOUR = 8  # as lead_digest_due_at() in 0035_lead_sending.sql
TOP = 3


@dataclass(frozen=True)
class Digest:
    """One day's figures in one workspace."""

    day: date
    tz: str
    new: int
    strong: int
    responded: int
    replied: int
    meetings: int
    top: list[dict[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.new or self.responded or self.replied or self.meetings)


def day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    """[start, end) of `day` in `tz`, as UTC instants (a DST day is 23 or 25 hours)."""
    place = zone(tz)
    start = datetime(day.year, day.month, day.day, tzinfo=place)
    following = day + timedelta(days=1)
    end = datetime(following.year, following.month, following.day, tzinfo=place)
    return start.astimezone(UTC), end.astimezone(UTC)


def yesterday(now: datetime, tz: str) -> date:
    """The calendar day before `now`'s, in `tz`."""
    return now.astimezone(zone(tz)).date() - timedelta(days=1)


def collect(conn: psycopg.Connection, *, day: date, tz: str) -> Digest:
    """The current workspace's figures for `day` in `tz`."""
    start, end = day_bounds(day, tz)
    strong_at = leadgen_profiles.get_profile(conn).strong_threshold
    window = {"start": start, "end": end, "strong": strong_at}
    found = conn.execute(
        """
        select count(*), count(*) filter (where fit_score >= %(strong)s) from leads
        where created_at >= %(start)s and created_at < %(end)s and duplicate_of is null
        """,
        window,
    ).fetchone()
    events = conn.execute(
        """
        select count(*) filter (where kind = 'message_out'),
               count(*) filter (where kind = 'message_in'),
               count(*) filter (where kind = 'meeting' and data ->> 'status' = 'scheduled')
        from lead_events where created_at >= %(start)s and created_at < %(end)s
        """,
        window,
    ).fetchone()
    top = conn.execute(
        """
        select id, title, company, fit_score, source from leads
        where created_at >= %(start)s and created_at < %(end)s and duplicate_of is null
          and status <> 'archived'
        order by fit_score desc nulls last, id limit %(top)s
        """,
        {**window, "top": TOP},
    ).fetchall()
    assert found is not None and events is not None  # aggregates always answer
    return Digest(
        day=day, tz=zone(tz).key, new=found[0], strong=found[1], responded=events[0],
        replied=events[1], meetings=events[2],
        top=[{"id": r[0], "title": r[1], "company": r[2], "fit_score": r[3], "source": r[4]}
             for r in top],
    )  # fmt: skip


def _top_line(top: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{i}. {t['title']}"
        + (f" — {t['company']}" if t["company"] else "")
        + (f" ({t['fit_score']})" if t["fit_score"] is not None else "")
        for i, t in enumerate(top, 1)
    )


def notify_digest(conn: psycopg.Connection, *, workspace_id: UUID, digest: Digest) -> int:
    """Tell the owners (once per day: the day is the dedupe key); how many were told."""
    return notifications.notify(
        conn, workspace_id=workspace_id, kind="lead.digest",
        dedupe_key=f"lead-digest:{digest.day.isoformat()}",
        subject={"day": digest.day.isoformat(), "new": digest.new, "strong": digest.strong,
                 "responded": digest.responded, "replied": digest.replied,
                 "meetings": digest.meetings, "top": _top_line(digest.top),
                 "leads": digest.top, "timezone": digest.tz},
    )  # fmt: skip


def send_digest(pool: ConnectionPool, workspace_id: UUID, *, day: date, tz: str) -> Digest:
    """Collect `day`'s digest and tell the owners unless the day was empty; the digest."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        digest = collect(conn, day=day, tz=tz)
        if not digest.empty:
            notify_digest(conn, workspace_id=workspace_id, digest=digest)
    return digest
