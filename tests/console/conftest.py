"""Console fixtures: the real API served over HTTP for the Streamlit pages under test, and the
component scan that every new AppTest would repeat, done once for the package (password hashes
are cheap for the whole suite: tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from psycopg_pool import ConnectionPool

from tests.conftest import served_api


@pytest.fixture(scope="package", autouse=True)
def components_scanned_once() -> Iterator[None]:
    """Every new AppTest scans the metadata of each installed distribution for Streamlit
    components on its first run (about half a second, more than a whole sign-in); the
    installed packages do not change during a test run, so the first scan's answer is kept."""
    from streamlit.components.v2 import manifest_scanner

    found = manifest_scanner.scan_component_manifests()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            manifest_scanner, "scan_component_manifests", lambda max_workers=None: list(found)
        )
        yield


@pytest.fixture(scope="module")
def api_url(pool: ConnectionPool, settings: Any) -> Iterator[str]:
    """The real API (jobs run inline) served by uvicorn on a free loopback port."""
    with served_api(pool, settings) as url:
        yield url
