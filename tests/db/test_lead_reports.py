"""The lead report against the events it counts: leads built through db.leads' own moves, and
the expected figures computed here from those events, never through the report's SQL."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from db import lead_reports, lead_variants, leads
from db.errors import InvalidValue
from db.pool import transaction
from db.workspaces import Workspace
from tests.db import factories

FUNNEL = list(leads.FUNNEL)

# (source, variant, quality, moves); a move is a status to go to ("advance:" prefix: an
# automatic move), "out"/"in" for a message event, or "lost:"/"archived:" with a reason.
SCENARIO: list[tuple[str, str | None, int | None, list[str]]] = [
    ("djinni", "A", 5, ["qualified", "out", "advance:responded", "in", "advance:replied",
                        "advance:meeting", "advance:won"]),
    ("djinni", "A", 4, ["qualified", "responded", "replied", "meeting", "won", "meeting"]),
    ("djinni", "A", None, ["qualified", "responded", "lost:no answer"]),
    ("linkedin", "A", None, ["qualified", "out", "in"]),
    ("linkedin", "B", None, ["qualified", "responded", "replied", "lost:budget", "qualified"]),
    ("hh", "B", 2, ["qualified", "responded"]),
    ("hh", "B", None, ["archived:low fit"]),
    ("hh", None, None, []),
    ("site", "B", 3, ["qualified", "responded", "replied"]),
    ("site", None, None, ["qualified"]),
]  # fmt: skip


def _walk(conn: psycopg.Connection, lead_id: int, moves: list[str]) -> None:
    for move in moves:
        if move in ("out", "in"):
            leads.add_event(conn, lead_id=lead_id, kind=f"message_{move}", body="text")
        elif move.startswith("advance:"):
            leads.advance(conn, lead_id=lead_id, status=move.split(":", 1)[1])
        elif ":" in move:
            status, reason = move.split(":", 1)
            leads.set_status(conn, lead_id=lead_id, status=status, reason=reason)
        else:
            leads.set_status(conn, lead_id=lead_id, status=move)


def _new_lead(conn: psycopg.Connection, ws: Workspace, source: str) -> int:
    lead, _ = leads.upsert_lead(
        conn,
        workspace_id=ws.id,
        source=source,
        external_id=uuid.uuid4().hex,
        title="Python developer",
    )
    return lead.id


def _backdate_created(conn: psycopg.Connection, lead_id: int, at: datetime) -> None:
    conn.execute(
        "update lead_events set created_at = %s where lead_id = %s and kind = 'created'",
        (at, lead_id),
    )


def _last_sunday_evening(now: datetime) -> datetime:
    """22:30 UTC on the latest Sunday at least two days ago: Monday already in Moscow."""
    day = (now - timedelta(days=2)).date()
    day -= timedelta(days=(day.weekday() + 1) % 7)
    return datetime(day.year, day.month, day.day, 22, 30, tzinfo=UTC)


def _expected(events: dict[int, list[leads.LeadEvent]]) -> dict[int, tuple[int, str | None]]:
    """Per lead: (furthest funnel step, latest status), read event by event."""
    out = {}
    for lead_id, history in events.items():
        stage, last = 0, None
        for e in history:
            if e.kind == "message_out":
                stage = max(stage, 2)
            elif e.kind == "message_in":
                stage = max(stage, 3)
            elif e.kind == "status":
                last = e.data["to"]
                if last in FUNNEL:
                    stage = max(stage, FUNNEL.index(last))
        out[lead_id] = (stage, last)
    return out


@pytest.fixture(scope="module")
def built(pool: ConnectionPool) -> dict[str, Any]:
    """The scenario in a fresh workspace, one lead created before the window, and a lead of
    another workspace inside it."""
    ws, other = factories.workspace(pool), factories.workspace(pool)
    now = datetime.now(UTC)
    with transaction(pool, workspace_id=ws.id) as conn:
        variants = {
            name: lead_variants.create_variant(
                conn, workspace_id=ws.id, name=name, instructions=f"style: direct\n{name}"
            )
            for name in ("A", "B", "C")
        }
        lead_variants.retire_variant(conn, variant_id=variants["C"].id)
        ids = []
        for source, variant, quality, moves in SCENARIO:
            lead_id = _new_lead(conn, ws, source)
            if variant is not None:
                leads.set_variant(conn, lead_id=lead_id, variant_id=variants[variant].id)
            _walk(conn, lead_id, moves)
            if quality is not None:
                leads.rate(conn, lead_id=lead_id, quality=quality, actor_user_id=None)
            ids.append(lead_id)
        old = _new_lead(conn, ws, "djinni")  # before the window: in no figure but Thompson's
        leads.set_variant(conn, lead_id=old, variant_id=variants["A"].id)
        _walk(conn, old, ["qualified", "responded", "replied"])
        _backdate_created(conn, old, now - timedelta(days=40))
        for lead_id in ids[:2]:
            _backdate_created(conn, lead_id, now - timedelta(days=7))
        _backdate_created(conn, ids[8], _last_sunday_evening(now))
        events = {i: leads.list_events(conn, lead_id=i) for i in ids}
    with transaction(pool, workspace_id=other.id) as conn:
        _walk(conn, _new_lead(conn, other, "djinni"), ["qualified", "responded", "replied"])
    return {"ws": ws, "ids": ids, "old": old, "variants": variants, "events": events, "now": now}


def _report(pool: ConnectionPool, built: dict[str, Any], tz: str = "UTC") -> dict[str, Any]:
    with transaction(pool, workspace_id=built["ws"].id) as conn:
        return lead_reports.lead_report(
            conn,
            since=built["now"] - timedelta(days=21),
            until=built["now"] + timedelta(hours=1),
            tz=tz,
        )


def test_the_funnel_matches_the_events(pool: ConnectionPool, built: dict[str, Any]) -> None:
    funnel = _report(pool, built)["funnel"]
    per_lead = _expected(built["events"]).values()
    stages = [s for s, _ in per_lead]
    lasts = Counter(last for _, last in per_lead)
    expected = {
        "leads": len(stages),
        "qualified": sum(s >= 1 for s in stages),
        "responded": sum(s >= 2 for s in stages),
        "replied": sum(s >= 3 for s in stages),
        "meetings": sum(s >= 4 for s in stages),
        "won": lasts["won"],
        "lost": lasts["lost"],
        "archived": lasts["archived"],
    }
    assert {k: funnel[k] for k in expected} == expected
    # The scenario read by hand, so a mistake in _expected cannot hide one in the report.
    assert expected == {
        "leads": 10,
        "qualified": 8,
        "responded": 7,
        "replied": 5,
        "meetings": 2,
        "won": 1,
        "lost": 1,
        "archived": 1,
    }
    assert funnel["response_rate"] == pytest.approx(7 / 8)
    assert funnel["reply_rate"] == pytest.approx(5 / 7)


def test_leads_per_source_per_iso_week(pool: ConnectionPool, built: dict[str, Any]) -> None:
    for tz in ("UTC", "Europe/Moscow"):
        weekly = _report(pool, built, tz)["weekly"]
        expected: Counter[tuple[str, str]] = Counter()
        for lead_id, history in built["events"].items():
            created = next(e for e in history if e.kind == "created").created_at
            year, week, _ = created.astimezone(ZoneInfo(tz)).isocalendar()
            source = SCENARIO[built["ids"].index(lead_id)][0]
            expected[(f"{year}-W{week:02d}", source)] += 1
        got = {(row["week"], row["source"]): row["leads"] for row in weekly}
        assert got == dict(expected), tz
        assert all(row["week_start"].weekday() == 0 for row in weekly)
    sunday = _last_sunday_evening(built["now"])
    utc_week = sunday.isocalendar()[1]
    moscow_week = sunday.astimezone(ZoneInfo("Europe/Moscow")).isocalendar()[1]
    assert utc_week != moscow_week  # the lead created that evening moves a week with the zone


def test_per_variant_conversion(pool: ConnectionPool, built: dict[str, Any]) -> None:
    rows = {row["name"]: row for row in _report(pool, built)["variants"]}
    per_lead = _expected(built["events"])
    for name in ("A", "B", "C"):
        mine = [
            (per_lead[lead_id], SCENARIO[i][2])
            for i, lead_id in enumerate(built["ids"])
            if SCENARIO[i][1] == name
        ]
        responded = sum(s >= 2 for (s, _), _ in mine)
        replied = sum(s >= 3 for (s, _), _ in mine)
        ratings = [q for _, q in mine if q is not None]
        row = rows[name]
        assert (row["leads"], row["responded"], row["replied"]) == (len(mine), responded, replied)
        assert row["meetings"] == sum(s >= 4 for (s, _), _ in mine)
        assert row["won"] == sum(last == "won" for (_, last), _ in mine)
        assert row["rated"] == len(ratings)
        assert row["quality"] == (pytest.approx(sum(ratings) / len(ratings)) if ratings else None)
        interval = lead_reports.wilson_interval(replied, responded)
        assert (row["reply_rate_low"], row["reply_rate_high"]) == (
            interval if interval else (None, None)
        )
    assert (rows["A"]["responded"], rows["A"]["replied"], rows["A"]["won"]) == (4, 3, 1)
    assert rows["A"]["quality"] == pytest.approx(4.5)
    assert (rows["B"]["responded"], rows["B"]["replied"], rows["B"]["meetings"]) == (3, 2, 0)
    assert rows["C"]["retired"] and rows["C"]["leads"] == 0 and rows["C"]["reply_rate"] is None
    assert rows["A"]["reply_rate_low"] < 0.75 < rows["A"]["reply_rate_high"]


def test_variant_outcomes_cover_all_time(pool: ConnectionPool, built: dict[str, Any]) -> None:
    with transaction(pool, workspace_id=built["ws"].id) as conn:
        outcomes = lead_reports.variant_outcomes(conn)
    variants = built["variants"]
    # A: four leads in the window (4 responded, 3 replied) and the old one (responded, replied).
    assert outcomes == {variants["A"].id: (5, 4), variants["B"].id: (3, 2)}


def test_a_last_day_counts_whole(pool: ConnectionPool, built: dict[str, Any]) -> None:
    today = datetime.now(UTC).date()
    with transaction(pool, workspace_id=built["ws"].id) as conn:
        whole = lead_reports.lead_report(conn, since=today - timedelta(days=60), until=today)
        with pytest.raises(InvalidValue):
            lead_reports.lead_report(conn, since=today, until=today - timedelta(days=1))
        with pytest.raises(InvalidValue):
            lead_reports.lead_report(conn, since=today, until=today, tz="Nowhere/City")
    assert whole["funnel"]["leads"] == len(SCENARIO) + 1  # the old lead too


def test_wilson_interval_known_values() -> None:
    low, high = lead_reports.wilson_interval(8, 10) or (0, 0)
    assert (low, high) == (pytest.approx(0.4902, abs=1e-4), pytest.approx(0.9433, abs=1e-4))
    low, high = lead_reports.wilson_interval(0, 10) or (1, 1)
    assert (low, high) == (0.0, pytest.approx(0.2775, abs=1e-4))
    assert lead_reports.wilson_interval(0, 0) is None
    with pytest.raises(InvalidValue):
        lead_reports.wilson_interval(3, 2)


def test_an_empty_workspace_reports_zeros(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        report = lead_reports.lead_report(conn, since=date(2020, 1, 1), until=date(2020, 2, 1))
    assert report["weekly"] == [] and report["variants"] == []
    assert report["funnel"]["leads"] == 0 and report["funnel"]["reply_rate"] is None
