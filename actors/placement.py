"""Where live interviews run on a cluster, and how many fit.

Capacity is a Ray resource. Every node offers `interview_slot` resources, as many as the
concurrent voice interviews it can hold (`interview_slots_per_core` x its CPUs: an interview
is real-time audio, and past ~2 per core voice-to-voice latency leaves its target). An
interview actor holds one slot while it lives, so Ray itself never places more on a node than
it can take, and a crash frees the slot with the process.

A new interview goes to the node with the most free places (ties broken at random), by a
soft node affinity, chosen on purpose over Ray's strategies: the default packs a node until
half its resources are used, stacking the first interviews on the node of the API replica
that created them, with all the transcription on that node's speech host (one per node,
shared by its interviews, actors.recognizer); SPREAD is a round robin kept per scheduler,
and two API replicas creating interviews at the same moment put both on one node (seen in
tests/e2e/test_cluster.py). Free places are the load that matters here, so they decide. The
affinity is soft and spills: if that node fills or dies before the actor lands, Ray places it
on another with a free place, and a copy restarted after its node died lands wherever a place
is free.

A new interview is refused with `at_capacity` when no node has a free slot, instead of being
created and left pending until one frees (the candidate would wait on a silent page). The
check reads free places, then creates: candidates racing for the last place all pass it, and
the losers' actors would wait in Ray's queue for a place, their calls ending in a timeout.
`wait_until_placed` closes that gap: an actor that after `PLACE_WAIT_S` still has no process
while no place is free is removed and its candidate refused `at_capacity` like the others. A
cluster whose nodes were started without slots (a plain `ray start`) still runs interviews,
spread, without the cap; `selectio status` reports it.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from typing import Any

from actors.errors import InterviewUnavailable

log = logging.getLogger(__name__)

INTERVIEW_SLOT = "interview_slot"
# A place frees when an interview ends or its candidate leaves (the actor exits after its
# reconnect grace); a minute is a fair first wait for a candidate's page to retry.
CAPACITY_RETRY_AFTER_S = 60
# How long a new actor may go without a process before its place is checked. Ray gives an
# actor its process once a node has taken its slot, within a second or two even on a busy
# machine; past this, with no place free, it is queued behind interviews that run for minutes.
PLACE_WAIT_S = 10.0
LOOKUP_TIMEOUT_S = 5.0  # the control store's answer on the actor's state


def interview_slots(num_cpus: float, slots_per_core: float) -> int:
    """Interview slots a node with `num_cpus` CPUs offers (at least one)."""
    return max(1, math.floor(num_cpus * slots_per_core))


def node_resources(num_cpus: float, slots_per_core: float) -> dict[str, float]:
    """The custom resources a Selectio node starts with."""
    return {INTERVIEW_SLOT: float(interview_slots(num_cpus, slots_per_core))}


def least_loaded_node(free_by_node: dict[str, float]) -> str | None:
    """The node with the most free interview places (random among equals); None when none
    has one."""
    best = max(free_by_node.values(), default=0)
    if best < 1:
        return None
    return random.choice(sorted(node for node, free in free_by_node.items() if free == best))


def free_places_by_node() -> dict[str, float]:
    """Free interview places of each live node, from the GCS's resource view."""
    from ray._private import state

    return {
        node: resources.get(INTERVIEW_SLOT, 0.0)
        for node, resources in state.available_resources_per_node().items()
    }


def interview_actor_placement() -> dict[str, Any]:
    """Ray options placing a new interview actor; raises `at_capacity` when no place is free."""
    import ray
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    if ray.cluster_resources().get(INTERVIEW_SLOT, 0) <= 0:
        log.warning("no node offers %s resources: interviews run uncapped", INTERVIEW_SLOT)
        return {"scheduling_strategy": "SPREAD"}
    node = least_loaded_node(free_places_by_node())
    if node is None:
        raise _capacity_refusal()
    # Spill: a soft affinity alone moves the actor only if the node is dead, not full (two
    # candidates sent to one node's last place would leave the second waiting there).
    there = NodeAffinitySchedulingStrategy(node, soft=True, _spill_on_unavailable=True)
    return {"scheduling_strategy": there, "resources": {INTERVIEW_SLOT: 1}}


def _capacity_refusal() -> InterviewUnavailable:
    return InterviewUnavailable(
        "at_capacity",
        "every interview place is taken right now; your link stays valid, try again in a minute",
        retry_after_s=CAPACITY_RETRY_AFTER_S,
    )


async def wait_until_placed(actor: Any, *, patience_s: float = PLACE_WAIT_S) -> None:
    """Return once the interview's actor is up, or has a process starting on a node; raise
    `at_capacity` after removing it when, `patience_s` on, it still waits for a place and
    none is free (it lost the race for the last one). A running actor answers at once."""
    import ray

    try:
        await asyncio.wait_for(actor.__ray_ready__.remote(), timeout=patience_s)
        return
    except TimeoutError:
        pass
    except ray.exceptions.RayActorError:
        return  # dead or restarting: the call itself says so (`actor_unavailable`)
    try:
        stranded = await asyncio.wait_for(
            asyncio.to_thread(_stranded, actor), timeout=LOOKUP_TIMEOUT_S
        )
    except TimeoutError:
        return  # the control store is slow to answer: the call's own timeout still holds
    if not stranded:
        return
    ray.kill(actor, no_restart=True)  # no process holds anything; the interview is in Postgres
    log.info("interview actor %s found no place: removed", actor._actor_id.hex())  # noqa: SLF001
    raise _capacity_refusal()


def _stranded(actor: Any) -> bool:
    """Whether `actor` waits for an interview place (no process yet, created or restarting)
    while none is free in the whole cluster."""
    import ray
    from ray._private import state

    if ray.cluster_resources().get(INTERVIEW_SLOT, 0) <= 0:
        return False  # an uncapped cluster: interviews hold no place, nothing to wait for
    record = state.state.actor_table(actor._actor_id.hex())  # noqa: SLF001
    waiting = record.get("State") in ("PENDING_CREATION", "RESTARTING") and not record.get("Pid")
    return waiting and ray.available_resources().get(INTERVIEW_SLOT, 0) < 1
