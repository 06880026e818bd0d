"""Prometheus for the Ray dashboard's metrics view, when it is installed.

The dashboard draws its charts (and the product's own metrics: `selectio_active_interviews`,
voice-to-voice latency) from a Prometheus server it is told about at start
(`RAY_PROMETHEUS_HOST`); Ray writes a scrape configuration for its nodes into its session
folder. Ray's own `ray metrics launch-prometheus` downloads a binary, which an offline machine
cannot, so Debian's `prometheus` package is used instead: started beside Ray with that
configuration, its data under `SELECTIO_HOME/prometheus`, listening on the product's host.
Without the binary the product runs as before and says how to get the charts.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

from db.settings import Settings

log = logging.getLogger(__name__)

INSTALL_HINT = (
    "dashboard metrics are off: install Prometheus ('sudo apt-get install prometheus') and "
    "start again"
)


def prometheus_binary() -> str | None:
    """The `prometheus` executable on PATH, if any."""
    return shutil.which("prometheus")


def prometheus_url(settings: Settings) -> str:
    return f"http://{settings.host}:{settings.prometheus_port}"


def announce_to_ray(settings: Settings) -> None:
    """Tell the dashboard (started by `ray.init` next) where Prometheus will be."""
    os.environ["RAY_PROMETHEUS_HOST"] = prometheus_url(settings)


def ray_scrape_config(session_dir: Path) -> Path:
    """The scrape configuration Ray wrote for this session's nodes."""
    return session_dir / "metrics" / "prometheus" / "prometheus.yml"


def command(binary: str, settings: Settings, config: Path) -> list[str]:
    """The Prometheus command line: Ray's scrape config, data kept a week under the home."""
    return [
        binary,
        f"--config.file={config}",
        f"--storage.tsdb.path={settings.home / 'prometheus'}",
        "--storage.tsdb.retention.time=7d",
        f"--web.listen-address={settings.host}:{settings.prometheus_port}",
    ]


def start_prometheus(settings: Settings, session_dir: Path) -> subprocess.Popen[bytes]:
    """Start Prometheus on Ray's scrape configuration; its log goes to the home folder."""
    binary = prometheus_binary()
    if binary is None:
        raise FileNotFoundError("prometheus")
    config = ray_scrape_config(session_dir)
    if not config.is_file():
        raise FileNotFoundError(str(config))
    (settings.home / "prometheus").mkdir(parents=True, exist_ok=True)
    with (settings.home / "prometheus.log").open("ab") as log_file:
        process = subprocess.Popen(
            command(binary, settings, config), stdout=log_file, stderr=subprocess.STDOUT
        )
    log.info("prometheus started", extra={"url": prometheus_url(settings), "pid": process.pid})
    return process
