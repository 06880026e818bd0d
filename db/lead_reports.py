"""Lead-generation reports, counted from `lead_events` so they always agree with the history.

What a lead reached is read from its events, never from the lead's current row:
- its *stage* is the furthest funnel step it got to: the `to` of its `status` events
  (new 0, qualified 1, responded 2, replied 3, meeting 4, won 5), a `message_out` event (a
  response sent) counting as responded and a `message_in` event (an answer received) as
  replied. A lead moved back a step still counts where it got to;
- won and lost are the `to` of its latest `status` event: a lead reopened after `lost` is
  not lost, a `won` undone is not won.
So responded = stage ≥ 2, replied = stage ≥ 3, meetings = stage ≥ 4; responded and replied
are the same figures the Thompson policy learns from (`variant_outcomes`).

`lead_report` follows a cohort: the leads whose `created` event falls in [since, until), with
their events up to `until`. Rates divide within the cohort: response rate = responded /
qualified, reply rate = replied / responded. Each section is one aggregate query.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import psycopg

from db.errors import InvalidValue
from db.leads import FUNNEL

Z95 = 1.959963984540054  # the normal quantile of a two-sided 95% interval

# Per lead: its furthest funnel step and its latest status (see the module docstring).
_STAGE = """
    coalesce(max(case
        when e.kind = 'message_in' then 3
        when e.kind = 'message_out' then 2
        when e.kind = 'status' then array_position(%(funnel)s::text[], e.data->>'to') - 1
    end), 0)"""
_LAST_STATUS = """
    (array_agg(e.data->>'to' order by e.id desc) filter (where e.kind = 'status'))[1]"""
_COHORT = f"""
    cohort as (
        select distinct lead_id from lead_events
        where kind = 'created' and created_at >= %(since)s and created_at < %(until)s
    ),
    stages as (
        select e.lead_id, {_STAGE} as stage, {_LAST_STATUS} as last_status
        from lead_events e join cohort c on c.lead_id = e.lead_id
        where e.created_at < %(until)s
        group by e.lead_id
    )"""


def wilson_interval(successes: int, trials: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (95% by default): honest for small samples
    and for 0 or 100%, where the normal approximation collapses. None with no trials."""
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise InvalidValue(f"{successes} successes out of {trials} trials")
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _instant(value: date | datetime, zone: ZoneInfo) -> datetime:
    """A bound as an aware instant: a date is local midnight, a naive time is local time."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise InvalidValue(f"unknown time zone '{tz}'") from e


def variant_outcomes(conn: psycopg.Connection) -> dict[int, tuple[int, int]]:
    """{variant id: (responded, replied)} over all of the workspace's leads, by the same rules
    as the report: what Thompson sampling learns from. Variants with no leads are absent."""
    rows = conn.execute(
        f"""
        select l.variant_id,
               count(*) filter (where s.stage >= 2),
               count(*) filter (where s.stage >= 3)
        from leads l
        join (select e.lead_id, {_STAGE} as stage from lead_events e group by e.lead_id) s
          on s.lead_id = l.id
        where l.variant_id is not null
        group by l.variant_id
        """,
        {"funnel": list(FUNNEL)},
    ).fetchall()
    return {variant_id: (responded, replied) for variant_id, responded, replied in rows}


def _weekly(conn: psycopg.Connection, params: dict[str, Any]) -> list[dict[str, Any]]:
    rows = conn.execute(
        """
        select to_char(e.created_at at time zone %(tz)s, 'IYYY-"W"IW') as week,
               date_trunc('week', e.created_at at time zone %(tz)s)::date as week_start,
               l.source, count(distinct e.lead_id) as leads
        from lead_events e join leads l on l.id = e.lead_id
        where e.kind = 'created' and e.created_at >= %(since)s and e.created_at < %(until)s
        group by 1, 2, 3
        order by 2, 3
        """,
        params,
    ).fetchall()
    return [
        {"week": week, "week_start": start, "source": source, "leads": n}
        for week, start, source, n in rows
    ]


def _funnel(conn: psycopg.Connection, params: dict[str, Any]) -> dict[str, Any]:
    row = conn.execute(
        f"""
        with {_COHORT}
        select count(*),
               count(*) filter (where stage >= 1),
               count(*) filter (where stage >= 2),
               count(*) filter (where stage >= 3),
               count(*) filter (where stage >= 4),
               count(*) filter (where last_status = 'won'),
               count(*) filter (where last_status = 'lost'),
               count(*) filter (where last_status = 'archived')
        from stages
        """,
        params,
    ).fetchone()
    assert row is not None  # an aggregate always answers
    keys = ("leads", "qualified", "responded", "replied", "meetings", "won", "lost", "archived")
    funnel: dict[str, Any] = dict(zip(keys, row, strict=True))
    funnel["response_rate"] = _rate(funnel["responded"], funnel["qualified"])
    funnel["reply_rate"] = _rate(funnel["replied"], funnel["responded"])
    return funnel


def _variants(conn: psycopg.Connection, params: dict[str, Any]) -> list[dict[str, Any]]:
    rows = conn.execute(
        f"""
        with {_COHORT}
        select v.id, v.name, v.version, v.retired_at is not null,
               count(s.lead_id),
               count(*) filter (where s.stage >= 2),
               count(*) filter (where s.stage >= 3),
               count(*) filter (where s.stage >= 4),
               count(*) filter (where s.last_status = 'won'),
               avg(l.quality)::float8,
               count(l.quality)
        from lead_prompt_variants v
        left join (leads l join stages s on s.lead_id = l.id) on l.variant_id = v.id
        group by v.id, v.name, v.version, v.retired_at
        order by v.name, v.version
        """,
        params,
    ).fetchall()
    out = []
    for vid, name, version, retired, n, responded, replied, meetings, won, quality, rated in rows:
        interval = wilson_interval(replied, responded)
        out.append({
            "variant_id": vid, "name": name, "version": version, "retired": retired,
            "leads": n, "responded": responded, "replied": replied, "meetings": meetings,
            "won": won, "reply_rate": _rate(replied, responded),
            "reply_rate_low": interval[0] if interval else None,
            "reply_rate_high": interval[1] if interval else None,
            "quality": quality, "rated": rated,
        })  # fmt: skip
    return out


def lead_report(
    conn: psycopg.Connection,
    *,
    since: date | datetime,
    until: date | datetime,
    tz: str = "UTC",
) -> dict[str, Any]:
    """The workspace's lead report for the leads created in [since, until): leads per source
    per ISO week (weeks in `tz`), the funnel with its rates, and the per-variant figures with
    a Wilson 95% interval of the reply rate and the mean quality rating. A date is a whole
    local day in `tz` (`until` included: the API's "last day"); a datetime is an instant
    (`until` excluded; a naive one is local time in `tz`)."""
    zone = _zone(tz)
    if not isinstance(until, datetime):  # a last day counts whole
        until = until + timedelta(days=1)
    start, end = _instant(since, zone), _instant(until, zone)
    if start >= end:
        raise InvalidValue("a report's start must come before its end")
    params = {"since": start, "until": end, "tz": tz, "funnel": list(FUNNEL)}
    return {
        "since": start,
        "until": end,
        "tz": tz,
        "weekly": _weekly(conn, params),
        "funnel": _funnel(conn, params),
        "variants": _variants(conn, params),
    }
