"""Shedding in Serve's HTTP proxy (serve_apps.proxy_shed) on a real local Ray: the proxy that
the tests' Ray starts with the product's environment refuses the excess itself, before routing
it, while a candidate's requests keep their own allowance.

The deployment is a tiny one whose routes sleep, so "at once" is shown by order, not by a
clock: every refusal comes back while the requests it was refused for are still held."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from db.settings import Settings
from serve_apps.load_shed import candidate_allowance
from serve_apps.proxy_shed import proxy_limit
from tests.conftest import free_port

pytestmark = pytest.mark.ray

HOLD_S = 3.0  # long enough for every request to be in flight at once on a slow machine
LIMIT = Settings().api_max_in_flight  # what the proxies of the tests' Ray read, one node


def test_a_proxy_allows_what_one_nodes_replicas_work_on() -> None:
    settings = Settings(api_max_in_flight=16, api_replicas=4)
    assert proxy_limit(settings, nodes=2) == 32  # two replicas a node, 16 each
    assert proxy_limit(settings, nodes=3) == 32  # ceil(4 / 3)
    assert proxy_limit(settings, nodes=8) == 16  # fewer replicas than nodes: one's worth
    assert proxy_limit(Settings(api_max_in_flight=5, api_replicas=1), nodes=1) == 5


@pytest.fixture(scope="module")
def slow_api(ray_local) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from fastapi import FastAPI
    from ray import serve

    app = FastAPI()

    @app.get("/api/v1/slow")
    async def slow() -> dict[str, str]:
        await asyncio.sleep(HOLD_S)
        return {"answered": "replica"}

    @app.get("/interview/{token}")
    async def page(token: str) -> dict[str, str]:
        await asyncio.sleep(HOLD_S)
        return {"answered": token}

    @serve.deployment(max_ongoing_requests=256, ray_actor_options={"num_cpus": 0})
    @serve.ingress(app)
    class Slow:
        """No shedding of its own: whatever is refused, the proxy refused."""

    port = free_port()
    serve.start(http_options={"host": "127.0.0.1", "port": port})
    serve.run(Slow.bind(), name="proxy-shed", route_prefix="/")
    yield f"http://127.0.0.1:{port}"
    serve.shutdown()


async def _at_once(url: str, paths: list[str]) -> list[tuple[float, httpx.Response]]:
    async with httpx.AsyncClient(
        base_url=url, timeout=30, limits=httpx.Limits(max_connections=200)
    ) as client:

        async def one(path: str) -> tuple[float, httpx.Response]:
            answer = await client.get(path)
            return time.monotonic(), answer

        return await asyncio.gather(*(one(path) for path in paths))


def test_the_proxy_refuses_the_excess_before_routing_it_and_candidates_keep_their_places(
    slow_api: str,
) -> None:
    recruiters = ["/api/v1/slow"] * (LIMIT + 6)
    candidates = [f"/interview/c{i}" for i in range(LIMIT + 4)]  # under their own allowance
    assert len(candidates) <= candidate_allowance(LIMIT)
    answers = asyncio.run(_at_once(slow_api, recruiters + candidates + ["/-/healthz"]))
    probe = answers.pop()[1]
    assert probe.status_code == 200, probe.text  # a balancer's probe of a busy proxy: healthy

    refused = [(at, a) for at, a in answers if a.status_code == 503]
    served = [(at, a) for at, a in answers if a.status_code == 200]
    assert len(refused) == 6 and len(served) == LIMIT + len(candidates)
    for _, answer in refused:
        assert answer.json()["error"]["code"] == "overloaded"
        assert answer.headers["Retry-After"] == "1"
        assert answer.headers["X-Selectio-Shed-By"] == "proxy"
    assert all(a.request.url.path == "/api/v1/slow" for _, a in refused)
    # Every refusal came back before any held request was let go.
    assert max(at for at, _ in refused) < min(at for at, _ in served)


def test_once_the_held_requests_are_answered_the_proxy_takes_new_ones(slow_api: str) -> None:
    answers: list[Any] = asyncio.run(_at_once(slow_api, ["/api/v1/slow"] * LIMIT))
    assert [a.status_code for _, a in answers] == [200] * LIMIT
