"""Voice interview capacity of a 2-node cluster (prints figures; asserts nothing).

Three phases on a local 2-node Ray cluster (one CPU per node, the API as two replicas with a
proxy on each node, the offline engines, eSpeak answers from aiortc clients in this process;
benchmarks/local_cluster.py builds it):

1. ramp: N concurrent interviews (1, 2, 4, 6, ... up to `--max-sessions`), nodes with places
   for all of them, each candidate answering `--turns` times (`--repeat` runs per N, turns
   pooled); stops once voice-to-voice p95 passes 1.5 s. Sessions per core = the largest N
   within 1.5 s / the cluster's CPUs.
2. refusal: the product's own places (`interview_slots_per_core` x CPUs) all taken by
   candidates who keep talking (arriving one after another); for `--window-s` their latency
   is the baseline, then for as long new candidates offer (one every `--attempt-every-s`).
   Each new one should get 503 `at_capacity` with `Retry-After` at once while the running
   interviews' p95 stays within 20 % of the baseline. `--rounds` rounds, turns pooled (an
   interview of this plan ends after ~18 answers, ~3 minutes, so a round cannot be longer).
3. soak: the product's places kept full for `--soak-minutes`, each finished candidate
   replaced by a new one; every 30 s the RSS of interview actors, speech hosts, API replicas
   and proxies is sampled; growth is the last sample less the one a minute in.

Run: .venv/bin/python benchmarks/capacity.py [--max-sessions 12] [--step 2] [--turns 3]
         [--repeat 1] [--window-s 60] [--rounds 3] [--soak-minutes 20 | --skip-soak]
         [--skip-ramp] [--skip-refusal]
Targets (issue): p95 <= 1.5 s; refusals answered at_capacity with Retry-After, running p95
within +20 %; RSS flat over the soak.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import local_cluster as lc  # noqa: E402
import voice_latency as vl  # noqa: E402

TARGET_P95_MS = 1500.0
SAMPLE_EVERY_S = 30.0


def ramp_sizes(max_sessions: int, step: int) -> list[int]:
    return sorted({n for n in (1, 2, *range(4, max_sessions + 1, step)) if n <= max_sessions})


def v2v_ms(pool: Any, made: list[tuple[str, int, Any]], *, since: datetime | None = None,
           until: datetime | None = None) -> list[float]:  # fmt: skip
    """Voice-to-voice of the stored AI turns of these interviews, stored in [since, until)."""
    from db import turns
    from db.pool import transaction

    found = []
    for _, interview_id, workspace_id in made:
        with transaction(pool, workspace_id=workspace_id) as conn:
            rows = turns.list_turns(conn, interview_id=interview_id)
        found += [
            float(t.voice_to_voice_ms) for t in rows
            if t.voice_to_voice_ms is not None
            and (since is None or t.created_at >= since) and (until is None or t.created_at < until)
        ]  # fmt: skip
    return found


def p(values: list[float], q: float) -> float:
    return vl.percentile(values, q)


def print_failures(results: list[Any]) -> int:
    """Print each session that raised; how many did."""
    failed = [r for r in results if isinstance(r, BaseException)]
    for error in failed:
        print(f"  session failed: {type(error).__name__}: {str(error)[:300]}")
    return len(failed)


# ---- phase 1 --------------------------------------------------------------------------------
def ramp(args: argparse.Namespace, pool: Any, settings: Any, env: dict[str, str],
         audios: list[bytes]) -> None:  # fmt: skip
    rows, within = [], 0
    meter = lc.CpuMeter(settings.pgdata)
    with lc.two_node_cluster(args.max_sessions, env) as base_url:
        cpus = lc.cluster_cpus()
        for size in ramp_sizes(args.max_sessions, args.step):
            values, failed, retried, memory = [], 0, 0, []
            meter.start()
            for _ in range(args.repeat):  # the turns of every run pooled
                made = vl.invitations(pool, settings, "en", size)
                talks = asyncio.run(_all(base_url, [t for t, _, _ in made], audios, args.turns))
                failed += print_failures(talks)
                retried += sum(t.retried for t in talks if isinstance(t, lc.Talk))
                memory += [m.rss_mb for m in lc.process_memory() if m.role == "interview actor"]
                values += v2v_ms(pool, made)
                meter.sample()  # before the actors go
                lc.end_interviews()
            ours, others = meter.stop()
            p95 = p(values, 0.95)
            rss = statistics.mean(memory) if memory else math.nan
            rows.append([size, len(values), failed, retried, p(values, 0.5), p95,
                         max(values, default=0), rss, f"{ours:.2f}", f"{others:.2f}"])  # fmt: skip
            print(f"  N={size}: p50 {p(values, 0.5):.0f} ms, p95 {p95:.0f} ms, {failed} failed")
            if failed == 0 and p95 <= TARGET_P95_MS:
                within = size
            if p95 > TARGET_P95_MS or failed:
                break
    lc.print_table(
        f"ramp: 2 nodes x 1 CPU, {args.turns} answers per candidate, {args.repeat} run(s) per N",
        ["N", "turns", "failed", "offers retried", "v2v p50 ms", "v2v p95 ms", "max ms",
         "actor RSS MB", "cores: bench", "cores: other work"],
        rows,
    )  # fmt: skip
    print(f"  largest N with p95 <= {TARGET_P95_MS:.0f} ms: {within}; "
          f"sessions per core: {within / cpus:.1f} (cluster CPUs {cpus:.0f})")  # fmt: skip


async def _all(base_url: str, tokens: list[str], audios: list[bytes], turns: int) -> list[Any]:
    return await asyncio.gather(
        *(lc.talk(base_url, t, audios, answers=turns) for t in tokens), return_exceptions=True
    )


# ---- phases 2 and 3 -------------------------------------------------------------------------
@dataclass
class Round:
    """One refusal round: the running interviews' turns before and during the new offers,
    the offers' answers, the sessions and the cores used in each window."""

    before: list[float]
    during: list[float]
    attempts: list[lc.Attempt]
    talks: list[Any]
    cores: dict[str, tuple[float, float]]
    extra: list[tuple[str, int, Any]]


def refusal_round(args: argparse.Namespace, pool: Any, settings: Any, base_url: str,
                  audios: list[bytes], places: int) -> Round | None:  # fmt: skip
    """Fill every place with candidates who keep talking; `--window-s` of baseline, then as
    long with new candidates offering. None when not every place could be filled."""
    running = vl.invitations(pool, settings, "en", places)
    extra = vl.invitations(pool, settings, "en", args.extra)
    marks: dict[str, datetime] = {}
    meter, cores = lc.CpuMeter(settings.pgdata), {}

    async def scenario() -> tuple[list[Any], list[lc.Attempt]]:
        stop = asyncio.Event()
        talking = await lc.start_one_by_one(
            [t for t, _, _ in running],
            lambda token, connected: lc.talk(base_url, token, audios, stop=stop,
                                             connected=connected),
        )  # fmt: skip
        while not all(await asyncio.to_thread(lambda: [v2v_ms(pool, [m]) for m in running])):
            if any(t.done() for t in talking):  # a session failed: no full house to measure
                stop.set()
                return await asyncio.gather(*talking, return_exceptions=True), []
            await asyncio.sleep(2)  # every interview past its first answer
        marks["before"] = datetime.now(UTC)
        meter.start()
        await asyncio.sleep(args.window_s)
        cores["before"] = meter.stop()
        marks["during"] = datetime.now(UTC)
        meter.start()
        attempts: list[lc.Attempt] = []
        async with httpx.AsyncClient(timeout=30) as http:
            ends = time.monotonic() + args.window_s
            for token, _, _ in itertools.cycle(extra):
                if time.monotonic() >= ends:
                    break
                attempts.append(await lc.attempt(http, base_url, token))
                await asyncio.sleep(args.attempt_every_s)
        marks["end"] = datetime.now(UTC)
        cores["during"] = meter.stop()
        stop.set()
        return await asyncio.gather(*talking, return_exceptions=True), attempts

    talks, attempts = asyncio.run(scenario())
    lc.end_interviews()
    if not attempts:
        print_failures(talks)
        return None
    before = v2v_ms(pool, running, since=marks["before"], until=marks["during"])
    during = v2v_ms(pool, running, since=marks["during"], until=marks["end"])
    return Round(before, during, attempts, talks, cores, extra)


def refusal(args: argparse.Namespace, pool: Any, settings: Any, base_url: str,
            audios: list[bytes]) -> None:  # fmt: skip
    _, places = lc.interview_places()
    rounds = []
    for number in range(args.rounds):
        done = refusal_round(args, pool, settings, base_url, audios, int(places))
        print(f"  refusal round {number + 1}: " + (
            "not every place could be filled, skipped" if done is None else
            f"p95 {p(done.before, 0.95):.0f} -> {p(done.during, 0.95):.0f} ms"))  # fmt: skip
        if done is not None:
            rounds.append(done)
    if not rounds:
        return
    before = [v for r in rounds for v in r.before]
    during = [v for r in rounds for v in r.during]
    attempts = [a for r in rounds for a in r.attempts]
    talks = [t for r in rounds for t in r.talks]

    def cores(label: str, which: int) -> str:
        return f"{statistics.mean(r.cores[label][which] for r in rounds):.2f}"

    lc.print_table(
        f"refusal: {places:.0f} places (product default) all taken; {len(rounds)} round(s) of "
        f"{args.window_s:.0f} s before and {args.window_s:.0f} s during new offers",
        ["window", "turns", "v2v p50 ms", "v2v p95 ms", "max ms", "cores: bench",
         "cores: other work"],
        [[f"{label} the new offers", len(v), p(v, 0.5), p(v, 0.95), max(v, default=0),
          cores(label, 0), cores(label, 1)]
         for label, v in (("before", before), ("during", during))],
    )  # fmt: skip
    change = 100 * (p(during, 0.95) / p(before, 0.95) - 1)
    failed = print_failures(talks)
    retried = sum(t.retried for t in talks if isinstance(t, lc.Talk))
    refused = [a for a in attempts if a.code == "at_capacity" and a.status == 503]
    times = [a.answer_ms for a in refused]
    others = Counter(f"{a.status} {a.code or ''}".strip() for a in attempts if a not in refused)
    retry_after = sorted({a.retry_after for a in attempts if a.retry_after})
    untouched = sum(_untouched(pool, r.extra) for r in rounds)
    print(
        f"  running interviews' p95 change: {change:+.0f} % (target within +20 %); "
        f"failed sessions {failed}, their offers retried {retried}"
    )
    print(
        f"  new offers answered 503 at_capacity: {len(refused)} of {len(attempts)}; "
        f"others: {dict(others) or 'none'}"
    )
    print(
        f"  Retry-After values: {retry_after or 'none'}; refusals answered in "
        f"p50 {p(times, 0.5):.0f} ms, p99 {p(times, 0.99):.0f} ms, "
        f"max {max(times, default=0):.0f} ms"
    )
    print(f"  refused candidates' interviews still 'created': {untouched} of "
          f"{sum(len(r.extra) for r in rounds)}")  # fmt: skip


def _untouched(pool: Any, made: list[tuple[str, int, Any]]) -> int:
    from db.pool import transaction

    count = 0
    for _, interview_id, workspace_id in made:
        with transaction(pool, workspace_id=workspace_id) as conn:
            row = conn.execute("select status from interviews where id = %s", (interview_id,))
            count += row.fetchone()[0] == "created"
    return count


def soak(args: argparse.Namespace, pool: Any, settings: Any, base_url: str,
         audios: list[bytes]) -> None:  # fmt: skip
    _, places = lc.interview_places()
    seconds = args.soak_minutes * 60
    # An interview of `--turns` answers lasts ~40-60 s here; invite ahead, more when needed.
    ready = vl.invitations(pool, settings, "en", int(places) * max(2, int(seconds / 40)))
    samples: list[tuple[float, list[lc.ProcessMemory]]] = []
    used: list[tuple[str, int, Any]] = []
    counts = Counter[str]()
    meter = lc.CpuMeter(settings.pgdata)

    async def runner(ends: float) -> None:
        while time.monotonic() < ends:
            if not ready:
                ready.extend(await asyncio.to_thread(vl.invitations, pool, settings, "en", 4))
            used.append(invitation := ready.pop())
            try:
                done = await lc.talk(base_url, invitation[0], audios, answers=args.turns,
                                     retry_refused_s=2.0)  # fmt: skip
                counts.update(sessions=1, refused=done.refused, retried=done.retried)
            except Exception as e:  # a lost session is counted, the soak goes on
                print(f"  session failed: {type(e).__name__}: {str(e)[:200]}")
                counts.update(failed=1)

    async def sampler(started: float, ends: float) -> None:
        while time.monotonic() < ends:
            samples.append((time.monotonic() - started, await asyncio.to_thread(lc.process_memory)))
            for _ in range(int(SAMPLE_EVERY_S / 5)):  # CPU of interview actors before they go
                await asyncio.to_thread(meter.sample)
                await asyncio.sleep(5)

    async def scenario() -> None:
        started = time.monotonic()
        ends = started + seconds
        sampling = asyncio.ensure_future(sampler(started, ends))
        runners = []
        for _ in range(int(places)):  # staggered: a few seconds apart, as candidates arrive
            runners.append(asyncio.ensure_future(runner(ends)))
            await asyncio.sleep(5)
        await asyncio.gather(*runners)
        await sampling

    began = datetime.now(UTC)
    meter.start()
    asyncio.run(scenario())
    ours, others = meter.stop()
    samples.append((seconds, lc.process_memory()))
    half = began + (datetime.now(UTC) - began) / 2
    values, first, second = (v2v_ms(pool, used), v2v_ms(pool, used, until=half),
                             v2v_ms(pool, used, since=half))  # fmt: skip
    print(f"\nsoak: {args.soak_minutes:g} min at {places:.0f} places, {counts['sessions']} "
          f"sessions of {args.turns} answers ({counts['failed']} failed, {counts['retried']} "
          f"offers retried after a passing failure), {counts['refused']} offers refused "
          f"at_capacity while a leaving candidate's place freed; cores used: bench "
          f"{ours:.2f}, other work {others:.2f}")  # fmt: skip
    print(f"  v2v over {len(values)} turns: p50 {p(values, 0.5):.0f} ms, p95 "
          f"{p(values, 0.95):.0f} ms; first half p95 {p(first, 0.95):.0f} ms, second half "
          f"{p(second, 0.95):.0f} ms")  # fmt: skip
    report_memory(samples)


def report_memory(samples: list[tuple[float, list[lc.ProcessMemory]]]) -> None:
    """Per long-lived process: RSS a minute in (or the first sample), every 5 minutes after,
    the last and the peak; interview actors (one per interview, short-lived) as the mean of
    those alive at a sample."""
    start = next((s for s in samples if s[0] >= 60), samples[0])
    marks = [
        start,
        *[s for s in samples if s[0] > start[0] and s[0] // 300 != (s[0] - SAMPLE_EVERY_S) // 300],
    ]
    if marks[-1] is not samples[-1]:
        marks.append(samples[-1])
    by_time = [{m.pid: m for m in ms} for _, ms in marks]
    rows = []
    for pid, end in sorted(by_time[-1].items(), key=lambda kv: (kv[1].role, kv[1].name)):
        if end.role == "interview actor" or pid not in by_time[0]:
            continue
        peak = max((m.rss_mb for _, ms in samples for m in ms if m.pid == pid), default=0)
        series = [f"{at[pid].rss_mb:.0f}" if pid in at else "-" for at in by_time]
        growth = end.rss_mb - by_time[0][pid].rss_mb
        name = end.name.replace("SERVE_REPLICA::", "").replace("SERVE_PROXY_ACTOR-", "")
        rows.append([end.role, name[-24:], *series, peak, f"{growth:+.1f}",
                     f"{end.uss_mb - by_time[0][pid].uss_mb:+.1f}"])  # fmt: skip
    lc.print_table(
        f"soak memory, RSS MB: {len(samples)} samples every {SAMPLE_EVERY_S:.0f} s",
        ["process", "name", *[f"{at / 60:.0f} min" for at, _ in marks], "peak", "RSS growth",
         "USS growth"],
        rows,
    )  # fmt: skip
    actors = {m.pid: m.rss_mb for _, ms in samples for m in ms if m.role == "interview actor"}
    means = [statistics.mean(a) for _, ms in samples
             if (a := [m.rss_mb for m in ms if m.role == "interview actor"])]  # fmt: skip
    if means:
        print(f"  interview actors: {len(actors)} sampled; mean RSS of those alive "
              f"{means[0]:.0f} MB at the first sample, {means[-1]:.0f} MB at the last; "
              f"largest {max(actors.values()):.0f} MB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-sessions", type=int, default=12)
    parser.add_argument("--step", type=int, default=2)
    parser.add_argument("--turns", type=int, default=3, help="answers per candidate")
    parser.add_argument("--repeat", type=int, default=1, help="ramp runs per N (turns pooled)")
    parser.add_argument("--window-s", type=float, default=60.0)
    parser.add_argument("--rounds", type=int, default=3, help="refusal rounds (turns pooled)")
    parser.add_argument("--extra", type=int, default=8, help="new candidates past capacity")
    parser.add_argument("--attempt-every-s", type=float, default=2.0)
    parser.add_argument("--soak-minutes", type=float, default=20.0)
    parser.add_argument("--skip-soak", action="store_true")
    parser.add_argument("--skip-ramp", action="store_true")
    parser.add_argument("--skip-refusal", action="store_true")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="selectio-capacity-"))
    env = {
        "SELECTIO_HOME": str(home),
        "SELECTIO_LLM_ENGINE": "offline",
        "SELECTIO_EMBEDDING_ENGINE": "offline",
        "SELECTIO_INTERVIEW_MAX_CONCURRENT_PER_WORKSPACE": "64",
        # A candidate who left frees the place soon (the product waits 120 s for a reconnect).
        "SELECTIO_INTERVIEW_RECONNECT_GRACE_S": "5",
    }
    os.environ.update(env)
    from actors.placement import interview_slots
    from db.bootstrap import prepare_database
    from db.pool import open_pool
    from db.settings import Settings
    from pipelines.engines.tts_espeak import EspeakSynthesizer
    from tests.e2e.voice_client import resample

    settings = Settings(_env_file=None)
    prepared = prepare_database(settings)
    pool = open_pool(prepared.app_url, min_size=1, max_size=4)
    synth = EspeakSynthesizer()
    audios = [resample(synth.synthesize(t, language="en"), synth.sample_rate)
              for t in vl.ANSWERS["en"]]  # fmt: skip
    print(
        f"{os.cpu_count()} cores on this machine, load average {os.getloadavg()[0]:.1f} at "
        f"start; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    try:
        if not args.skip_ramp:
            ramp(args, pool, settings, env, audios)
        if not (args.skip_refusal and args.skip_soak):
            slots = interview_slots(1, settings.interview_slots_per_core)  # a 1-CPU node's
            with lc.two_node_cluster(slots, env) as base_url:
                if not args.skip_refusal:
                    refusal(args, pool, settings, base_url, audios)
                if not args.skip_soak:
                    soak(args, pool, settings, base_url, audios)
    finally:
        pool.close()
        prepared.close()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
