"""Console fixtures: the real API served over HTTP for the Streamlit pages under test."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from psycopg_pool import ConnectionPool

from serve_apps.app import attach, build_app
from tests.conftest import free_port


@pytest.fixture(scope="module")
def api_url(pool: ConnectionPool, settings: Any) -> Iterator[str]:
    """The real API (jobs run inline) served by uvicorn on a free loopback port."""
    port = free_port()
    config = uvicorn.Config(
        attach(build_app(), pool=pool, settings=settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield url
    server.should_exit = True
    thread.join(timeout=10)
