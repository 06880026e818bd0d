"""The Ray Serve ingress deployment wrapping the FastAPI app.

Each replica opens its own pool as the RLS-subject application role; the database URL is
resolved from settings on the replica (the embedded server is found through its data folder),
so no secret travels in the deployment's arguments, which the Ray dashboard shows. The app is
built on the replica (late-bound ingress), never pickled from the driver.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from ray import serve

from db.bootstrap import resolve_app_url
from db.pool import open_pool
from db.settings import get_settings
from serve_apps.app import attach, build_app
from serve_apps.dispatch import RayDispatcher
from serve_apps.replica_spread import alive_nodes, replicas_per_node

log = logging.getLogger(__name__)


@serve.deployment(
    name="api",
    num_replicas=1,
    max_ongoing_requests=64,
    max_queued_requests=256,
    ray_actor_options={"num_cpus": 0},
    health_check_period_s=10,
    health_check_timeout_s=10,
    graceful_shutdown_timeout_s=5,
)
@serve.ingress()
class ApiIngress:
    """HTTP entry point of the product (REST API, OpenAPI docs)."""

    def __init__(self) -> None:
        settings = get_settings()
        self._pool = open_pool(
            resolve_app_url(settings),
            min_size=settings.db_pool_min,
            max_size=settings.db_pool_max,
            timeout_s=settings.db_connect_timeout_s,
            name="api",
        )
        self._settings = settings
        log.info("api replica ready")

    def __serve_build_asgi_app__(self) -> FastAPI:
        """Serve calls this after `__init__`: the app is built on the replica, with its pool."""
        return attach(
            build_app(), pool=self._pool, settings=self._settings, dispatcher=RayDispatcher()
        )

    def check_health(self) -> None:
        """Serve restarts the replica when this raises: a broken pool is a dead replica."""
        with self._pool.connection(timeout=5) as conn:
            conn.execute("select 1")

    def __del__(self) -> None:
        pool = getattr(self, "_pool", None)
        if pool is not None:
            pool.close()


def deployment(replicas: int = 1, **options: Any) -> serve.Application:
    """The bound application `serve.run` deploys, with `replicas` replicas and any other
    deployment options.

    Replicas are spread evenly over the nodes alive now: Serve's own spreading is best effort
    and put both replicas of a 2-node test cluster on one node, where losing that node
    would take the whole API with it. Capping replicas per node at ceil(replicas / nodes)
    makes the spread certain; a replica whose node dies waits for a node with room (the
    others keep answering)."""
    per_node = replicas_per_node(replicas, alive_nodes())
    return ApiIngress.options(
        num_replicas=replicas, max_replicas_per_node=per_node, **options
    ).bind()
