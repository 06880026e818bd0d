"""The interview length a report states leaves out the time the server was down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pipelines.analysis.flow import _duration_s
from pipelines.analysis.models import AnalysisInput

START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def _input(server_down_s: float) -> AnalysisInput:
    return AnalysisInput(
        interview_id=1, language="en", channel="voice", status="completed", turns=[],
        started_at=START, ended_at=START + timedelta(minutes=20), server_down_s=server_down_s,
    )  # fmt: skip


def test_server_downtime_is_not_interview_time() -> None:
    assert _duration_s(_input(0)) == 20 * 60
    assert _duration_s(_input(254)) == 20 * 60 - 254
