"""Ray metrics of live interviews (exported through Ray's Prometheus endpoint and shown in
the dashboard): how many interviews are live, and how fast the AI answers."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def interview_metrics() -> dict[str, Any]:
    """Created once per process (Ray registers metrics by name)."""
    from ray.util.metrics import Gauge, Histogram

    return {
        "active": Gauge(
            "selectio_active_interviews",
            description="Live voice interviews with a connected candidate.",
            tag_keys=("workspace",),
        ),
        "latency": Histogram(
            "selectio_voice_to_voice_ms",
            description="Candidate stops speaking to first AI audio frame sent, per turn (ms).",
            boundaries=[250, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000],
            tag_keys=("workspace",),
        ),
    }
