"""Files only the installation's own user may read: the secret key, Ray's auth token.

Created with mode 0600 before a byte is written — never readable by others, not even for the
instant between creating and `chmod` — and two processes starting at once agree on one value
because only one of them can link the file into place. A file left by an older version with
looser permissions is tightened when it is read.
"""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_MODE = 0o600


def tighten(path: Path) -> None:
    """Take group and other permissions off an existing file (0644 → 0600)."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        path.chmod(mode & 0o700 or PRIVATE_MODE)
        log.warning("private_file_tightened", extra={"path": str(path), "was": oct(mode)})


def read_or_create(path: Path, make: Callable[[], str]) -> str:
    """The file's stripped text; created with `make()` and mode 0600 when missing.

    The value is written to a private temporary file first and hard-linked into place, which
    fails if the file exists: a reader never sees it half written, and of two creators racing
    only one wins.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            os.fchmod(fd, PRIVATE_MODE)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(make())
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    tighten(path)
    return path.read_text(encoding="utf-8").strip()
