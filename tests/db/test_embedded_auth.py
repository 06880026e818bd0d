"""The embedded server asks every connection for a password (issue 11, point 10): pgserver
starts it with `trust`, and as root with a world-writable socket folder."""

from __future__ import annotations

import stat
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from db.bootstrap import prepare_database, resolve_app_url
from db.embedded import HBA_MARKER, EmbeddedPostgres
from db.settings import Settings


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    pgdata = tmp_path_factory.mktemp("auth") / "pgdata"
    embedded = EmbeddedPostgres(pgdata, delete_on_exit=True)
    uri = embedded.start()
    yield embedded, uri
    embedded.stop()


def _without_password(uri: str) -> str:
    params = conninfo_to_dict(uri)
    params.pop("password", None)
    return make_conninfo(**params)


def test_the_superuser_needs_its_password(server) -> None:  # type: ignore[no-untyped-def]
    embedded, uri = server
    with psycopg.connect(uri) as conn:
        assert conn.execute("select current_user").fetchone() is not None
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(_without_password(uri), connect_timeout=5)
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(make_conninfo(uri, password="wrong-password"), connect_timeout=5)


def test_the_password_is_private_and_the_rule_is_kept(server) -> None:  # type: ignore[no-untyped-def]
    embedded, _ = server
    assert stat.S_IMODE(embedded.password_file.stat().st_mode) == 0o600
    assert (embedded.pgdata / "pg_hba.conf").read_text().startswith(HBA_MARKER)
    assert "trust" not in (embedded.pgdata / "pg_hba.conf").read_text()


def test_a_second_start_and_a_joining_process_get_working_uris(server) -> None:  # type: ignore[no-untyped-def]
    embedded, uri = server
    again = EmbeddedPostgres(embedded.pgdata)
    try:
        for joined in (again.start(), again.running_uri()):
            with psycopg.connect(joined) as conn:
                conn.execute("select 1")
    finally:
        again.stop()


def test_the_app_role_is_refused_a_wrong_password(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", secret_key="k" * 40)
    prepared = prepare_database(settings)
    try:
        app_url = resolve_app_url(settings)
        with psycopg.connect(app_url) as conn:
            assert conn.execute("select current_user").fetchone()[0] == settings.db_app_role
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(make_conninfo(app_url, password="not-the-password"), connect_timeout=5)
    finally:
        prepared.close()
