"""When a Telegram message may go out: replies at once, anything unasked-for by daylight where
the candidate lives, and first messages to strangers within what Telegram tolerates.

Every queued message carries its `timing` (pipelines/telegram/outbound.py):

- `reply`: an answer to a candidate who just wrote; never held.
- `unprompted`: to a candidate who wrote before (a reminder, a welcome in a known chat): held
  through the quiet hours in the candidate's zone.
- `cold`: a first message to someone who never wrote to the account (a welcome by @username
  or phone): the quiet hours, plus a cap per 24 hours, plus a pause after Telegram's
  PEER_FLOOD — the warning that the account writes to too many strangers; ignoring it gets
  the account limited or banned, so the workspace's first messages stop for a day and the
  recruiter is told, while replies go on.

`hold_for` is asked just before each send (the time to check is when it would go out, not when
it was queued: a message held by the cap may reach the night); the channel turns a hold into
`NotYet`, and the outbox keeps the message, unattempted, until then.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import psycopg

from db import candidates, notifications, telegram_sessions
from db.errors import NotFound
from db.settings import Settings
from pipelines.candidate_zone import candidate_zone

log = logging.getLogger(__name__)
Timing = Literal["reply", "unprompted", "cold"]
TIMINGS: tuple[Timing, ...] = ("reply", "unprompted", "cold")
WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Hold:
    """Not before `until`, because `reason`."""

    until: datetime
    reason: str


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def zone_of(conn: psycopg.Connection, candidate_id: int | None) -> str | None:
    """The candidate's time zone from their location or phone (pipelines.candidate_zone);
    None when neither tells (the workspace's zone applies when the message goes out)."""
    if candidate_id is None:
        return None
    try:
        person = candidates.get_candidate(conn, candidate_id=candidate_id)
    except NotFound:
        return None
    return candidate_zone(location=person.location, phone=person.phone, default="") or None


def quiet_until(now: datetime, quiet: str, zone: str | None) -> datetime | None:
    """The end of the quiet hours ("21-9": from 21:00 to 09:00) in `zone` if `now` falls in
    them; None when it is daytime there."""
    start, end = (int(h) for h in quiet.split("-"))
    local = now.astimezone(_zone(zone))
    hour = local.hour
    inside = (start <= hour or hour < end) if start > end else (start <= hour < end)
    if not inside:
        return None
    wake = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if wake <= local:
        wake += timedelta(days=1)
    return wake.astimezone(UTC)


def hold_for(
    conn: psycopg.Connection,
    settings: Settings,
    *,
    timing: str,
    zone: str | None,
    now: datetime | None = None,
) -> Hold | None:
    """Whether a message of `timing` to someone in `zone` must wait (in the workspace's RLS
    context); None when it may go now."""
    if timing not in ("unprompted", "cold"):
        return None
    now = now or datetime.now(UTC)
    zone = zone or settings.telegram_timezone
    morning = quiet_until(now, settings.telegram_quiet_hours, zone)
    if morning is not None:
        return Hold(morning, f"quiet hours ({settings.telegram_quiet_hours}) in {zone}")
    if timing != "cold":
        return None
    account = telegram_sessions.get(conn)
    paused = account.outreach_paused_until if account is not None else None
    if paused is not None and paused > now:
        return Hold(paused, "first messages paused after Telegram's PEER_FLOOD warning")
    cap = settings.telegram_first_contacts_per_day
    count, oldest = telegram_sessions.first_contacts_since(conn, since=now - WINDOW)
    if count >= cap and oldest is not None:
        return Hold(oldest + WINDOW, f"{cap} first messages in 24 hours (the daily cap)")
    return None


def pause_outreach(
    conn: psycopg.Connection, settings: Settings, *, workspace_id: UUID, now: datetime | None = None
) -> datetime:
    """Telegram said PEER_FLOOD: stop first messages for `telegram_peer_flood_pause_s` and tell
    the recruiters (once per pause). Returns when first messages may resume."""
    now = now or datetime.now(UTC)
    account = telegram_sessions.get(conn)
    current = account.outreach_paused_until if account is not None else None
    if current is not None and current > now:
        return current  # paused already (a message in flight met the same warning)
    until = now + timedelta(seconds=settings.telegram_peer_flood_pause_s)
    telegram_sessions.pause_outreach(conn, until=until, reason="PEER_FLOOD")
    name = (account.display_name or account.phone) if account is not None else ""
    notifications.notify(
        conn, workspace_id=workspace_id, kind="telegram.outreach_paused",
        dedupe_key=f"telegram-outreach-paused:{until.isoformat()}",
        subject={"account": name, "until": until.strftime("%Y-%m-%d %H:%M")},
    )  # fmt: skip
    log.warning("workspace %s: Telegram PEER_FLOOD, first messages paused until %s",
                workspace_id, until)  # fmt: skip
    return until
