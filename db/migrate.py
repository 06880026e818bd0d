"""Ordered SQL migrations in `db/migrations/NNNN_name.sql`, applied once each.

Applied versions are recorded in `schema_migrations` with a checksum; applying again is a
no-op, an edited applied file is refused, and a database migrated by a newer Selectio is
refused with `SchemaTooNew` instead of being touched. An advisory lock serialises concurrent
starts (two `selectio up`, several test workers).
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from importlib import resources

import psycopg
from psycopg import sql

from db.errors import MigrationError, SchemaTooNew

log = logging.getLogger(__name__)

_FILE_RE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_LOCK_ID = 7_420_311_905  # arbitrary, constant: "selectio migrations"


@dataclass(frozen=True)
class Migration:
    """One SQL file of the schema history."""

    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def load_migrations() -> list[Migration]:
    """The packaged migrations, ordered by version."""
    found: list[Migration] = []
    for entry in resources.files("db").joinpath("migrations").iterdir():
        match = _FILE_RE.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError("two migration files share a version number")
    return found


def latest_version() -> int:
    """The newest schema version this build knows."""
    return load_migrations()[-1].version


def apply_migrations(conn: psycopg.Connection) -> list[int]:
    """Apply pending migrations on an autocommit admin connection; return applied versions."""
    migrations = load_migrations()
    known = {m.version: m for m in migrations}
    conn.execute("select pg_advisory_lock(%s)", (_LOCK_ID,))
    try:
        conn.execute(
            """
            create table if not exists schema_migrations (
                version integer primary key,
                name text not null,
                checksum text not null,
                applied_at timestamptz not null default now()
            )
            """
        )
        applied = dict(conn.execute("select version, checksum from schema_migrations").fetchall())
        newest = max(applied, default=0)
        if newest > migrations[-1].version:
            raise SchemaTooNew(
                f"the database schema is version {newest} but this selectio knows only up to "
                f"{migrations[-1].version}: upgrade selectio or use another database"
            )
        for version, checksum in applied.items():
            if version in known and known[version].checksum != checksum:
                raise MigrationError(
                    f"migration {version:04d}_{known[version].name} changed after it was applied"
                )
        done: list[int] = []
        for migration in migrations:
            if migration.version in applied:
                continue
            _apply_one(conn, migration)
            done.append(migration.version)
        return done
    finally:
        conn.execute("select pg_advisory_unlock(%s)", (_LOCK_ID,))


def _apply_one(conn: psycopg.Connection, migration: Migration) -> None:
    label = f"{migration.version:04d}_{migration.name}"
    try:
        with conn.transaction():
            conn.execute(sql.SQL(migration.sql))  # type: ignore[arg-type]  # trusted file
            conn.execute(
                "insert into schema_migrations (version, name, checksum) values (%s, %s, %s)",
                (migration.version, migration.name, migration.checksum),
            )
    except psycopg.Error as e:
        raise MigrationError(f"migration {label} failed: {e.diag.message_primary or e}") from e
    log.info("applied migration %s", label)
