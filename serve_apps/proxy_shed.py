"""Refusing excess requests in Serve's HTTP proxy, before they are routed to a replica.

`serve_apps.load_shed` refuses in the replica, which must first be reached: on saturated
cores a request waits in the proxy's router for a replica slot, then for the replica's event
loop, which waits for the GIL behind its handler threads, so even a refusal took a second at
the 99th percentile (benchmarks/api_load.py). The same middleware run inside each Serve proxy
refuses the excess there, without routing it: the proxy's own event loop, doing little but
relaying, answers it.

Serve imports `middlewares` in every proxy process, named by the environment variable
`RAY_SERVE_HTTP_PROXY_CALLBACK_IMPORT_PATH` that `proxy_environment()` gives the cluster's
workers. A proxy counts only what it relays and cannot see its neighbours, so it allows what
the replicas of one node can work on (`api_max_in_flight` per replica, replicas spread evenly
over the nodes as serve_apps.ingress places them), candidates' interview requests apart with
their own allowance as in the replica. The replica's middleware stays: a proxy that sends
most of its requests to one replica is still held to that replica's limit there.
"""

from __future__ import annotations

import logging
from typing import Any

from db.settings import Settings, get_settings
from serve_apps.load_shed import LoadShed
from serve_apps.replica_spread import alive_nodes, replicas_per_node

log = logging.getLogger(__name__)

CALLBACK_VARIABLE = "RAY_SERVE_HTTP_PROXY_CALLBACK_IMPORT_PATH"
CALLBACK = "serve_apps.proxy_shed.middlewares"


def proxy_environment() -> dict[str, str]:
    """Environment for the cluster's worker processes that makes Serve's proxies shed load."""
    return {CALLBACK_VARIABLE: CALLBACK}


def proxy_limit(settings: Settings, nodes: int) -> int:
    """Requests (not a candidate's) one proxy relays at once: the in-flight limit of the API
    replicas one node holds."""
    return settings.api_max_in_flight * replicas_per_node(settings.api_replicas, nodes)


def middlewares() -> list[Any]:
    """Serve's proxy callback: the Starlette middlewares wrapped around the proxy's app."""
    from starlette.middleware import Middleware

    settings = get_settings()
    nodes = alive_nodes()
    limit = proxy_limit(settings, nodes)
    log.info("serve proxy sheds past %d requests in flight (%d nodes)", limit, nodes)
    return [Middleware(LoadShed, max_in_flight=limit, where="proxy")]
