"""Per-board daily caps on lead responses: how many answers a workspace sends per board per day.

Boards ban accounts that answer hundreds of vacancies a day, and a person's pace is a few dozen;
the profile's `daily_caps` ({"djinni": 20, "linkedin": 10, "hh": 20, "email": 50}) say how many.
The cap is checked when a response is about to go out, not when it is queued (a response queued
yesterday counts today if it goes today): the count is of responses *sent* since midnight in
the profile's `meeting_timezone`. Over the cap, the channel answers `NotYet` until the next
local midnight, and the outbox keeps the item unattempted until then (as Telegram's cap on
first messages does, pipelines/telegram/outreach.py). A board missing from `daily_caps` has no
cap of its own.

Two dispatchers of one workspace do not run at once (the automation run's lease), so the check
and the send that follows it are not raced within a workspace.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import psycopg

from db import lead_responses, leadgen_profiles


@dataclass(frozen=True)
class CapHold:
    """Not before `until` (the next local midnight): `sent` of `cap` already went today."""

    until: datetime
    reason: str
    sent: int
    cap: int


def zone(name: str | None) -> ZoneInfo:
    """The profile's time zone; an unknown or empty one counts as UTC."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def next_midnight(now: datetime, tz: str | None) -> datetime:
    """The next midnight after `now` in `tz`, as a UTC instant (a DST day is 23 or 25 hours)."""
    local = now.astimezone(zone(tz))
    tomorrow = (local + timedelta(days=1)).date()
    midnight = datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=local.tzinfo)
    return midnight.astimezone(UTC)


def hold_for(
    conn: psycopg.Connection, *, board: str, now: datetime | None = None
) -> CapHold | None:
    """Whether one more response on `board` must wait for tomorrow (in the workspace's RLS
    context); None when it may go now."""
    profile = leadgen_profiles.get_profile(conn)
    cap = profile.daily_caps.get(board)
    if cap is None:
        return None
    tz = zone(profile.meeting_timezone).key
    sent = lead_responses.sent_today(conn, board, tz)
    if sent < cap:
        return None
    until = next_midnight(now or datetime.now(UTC), tz)
    return CapHold(until, f"{sent} of {cap} {board} responses sent today (the daily cap, {tz})",
                   sent, cap)  # fmt: skip
