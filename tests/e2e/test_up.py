"""Smoke test of the README's run command, as a user runs it: `make up` starts the embedded
database, Ray, the API and the console with demo data; Ctrl-C stops everything cleanly.
(A second start over the same data folder is covered where it is cheap: the embedded server's
restart in tests/db/test_embedded_auth.py, the demo found instead of seeded twice in
tests/serve_apps/test_demo.py.)"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from serve_apps.demo_history_texts import HISTORY_VACANCIES
from tests.conftest import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.ray]
ROOT = Path(__file__).resolve().parents[2]


def _start(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            ["make", "up"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def _wait_ready(process: subprocess.Popen[bytes], log: Path, timeout_s: float = 240) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if "Press Ctrl-C to stop." in text:
            return text
        if process.poll() is not None:
            pytest.fail(f"`make up` exited with {process.returncode}:\n{text[-3000:]}")
        time.sleep(0.5)
    os.killpg(process.pid, signal.SIGKILL)
    pytest.fail(f"`make up` was not ready in {timeout_s}s:\n{log.read_text()[-3000:]}")


def _ctrl_c(process: subprocess.Popen[bytes], log: Path) -> str:
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail(f"`make up` did not stop on Ctrl-C:\n{log.read_text()[-3000:]}")
    return log.read_text(errors="replace")


def _assert_clean_stop(process: subprocess.Popen[bytes], output: str) -> None:
    """Ctrl-C reaches make too (as in a terminal): make then ends by SIGINT, but selectio
    itself must have stopped everything and exited 0 (make reports a failing recipe)."""
    assert process.returncode in (0, -signal.SIGINT), output[-3000:]
    assert "Stopped." in output
    assert "Error 1" not in output


def _postgres_running(pgdata: Path) -> bool:
    return (pgdata / "postmaster.pid").exists()


def test_make_up_serves_demo_and_stops_cleanly(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ports = {
        "api": free_port(), "console": free_port(), "dashboard": free_port(),
        "prometheus": free_port(),
    }  # fmt: skip
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SELECTIO_", "RAY_"))},
        "SELECTIO_HOME": str(home),
        "SELECTIO_API_PORT": str(ports["api"]),
        "SELECTIO_CONSOLE_PORT": str(ports["console"]),
        "SELECTIO_DASHBOARD_PORT": str(ports["dashboard"]),
        "SELECTIO_PROMETHEUS_PORT": str(ports["prometheus"]),
        "SELECTIO_RAY_OBJECT_STORE_MB": "96",
    }
    log = tmp_path / "up.log"
    process = _start(env, log)
    try:
        banner = _wait_ready(process, log)
        api = f"http://127.0.0.1:{ports['api']}"
        console = f"http://127.0.0.1:{ports['console']}"
        for url in (
            f"{api}/api/v1",
            f"{api}/docs",
            console,
            f"http://127.0.0.1:{ports['dashboard']}",
        ):
            assert url in banner
        assert "demo login: demo@selectio.local / selectio-demo" in banner

        # Ray's token (it opens the dashboard's job API, which runs code) is the owner's only.
        token_file = home / "ray_auth_token"
        assert token_file.stat().st_mode & 0o777 == 0o600
        printed = subprocess.run(
            [str(ROOT / ".venv/bin/selectio"), "ray-token"], env=env, capture_output=True,
            text=True, timeout=60, check=True,
        ).stdout.strip()  # fmt: skip
        assert printed == token_file.read_text().strip()
        jobs = f"http://127.0.0.1:{ports['dashboard']}/api/jobs/"
        assert httpx.get(jobs, timeout=10).status_code in (401, 403)
        bearer = {"Authorization": f"Bearer {printed}"}
        assert httpx.get(jobs, headers=bearer, timeout=10).status_code == 200

        # The dashboard's metrics view has a Prometheus, scraping Ray's nodes.
        prometheus = f"http://127.0.0.1:{ports['prometheus']}"
        assert prometheus in banner
        assert httpx.get(f"{prometheus}/-/ready", timeout=10).status_code == 200
        targets = httpx.get(f"{prometheus}/api/v1/targets", timeout=10).json()["data"]
        assert any("ray" in str(t["labels"]).lower() for t in targets["activeTargets"]), targets

        assert httpx.get(f"{api}/health", timeout=10).json()["database"] == "ok"
        assert httpx.get(f"{console}/_stcore/health", timeout=10).text == "ok"
        assert httpx.get(f"{api}/docs", timeout=10).status_code == 200
        token = httpx.post(
            f"{api}/api/v1/auth/login",
            json={"email": "demo@selectio.local", "password": "selectio-demo"},
            timeout=10,
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        spaces = httpx.get(f"{api}/api/v1/workspaces", headers=headers, timeout=10).json()
        assert [w["slug"] for w in spaces] == ["demo"]
        demo = spaces[0]["id"]
        listed = httpx.get(
            f"{api}/api/v1/workspaces/{demo}/vacancies", headers=headers, timeout=10
        ).json()
        first = {"Python Backend Developer", "Аналитик данных"}
        assert {v["title"] for v in listed} == first | {t for t, _ in HISTORY_VACANCIES}
        assert sum(v["applications"] for v in listed) >= 80  # a month of history
        # Each first demo vacancy has an analysed interview whose PDF can be downloaded.
        scoped = {**headers, "X-Workspace-Id": demo}
        for vacancy in [v for v in listed if v["title"] in first]:
            interviews = httpx.get(
                f"{api}/api/v1/analysis/vacancy/{vacancy['id']}/interviews",
                headers=scoped, timeout=10,
            ).json()  # fmt: skip
            with_pdf = [i for i in interviews if i["has_pdf"]]
            assert [i["report_status"] for i in with_pdf] == ["complete"]
            pdf = httpx.get(
                f"{api}/api/v1/analysis/pdf-report/{with_pdf[0]['interview_id']}",
                headers=scoped, timeout=10,
            )  # fmt: skip
            assert pdf.content.startswith(b"%PDF")
    finally:
        output = _ctrl_c(process, log)
    _assert_clean_stop(process, output)
    assert "Traceback" not in output
    assert not _postgres_running(home / "pgdata")
    for stopped in (f"{api}/health", f"http://127.0.0.1:{ports['prometheus']}/-/ready"):
        with pytest.raises(httpx.HTTPError):
            httpx.get(stopped, timeout=2)


def test_busy_port_is_one_clear_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SELECTIO_", "RAY_"))},
            "SELECTIO_HOME": str(tmp_path / "home"),
            "SELECTIO_API_PORT": str(port),
        }
        result = subprocess.run(
            ["make", "up"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
    assert result.returncode != 0
    assert (
        f"error: port {port} on 127.0.0.1 is already in use; stop what uses it or set "
        "SELECTIO_API_PORT"
    ) in result.stderr
    assert "Traceback" not in result.stderr
