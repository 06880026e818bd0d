"""The product on an external PostgreSQL (SELECTIO_DATABASE_URL), as an operator sets it up: a
real server of its own (tests/pg_external.py), a database owned by an ordinary role, pgvector
installed by the administrator, and the application role created beforehand and handed over
as SELECTIO_APP_DATABASE_URL. The product's own path then migrates, grants, and works as that
role under row-level security; a second start changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from db.bootstrap import PreparedDatabase, prepare_database
from db.pool import open_pool, transaction
from db.settings import Settings
from tests.db import factories
from tests.pg_external import (
    APP_ROLE,
    OWNER,
    ExternalServer,
    external_postgres,
    provision,
)


@dataclass
class Provisioned:
    server: ExternalServer
    settings: Settings
    prepared: PreparedDatabase


def say_which(request: pytest.FixtureRequest, line: str) -> None:
    """A line in the run's output, past pytest's capture: which binaries this run proved."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(line)


@pytest.fixture(scope="module")
def external(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Provisioned]:
    with external_postgres() as server:
        say_which(request, f"external PostgreSQL on 127.0.0.1:{server.port}: {server.why}")
        owner_url, app_url = provision(server)
        settings = Settings(
            home=tmp_path_factory.mktemp("external"), database_url=owner_url,
            app_database_url=app_url, db_app_role=APP_ROLE,
            secret_key="external-secret-" + "e" * 32, _env_file=None,
        )  # fmt: skip
        yield Provisioned(server, settings, prepare_database(settings))


def test_the_schema_is_migrated_on_the_external_server_as_its_owner(external: Provisioned) -> None:
    assert external.prepared.embedded is None and external.prepared.applied
    with psycopg.connect(external.prepared.admin_url) as conn:
        row = conn.execute(
            "select current_user, rolsuper, (select count(*) from schema_migrations) "
            "from pg_roles where rolname = current_user"
        ).fetchone()
    assert row == (OWNER, False, len(external.prepared.applied))


def test_the_provisioned_app_role_works_under_row_level_security(external: Provisioned) -> None:
    pool = open_pool(external.prepared.app_url, min_size=1, max_size=2)
    try:
        a, b = factories.workspace(pool), factories.workspace(pool)
        with transaction(pool, workspace_id=a.id) as conn:
            candidate = factories.candidate(conn, a, full_name="Only in A")
            factories.resume(conn, a)
        with transaction(pool, workspace_id=a.id) as conn:
            names = conn.execute("select full_name from candidates").fetchall()
            assert names == [("Only in A",)]
            assert conn.execute("select current_user").fetchone() == (APP_ROLE,)
            assert conn.execute("select '[1,2]'::vector <=> '[1,3]'::vector").fetchone()[0] >= 0
        with transaction(pool, workspace_id=b.id) as conn:
            assert conn.execute("select count(*) from candidates").fetchone() == (0,)
            assert conn.execute("select count(*) from resumes").fetchone() == (0,)
            hidden = conn.execute("select 1 from candidates where id = %s", (candidate.id,))
            assert hidden.fetchone() is None
        with transaction(pool) as conn:  # no workspace: nothing, not everything
            assert conn.execute("select count(*) from candidates").fetchone() == (0,)
    finally:
        pool.close()


def test_a_second_prepare_changes_nothing(external: Provisioned) -> None:
    again = prepare_database(external.settings)
    assert again.applied == [] and again.app_url == external.prepared.app_url


def test_the_external_server_is_a_server_of_its_own(external: Provisioned, tmp_path: Path) -> None:
    with psycopg.connect(external.server.url()) as conn:
        port, data = conn.execute(
            "select current_setting('port'), current_setting('data_directory')"
        ).fetchone()
    assert int(port) == external.server.port
    assert Path(data).is_relative_to(external.server.root)
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(external.server.url(password="wrong"), connect_timeout=5)
