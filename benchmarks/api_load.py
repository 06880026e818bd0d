"""API read load on Ray Serve, ramped to 5x the expected rate, then a burst (prints figures;
asserts nothing).

The API runs as in production on a 2-node local cluster (two replicas, a Serve proxy on each
node: benchmarks/local_cluster.py) over the embedded PostgreSQL, with the large workspace of
benchmarks/console.py (10,000 candidates, 20,000 applications). An asyncio client (httpx)
signed in as the workspace's owner sends the console's reads open-loop: requests start on
schedule whatever the answers take, so an overloaded API shows as latency and refusals, not
as a client that slows down. The mix (weights): vacancies list 25, candidates list (50 a
page) 25, a candidate's page 30, vacancy analytics 10, dashboard extract (20,000
applications as Parquet) 5, health 5.

Expected rate: 50 recruiters at work at once, each asking for something about every 3 s (a
console view is 1-3 API calls, a recruiter moves every 5-10 s) = 16.7 requests/s. Stages run
at 0.5, 1, 2, 3, 4 and 5x that for `--stage-s` each, then a burst of `--burst` requests at
once. A request not answered within the client's `--timeout-s` counts as hung.

Run: .venv/bin/python benchmarks/api_load.py [--candidates 10000] [--stage-s 20]
         [--recruiters 50] [--burst 400] [--replicas 2]
Targets (issue): p99 of reads reported per endpoint; a shed request is answered 429/503 with
`Retry-After` in < 100 ms (p99); no request hangs.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.append(str(HERE))

import local_cluster  # noqa: E402

MULTIPLES = (0.5, 1, 2, 3, 4, 5)
MIX = {  # endpoint → weight
    "vacancies list": 25,
    "candidates list": 25,
    "candidate page": 30,
    "vacancy analytics": 10,
    "dashboard extract": 5,
    "health": 5,
}
SHED = (429, 503)


@dataclass
class Result:
    stage: str
    endpoint: str
    status: int | None  # None: no answer (timeout or connection error)
    ms: float
    retry_after: str | None
    error: str | None = None


@dataclass
class Target:
    """What the requests need: the workspace, its vacancies and candidates."""

    workspace_id: str
    vacancy_ids: list[int]
    candidate_ids: list[int]

    def request(self, endpoint: str, rng: random.Random) -> tuple[str, dict[str, str]]:
        """The path and extra headers of one request to `endpoint`."""
        ws = {"X-Workspace-Id": self.workspace_id}
        vacancy = rng.choice(self.vacancy_ids)
        return {
            "vacancies list": (f"/api/v1/workspaces/{self.workspace_id}/vacancies", {}),
            "candidates list": (f"/api/v1/workspaces/{self.workspace_id}/candidates"
                                f"?limit=50&offset={50 * rng.randrange(20)}", {}),
            "candidate page": (f"/api/v1/candidates/{rng.choice(self.candidate_ids)}", ws),
            "vacancy analytics": (f"/api/v1/analysis/vacancy/{vacancy}", ws),
            "dashboard extract": ("/api/v1/analytics/extract?table=applications", ws),
            "health": ("/api/v1/health", {}),
        }[endpoint]  # fmt: skip


def seed(pool: Any, admin_url: str, candidates: int) -> tuple[Target, tuple[str, str]]:
    """The large workspace of benchmarks/console.py (loaded by path: `console` is also the
    product's console package)."""
    spec = importlib.util.spec_from_file_location("console_bench", HERE / "console.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    from db.pool import transaction

    workspace_id, _ = bench.seed(pool, admin_url, candidates)
    with transaction(pool, workspace_id=workspace_id) as conn:
        vacancies = [r[0] for r in conn.execute("select id from vacancies").fetchall()]
        people = [r[0] for r in conn.execute("select id from candidates").fetchall()]
    return Target(workspace_id, vacancies, people), bench.OWNER


async def one(http: httpx.AsyncClient, target: Target, stage: str, endpoint: str,
              rng: random.Random) -> Result:  # fmt: skip
    path, headers = target.request(endpoint, rng)
    started = time.perf_counter()
    try:
        response = await http.get(path, headers=headers)
    except httpx.HTTPError as e:  # timeouts included: the client's limit is the hang line
        return Result(stage, endpoint, None, (time.perf_counter() - started) * 1000, None,
                      type(e).__name__)  # fmt: skip
    ms = (time.perf_counter() - started) * 1000
    code = None
    if response.status_code >= 400 and "json" in response.headers.get("content-type", ""):
        code = response.json().get("error", {}).get("code")
    if where := response.headers.get("X-Selectio-Shed-By"):  # refused by a proxy or a replica
        code = f"{code} by {where}"
    return Result(stage, endpoint, response.status_code, ms,
                  response.headers.get("Retry-After"), code)  # fmt: skip


async def stage_run(http: httpx.AsyncClient, target: Target, name: str, rate: float,
                    seconds: float, rng: random.Random) -> tuple[list[Result], float]:  # fmt: skip
    """Requests started every 1/rate s for `seconds` (open loop); the results and the rate
    the client really reached (it lags when the machine is saturated)."""
    endpoints, weights = list(MIX), list(MIX.values())
    count = int(rate * seconds)
    started = time.perf_counter()
    tasks = []
    for i in range(count):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        endpoint = rng.choices(endpoints, weights)[0]
        tasks.append(asyncio.ensure_future(one(http, target, name, endpoint, rng)))
    sent_in = time.perf_counter() - started
    return list(await asyncio.gather(*tasks)), count / max(sent_in, 1e-9)


async def burst(http: httpx.AsyncClient, target: Target, size: int,
                rng: random.Random) -> list[Result]:  # fmt: skip
    endpoints, weights = list(MIX), list(MIX.values())
    picks = [rng.choices(endpoints, weights)[0] for _ in range(size)]
    return list(await asyncio.gather(*(one(http, target, "burst", e, rng) for e in picks)))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def latency_row(label: str, results: list[Result]) -> list[Any]:
    ok = [r.ms for r in results if r.status is not None and r.status < 400]
    shed = sum(r.status in SHED for r in results)
    errors = sum(r.status is None or (r.status >= 400 and r.status not in SHED) for r in results)
    return [label, len(results), len(ok), shed, errors, pct(ok, 0.5), pct(ok, 0.95),
            pct(ok, 0.99), max(ok, default=0)]  # fmt: skip


LATENCY = ["", "sent", "answered", "shed", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms"]


Stage = tuple[str, float, float, list[Result], tuple[float, float]]


def report(stages: list[Stage], burst_results: list[Result], timeout_s: float) -> None:
    local_cluster.print_table(
        "stages (open loop; latency of answered requests, shed = 429/503; cores busy: this "
        "benchmark incl. Ray and Postgres / other work on the machine)",
        ["stage", "offered /s", "reached /s", *LATENCY[1:], "shed p99 ms", "cores: bench",
         "cores: other"],
        [[name, f"{rate:.1f}", f"{reached:.1f}", *latency_row(name, rs)[1:],
          pct([r.ms for r in rs if r.status in SHED], 0.99), f"{cores[0]:.2f}",
          f"{cores[1]:.2f}"]
         for name, rate, reached, rs, cores in stages],
    )  # fmt: skip
    peak = stages[-1][3]
    every = [r for stage in stages for r in stage[3]]
    for title, results in ((f"per endpoint at the peak ({stages[-1][0]})", peak),
                           ("per endpoint, every stage", every)):  # fmt: skip
        by = defaultdict(list)
        for r in results:
            by[r.endpoint].append(r)
        local_cluster.print_table(title, ["endpoint", *LATENCY[1:]],
                    [latency_row(e, by[e]) for e in MIX if by[e]])  # fmt: skip
    rows = []
    runs = [("ramp", every), ("burst", burst_results)]
    for where in ("proxy", "replica"):  # each place's refusals on their own
        runs += [(f"{label}: by {where}", [r for r in results if (r.error or "").endswith(where)])
                 for label, results in list(runs[:2])]  # fmt: skip
    for label, results in runs:
        shed = [r for r in results if r.status in SHED]
        kinds = Counter(f"{r.status} {r.retry_after and 'Retry-After' or 'no Retry-After'} "
                        f"{r.error or ''}".strip() for r in shed)  # fmt: skip
        times = [r.ms for r in shed]
        rows.append([label, len(results), len(shed), "; ".join(f"{k}: {n}" for k, n in
                     kinds.items()) or "-", pct(times, 0.5), pct(times, 0.99),
                     max(times, default=0),
                     sum(r.status is None for r in results)])  # fmt: skip
    local_cluster.print_table(
        f"shed requests (target: answered with Retry-After, p99 < 100 ms; hung = no answer "
        f"within {timeout_s:.0f} s)",
        ["run", "sent", "shed", "status, header, code", "p50 ms", "p99 ms", "max ms",
         "hung / failed"],
        rows,
    )  # fmt: skip
    local_cluster.print_table(
        "burst, answered requests", LATENCY, [latency_row("burst", burst_results)]
    )
    by = defaultdict(list)
    for r in burst_results:
        by[r.endpoint].append(r)
    print("  burst by endpoint (answered / shed): " + ", ".join(
        f"{e} {sum(r.status is not None and r.status < 400 for r in by[e])}/"
        f"{sum(r.status in SHED for r in by[e])}" for e in MIX if by[e]))  # fmt: skip
    failures = Counter(r.error for r in [*every, *burst_results] if r.status is None)
    if failures:
        print(f"  requests without an answer: {dict(failures)}")


async def drive(base_url: str, target: Target, owner: tuple[str, str],
                args: argparse.Namespace) -> None:  # fmt: skip
    rng = random.Random(7)
    limits = httpx.Limits(max_connections=2000, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=base_url, timeout=args.timeout_s,
                                 limits=limits) as http:  # fmt: skip
        login = await http.post("/api/v1/auth/login",
                                json={"email": owner[0], "password": owner[1]})  # fmt: skip
        login.raise_for_status()
        http.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        for endpoint in MIX:  # warm every route and both replicas' pools
            await asyncio.gather(*(one(http, target, "warm", endpoint, rng) for _ in range(6)))
        expected = args.recruiters / args.every_s
        stages = []
        meter = local_cluster.CpuMeter(args.pgdata)
        for multiple in args.multiples:
            name = f"{multiple:g}x"
            meter.start()
            results, reached = await stage_run(
                http, target, name, expected * multiple, args.stage_s, rng
            )
            stages.append((name, expected * multiple, reached, results, meter.stop()))
            print(f"  {name}: {latency_row(name, results)[1:]}  load {os.getloadavg()[0]:.1f}")
        await asyncio.sleep(2)
        burst_results = await burst(http, target, args.burst, rng)
        await asyncio.sleep(2)  # Serve's access logs reach their files
    print(f"\nexpected rate {expected:.1f} requests/s ({args.recruiters} recruiters, one request "
          f"every {args.every_s:g} s each); peak 5x = {5 * expected:.1f}/s")  # fmt: skip
    report(stages, burst_results, args.timeout_s)
    server = local_cluster.serve_answer_times()
    rows = []
    for kind, answers in server.items():
        shed = [ms for status, ms in answers if status == 503]
        ok = [ms for status, ms in answers if status < 400]
        for label, t in (("shed (503)", shed), ("answered (< 400)", ok)):
            rows.append([kind, label, len(t), pct(t, 0.5), pct(t, 0.99), max(t, default=0)])
    local_cluster.print_table("the same requests as Serve timed them (access logs, whole run)",
                ["timed by", "answers", "count", "p50 ms", "p99 ms", "max ms"], rows)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--recruiters", type=int, default=50)
    parser.add_argument("--every-s", type=float, default=3.0, help="a recruiter's request gap")
    parser.add_argument("--stage-s", type=float, default=20.0)
    parser.add_argument("--burst", type=int, default=400, help="requests sent at once at the end")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--timeout-s", type=float, default=10.0)
    parser.add_argument("--multiples", type=float, nargs="+", default=list(MULTIPLES),
                        help="stages, as multiples of the expected rate")  # fmt: skip
    parser.add_argument("--max-in-flight", type=int, help="SELECTIO_API_MAX_IN_FLIGHT to try")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="selectio-api-load-"))
    env = {"SELECTIO_HOME": str(home), "SELECTIO_LLM_ENGINE": "offline",
           "SELECTIO_EMBEDDING_ENGINE": "offline"}  # fmt: skip
    if args.max_in_flight is not None:
        env["SELECTIO_API_MAX_IN_FLIGHT"] = str(args.max_in_flight)
    os.environ.update(env)
    from db.bootstrap import prepare_database
    from db.pool import open_pool
    from db.settings import Settings

    settings = Settings(_env_file=None)
    args.pgdata = settings.pgdata
    prepared = prepare_database(settings)
    pool = open_pool(prepared.app_url, min_size=1, max_size=4)
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start; "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; api_max_in_flight "
          f"{settings.api_max_in_flight} per replica, {args.replicas} replicas")  # fmt: skip
    try:
        target, owner = seed(pool, prepared.admin_url, args.candidates)
        with local_cluster.two_node_cluster(1, env, replicas=args.replicas) as base_url:
            asyncio.run(drive(base_url, target, owner, args))
    finally:
        pool.close()
        prepared.close()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
