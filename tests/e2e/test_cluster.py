"""Several Ray nodes on one machine, the way an operator builds a cluster: a head, and a
machine joined with `selectio node join` and the head's join file.

On it: API replicas and Serve proxies on both nodes; live voice interviews spread over the
nodes, each using its own node's speech host; the node hosting an interview dies (its
processes killed) and the interview comes back on the other node when the candidate
reconnects, with no turn lost (F2); past the cluster's interview places a new candidate is told
`at_capacity` with `Retry-After` instead of waiting on a silent page, and so is one whose actor
lost the race for the last place (removed, not left waiting); an API replica killed
under a stream of creating POSTs loses only its in-flight requests, and their retries with the
same `Idempotency-Key` have one effect each (F3); and with Ray's control store (GCS) dead, a new
interview request is answered 503 at once, never left hanging (F5). The modules' tests run in
this order on purpose: the last one ends the cluster."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from actors import placement
from actors.errors import InterviewUnavailable
from actors.naming import interview_session
from actors.placement import INTERVIEW_SLOT
from db import turns
from db.pool import transaction
from serve_apps.cluster_node import write_join_file
from serve_apps.proxy_shed import proxy_environment
from tests.conftest import TEST_SECRET, free_port
from tests.e2e.conftest import invite_screened_candidate
from tests.e2e.voice_client import InterviewClient

pytestmark = [pytest.mark.e2e, pytest.mark.ray]
SLOTS_PER_NODE = 2
NAMESPACE = "selectio-tests"


def alive_nodes() -> list[dict[str, Any]]:
    import ray

    return [n for n in ray.nodes() if n["Alive"]]


def wait_until(condition: Any, *, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def live_actors() -> list[dict[str, Any]]:
    """Every actor placed and not dead, with its class, name and node (from the GCS: this
    test cluster runs no dashboard, which Ray's state API needs)."""
    import ray

    return [
        {"class": a["ActorClassName"], "name": a["Name"], "node": a["Address"]["NodeID"]}
        for a in ray._private.state.actors().values()  # noqa: SLF001
        if a["State"] != "DEAD" and a["Address"]["NodeID"]
    ]


@pytest.fixture(scope="module")
def ray_token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Token auth on for the whole cluster, as the product runs it."""
    token = secrets.token_hex(32)
    path = tmp_path_factory.mktemp("ray-token") / "token"
    path.write_text(token)
    path.chmod(0o600)
    saved = {k: os.environ.get(k) for k in ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN_PATH")}
    from ray._raylet import AuthenticationTokenLoader, Config

    os.environ.update(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN_PATH=str(path))
    Config.initialize("")  # Ray caches the auth mode it saw first in this process
    AuthenticationTokenLoader.instance().reset_cache()
    yield token
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    Config.initialize("")
    AuthenticationTokenLoader.instance().reset_cache()  # the next Ray has its own token


@pytest.fixture(scope="module")
def ray_cluster(ray_token: str) -> Iterator[Any]:
    """The head node (1 CPU, two interview places), with node failure detected in ~3 s."""
    import ray
    from ray.cluster_utils import Cluster

    cluster = Cluster(
        initialize_head=True,
        head_node_args={
            "num_cpus": 1,
            "resources": {INTERVIEW_SLOT: SLOTS_PER_NODE},
            "include_dashboard": False,
            "_system_config": {"health_check_period_ms": 1000, "health_check_failure_threshold": 3},
        },
    )
    ray.init(address=cluster.address, namespace=NAMESPACE, log_to_driver=False,
             logging_level="WARNING", runtime_env={"env_vars": proxy_environment()})  # fmt: skip
    yield cluster
    ray.shutdown()
    cluster.shutdown()


@pytest.fixture(scope="module")
def joined_node(ray_cluster, ray_token, prepared, tmp_path_factory) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """A second node started by `selectio node join --env-file` (in the foreground, its own
    process group, so the test can kill the whole node)."""
    folder = tmp_path_factory.mktemp("joined")
    join_file = write_join_file(
        folder / "cluster-join.env",
        secret_key=TEST_SECRET,
        app_database_url=prepared.app_url,
        ray_token=ray_token,
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAY_AUTH", "SELECTIO_"))}
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    env["SELECTIO_HOME"] = str(folder / "home")
    before = {n["NodeID"] for n in alive_nodes()}
    log_path = folder / "join.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "serve_apps", "node", "join", f"--address={ray_cluster.address}",
             f"--env-file={join_file}", "--num-cpus=1", "--block"],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        new = wait_until(
            lambda: [n for n in alive_nodes() if n["NodeID"] not in before] or process.poll(),
            timeout=60, what="the joined node",
        )  # fmt: skip
        assert isinstance(new, list), log_path.read_text()
        yield {"node": new[0], "process": process, "log": log_path}
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def api_url(ray_cluster, joined_node, settings, prepared) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Two API replicas and a proxy on every node, all on one loopback port (SO_REUSEPORT)."""
    from ray import serve

    from serve_apps.ingress import deployment
    from tests.e2e.conftest import kill_interview_actors

    port = free_port()
    env_vars = {
        "SELECTIO_HOME": str(settings.home),
        "SELECTIO_APP_DATABASE_URL": prepared.app_url,
        "SELECTIO_SECRET_KEY": TEST_SECRET,
        "SELECTIO_LLM_ENGINE": "offline",
        "SELECTIO_EMBEDDING_ENGINE": "offline",
        "SELECTIO_API_URL": f"http://127.0.0.1:{port}",
        # A request that dies with its replica holds its key this long before a retry may
        # look again (F3 below).
        "SELECTIO_IDEMPOTENCY_LEASE_S": "2",
    }
    serve.start(proxy_location="EveryNode", http_options={"host": "127.0.0.1", "port": port})
    app = deployment(
        replicas=2, ray_actor_options={"num_cpus": 0, "runtime_env": {"env_vars": env_vars}}
    )
    serve.run(app, name="selectio-cluster", route_prefix="/")
    yield f"http://127.0.0.1:{port}"
    if not getattr(ray_cluster, "gcs_killed", False):  # else the whole cluster goes below
        serve.shutdown()
        kill_interview_actors()


def test_the_joined_node_offers_interview_places_and_runs_api_replicas_and_a_proxy(
    api_url, joined_node
) -> None:
    joined = joined_node["node"]
    assert joined["Resources"].get(INTERVIEW_SLOT) == SLOTS_PER_NODE  # 1 CPU x 2 per core
    nodes = {n["NodeID"] for n in alive_nodes()}
    assert len(nodes) == 2
    actors = live_actors()
    replicas = {a["node"] for a in actors if a["class"].startswith("ServeReplica")}
    proxies = {a["node"] for a in actors if a["class"] == "ProxyActor"}
    assert replicas == nodes, actors
    assert proxies == nodes, actors
    # Both proxies share the port; each learns the routes on its own, then every request
    # (spread over them by the kernel) is answered.
    wait_until(
        lambda: all(
            httpx.get(f"{api_url}/api/v1/health", timeout=10).status_code == 200
            for _ in range(10)
        ),
        timeout=30, what="both proxies to route the API",
    )  # fmt: skip


@pytest.fixture(scope="module")
def joined_bot(joined_node, pool, prepared, tg_settings, telegram) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A workspace's Telegram bot running on the joined node (the factory's options, placed
    there on purpose so the node's death takes it), with its session connected."""
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    from actors.naming import NAMESPACE as PRODUCT_NAMESPACE
    from actors.workspace_bot import WorkspaceBot, bot_name
    from pipelines.telegram.accounts import TelegramAccounts
    from tests.db import factories

    account = telegram.add_account("+79997770042", first_name="Cluster recruiter")
    candidate = telegram.add_user("Ольга", "olga_dev")
    space = factories.workspace(pool, "Cluster bot")
    connect = TelegramAccounts(pool, tg_settings)
    connect.start(space.id, account.phone)
    connect.submit_code(space.id, account.code)
    there = NodeAffinitySchedulingStrategy(joined_node["node"]["NodeID"], soft=True)
    bot = WorkspaceBot.options(
        name=bot_name(space.id), namespace=PRODUCT_NAMESPACE, lifetime="detached",
        max_restarts=-1, max_task_retries=0, scheduling_strategy=there,
    ).remote(str(space.id), tg_settings, prepared.app_url, 3.0, 0.5, 0.2, False)  # fmt: skip
    wait_until(lambda: bot_state(bot) == "running", timeout=60, what="the bot to run")
    return {"bot": bot, "account": account, "candidate": candidate, "workspace": space}


def bot_state(bot: Any) -> str:
    import ray

    try:
        return ray.get(bot.status.remote(), timeout=5)["state"]
    except (ray.exceptions.RayActorError, ray.exceptions.GetTimeoutError):
        return "unreachable"


def bot_node(bot: Any) -> str:
    import ray

    record = ray._private.state.actors(bot._actor_id.hex())  # noqa: SLF001
    return str(record["Address"]["NodeID"])


def bot_moves(joined_bot: dict[str, Any], telegram: Any) -> int:
    """Watch the bot's Telegram session while its restarted copy takes the lease over on
    another node: the most clients it had at once (one, or Telegram saw two)."""
    most, deadline = 0, time.monotonic() + 60
    while time.monotonic() < deadline:
        most = max(most, telegram.clients_of(joined_bot["account"].user_id))
        if bot_state(joined_bot["bot"]) == "running":
            return max(most, telegram.clients_of(joined_bot["account"].user_id))
        time.sleep(0.1)
    raise AssertionError("the bot did not come back on another node")


def is_question(message: dict[str, Any]) -> bool:
    return message.get("type") == "question"


def interview_row(pool: Any, invitation: dict[str, Any]) -> SimpleNamespace:
    """The interview's status, fencing epoch and the node its actor copy last started on."""
    with transaction(pool, workspace_id=invitation["workspace"].id) as conn:
        status, epoch, node_id = conn.execute(
            "select status, epoch, node_id from interviews where id = %s",
            (invitation["interview_id"],),
        ).fetchone()
    return SimpleNamespace(status=status, epoch=epoch, node_id=node_id)


def stored_turns(pool: Any, invitation: dict[str, Any]) -> list[Any]:
    with transaction(pool, workspace_id=invitation["workspace"].id) as conn:
        return turns.list_turns(conn, interview_id=invitation["interview_id"])


async def connect(api_url: str, token: str, *, attempts: int = 40) -> InterviewClient:
    """Connect as the page does: a 503 (the interview restarting elsewhere) is tried again."""
    for _ in range(attempts):
        client = InterviewClient(api_url, token)
        answer = await client.connect()
        if answer["status"] == 200:
            return client
        await client.close()
        assert answer["status"] == 503, answer
        await asyncio.sleep(0.5)
    raise AssertionError(f"the interview never took the connection: {answer}")


def test_interviews_spread_over_nodes_move_when_a_node_dies_and_refuse_past_capacity(
    api_url, joined_node, joined_bot, settings, pool, telegram, monkeypatch
) -> None:
    import ray

    head = ray_cluster_head()
    joined = joined_node["node"]["NodeID"]
    first, second = (invite_screened_candidate(pool, settings, f"Cluster {i}") for i in (1, 2))

    async def scenario() -> dict[str, Any]:
        clients = [await connect(api_url, first["token"]), await connect(api_url, second["token"])]
        for client in clients:
            await client.wait_for(is_question, timeout=60)
        placed = {interview_row(pool, inv).node_id: inv for inv in (first, second)}
        # Each node's interview is transcribed by its own node's speech host.
        hosts = {f"stt:{node[:16]}": node for node in (head, joined)}
        await asyncio.to_thread(
            wait_until,
            lambda: hosts.items() <= {
                (a["name"], a["node"]) for a in live_actors() if a["class"] == "RecognizerHost"
            },
            timeout=30, what=f"speech hosts {hosts} on their nodes",
        )  # fmt: skip
        moved = placed.get(joined)
        assert moved is not None and set(placed) == {head, joined}, placed  # one on each node
        before = stored_turns(pool, moved)
        epoch = interview_row(pool, moved).epoch

        assert telegram.clients_of(joined_bot["account"].user_id) == 1
        os.killpg(joined_node["process"].pid, signal.SIGKILL)  # the machine is gone
        await asyncio.to_thread(
            wait_until, lambda: joined not in {n["NodeID"] for n in alive_nodes()},
            timeout=30, what="the cluster to notice the dead node",
        )  # fmt: skip
        bot_clients = asyncio.create_task(asyncio.to_thread(bot_moves, joined_bot, telegram))
        stranded = next(c for c in clients if c.token == moved["token"])
        await stranded.close()
        client = await connect(api_url, moved["token"])
        connected = time.monotonic()
        await client.wait_for(is_question, timeout=30)  # "welcome back" and the question again
        print(f"question heard again {time.monotonic() - connected:.1f} s after reconnecting")
        for each in (client, *[c for c in clients if c is not stranded]):
            await each.close()
        most_clients = await bot_clients
        return {"moved": moved, "before": before, "epoch": epoch, "bot_clients": most_clients}

    outcome = asyncio.run(scenario())
    moved, before = outcome["moved"], outcome["before"]
    row = interview_row(pool, moved)
    assert row.node_id == head and row.epoch > outcome["epoch"]  # a fresh copy, surviving node
    after = stored_turns(pool, moved)
    assert [(t.seq, t.text) for t in after[: len(before)]] == [(t.seq, t.text) for t in before]
    assert [t.seq for t in after] == list(range(len(after)))  # contiguous, no duplicate
    # The bot came back on the head, and its session never had two clients on the way.
    assert outcome["bot_clients"] == 1
    assert bot_node(joined_bot["bot"]) == head

    # The head now holds both interviews: both its places are taken, the dead node's are gone.
    assert ray.available_resources().get(INTERVIEW_SLOT, 0) == 0
    third = invite_screened_candidate(pool, settings, "Cluster 3")
    epoch_before = interview_row(pool, third).epoch
    refused = httpx.post(
        f"{api_url}/api/v1/interview-links/{third['token']}/offer",
        json={"sdp": "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n", "type": "offer"},
        timeout=30,
    )
    assert refused.status_code == 503, refused.text
    assert refused.json()["error"]["code"] == "at_capacity"
    assert int(refused.headers["Retry-After"]) > 0
    assert interview_row(pool, third).status == "created"  # nothing started for it

    # A candidate racing another for the last place read it as free, and its actor was created:
    # it waits for a place, is removed, and the candidate is refused like the others.
    monkeypatch.setattr(placement, "free_places_by_node", lambda: {head: 1.0})
    late = interview_session(third["workspace"].id, third["interview_id"])
    with pytest.raises(InterviewUnavailable) as lost:  # not left waiting for a place to free
        asyncio.run(placement.wait_until_placed(late, patience_s=2))
    assert lost.value.code == "at_capacity" and lost.value.retry_after_s
    wait_until(
        lambda: ray._private.state.actors(late._actor_id.hex())["State"] == "DEAD",  # noqa: SLF001
        timeout=10, what="the stranded actor to be removed",
    )  # fmt: skip
    assert interview_row(pool, third).epoch == epoch_before  # it never ran


def test_a_replica_killed_under_load_fails_only_in_flight_requests_and_retries_act_once(
    api_url, settings, pool, admin_conn
) -> None:
    """F3: 24 vacancies created by 6 clients at once, one API replica killed mid-stream (Serve
    replaces it). A request that fails is retried with its key until it has an answer; every
    vacancy then exists exactly once."""
    import ray

    from serve_apps import accounts
    from tests.db import factories

    workspace = factories.workspace(pool, "Load")
    headers = {"X-API-Key": accounts.issue_api_key(
        pool, workspace_id=workspace.id, name="load", role="recruiter")[1]}  # fmt: skip
    url = f"{api_url}/api/v1/workspaces/{workspace.id}/vacancies"
    titles = [f"Load {i} {secrets.token_hex(3)}" for i in range(24)]
    failures: list[str] = []
    unknown: list[str] = []
    description = (
        "Backend engineer: Python services, PostgreSQL schemas, code review, mentoring and "
        "running production systems on Linux with Docker and Kubernetes."
    )

    def create(title: str) -> int:
        key, body = secrets.token_hex(16), {"title": title, "description": description}
        for _ in range(60):
            try:
                answer = httpx.post(url, json=body, headers={**headers, "Idempotency-Key": key},
                                    timeout=30)  # fmt: skip
            except httpx.HTTPError as e:  # the connection died with its replica
                failures.append(f"{title}: {type(e).__name__}")
                time.sleep(0.5)
                continue
            if answer.status_code == 201:
                return int(answer.json()["id"])
            # Serve's proxy answers a request whose replica died with a plain-text 500.
            json_error = "json" in answer.headers.get("content-type", "")
            code = answer.json().get("error", {}).get("code") if json_error else answer.text[:40]
            if code == "idempotency_outcome_unknown":  # it took effect; its answer was lost
                unknown.append(title)
                return 0
            failures.append(f"{title}: {answer.status_code} {code}")
            time.sleep(float(answer.headers.get("Retry-After", "0.5")))
        raise AssertionError(f"{title} never got an answer: {failures[-3:]}")

    replicas = [
        a["name"] for a in live_actors() if a["class"].startswith("ServeReplica")
    ]  # fmt: skip
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(6) as clients:
        results = [clients.submit(create, title) for title in titles]
        time.sleep(0.3)  # the stream is flowing
        ray.kill(ray.get_actor(replicas[0], namespace="serve"), no_restart=False)
        ids = [r.result(timeout=120) for r in results]
    print(f"{len(failures)} failed attempts retried, {len(unknown)} outcomes unknown")
    counts = dict(admin_conn.execute(
        "select title, count(*) from vacancies where workspace_id = %s group by title",
        (workspace.id,),
    ).fetchall())  # fmt: skip
    assert counts == {title: 1 for title in titles}  # one effect each, none lost
    assert len({i for i in ids if i}) == len([i for i in ids if i])  # distinct vacancies


def test_with_the_control_store_down_a_new_interview_is_refused_at_once(
    ray_cluster, api_url, settings, pool
) -> None:
    """F5: Ray's GCS dies. Serve's proxies and replicas keep answering from what they hold,
    and an interview that needs a new actor gets `503 cluster_unavailable` with `Retry-After`
    within seconds (Ray's own client would retry for a minute); the interviews in Postgres
    are untouched, resumable by a fresh actor as in F2."""
    waiting = invite_screened_candidate(pool, settings, "Outage")
    ray_cluster.head_node.kill_gcs_server()
    ray_cluster.gcs_killed = True
    started = time.monotonic()
    answer = httpx.post(
        f"{api_url}/api/v1/interview-links/{waiting['token']}/offer",
        json={"sdp": "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n", "type": "offer"},
        timeout=30,
    )
    print(f"answered {answer.status_code} after {time.monotonic() - started:.1f} s")
    assert answer.status_code == 503, answer.text
    assert answer.json()["error"]["code"] == "cluster_unavailable"
    assert int(answer.headers["Retry-After"]) > 0
    row = interview_row(pool, waiting)
    assert row.status == "created" and row.node_id is None  # nothing half-started


def ray_cluster_head() -> str:
    import ray

    return ray.get_runtime_context().get_node_id()  # the driver is attached to the head
