"""The Ray cluster as `selectio status` reads it: nodes, actors, Serve applications.

Actors come from Ray's state API (`ray.util.state`, served by the dashboard). When the
dashboard does not answer (its process died, or a cluster started without it), they are read
from Ray's control store (GCS) instead, the same table the state API reads, and the view says
so: the cluster is not less healthy for it, but ops lose their dashboard. Nodes come from
`ray.nodes()` (the control store, no dashboard needed).

Everything is normalised to small dataclasses so the health rules (serve_apps.ops_status)
are plain functions of data.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any

log = logging.getLogger(__name__)

STATE_API_TIMEOUT_S = 10
# Node deaths that are someone's decision (`ray stop`, the autoscaler removing an idle node).
_EXPECTED_NODE_DEATHS = {1, 4}  # NodeDeathInfo.Reason EXPECTED_TERMINATION, AUTOSCALER_DRAIN_IDLE
# Actor deaths that are a decision: killed by `ray.kill`, its handle or owner gone.
_INTENDED_ACTOR_DEATHS = {"RAY_KILL", "OUT_OF_SCOPE", "REF_DELETED", "OWNER_DIED"}


@dataclass(frozen=True)
class NodeView:
    """One node of the cluster."""

    node_id: str
    address: str
    alive: bool
    cpus: float
    memory_bytes: float
    death_expected: bool = False
    death_message: str = ""
    interview_places: float = 0.0  # the node's `interview_slot` resources (actors.placement)
    interview_places_free: float = 0.0


@dataclass(frozen=True)
class ActorView:
    """One actor, alive or dead, with why it died when it did."""

    actor_id: str
    name: str
    namespace: str
    class_name: str
    state: str  # ALIVE, PENDING_CREATION, DEPENDENCIES_UNREADY, RESTARTING, DEAD
    node_id: str = ""
    pid: int = 0
    restarts: int = 0
    death_reason: str = ""  # Ray's reason (WORKER_DIED, RAY_KILL, ...), or CREATION_FAILED
    death_message: str = ""

    @property
    def intended_exit(self) -> bool:
        """Dead on purpose: `exit_actor` (an interview that ended), `ray.kill`, owner gone."""
        return self.state == "DEAD" and (
            self.death_reason in _INTENDED_ACTOR_DEATHS
            or "INTENDED_USER_EXIT" in self.death_message
        )


def read_nodes() -> list[NodeView]:
    """Every node the control store knows, alive or dead."""
    import ray

    from actors.placement import INTERVIEW_SLOT, free_places_by_node

    free = free_places_by_node()
    return [
        NodeView(
            node_id=node["NodeID"],
            address=node.get("NodeManagerAddress", ""),
            alive=bool(node.get("Alive")),
            cpus=float(node.get("Resources", {}).get("CPU", 0.0)),
            memory_bytes=float(node.get("Resources", {}).get("memory", 0.0)),
            death_expected=node.get("DeathReason") in _EXPECTED_NODE_DEATHS,
            death_message=node.get("DeathReasonMessage", "") or "",
            interview_places=float(node.get("Resources", {}).get(INTERVIEW_SLOT, 0.0)),
            interview_places_free=float(free.get(node["NodeID"], 0.0))
            if node.get("Alive")
            else 0.0,
        )
        for node in ray.nodes()
    ]


def actor_from_state(row: dict[str, Any]) -> ActorView:
    """An actor from the state API's `list_actors(detail=True)` row."""
    reason, message = _death(row.get("death_cause") or {})
    return ActorView(
        actor_id=row["actor_id"], name=row.get("name") or "",
        namespace=row.get("ray_namespace") or "", class_name=row.get("class_name") or "",
        state=row["state"], node_id=row.get("node_id") or "", pid=row.get("pid") or 0,
        restarts=row.get("num_restarts") or 0, death_reason=reason, death_message=message,
    )  # fmt: skip


def _death(cause: dict[str, Any]) -> tuple[str, str]:
    """(reason, message) from an ActorDeathCause as a dict (proto field names)."""
    if context := cause.get("actor_died_error_context"):
        return context.get("reason", "UNSPECIFIED"), context.get("error_message", "")
    if context := cause.get("creation_task_failure_context"):
        return "CREATION_FAILED", context.get("formatted_exception_string", "").strip()[-300:]
    for key in cause:  # runtime_env_failed_context, actor_unschedulable_context, oom_context
        return key.removesuffix("_context").upper(), str(cause[key].get("error_message", ""))
    return "", ""


def _actors_from_state_api(dashboard: str) -> list[ActorView]:
    from ray.util.state import list_actors

    rows = list_actors(
        address=dashboard if "://" in dashboard else f"http://{dashboard}", detail=True,
        limit=100_000, timeout=STATE_API_TIMEOUT_S, raise_on_missing_output=False,
    )  # fmt: skip
    return [actor_from_state(row if isinstance(row, dict) else asdict(row)) for row in rows]


def _actors_from_gcs() -> list[ActorView]:
    """The control store's actor table (what the state API serves), read directly."""
    from google.protobuf.json_format import MessageToDict
    from ray._private.state import state
    from ray.core.generated import gcs_pb2

    accessor = state._connect_and_get_accessor()  # noqa: SLF001  (no public reader without the dashboard)
    actors = []
    for raw in accessor.get_actor_table(None, None):
        data = gcs_pb2.ActorTableData.FromString(raw)
        cause = MessageToDict(data.death_cause, preserving_proto_field_name=True)
        reason, message = _death(cause) if data.HasField("death_cause") else ("", "")
        actor = ActorView(
            actor_id=data.actor_id.hex(), name=data.name, namespace=data.ray_namespace,
            class_name=data.class_name, state=gcs_pb2.ActorTableData.ActorState.Name(data.state),
            node_id=data.address.node_id.hex(), pid=data.pid, restarts=data.num_restarts,
            death_reason=reason, death_message=message,
        )  # fmt: skip
        actors.append(actor)
    return actors


def read_actors() -> tuple[list[ActorView], str | None]:
    """Every actor the cluster knows, and a note when the dashboard's API did not answer."""
    from ray._private.worker import get_dashboard_url

    dashboard = get_dashboard_url()  # this cluster's, as its control store records it
    if not dashboard:
        return _actors_from_gcs(), "the cluster runs no dashboard; actors read from its GCS"
    try:
        return _actors_from_state_api(dashboard), None
    except Exception as e:  # the dashboard is down: the control store still knows
        log.debug("state API unavailable: %s", e)
        return _actors_from_gcs(), (
            "the dashboard's state API did not answer; actors were read from Ray's control "
            f"store instead ({type(e).__name__})"
        )


def read_serve() -> dict[str, Any]:
    """Serve's applications and proxies: {"applications": {name: {"status", "message",
    "deployments": {name: status}}}, "proxies": {node_id: status}}; empty without Serve."""
    from ray import serve

    status = serve.status()
    return {
        "applications": {
            name: {
                "status": str(app.status.value),
                "message": app.message,
                "deployments": {d: str(dep.status.value) for d, dep in app.deployments.items()},
            }
            for name, app in status.applications.items()
        },
        "proxies": {node: str(proxy.value) for node, proxy in status.proxies.items()},
    }
