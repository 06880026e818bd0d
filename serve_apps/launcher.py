"""`selectio up`: database, Ray (local or joined), the Orchestrator, the Serve API, the
Streamlit console.

Start order is the dependency order and stop order its reverse. Every failure a user can fix
(a busy port, an unreachable database, a newer data folder) ends as one `LaunchError` line;
Ctrl-C (SIGINT) or SIGTERM stops everything cleanly.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from actors.placement import node_resources
from db.bootstrap import PreparedDatabase, prepare_database
from db.pool import open_pool
from db.private_files import read_or_create, tighten
from db.settings import Settings
from serve_apps.metrics_server import (
    INSTALL_HINT,
    announce_to_ray,
    prometheus_binary,
    prometheus_url,
    start_prometheus,
)
from serve_apps.proxy_shed import proxy_environment

log = logging.getLogger(__name__)
CONSOLE_SCRIPT = Path(__file__).resolve().parent.parent / "console" / "app.py"
RAY_NAMESPACE = "selectio"
SERVE_APP_NAME = "selectio"
WORKER_LOGGING_HOOK = "serve_apps.logs.setup_worker_logging"


class LaunchError(Exception):
    """Something the user must fix before `up` can run; the message says what."""


@dataclass
class RunningProduct:
    """Handles of everything `up` started, for printing and for a clean stop."""

    settings: Settings
    database: PreparedDatabase
    dashboard_url: str | None = None
    console: subprocess.Popen[bytes] | None = None
    prometheus: subprocess.Popen[bytes] | None = None
    ray_started_here: bool = False
    prometheus_url: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        return self.settings.public_api_url

    @property
    def console_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.console_port}"


def ensure_port_free(host: str, port: int, setting: str) -> None:
    """Fail early, naming the setting to change, when a port is taken."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as e:
            raise LaunchError(
                f"port {port} on {host} is already in use; stop what uses it or set {setting}"
            ) from e


def use_private_ray_token(settings: Settings) -> Path:
    """Turn on Ray's token auth with a token only this user can read, before Ray starts.

    Left alone, Ray writes `~/.ray/auth_token` with the umask's mode (0644 in a
    world-readable home), and that token opens the dashboard's job API, which runs code. The
    token lives in `SELECTIO_HOME` with mode 0600 instead; Ray's processes find it through
    `RAY_AUTH_TOKEN_PATH`, which they inherit. An operator pastes it into the dashboard
    (`selectio ray-token` prints it).
    """
    path = settings.ray_token_path
    read_or_create(path, lambda: secrets.token_hex(32))
    # Ray turns token auth on by itself for a local cluster (and refreshes its cached config
    # when it does); it only needs to be told where the token is.
    os.environ["RAY_AUTH_TOKEN_PATH"] = str(path)
    legacy = Path.home() / ".ray" / "auth_token"  # written by earlier runs or `ray start`
    if legacy.is_file():
        tighten(legacy)
    return path


def start_metrics(settings: Settings, product: RunningProduct) -> None:
    """Prometheus on this Ray session's scrape config; a failure costs the charts only."""
    import ray

    session_dir = Path(ray._private.worker._global_node.get_session_dir_path())  # noqa: SLF001
    try:
        product.prometheus = start_prometheus(settings, session_dir)
        product.prometheus_url = prometheus_url(settings)
    except OSError as e:
        log.warning("prometheus did not start: %s", e)
        product.notes.append(f"dashboard metrics are off: Prometheus did not start ({e})")


def port_is_free(host: str, port: int) -> bool:
    try:
        ensure_port_free(host, port, "")
    except LaunchError:
        return False
    return True


def start_ray(settings: Settings, product: RunningProduct) -> None:
    """Join `ray_address` or start a small local Ray with its dashboard on `host`."""
    import ray

    env_vars = {
        "SELECTIO_HOME": str(settings.home),
        "SELECTIO_LOG_FORMAT": settings.log_format,
        **proxy_environment(),  # Serve's proxies refuse excess requests (serve_apps.proxy_shed)
    }
    # Every worker (actors, tasks, Serve replicas: they inherit the job's runtime env) logs
    # like this process: JSON lines with the workspace and interview ids (serve_apps.logs).
    runtime_env = {"env_vars": env_vars, "worker_process_setup_hook": WORKER_LOGGING_HOOK}
    if settings.ray_address:
        # A head started here by `selectio node head` uses this home's token.
        if settings.ray_token_path.is_file() and not (
            os.environ.get("RAY_AUTH_TOKEN") or os.environ.get("RAY_AUTH_TOKEN_PATH")
        ):
            os.environ["RAY_AUTH_TOKEN_PATH"] = str(settings.ray_token_path)
        context = ray.init(
            address=settings.ray_address,
            namespace=RAY_NAMESPACE,
            runtime_env=runtime_env,
            logging_level=logging.WARNING,
        )
    else:
        use_private_ray_token(settings)
        metrics = prometheus_binary() is not None and port_is_free(
            settings.host, settings.prometheus_port
        )
        if metrics:
            announce_to_ray(settings)
        num_cpus = settings.ray_num_cpus or os.cpu_count() or 1
        context = ray.init(
            address="local",  # its own, even where a `ray start` node runs on this machine
            namespace=RAY_NAMESPACE,
            runtime_env=runtime_env,
            resources=node_resources(num_cpus, settings.interview_slots_per_core),
            include_dashboard=True,
            dashboard_host=settings.host,
            dashboard_port=settings.dashboard_port,
            num_cpus=num_cpus,
            object_store_memory=settings.ray_object_store_mb * 1024 * 1024,
            _node_ip_address=settings.host,
            logging_level=logging.WARNING,
            log_to_driver=False,  # replica and raylet logs stay in Ray's files and dashboard
        )
        product.ray_started_here = True
        if metrics:
            start_metrics(settings, product)
        else:
            product.notes.append(
                INSTALL_HINT if prometheus_binary() is None
                else f"dashboard metrics are off: port {settings.prometheus_port} is busy "
                "(set SELECTIO_PROMETHEUS_PORT)"
            )  # fmt: skip
    url = context.dashboard_url
    product.dashboard_url = f"http://{url}" if url and not url.startswith("http") else url


def start_api(settings: Settings) -> None:
    """Deploy the ingress on Serve's HTTP proxy bound to host:api_port."""
    from ray import serve

    from serve_apps.ingress import deployment

    quiet = {"log_level": "WARNING"}  # access logs go to Ray's log files, not the terminal
    # A proxy on every node, so a load balancer in front may send to any of them (one on each
    # machine; proxies that share a machine share the port through SO_REUSEPORT).
    serve.start(
        proxy_location="EveryNode",
        http_options={
            "host": settings.host,
            "port": settings.api_port,
            "request_timeout_s": 60,
        },
        logging_config=quiet,
    )
    serve.run(
        deployment(replicas=settings.api_replicas),
        name=SERVE_APP_NAME, route_prefix="/", logging_config=quiet,
    )  # fmt: skip


def start_orchestrator() -> None:
    """Start (or find) the cluster's Orchestrator and wait until it answers.

    It is detached: when `up` joined a cluster it keeps running after `up` stops (one per
    cluster, shared); a Ray started here takes it down on shutdown."""
    import ray

    from actors.orchestrator import orchestrator

    try:
        ray.get(orchestrator().status.remote(), timeout=60)
    except Exception as e:
        raise LaunchError(f"the Orchestrator did not start: {e}") from e


def start_console(settings: Settings) -> subprocess.Popen[bytes]:
    """Run the Streamlit console as a child process talking to the API over HTTP."""
    env = dict(os.environ)
    env["SELECTIO_API_URL"] = settings.public_api_url
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(CONSOLE_SCRIPT),
        "--server.address",
        settings.host,
        "--server.port",
        str(settings.console_port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--global.developmentMode",
        "false",
        "--client.toolbarMode",
        "minimal",
    ]
    log_path = settings.home / "console.log"
    with log_path.open("ab") as log_file:
        return subprocess.Popen(command, env=env, stdout=log_file, stderr=subprocess.STDOUT)


def wait_http_ok(
    url: str, *, timeout_s: float, what: str, process: subprocess.Popen | None = None
) -> None:
    """Poll a URL until it answers 200, or fail naming the component."""
    deadline = time.monotonic() + timeout_s
    last = "no answer"
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise LaunchError(f"the {what} exited with code {process.returncode} while starting")
        try:
            response = httpx.get(url, timeout=2.0)
            if response.status_code == 200:
                return
            last = f"HTTP {response.status_code}"
        except httpx.HTTPError as e:
            last = type(e).__name__
        time.sleep(0.3)
    raise LaunchError(f"the {what} did not come up at {url} within {timeout_s:.0f}s ({last})")


def start(settings: Settings, *, demo: bool) -> RunningProduct:
    """Bring everything up, or stop what was started and raise `LaunchError`."""
    settings.home.mkdir(parents=True, exist_ok=True)
    ensure_port_free(settings.host, settings.api_port, "SELECTIO_API_PORT")
    ensure_port_free(settings.host, settings.console_port, "SELECTIO_CONSOLE_PORT")
    if not settings.ray_address:
        ensure_port_free(settings.host, settings.dashboard_port, "SELECTIO_DASHBOARD_PORT")
    database = prepare_database(settings)
    product = RunningProduct(settings=settings, database=database)
    try:
        if demo:
            from serve_apps.demo import seed_demo

            pool = open_pool(database.app_url, min_size=1, max_size=2)
            try:
                product.notes.extend(seed_demo(pool))
            finally:
                pool.close()
        start_ray(settings, product)
        start_orchestrator()
        start_api(settings)
        wait_http_ok(f"{settings.public_api_url}/health", timeout_s=90, what="API")
        product.console = start_console(settings)
        wait_http_ok(
            f"{product.console_url}/_stcore/health",
            timeout_s=90,
            what="console",
            process=product.console,
        )
    except BaseException:
        stop(product)
        raise
    return product


def _terminate(process: subprocess.Popen[bytes] | None) -> None:
    """Ask a child process to stop; kill it if it has not within 10 s."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def stop(product: RunningProduct) -> None:
    """Stop in reverse order; each step is attempted even if an earlier one failed."""
    for process in (product.prometheus, product.console):
        _terminate(process)
    try:
        import ray

        if ray.is_initialized():
            from ray import serve

            if product.ray_started_here:
                serve.shutdown()
            else:
                serve.delete(SERVE_APP_NAME)
            ray.shutdown()
    except Exception:
        log.exception("error while stopping Ray")
    product.database.close()


def wait_for_stop_signal(product: RunningProduct) -> str:
    """Block until SIGINT/SIGTERM or until the console dies; return the reason."""
    stopping = threading.Event()
    reason = {"why": "signal"}

    def _handler(signum: int, _frame: object) -> None:
        reason["why"] = signal.Signals(signum).name
        stopping.set()

    previous = {s: signal.signal(s, _handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stopping.wait(1.0):
            if product.console is not None and product.console.poll() is not None:
                return f"the console exited with code {product.console.returncode}"
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return reason["why"]
