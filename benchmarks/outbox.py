"""Outbox dispatch throughput to a local webhook receiver (prints figures; asserts nothing).

Rows dispatched per second (claimed, signed, POSTed to a threaded HTTP/1.1 receiver on
127.0.0.1, marked 'sent') with 1, 4 and 16 dispatcher threads over one workspace's backlog, on
the embedded PostgreSQL. Every run also checks that the receiver saw each event id once.

Run: .venv/bin/python benchmarks/outbox.py [--rows 2000] [--batch 20]
Target (issue 13): >= 500 rows/s on the 2-core machine.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db import outbox, workspaces  # noqa: E402
from db.bootstrap import prepare_database  # noqa: E402
from db.pool import open_pool, transaction  # noqa: E402
from db.settings import Settings  # noqa: E402
from pipelines.outbox import dispatch_due  # noqa: E402
from pipelines.outbox.channels import WebhookChannel  # noqa: E402
from tests.pipelines.outbox.receivers import http_receiver  # noqa: E402


def run(pool, url: str, received, rows: int, threads: int, batch: int) -> float:
    """Enqueue `rows` webhooks in a fresh workspace, dispatch with `threads`; rows/s."""
    with transaction(pool) as conn:
        ws = workspaces.create_workspace(conn, name=f"bench {threads}").id
    with transaction(pool, workspace_id=ws) as conn:
        for n in range(rows):
            outbox.enqueue(
                conn,
                workspace_id=ws,
                kind="webhook",
                idempotency_key=f"{threads}:{n}",
                payload={"url": url, "event": "application.created", "data": {"n": n}},
            )
    channels = {"webhook": WebhookChannel(lambda item: b"bench-secret", timeout_s=5)}
    with received.lock:
        received.requests.clear()

    def work() -> None:
        while dispatch_due(pool, channels, workspace_id=ws, limit=batch).claimed:
            pass

    started = time.perf_counter()
    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    seen = Counter(received.header_values("x-selectio-event-id"))
    dupes = sum(c - 1 for c in seen.values())
    print(
        f"  {threads:>2} dispatchers: {rows / elapsed:7.0f} rows/s "
        f"({rows} rows in {elapsed:.2f} s; {len(seen)} delivered, {dupes} duplicates)"
    )
    return rows / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=20)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    home = Path(tempfile.mkdtemp(prefix="selectio-bench-"))
    prepared = prepare_database(Settings(home=home, _env_file=None))
    pool = open_pool(prepared.app_url, min_size=1, max_size=17)
    try:
        with http_receiver() as (url, received):
            print(f"outbox dispatch, {args.rows} webhook rows, batch {args.batch}:")
            for threads in (1, 4, 16):
                run(pool, url + "/hook", received, args.rows, threads, args.batch)
    finally:
        pool.close()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
