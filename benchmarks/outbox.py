"""Outbox dispatch throughput to a local webhook receiver (prints figures; asserts nothing).

Rows dispatched per second (claimed, signed, POSTed to a threaded HTTP/1.1 receiver on
127.0.0.1, marked 'sent') with 1, 4 and 16 dispatcher threads over one workspace's backlog, on
the embedded PostgreSQL. Every run also checks that the receiver saw each event id once.

Then a kill loop: dispatcher *processes* (each with its own pool, leases of 2 s) send a backlog
while one of them is SIGKILLed at a random moment every `--kill-every` seconds and replaced.
A process killed between delivering and marking leaves its items to be claimed again once
their lease runs out, so the receiver may see an event twice; it is counted, and so is what a
receiver that drops repeated event ids applies (each event once is the target).

Run: .venv/bin/python benchmarks/outbox.py [--rows 2000] [--batch 20] [--kill-rows 1500]
Target (issue 13): >= 500 rows/s on the 2-core machine; 0 duplicates applied under kills.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db import outbox, workspaces  # noqa: E402
from db.bootstrap import prepare_database  # noqa: E402
from db.pool import open_pool, transaction  # noqa: E402
from db.settings import Settings  # noqa: E402
from pipelines.outbox import dispatch_due  # noqa: E402
from pipelines.outbox.channels.webhook import WebhookChannel  # noqa: E402
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
    channels = {
        "webhook": WebhookChannel(lambda item: b"bench-secret", timeout_s=5, allow_private=True)
    }
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


def _dispatcher_process(app_url: str, workspace_id: str, batch: int) -> None:
    """One dispatcher process: claim, deliver, mark until killed (or nothing is left)."""
    pool = open_pool(app_url, min_size=1, max_size=1)
    channels = {
        "webhook": WebhookChannel(lambda item: b"bench-secret", timeout_s=1, allow_private=True)
    }
    idle_since = time.monotonic()
    while time.monotonic() - idle_since < 10:
        if dispatch_due(pool, channels, workspace_id=UUID(workspace_id), limit=batch, lease_s=2):
            idle_since = time.monotonic()
        time.sleep(0.01)


def kill_loop(pool, app_url: str, url: str, received, rows: int, procs: int, every: float) -> None:  # type: ignore[no-untyped-def]
    """Dispatch `rows` with `procs` processes, one SIGKILLed and replaced every `every` s."""
    with transaction(pool) as conn:
        ws = workspaces.create_workspace(conn, name="bench kill loop").id
    with transaction(pool, workspace_id=ws) as conn:
        for n in range(rows):
            outbox.enqueue(
                conn, workspace_id=ws, kind="webhook", idempotency_key=f"kill:{n}",
                payload={"url": url, "event": "application.created", "data": {"n": n}},
            )  # fmt: skip
    with received.lock:
        received.requests.clear()
    spawn = multiprocessing.get_context("spawn")

    def start() -> multiprocessing.Process:
        process = spawn.Process(target=_dispatcher_process, args=(app_url, str(ws), 10))
        process.start()
        return process

    alive = [start() for _ in range(procs)]
    kills, started = 0, time.perf_counter()
    rng = random.Random(13)
    while True:
        with transaction(pool, workspace_id=ws) as conn:
            left = conn.execute("select count(*) from outbox where status <> 'sent'").fetchone()[0]
        if left == 0 or time.perf_counter() - started > 300:
            break
        time.sleep(every * rng.uniform(0.5, 1.5))
        victim = alive.pop(rng.randrange(len(alive)))
        os.kill(victim.pid, signal.SIGKILL)
        victim.join()
        kills += 1
        alive.append(start())
    elapsed = time.perf_counter() - started
    for process in alive:
        process.kill()
        process.join()
    with received.lock:
        deliveries = [(h.get("x-selectio-event-id"), json.loads(body)["data"]["n"])
                      for _, h, body in received.requests]  # fmt: skip
    ids_per_row: dict[int, set[str | None]] = {}
    for event_id, n in deliveries:
        ids_per_row.setdefault(n, set()).add(event_id)
    repeats = len(deliveries) - len(ids_per_row)
    # A receiver that drops repeated event ids applies a row twice only if a repeat came
    # under another id.
    applied_twice = sum(len(ids) - 1 for ids in ids_per_row.values())
    print(
        f"  kill loop: {rows} rows, {procs} processes, {kills} SIGKILLs in {elapsed:.1f} s; "
        f"{left} not sent, {rows - len(ids_per_row)} never delivered; {len(deliveries)} "
        f"deliveries: {repeats} repeats, all under the original event id unless counted here: "
        f"{applied_twice} duplicates applied by an idempotent receiver"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--kill-rows", type=int, default=1500)
    parser.add_argument("--kill-procs", type=int, default=3)
    parser.add_argument("--kill-every", type=float, default=0.5, help="seconds between kills")
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
            if args.kill_rows:
                kill_loop(
                    pool, prepared.app_url, url + "/hook", received, args.kill_rows,
                    args.kill_procs, args.kill_every,
                )  # fmt: skip
    finally:
        pool.close()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
