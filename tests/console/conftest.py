"""Console fixtures: the real API served over HTTP for the Streamlit pages under test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from psycopg_pool import ConnectionPool

from tests.conftest import served_api


@pytest.fixture(scope="module")
def api_url(pool: ConnectionPool, settings: Any) -> Iterator[str]:
    """The real API (jobs run inline) served by uvicorn on a free loopback port."""
    with served_api(pool, settings) as url:
        yield url
