"""Bring the database to a usable state: server, schema, application role, pool URLs.

`prepare_database` is what `selectio up`, `selectio db migrate` and the tests call. The admin
connection (schema owner) only migrates and grants; everything else runs as the RLS-subject
application role.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from db.embedded import EmbeddedPostgres
from db.errors import DatabaseUnavailable
from db.listen import listen_spec
from db.migrate import apply_migrations
from db.roles import derive_app_password, ensure_app_role, grant_app_privileges
from db.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class PreparedDatabase:
    """Where the product's data lives, once migrated."""

    admin_url: str = field(repr=False)
    app_url: str = field(repr=False)
    embedded: EmbeddedPostgres | None = None
    applied: list[int] = field(default_factory=list)

    def close(self) -> None:
        """Release the embedded server handle (stops it if nobody else holds it)."""
        if self.embedded is not None:
            self.embedded.stop()
            self.embedded = None


def describe_target(url: str) -> str:
    """Host/port/database of a URL without its credentials, for messages and logs."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "an unparseable SELECTIO_DATABASE_URL"
    host = parts.get("host") or "localhost"
    port = parts.get("port") or "5432"
    where = host if str(host).startswith("/") else f"{host}:{port}"
    return f"{where}/{parts.get('dbname') or parts.get('user') or ''}"


def connect_admin(url: str, *, timeout_s: float) -> psycopg.Connection:
    """An autocommit admin connection, or `DatabaseUnavailable` with a one-line reason."""
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=max(1, int(timeout_s)))
    except psycopg.ProgrammingError as e:
        raise DatabaseUnavailable(f"SELECTIO_DATABASE_URL is not a valid URL: {e}") from e
    except psycopg.OperationalError as e:
        reason = str(e).strip().splitlines()[-1] if str(e).strip() else "no answer"
        raise DatabaseUnavailable(
            f"cannot reach PostgreSQL at {describe_target(url)} ({reason}); "
            "fix SELECTIO_DATABASE_URL or unset it to use the embedded server"
        ) from e


def app_url_for(admin_url: str, *, role: str, password: str) -> str:
    """The admin URL with the application role's credentials instead."""
    params = conninfo_to_dict(admin_url)
    params.update(user=role, password=password)
    return make_conninfo(**params)


def prepare_database(settings: Settings, *, dbname: str | None = None) -> PreparedDatabase:
    """Start or reach the server, migrate, ensure the app role; return both URLs."""
    embedded: EmbeddedPostgres | None = None
    if settings.database_url is not None:
        admin_url = settings.database_url.get_secret_value()
    else:
        embedded = EmbeddedPostgres(settings.pgdata, listen=listen_spec(settings))
        admin_url = embedded.start()
    if dbname is not None:
        admin_url = make_conninfo(admin_url, dbname=dbname)
    try:
        secret = settings.resolved_secret_key()
        password = derive_app_password(secret, settings.db_app_role)
        with connect_admin(admin_url, timeout_s=settings.db_connect_timeout_s) as conn:
            applied = apply_migrations(conn)
            if settings.app_database_url is None:
                ensure_app_role(conn, role=settings.db_app_role, password=password)
            grant_app_privileges(conn, role=settings.db_app_role)
    except BaseException:
        if embedded is not None:
            embedded.stop()
        raise
    if settings.app_database_url is not None:
        app_url = settings.app_database_url.get_secret_value()
    else:
        app_url = app_url_for(admin_url, role=settings.db_app_role, password=password)
    if applied:
        log.info("database migrated to version %s", applied[-1])
    return PreparedDatabase(
        admin_url=admin_url, app_url=app_url, embedded=embedded, applied=applied
    )


def resolve_app_url(settings: Settings) -> str:
    """The application role's URL for a process that did not run the migrations (a Serve
    replica, the console): the embedded server is found through its data folder."""
    if settings.app_database_url is not None:
        return settings.app_database_url.get_secret_value()
    password = derive_app_password(settings.resolved_secret_key(), settings.db_app_role)
    if settings.database_url is not None:
        admin_url = settings.database_url.get_secret_value()
    else:
        admin_url = EmbeddedPostgres(settings.pgdata).running_uri()
    return app_url_for(admin_url, role=settings.db_app_role, password=password)
