"""HH import throughput against the fake HeadHunter's rate limit (prints figures; asserts nothing).

A fake HH (`tests/fakes/hh/`: a real HTTP server on loopback, 10 requests/s per token bucket,
429 with Retry-After past it) holds `--vacancies` active vacancies (and one archived) with
`--responses` responses each. A workspace is connected through the fake's OAuth pages, then one
full sync runs in this process (`pipelines.hh_import.run.run_sync`, offline engines): every
vacancy, then every response's resume fetched, stored and screened. Printed:

- responses imported and screened per minute (the whole sync, and the responses run alone);
- the share of HH's allowed rate used: requests made / (rate x elapsed), where the requests are
  what the fake saw during the sync and the rate its 10/s; and responses imported per request;
- 429s the fake answered (counted at its rate gate);
- where the time went: the store (profile, embedding, candidate/resume/application rows) and
  screening per response, the process's CPU seconds per response;
- the process's peak RSS during the sync (psutil, sampled every 20 ms) and its growth over the
  RSS before it (engines already loaded; the fake server runs in this process too);
- a second sync that finds nothing changed: its time, requests and 429s.

The product's own limiter stays at the settings default (`hh_requests_per_s` 10.0) unless
`--client-rate` says otherwise.

Run: .venv/bin/python benchmarks/import.py [--vacancies 3] [--responses 60] [--client-rate 10]
Target (issue 15): the rate limit is the bottleneck: >= 90 % of the requests/s HH allows turned
into imported responses.
"""

from __future__ import annotations

import argparse
import functools
import logging
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import psutil
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db import import_runs  # noqa: E402
from db.bootstrap import prepare_database  # noqa: E402
from db.pool import open_pool, transaction  # noqa: E402
from db.settings import Settings  # noqa: E402
from pipelines.engine_set import offline_engines  # noqa: E402
from pipelines.engines.embeddings import embed_document  # noqa: E402
from pipelines.hh_import import connection  # noqa: E402
from pipelines.hh_import import sync as hh_sync  # noqa: E402
from pipelines.hh_import.run import run_sync  # noqa: E402
from serve_apps import accounts  # noqa: E402
from tests.fakes.hh.data import World  # noqa: E402
from tests.fakes.hh.server import FakeHH  # noqa: E402

RATE = 10.0  # what the fake (and HH) allows per second


class Sampler:
    """Peak RSS of this process, sampled in a thread while a block runs."""

    def __init__(self, every_s: float = 0.02) -> None:
        self.process, self.every_s = psutil.Process(), every_s
        self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(self.every_s)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class Timed:
    """Wraps a module function of the sync to add up its wall time (it runs in a thread)."""

    def __init__(self, module: Any, name: str) -> None:
        self.module, self.name, self.times = module, name, []
        original = getattr(module, name)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.times.append(time.perf_counter() - started)

        setattr(module, name, timed)


def count_429s(fake: FakeHH) -> list[int]:
    """A counter of the requests the fake's rate gate refused (the 429s it answered)."""
    refused = [0]
    gate = fake._take_token

    def counted() -> int:
        wait = gate()
        refused[0] += bool(wait)
        return wait

    fake._take_token = counted  # type: ignore[method-assign]
    return refused


def connect(pool, settings: Settings, fake: FakeHH):  # type: ignore[no-untyped-def]
    """An owner connects a new workspace through the fake's authorize page and the callback."""
    owner = accounts.create_user_account(pool, email="owner@bench.test", password="pw-12345678")
    space = accounts.create_workspace(pool, name="HH bench", owner_id=owner.id)
    url = connection.begin(settings, workspace_id=space.id, user_id=owner.id)
    back = parse_qs(urlsplit(httpx.get(url, follow_redirects=False).headers["location"]).query)
    connection.finish(pool, settings, code=back["code"][0], state=back["state"][0])
    return space


class Run:
    """One measured run_sync: its result, time, requests, 429s, CPU, memory, per-kind seconds."""

    def __init__(self, pool, engines, settings, fake, refused, space) -> None:  # type: ignore[no-untyped-def]
        before_requests, before_429 = len(fake.requests), refused[0]
        process = psutil.Process()
        cpu = process.cpu_times()
        # RSS after each vacancy and response: (kind, items handled, MB)
        self.trail: list[tuple[str, int, float]] = []

        def progress(kind: str, n: int) -> None:
            self.trail.append((kind, n, process.memory_info().rss / 2**20))

        with Sampler() as sampler:
            started = time.perf_counter()
            self.result = run_sync(
                pool, engines, settings, workspace_id=space.id, progress=progress
            )
            self.elapsed = time.perf_counter() - started
        after = process.cpu_times()
        self.cpu_s = (after.user + after.system) - (cpu.user + cpu.system)
        self.peak_mb = sampler.peak / 2**20
        self.requests = fake.requests[before_requests:]
        self.n429 = refused[0] - before_429
        with transaction(pool, workspace_id=space.id) as conn:
            runs = import_runs.recent(conn, source="hh", limit=2)
        self.seconds = {r.kind: (r.finished_at - r.started_at).total_seconds() for r in runs}


def report(run: Run, rss_before_mb: float, store: Timed, screen: Timed) -> None:
    """The first sync's figures (see the module docstring)."""
    responses = run.result["responses"]
    imported = responses["new"] + responses["updated"]
    resp_s = run.seconds.get("responses", run.elapsed)
    made, allowed = len(run.requests), RATE * run.elapsed
    resume_gets = sum(1 for r in run.requests if r.path.startswith("/resumes/"))
    print(f"full sync: {run.elapsed:.1f} s; vacancies {run.result['vacancies']}")
    print(
        f"  responses: {imported} imported, {responses['screened']} screened, "
        f"{responses['skipped']} skipped (refused at HH), {responses['failed']} failed; "
        f"the responses run {resp_s:.1f} s"
    )
    print(
        f"  imported + screened per minute: {imported / run.elapsed * 60:.0f} (whole sync), "
        f"{imported / resp_s * 60:.0f} (the responses run)"
    )
    print(
        f"  requests: {made} made, {allowed:.0f} allowed in that time ({RATE:g}/s x "
        f"{run.elapsed:.1f} s): {made / allowed:.1%} of the rate used; {resume_gets} resume "
        f"fetches; {imported / made:.2f} responses imported per request"
    )
    print(f"  429s received: {run.n429}")
    if store.times:
        both = [a + b for a, b in zip(store.times, screen.times, strict=False)]
        print(
            f"  per response: store {statistics.median(store.times) * 1000:.0f} ms, screen "
            f"{statistics.median(screen.times) * 1000:.0f} ms (medians), store + screen mean "
            f"{statistics.fmean(both) * 1000:.0f} ms; process CPU "
            f"{run.cpu_s / max(imported, 1) * 1000:.0f} ms per imported response "
            f"({run.cpu_s:.1f} s in all, the fake server's included)"
        )
    print(
        f"  RSS: {rss_before_mb:.0f} MB before (engines loaded), peak {run.peak_mb:.0f} MB, "
        f"growth {run.peak_mb - rss_before_mb:.0f} MB"
    )
    vac = [mb for kind, _, mb in run.trail if kind == "vacancies"]
    res = [mb for kind, _, mb in run.trail if kind == "responses"]
    if vac and res:
        half = len(res) // 2
        print(
            f"  RSS after: the first vacancy {vac[0]:.0f} MB, the last {vac[-1]:.0f} MB; "
            f"response 1 {res[0]:.0f} MB, {half} {res[half - 1]:.0f} MB, "
            f"{len(res)} (the last) {res[-1]:.0f} MB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vacancies", type=int, default=3)
    parser.add_argument("--responses", type=int, default=60, help="responses per vacancy")
    parser.add_argument(
        "--client-rate", type=float, default=None, help="hh_requests_per_s (default: settings')"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    home = Path(tempfile.mkdtemp(prefix="selectio-bench-"))
    prepared = prepare_database(Settings(home=home, _env_file=None))
    pool = open_pool(prepared.app_url, min_size=1, max_size=4)
    world = World.sample(1, vacancies=args.vacancies, responses_per_vacancy=args.responses)
    try:
        with FakeHH(world, rate_limit_per_s=RATE) as fake:
            base = Settings(home=home, _env_file=None)
            client_rate = args.client_rate or base.hh_requests_per_s
            settings = base.model_copy(update={
                "hh_client_id": fake.client_id, "hh_client_secret": SecretStr(fake.client_secret),
                "hh_api_url": fake.api_url, "hh_oauth_url": fake.oauth_url,
                "hh_app_name": "SelectioBench/1.0", "hh_contact_email": "bench@selectio.local",
                "hh_requests_per_s": client_rate,
            })  # fmt: skip
            refused = count_429s(fake)
            engines = offline_engines()
            embed_document(engines.embedder, "Python разработчик, PostgreSQL, Kafka.")  # load
            space = connect(pool, settings, fake)
            store = Timed(hh_sync, "_store_response")
            screen = Timed(hh_sync, "screen_application")
            print(
                f"world: {args.vacancies} active vacancies (+1 archived) x {args.responses} "
                f"responses; fake HH at {RATE:g} req/s, the product's limiter at "
                f"{client_rate:g} req/s (hh_requests_per_s)"
            )
            rss_before = psutil.Process().memory_info().rss / 2**20
            report(Run(pool, engines, settings, fake, refused, space), rss_before, store, screen)
            again = Run(pool, engines, settings, fake, refused, space)
            print(
                f"re-sync, nothing changed: {again.elapsed:.1f} s, {len(again.requests)} "
                f"requests, {again.n429} 429s; responses "
                f"{again.result['responses']['unchanged']} unchanged, "
                f"{again.result['responses']['new']} new"
            )
    finally:
        pool.close()
        prepared.close()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
