"""Ops metrics: the gauges' values from a reading of the queues (a series that empties reads
0, not its last value), bot state moves, and the Grafana dashboard charting every metric the
code defines, under the name Prometheus scrapes from Ray (`ray_selectio_*`)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from db.ops import Depth, QueueDepths
from pipelines import ops_metrics
from pipelines.ops_metrics import Sample, SeriesBook, bot_state_samples, queue_samples

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "ops" / "grafana" / "selectio.json"
METRIC_TYPES = {"Gauge", "Counter", "Histogram"}


def _value(samples: list[Sample], name: str, **tags: str) -> float:
    (found,) = [s.value for s in samples if s.name == name and dict(s.tags) == tags]
    return found


def test_a_reading_of_the_queues_becomes_gauge_values() -> None:
    depths = QueueDepths(
        outbox={"telegram": Depth(3, 620.5), "email": Depth(1, 4.0)},
        jobs={"running": Depth(2, 30.0), "retrying": Depth(1, None)},
        failed_last_hour={"sync_hh": 2},
        live_interviews=4,
    )
    samples = queue_samples(depths)
    assert _value(samples, "selectio_outbox_waiting", channel="telegram") == 3
    assert _value(samples, "selectio_outbox_lag_seconds", channel="telegram") == 620.5
    assert _value(samples, "selectio_outbox_lag_seconds", channel="email") == 4.0
    assert _value(samples, "selectio_jobs", state="queued") == 0  # every state, always
    assert _value(samples, "selectio_jobs", state="running") == 2
    assert _value(samples, "selectio_job_failures_last_hour", kind="sync_hh") == 2
    assert {s.name for s in samples} <= set(ops_metrics.GAUGES)


def test_a_series_gone_from_the_reading_reads_zero() -> None:
    book = SeriesBook()
    busy = QueueDepths(outbox={"email": Depth(5, 90.0)}, failed_last_hour={"report": 1})
    book.complete(queue_samples(busy))
    calm = book.complete(queue_samples(QueueDepths()))
    assert _value(calm, "selectio_outbox_waiting", channel="email") == 0
    assert _value(calm, "selectio_outbox_lag_seconds", channel="email") == 0
    assert _value(calm, "selectio_job_failures_last_hour", kind="report") == 0
    assert len(calm) == len(book.complete(queue_samples(QueueDepths())))  # no duplicates


def test_a_bot_moving_state_clears_the_state_it_left() -> None:
    assert bot_state_samples("ws", None, "waiting_for_lease") == [
        Sample("selectio_bot_state", 1.0, (("workspace", "ws"), ("state", "waiting_for_lease")))
    ]
    moved = bot_state_samples("ws", "waiting_for_lease", "running")
    assert [(dict(s.tags)["state"], s.value) for s in moved] == [
        ("running", 1.0),
        ("waiting_for_lease", 0.0),
    ]


def _defined_metrics() -> set[str]:
    """Every `selectio_*` metric the product's code creates: literal names given to Ray's
    Gauge/Counter/Histogram anywhere, and the ops gauges' table."""
    names = set(ops_metrics.GAUGES)
    for package in ("actors", "pipelines", "serve_apps"):
        for path in (ROOT / package).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            if "selectio_" not in source:
                continue
            for node in ast.walk(ast.parse(source)):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                first = node.args[0] if node.args else None
                if (
                    called in METRIC_TYPES
                    and isinstance(first, ast.Constant)
                    and str(first.value).startswith("selectio_")
                ):
                    names.add(first.value)
    return names


def test_the_grafana_dashboard_charts_every_metric() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    panels = [p for p in dashboard["panels"] if p["type"] != "row"]
    exprs = [t["expr"] for p in panels for t in p["targets"]]
    defined = _defined_metrics()
    assert {"selectio_active_interviews", "selectio_voice_to_voice_ms"} <= defined  # the scan works
    for name in sorted(defined):
        scraped = re.compile(rf"\bray_{name}(_bucket|_sum|_count|_total)?\b")
        assert any(scraped.search(e) for e in exprs), f"no panel charts {name} (ray_{name})"
    charted = {m for e in exprs for m in re.findall(r"\bray_(selectio_[a-z0-9_]+)", e)}
    stripped = {re.sub(r"_(bucket|sum|count|total)$", "", m) for m in charted}
    assert stripped <= defined, (
        f"panels chart metrics the code no longer defines: {stripped - defined}"
    )
    assert any("histogram_quantile(0.95" in e for e in exprs)
    assert all(p["datasource"]["uid"] == "${datasource}" for p in panels)
    assert len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"])


@pytest.mark.ray
def test_the_gauges_publish_in_a_ray_process(ray_local: None) -> None:
    samples = SeriesBook().complete(queue_samples(QueueDepths(outbox={"email": Depth(1, 2.0)})))
    ops_metrics.publish(samples + bot_state_samples("ws", "running", "revoked"))
    ops_metrics.gauge("selectio_stt_queue_depth").set(2, tags={"node": "abc"})
