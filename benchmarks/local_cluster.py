"""Pieces of the capacity benchmarks (benchmarks/capacity.py, benchmarks/api_load.py): a 2-node
Ray cluster on this machine serving the API, candidates that talk or try to start, and the
memory of the cluster's processes.

The nodes are `ray.cluster_utils.Cluster` nodes (a head and one added node, one CPU each), each
offering `interview_slot` resources as the product's nodes do (actors.placement); the API runs
as two replicas with a Serve proxy on every node, as `selectio up` on a cluster runs it
(tests/e2e/test_cluster.py builds the same shape).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

NAMESPACE = "capacity"
# Offer refusals a candidate's second try may get past: the actor being created took longer
# than the call's 30 s (or the offer's deadline), or was restarting or leaving.
PASSING = {
    "actor_timeout",
    "offer_expired",
    "actor_unavailable",
    "actor_leaving",
    "cluster_unavailable",
}
ROLES = {  # Ray actor class → what the benchmark calls it
    "InterviewSession": "interview actor",
    "RecognizerHost": "speech host",
    "ProxyActor": "Serve proxy",
}


@contextmanager
def two_node_cluster(
    slots_per_node: float, env: dict[str, str], *, replicas: int = 2
) -> Iterator[str]:
    """A head and a second node, one CPU and `slots_per_node` interview places each, the API
    on both; yields the API's base URL."""
    import ray
    from ray import serve
    from ray.cluster_utils import Cluster

    from actors.placement import INTERVIEW_SLOT
    from serve_apps.ingress import deployment
    from serve_apps.proxy_shed import proxy_environment
    from tests.conftest import free_port

    node = {"num_cpus": 1, "resources": {INTERVIEW_SLOT: float(slots_per_node)}}
    cluster = Cluster(initialize_head=True, head_node_args={**node, "include_dashboard": False})
    cluster.add_node(**node)
    cluster.wait_for_nodes()
    ray.init(address=cluster.address, namespace=NAMESPACE, log_to_driver=False,
             logging_level="ERROR",
             runtime_env={"env_vars": {**proxy_environment(), **env}})  # fmt: skip
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    try:
        serve.start(proxy_location="EveryNode", http_options={"host": "127.0.0.1", "port": port})
        app = deployment(
            replicas=replicas,
            ray_actor_options={"num_cpus": 0, "runtime_env": {"env_vars": env}},
        )
        serve.run(app, name="capacity", route_prefix="/")
        _wait_for_proxies(base_url)
        yield base_url
    finally:
        try:
            serve.shutdown()
        finally:
            ray.shutdown()
            cluster.shutdown()


def _wait_for_proxies(base_url: str, timeout_s: float = 60) -> None:
    """Both proxies share the port (SO_REUSEPORT); each learns the routes on its own."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if all(httpx.get(f"{base_url}/health", timeout=10).status_code == 200
                   for _ in range(10)):  # fmt: skip
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the API never answered on both proxies")


SERVE_LINE = re.compile(r" -- [A-Z]+ \S+ (\d{3}) ([\d.]+)ms$")


def serve_answer_times() -> dict[str, list[tuple[int, float]]]:
    """(status, ms) of every request in this cluster's Serve logs, as the proxies and as the
    replicas timed them (the proxy's time includes queueing for a replica; neither includes
    the client)."""
    import ray

    folder = Path(ray._private.worker.global_worker.node.get_logs_dir_path()) / "serve"
    found: dict[str, list[tuple[int, float]]] = {"proxy": [], "replica": []}
    for path in folder.glob("*.log"):
        kind = "proxy" if path.name.startswith("proxy") else "replica"
        if kind == "replica" and not path.name.startswith("replica"):
            continue
        for line in path.read_text(errors="replace").splitlines():
            if match := SERVE_LINE.search(line):
                found[kind].append((int(match[1]), float(match[2])))
    return found


def cluster_cpus() -> float:
    import ray

    return float(ray.cluster_resources().get("CPU", 0))


def interview_places() -> tuple[float, float]:
    """(free, total) interview places of the cluster."""
    import ray

    from actors.placement import INTERVIEW_SLOT

    total = ray.cluster_resources().get(INTERVIEW_SLOT, 0.0)
    return ray.available_resources().get(INTERVIEW_SLOT, 0.0), total


def end_interviews(timeout_s: float = 30) -> None:
    """Kill every interview actor and wait until their places are free again."""
    import ray

    from actors.naming import NAMESPACE as ACTORS

    for entry in ray.util.list_named_actors(all_namespaces=True):
        if entry["namespace"] == ACTORS and entry["name"].startswith("interview:"):
            try:
                ray.kill(ray.get_actor(entry["name"], namespace=ACTORS), no_restart=True)
            except ValueError:
                pass
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        free, total = interview_places()
        if free >= total:
            return
        time.sleep(0.5)


# ---- memory ---------------------------------------------------------------------------------
@dataclass
class ProcessMemory:
    role: str
    name: str
    pid: int
    rss_mb: float
    uss_mb: float


def process_memory() -> list[ProcessMemory]:
    """RSS and USS of the cluster's interview actors, speech hosts, API replicas and proxies
    (every node runs on this machine, so psutil reads them all)."""
    import psutil
    from ray._private import state

    found = []
    for actor in state.actors().values():
        cls = actor["ActorClassName"]
        role = "API replica" if cls.startswith("ServeReplica") else ROLES.get(cls)
        if role is None or actor["State"] != "ALIVE" or not actor.get("Pid"):
            continue
        try:
            info = psutil.Process(actor["Pid"]).memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        found.append(ProcessMemory(
            role, actor["Name"] or cls, actor["Pid"], info.rss / 2**20, info.uss / 2**20
        ))  # fmt: skip
    return found


class CpuMeter:
    """How busy the machine's cores were between `start()` and `stop()`, split into this
    benchmark (this process and its descendants: the Ray nodes and their workers; and the
    embedded PostgreSQL, found by its postmaster.pid) and other work sharing the machine.
    Call `sample()` before processes of ours end (killed actors): a process's CPU is counted
    up to the last look at it, so `others` is an upper bound."""

    def __init__(self, pgdata: Path | None = None) -> None:
        self.pgdata = pgdata

    def _roots(self) -> list[int]:
        roots = [os.getpid()]
        pid_file = self.pgdata / "postmaster.pid" if self.pgdata else None
        if pid_file is not None and pid_file.exists():
            roots.append(int(pid_file.read_text().split()[0]))
        return roots

    def _ours(self) -> dict[int, float]:
        import psutil

        times = {}
        for root in self._roots():
            try:
                tree = psutil.Process(root)
                family = [tree, *tree.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
            for proc in family:
                try:
                    cpu = proc.cpu_times()
                    times[proc.pid] = cpu.user + cpu.system
                except psutil.NoSuchProcess:
                    pass
        return times

    @staticmethod
    def _busy() -> float:
        import psutil

        cpu = psutil.cpu_times()
        return sum(cpu) - cpu.idle - getattr(cpu, "iowait", 0.0)

    def start(self) -> None:
        self._at, self._busy0 = time.monotonic(), self._busy()
        self._seen, self._used = self._ours(), 0.0

    def sample(self) -> None:
        """Count our processes' CPU since the last look (a new one: since it started)."""
        now = self._ours()
        self._used += sum(t - self._seen.get(pid, 0.0) for pid, t in now.items())
        self._seen.update(now)

    def stop(self) -> tuple[float, float]:
        """(cores used by this benchmark, cores used by other work) on average since start."""
        self.sample()
        elapsed = max(time.monotonic() - self._at, 1e-9)
        busy = self._busy() - self._busy0
        return self._used / elapsed, max(0.0, busy - self._used) / elapsed


# ---- candidates -----------------------------------------------------------------------------
def _type(kind: str) -> Any:
    return lambda m: m.get("type") == kind


def _assistant_text(message: dict[str, Any]) -> bool:
    return message.get("type") == "transcript" and message.get("role") == "assistant"


@dataclass
class Talk:
    """What one candidate's session did."""

    answers: int = 0
    completed: bool = False
    refused: int = 0  # offers answered at_capacity before one was taken
    retried: int = 0  # offers tried again after a passing failure (504 actor_timeout, ...)


async def talk(
    base_url: str,
    token: str,
    audios: list[bytes],
    *,
    answers: int | None = None,
    stop: asyncio.Event | None = None,
    retry_refused_s: float | None = None,
    connected: asyncio.Event | None = None,
) -> Talk:
    """A candidate's session: connect (retrying `at_capacity` every `retry_refused_s` when
    given, and a passing failure up to 3 times, as a candidate clicks "try again"), hear the
    opening, then answer with `audios` in turn, each time waiting until the AI's reply is
    being spoken; stops after `answers` answers, once `stop` is set, or when the interview
    ends; `connected` is set once the opening question came. Raises when the offer is
    refused otherwise or a reply never comes."""
    from tests.e2e.voice_client import InterviewClient

    done = Talk()
    while True:
        client = InterviewClient(base_url, token)
        answer = await client.connect()
        if answer["status"] == 200:
            break
        await client.close()
        code = answer.get("error", {}).get("code")
        if code == "at_capacity" and retry_refused_s is not None:
            done.refused += 1
            await asyncio.sleep(retry_refused_s)
        elif code in PASSING and done.retried < 3:
            done.retried += 1
            await asyncio.sleep(1.5)
        else:
            raise RuntimeError(f"offer refused: {answer}")
    try:
        await client.wait_for(_type("question"), timeout=120)
        if connected is not None:
            connected.set()
        for audio in itertools.cycle(audios):
            if (answers is not None and done.answers >= answers) or (stop and stop.is_set()):
                break
            await client.wait_for(_type("ai_speaking_end"), 120, since=client.last_index)
            if any(m.get("type") == "interview_complete" for m in client.messages):
                done.completed = True
                break
            await asyncio.sleep(0.4)
            played_at = len(client.messages)
            client.mic.play(audio)
            await client.wait_for(_assistant_text, 120, since=played_at)
            await client.wait_for(_type("ai_speaking_start"), 120, since=client.last_index)
            done.answers += 1
        await asyncio.sleep(1.0)
    finally:
        await client.close()
    return done


async def start_one_by_one(tokens: list[str], session: Any) -> list[asyncio.Task[Talk]]:
    """Start `session(token, connected)` for each token, the next once the last one has heard
    its opening (or failed): candidates arriving together race for the same free place
    (see benchmarks/README.md, capacity), which is not what these phases measure."""
    tasks = []
    for token in tokens:
        connected = asyncio.Event()
        task = asyncio.ensure_future(session(token, connected))
        tasks.append(task)
        waiter = asyncio.ensure_future(connected.wait())
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
    return tasks


@dataclass
class Attempt:
    """One new candidate's offer while the cluster is full."""

    status: int
    code: str | None
    retry_after: str | None
    answer_ms: float


async def attempt(http: httpx.AsyncClient, base_url: str, token: str) -> Attempt:
    """A new candidate's page making its offer (a real aiortc SDP): the answer and how long
    the API took to give it (the POST alone). An accepted offer's peer is closed at once."""
    from aiortc import RTCPeerConnection

    pc = RTCPeerConnection()
    try:
        pc.addTransceiver("audio", direction="sendrecv")
        pc.createDataChannel("chat", ordered=True)
        await pc.setLocalDescription(await pc.createOffer())
        body = {"sdp": pc.localDescription.sdp, "type": pc.localDescription.type}
        started = time.perf_counter()
        response = await http.post(f"{base_url}/api/v1/interview-links/{token}/offer", json=body)
        elapsed = (time.perf_counter() - started) * 1000
    finally:
        await pc.close()
    code = None
    if response.status_code != 200:
        code = response.json().get("error", {}).get("code")
    return Attempt(response.status_code, code, response.headers.get("Retry-After"), elapsed)


def print_table(title: str, header: list[str], rows: list[list[Any]]) -> None:
    print(f"\n{title}")
    cells = [header, *[[f"{c:.0f}" if isinstance(c, float) else str(c) for c in r] for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    for i, row in enumerate(cells):
        print("  " + " | ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
        if i == 0:
            print("  " + "-+-".join("-" * w for w in widths))
