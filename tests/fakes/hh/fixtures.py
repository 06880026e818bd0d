"""Fixture `hh`: a started fake HeadHunter for the test module, with the sample world.

Register with `pytest_plugins = ["tests.fakes.hh.fixtures"]` in tests/conftest.py (or import
`hh` into a test module). Module-scoped: tests in one module share tokens, counters and the
world's changes, so a test that needs a pristine world builds its own `FakeHH`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from db.settings import Settings
from tests.fakes.hh.data import World
from tests.fakes.hh.server import FakeHH


@pytest.fixture(scope="module")
def hh() -> Iterator[FakeHH]:
    """A started fake with `World.sample(1)`: 2 active vacancies, 6 responses each, 1 archived."""
    with FakeHH(World.sample(rng_seed=1, vacancies=2, responses_per_vacancy=6)) as fake:
        yield fake


def configured_for_hh(settings: Settings, hh: FakeHH) -> Settings:
    """`settings` with HH configured and pointed at the fake (its rate limit kept: 10/s)."""
    return settings.model_copy(
        update={
            "hh_client_id": hh.client_id,
            "hh_client_secret": SecretStr(hh.client_secret),
            "hh_api_url": hh.api_url,
            "hh_oauth_url": hh.oauth_url,
            "hh_app_name": "SelectioTests/1.0",
            "hh_contact_email": "tests@selectio.local",
            "hh_requests_per_s": 9.0,
        }
    )


@pytest.fixture(scope="module")
def hh_settings(settings: Settings, hh: FakeHH) -> Settings:
    return configured_for_hh(settings, hh)
