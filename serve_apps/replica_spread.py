"""How many API replicas one node holds: the one rule that both places the replicas
(serve_apps.ingress) and sizes each node's Serve proxy limit (serve_apps.proxy_shed).

Replicas are spread evenly, at most ceil(replicas / nodes) on a node. Kept apart from the
ingress so a proxy can read it without importing the whole application."""

from __future__ import annotations

import math


def alive_nodes() -> int:
    """Nodes of the Ray cluster this process is connected to that are alive (1 without Ray)."""
    import ray

    return sum(1 for node in ray.nodes() if node["Alive"]) if ray.is_initialized() else 1


def replicas_per_node(replicas: int, nodes: int) -> int:
    """The most API replicas a node holds when `replicas` are spread over `nodes`."""
    return max(1, math.ceil(replicas / max(1, nodes)))
