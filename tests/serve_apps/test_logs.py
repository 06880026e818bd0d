"""Structured logs: one JSON object per line with the workspace and interview ids of the work
(an actor's own, a scope's, an API request's), `extra=` fields kept; the text format carries
the same ids; the setting picks the format."""

from __future__ import annotations

import contextvars
import io
import json
import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from psycopg_pool import ConnectionPool

from db.settings import Settings
from pipelines import log_context
from serve_apps import accounts, logs
from serve_apps.app import attach, build_app
from serve_apps.deps import Access
from tests.serve_apps.conftest import login

log = logging.getLogger("selectio.test")


@pytest.fixture
def lines(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """Root logging to a buffer as the product sets it up (JSON); restored afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    monkeypatch.setattr(log_context, "_process", {})
    buffer = io.StringIO()
    monkeypatch.setattr("sys.stderr", buffer)
    logs.configure_logging(logging.INFO, "json")
    yield buffer
    root.handlers[:] = handlers
    root.setLevel(level)


def _records(buffer: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_a_json_line_carries_the_ids_and_extras(lines: io.StringIO) -> None:
    log_context.bind_process(workspace_id="ws-1", interview_id=42)  # an interview's actor
    log.info("turn %d answered", 3, extra={"latency_ms": 812})
    with log_context.scope(workspace_id="ws-2"):  # an Orchestrator job in another workspace
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("job failed")

    first, second = _records(lines)
    assert first["level"] == "info" and first["logger"] == "selectio.test"
    assert first["msg"] == "turn 3 answered" and str(first["ts"]).endswith("Z")
    assert (first["workspace_id"], first["interview_id"], first["latency_ms"]) == ("ws-1", "42",
                                                                                   812)  # fmt: skip
    assert second["workspace_id"] == "ws-2" and second["interview_id"] == "42"
    assert "ValueError: boom" in str(second["exc"])


def test_note_fills_the_open_scope_from_a_copied_context(lines: io.StringIO) -> None:
    with log_context.scope():  # an API request (serve_apps.request_log)
        # a sync FastAPI dependency runs in a worker thread on a copy of the request's context
        contextvars.copy_context().run(log_context.note, workspace_id="ws-3")
        log.info("handled")
    log.info("after the request")

    inside, after = _records(lines)
    assert inside["workspace_id"] == "ws-3" and "workspace_id" not in after


def test_text_lines_carry_the_same_ids() -> None:
    formatter = logs.KeyValueFormatter()
    record = logging.makeLogRecord({"name": "x", "levelname": "INFO", "msg": 'say "hi"',
                                    "workspace_id": "ws-4", "reason": "two words"})  # fmt: skip
    line = formatter.format(record)
    assert "level=info logger=x msg=\"say 'hi'\" workspace_id=ws-4" in line
    assert line.endswith('reason="two words"')


def test_the_setting_picks_the_format(monkeypatch: pytest.MonkeyPatch) -> None:
    from db.settings import get_settings

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    monkeypatch.setenv("SELECTIO_LOG_FORMAT", "text")
    get_settings.cache_clear()
    ray_level = logging.getLogger("ray").level
    logging.getLogger("ray").setLevel(logging.INFO)  # as Ray sets up its own in a worker
    try:
        logs.setup_worker_logging()  # what every Ray worker runs at start
        (handler,) = root.handlers
        assert isinstance(handler.formatter, logs.KeyValueFormatter)
        assert root.level == logging.INFO and logging.getLogger("ray").level == logging.INFO
    finally:
        get_settings.cache_clear()
        logging.getLogger("ray").setLevel(ray_level)
        root.handlers[:] = handlers
        root.setLevel(level)


def test_an_api_request_labels_its_lines_with_its_workspace(
    lines: io.StringIO, pool: ConnectionPool, settings: Settings
) -> None:
    owner = accounts.create_user_account(pool, email="o@logs.test", password="p" * 12)
    mine = accounts.create_workspace(pool, name="Mine", owner_id=owner.id)
    other = accounts.create_workspace(pool, name="Other", owner_id=None)
    app = build_app()

    @app.get("/probe/{workspace_id}")
    def probe(access: Access) -> dict[str, str]:
        log.info("probing")
        return {"role": access.role}

    with TestClient(attach(app, pool=pool, settings=settings)) as client:
        headers = login(client, "o@logs.test", "p" * 12)
        assert client.get(f"/probe/{mine.id}", headers=headers).status_code == 200
        assert client.get(f"/probe/{other.id}", headers=headers).status_code == 404
        assert client.get(f"/probe/{mine.id}", headers=headers).status_code == 200

    probed = [r for r in _records(lines) if r["msg"] == "probing"]
    assert [r["workspace_id"] for r in probed] == [str(mine.id)] * 2
    assert all("workspace_id" not in r for r in _records(lines) if r["msg"] != "probing")
