"""Prometheus for the dashboard: started on Ray's scrape config, data under the home."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from db.settings import Settings
from serve_apps import metrics_server


def test_the_command_reads_rays_config_and_keeps_data_in_the_home(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", secret_key="k" * 40, prometheus_port=9123)
    config = metrics_server.ray_scrape_config(tmp_path / "session")
    line = metrics_server.command("/usr/bin/prometheus", settings, config)
    assert f"--config.file={tmp_path / 'session/metrics/prometheus/prometheus.yml'}" in line
    assert f"--storage.tsdb.path={settings.home / 'prometheus'}" in line
    assert "--web.listen-address=127.0.0.1:9123" in line


def test_the_dashboard_is_told_where_prometheus_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RAY_PROMETHEUS_HOST", raising=False)
    settings = Settings(home=tmp_path, secret_key="k" * 40, prometheus_port=9124)
    metrics_server.announce_to_ray(settings)
    assert os.environ["RAY_PROMETHEUS_HOST"] == "http://127.0.0.1:9124"


def test_a_session_without_rays_config_is_a_clear_error(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, secret_key="k" * 40)
    with pytest.raises(FileNotFoundError, match="prometheus.yml"):
        metrics_server.start_prometheus(settings, tmp_path / "no-session")
