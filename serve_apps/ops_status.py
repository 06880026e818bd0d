"""What `selectio status` reports, gathered as data: the nodes, the product's actors per kind
and state, Serve's applications, the database's queues, and which parts are unhealthy.

Unhealthy: a node that died unexpectedly; an actor of the product (or Serve's controller and
proxies) restarting, or dead without meaning to be (an interview that ended exits on purpose
and is only counted, as EXITED; a name held by a newer live actor is history); the product's
Serve application not RUNNING or a proxy not healthy; Ray or the database out of reach.
The printing is serve_apps/cli_status.py; here are plain functions of data, and `gather`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from actors.naming import NAMESPACE
from db.errors import DatabaseError
from db.ops import QueueDepths, queue_depths
from serve_apps.cluster_view import ActorView, NodeView, read_actors, read_nodes, read_serve

log = logging.getLogger(__name__)

SERVE_NAMESPACE = "serve"
# Name prefixes of the product's actors (actors/naming.py, recognizer.py, workspace_bot.py,
# orchestrator.py), in the order they are printed; Serve's own follow.
PRODUCT_KINDS = ("interview", "stt", "bot", "orchestrator")
SERVE_KINDS = {
    "SERVE_CONTROLLER_ACTOR": "serve controller",
    "SERVE_PROXY_ACTOR": "serve proxy",
    "SERVE_REPLICA": "serve replica",
}
HEALTHY_PROXY = ("HEALTHY", "STARTING", "DRAINING", "DRAINED")


@dataclass
class Status:
    """Everything `selectio status` prints; `problems` empty means healthy."""

    nodes: list[NodeView] = field(default_factory=list)
    actors: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> state -> count
    serve: dict[str, Any] = field(default_factory=dict)
    queues: QueueDepths | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (`selectio status --json`)."""
        return {"healthy": self.healthy, **asdict(self)}


def actor_kind(actor: ActorView, namespace: str = NAMESPACE) -> str | None:
    """The kind a person tells the actor by (`interview`, `stt`, `bot`, `orchestrator`,
    `serve replica`, ...); None for another application's actor, not ours to judge."""
    if actor.namespace == SERVE_NAMESPACE:
        for prefix, kind in SERVE_KINDS.items():
            if actor.name.startswith(prefix):
                return kind
        return "serve other"
    if actor.namespace == namespace:
        prefix = actor.name.split(":", 1)[0]
        return prefix if prefix in PRODUCT_KINDS else "other"
    return None


def state_label(actor: ActorView) -> str:
    """Ray's state, with an intended death told apart as EXITED."""
    return "EXITED" if actor.intended_exit else actor.state


def count_actors(actors: list[ActorView], namespace: str = NAMESPACE) -> dict[str, dict[str, int]]:
    """Actors per kind and state, the product's kinds first."""
    counts: dict[str, Counter[str]] = {}
    for actor in actors:
        if (kind := actor_kind(actor, namespace)) is not None:
            counts.setdefault(kind, Counter())[state_label(actor)] += 1
    order = [*PRODUCT_KINDS, "other", *SERVE_KINDS.values(), "serve other"]
    return {kind: dict(sorted(counts[kind].items())) for kind in order if kind in counts}


def capacity_notes(nodes: list[NodeView]) -> list[str]:
    """What to know about the interview places (actors.placement): none offered, or all taken."""
    alive = [n for n in nodes if n.alive]
    places = sum(n.interview_places for n in alive)
    if alive and places == 0:
        return ["no node offers interview places: interviews run uncapped (start nodes with "
                "`selectio node head` / `selectio node join`)"]  # fmt: skip
    if places and sum(n.interview_places_free for n in alive) < 1:
        return [f"all {places:g} interview places are taken: new candidates are asked to wait "
                "(`at_capacity`); add a node to take more"]  # fmt: skip
    return []


def node_problems(nodes: list[NodeView]) -> list[str]:
    """Nodes that died without anyone deciding it."""
    return [
        f"node {n.node_id[:16]} ({n.address}) is dead: {n.death_message or 'no reason given'}"
        for n in nodes
        if not n.alive and not n.death_expected
    ]


def actor_problems(
    actors: list[ActorView], namespace: str = NAMESPACE, *, check_serve: bool = True
) -> list[str]:
    """Restarting actors, and dead ones that did not mean to die and were not replaced."""
    live = {a.name or a.actor_id for a in actors if a.state != "DEAD"}
    problems = []
    for actor in actors:
        kind = actor_kind(actor, namespace)
        if kind is None or kind.startswith("serve") and not check_serve:
            continue
        label = actor.name or f"{actor.class_name} {actor.actor_id[:8]}"
        if actor.state == "RESTARTING":
            problems.append(f"actor {label} is restarting (restarts so far: {actor.restarts})")
        elif (
            actor.state == "DEAD"
            and not actor.intended_exit
            and (actor.name or actor.actor_id) not in live
            and kind != "serve replica"  # Serve replaces its replicas; the app status tells
        ):
            why = actor.death_message.strip().splitlines()[0][:160] if actor.death_message else ""
            problems.append(f"actor {label} died ({actor.death_reason or 'unknown'}): {why}")
    return problems


def serve_problems(serve: dict[str, Any], app: str) -> list[str]:
    """The product's application missing or not RUNNING, or a proxy not healthy."""
    problems = []
    found = serve.get("applications", {}).get(app)
    if found is None:
        problems.append(f"Serve application '{app}' is not deployed (the API is down)")
    elif found["status"] != "RUNNING":
        problems.append(f"Serve application '{app}' is {found['status']}: {found['message']}")
    for node, status in serve.get("proxies", {}).items():
        if status not in HEALTHY_PROXY:
            problems.append(f"Serve proxy on node {node[:16]} is {status}")
    return problems


def read_queues(database_url: Callable[[], str], timeout_s: float) -> QueueDepths:
    """The queues, on a connection of its own (a status check needs no pool)."""
    from db.bootstrap import connect_admin

    with connect_admin(database_url(), timeout_s=timeout_s) as conn:
        return queue_depths(conn)


def _connect_ray(address: str) -> None:
    import ray

    if not ray.is_initialized():
        ray.init(address=address, namespace=NAMESPACE, logging_level=logging.ERROR,
                 log_to_driver=False)  # fmt: skip


def gather(
    *,
    database_url: Callable[[], str],
    ray_address: str = "auto",
    namespace: str = NAMESPACE,
    serve_app: str | None = "selectio",
    db_timeout_s: float = 5.0,
) -> Status:
    """Read the cluster (joining it at `ray_address` unless this process is in one) and the
    database (`database_url()`: the application role's URL), and judge them. Never raises
    for a part out of reach: that part becomes a problem. `serve_app` None leaves Serve
    unjudged (a cluster without the API)."""
    status = Status()
    try:
        _connect_ray(ray_address)
        status.nodes = read_nodes()
        actors, note = read_actors()
        status.notes += [note] if note else []
        status.actors = count_actors(actors, namespace)
        status.serve = read_serve()
        status.problems += node_problems(status.nodes)
        status.notes += capacity_notes(status.nodes)
        status.problems += actor_problems(actors, namespace, check_serve=serve_app is not None)
        if serve_app is not None:
            status.problems += serve_problems(status.serve, serve_app)
    except Exception as e:  # no cluster at that address, or it stopped answering
        log.debug("reading the cluster failed", exc_info=True)
        status.problems.append(f"Ray cluster at '{ray_address}' is out of reach: {e}")
    try:
        status.queues = read_queues(database_url, db_timeout_s)
    except DatabaseError as e:
        status.problems.append(f"database unreachable: {e.message}")
    except Exception as e:  # a refused role, a schema without ops_queue_depths(), ...
        status.problems.append(f"database check failed: {type(e).__name__}: {e}")
    return status
