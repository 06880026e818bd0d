"""Shared fixtures: one embedded PostgreSQL per test run, a fresh database per test module.

Real PostgreSQL only (the embedded server the product itself uses); each module gets its own
database, so modules cannot see each other's rows. The schema is migrated once per run into a
template database, and each module's database is a copy of it (`create database … template`):
a file copy instead of every migration again, per module. The product's own migration path is
still what made the template, and tests/db/test_migrations.py checks it.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo
from psycopg_pool import ConnectionPool

from db.bootstrap import PreparedDatabase, prepare_database
from db.embedded import EmbeddedPostgres
from db.pool import open_pool
from db.settings import Settings

# `telegram` (a fake data centre) and `tg_settings` for the tests that talk to Telegram.
pytest_plugins = ["tests.fakes.telegram.fixtures", "tests.fakes.hh.fixtures"]


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """Superuser URL of the run's embedded server (deleted when the run ends)."""
    # Not under pytest's basetemp: pytest prunes old basetemps, even of a run still going.
    root = Path(tempfile.mkdtemp(prefix="selectio-pg-"))
    server = EmbeddedPostgres(root / "pgdata", delete_on_exit=True)
    url = server.start()
    yield url
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


TEST_SECRET = "test-secret-key-" + "x" * 32


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes() -> Iterator[None]:
    """argon2id with its cheapest parameters in this process: the product's cost a quarter of a
    second per hash and per sign-in, by design, and the suite signs in hundreds of times
    (about a minute of CPU). The same code hashes and verifies; the product's parameters are
    tested where they matter (`product_password_hashes`, tests/serve_apps/test_sessions.py).
    Unknown e-mails are checked against a dummy hash made the same cheap way."""
    from argon2 import PasswordHasher, profiles

    from serve_apps import accounts, security

    cheap = PasswordHasher.from_parameters(profiles.CHEAPEST)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(security, "_hasher", cheap)
        patch.setattr(accounts, "_DUMMY_HASH", cheap.hash("selectio-timing-equaliser"))
        yield


@pytest.fixture
def product_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The product's own argon2id parameters, for a test about them."""
    from argon2 import PasswordHasher

    from serve_apps import security

    monkeypatch.setattr(security, "_hasher", PasswordHasher())


@pytest.fixture(scope="session")
def migrated_template(pg_admin_url: str) -> str:
    """A database migrated to the latest schema by the product's own path, to copy from."""
    name = f"t_template_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    home = Path(tempfile.mkdtemp(prefix="selectio-template-"))
    prepare_database(Settings(home=home, database_url=make_conninfo(pg_admin_url, dbname=name),
                              secret_key=TEST_SECRET, _env_file=None))  # fmt: skip
    shutil.rmtree(home, ignore_errors=True)
    return name


@pytest.fixture(scope="module")
def db_name(
    request: pytest.FixtureRequest, pg_admin_url: str, migrated_template: str
) -> Iterator[str]:
    """A fresh database named after the test module, with the latest schema."""
    module = re.sub(r"[^a-z0-9]+", "_", request.module.__name__.lower())[-40:]
    name = f"t_{module}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'create database "{name}" template "{migrated_template}"')
    yield name
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture(scope="module")
def module_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SELECTIO_HOME for the module (secret key, logs)."""
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def settings(pg_admin_url: str, db_name: str, module_home: Path) -> Settings:
    """Settings pointing at the module's database through SELECTIO_DATABASE_URL."""
    return Settings(
        home=module_home,
        database_url=make_conninfo(pg_admin_url, dbname=db_name),
        secret_key=TEST_SECRET,
        llm_engine="offline",  # tests never reach a cloud engine, even with keys in the env
        embedding_engine="offline",
        _env_file=None,
    )


@pytest.fixture(scope="module")
def prepared(settings: Settings) -> PreparedDatabase:
    """The module's database, migrated, with the application role granted."""
    return prepare_database(settings)


@pytest.fixture(scope="module")
def pool(prepared: PreparedDatabase) -> Iterator[ConnectionPool]:
    """A pool connected as the RLS-subject application role."""
    pool = open_pool(prepared.app_url, min_size=1, max_size=4)
    yield pool
    pool.close()


@pytest.fixture(scope="module")
def admin_conn(prepared: PreparedDatabase) -> Iterator[psycopg.Connection]:
    """Superuser connection to the module's database, for catalog checks and setup."""
    with psycopg.connect(prepared.admin_url, autocommit=True) as conn:
        yield conn


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules that need the test Ray instance run last, whole and in their order: once
    started, Ray (its daemons, idle workers and the detached actors tests leave for the next
    module, such as the recogniser) stays for the session, and on two cores it would slow
    every module after it. Modules with a cluster of their own (`ray_cluster`) run just before
    them: one process holds one Ray connection, and theirs ends with the module."""

    def modules_using(fixture: str) -> set[Any]:
        return {i.module for i in items if fixture in getattr(i, "fixturenames", ())}

    uses_ray, uses_cluster = modules_using("ray_local"), modules_using("ray_cluster")
    items[:] = (
        [i for i in items if i.module not in uses_ray | uses_cluster]
        + [i for i in items if i.module in uses_cluster]
        + [i for i in items if i.module in uses_ray - uses_cluster]
    )


@contextmanager
def served_api(pool: ConnectionPool, settings: Settings) -> Iterator[str]:
    """The real API (jobs run inline) served by uvicorn on a free loopback port, for clients
    that need HTTP (the console's pages, a webhook sender); its base URL."""
    import threading
    import time

    import httpx
    import uvicorn

    from serve_apps.app import attach, build_app

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
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def ray_local() -> Iterator[None]:
    """A small local Ray instance for tests marked `ray` (no dashboard, 2 CPUs). It offers more
    interview places than a 2-CPU node would: a module's finished interviews keep their actors
    for the reconnect grace, and capacity is tested on its own cluster (tests/e2e/test_cluster)."""
    import ray

    from actors.placement import INTERVIEW_SLOT
    from serve_apps.proxy_shed import proxy_environment

    ray.init(
        address="local",  # a new instance, never a cluster left running on this machine
        runtime_env={"env_vars": proxy_environment()},  # Serve's proxies shed as in production
        num_cpus=2,
        resources={INTERVIEW_SLOT: 32},
        object_store_memory=96 * 1024 * 1024,
        include_dashboard=False,
        namespace="selectio-tests",
        logging_level="WARNING",
        log_to_driver=False,
    )
    yield
    ray.shutdown()
