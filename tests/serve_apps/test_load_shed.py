"""Load shedding (serve_apps.load_shed): a tiny app whose sync routes block in the thread pool
until released, driven by several client threads at once, as FastAPI runs the real routes.

No wall-clock assertion: "at once" is shown by the refusal coming back while the requests it
was refused for are still held."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from serve_apps.app import build_app
from serve_apps.load_shed import LoadShed, candidate_allowance

LIMIT = 4
WAIT_S = 10  # a safety net: a route held past it fails (500), so a queued request shows


class Gate:
    """Routes wait on it; the test counts them in and lets them go."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.entered = threading.Semaphore(0)

    def hold(self) -> None:
        self.entered.release()
        assert self.release.wait(WAIT_S), "the test never released the route"


def tiny_app(gate: Gate) -> FastAPI:
    app = FastAPI()
    app.state.settings = SimpleNamespace(api_max_in_flight=LIMIT)

    @app.get("/api/v1/slow")
    def slow() -> dict[str, str]:
        gate.hold()
        return {"ok": "slow"}

    @app.get("/api/v1/interview-links/{token}/status")
    def signalling(token: str) -> dict[str, str]:
        gate.hold()
        return {"ok": token}

    @app.get("/api/v1/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/v1/fails")
    def fails() -> None:
        raise RuntimeError("boom")

    app.add_middleware(LoadShed)
    return app


@pytest.fixture()
def gate() -> Gate:
    return Gate()


@pytest.fixture()
def client(gate: Gate) -> Iterator[TestClient]:
    with TestClient(tiny_app(gate), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture()
def threads() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(16) as pool:
        yield pool


def hold(client: TestClient, gate: Gate, threads: ThreadPoolExecutor, path: str,
         count: int) -> list[Future[Any]]:  # fmt: skip
    """`count` requests to `path`, each held inside its route when this returns."""
    held = [threads.submit(client.get, path) for _ in range(count)]
    for _ in range(count):
        assert gate.entered.acquire(timeout=WAIT_S), "a request never reached its route"
    return held


def test_the_excess_is_refused_at_once_with_retry_after_and_no_request_hangs(
    client: TestClient, gate: Gate, threads: ThreadPoolExecutor
) -> None:
    held = hold(client, gate, threads, "/api/v1/slow", LIMIT)

    refused = client.get("/api/v1/slow")  # answered while the others wait

    assert not any(f.done() for f in held)
    assert refused.status_code == 503
    assert refused.json()["error"]["code"] == "overloaded"
    assert refused.headers["Retry-After"] == "1"
    assert refused.headers["content-type"] == "application/json"
    gate.release.set()
    assert [f.result(timeout=WAIT_S).status_code for f in held] == [200] * LIMIT
    assert client.get("/api/v1/slow").status_code == 200  # places freed


def test_health_is_never_shed(client: TestClient, gate: Gate, threads: ThreadPoolExecutor) -> None:
    held = hold(client, gate, threads, "/api/v1/slow", LIMIT)

    assert client.get("/api/v1/health").status_code == 200

    gate.release.set()
    assert all(f.result(timeout=WAIT_S).status_code == 200 for f in held)


def test_a_candidates_interview_requests_count_apart_from_the_rest(
    client: TestClient, gate: Gate, threads: ThreadPoolExecutor
) -> None:
    held = hold(client, gate, threads, "/api/v1/slow", LIMIT)
    assert client.get("/api/v1/slow").status_code == 503  # the console's places are full

    allowance = candidate_allowance(LIMIT)
    held += hold(client, gate, threads, "/api/v1/interview-links/t/status", allowance)
    past_allowance = client.get("/api/v1/interview-links/t/status")

    assert past_allowance.status_code == 503
    assert past_allowance.json()["error"]["code"] == "overloaded"
    gate.release.set()
    assert [f.result(timeout=WAIT_S).status_code for f in held] == [200] * (LIMIT + allowance)


def test_a_failing_request_gives_its_place_back(client: TestClient) -> None:
    for _ in range(LIMIT + 2):
        assert client.get("/api/v1/fails").status_code == 500
    shed = next(m for m in iter_middleware(client.app) if isinstance(m, LoadShed))
    assert shed.in_flight == {False: 0, True: 0} and shed.shed == 0


def iter_middleware(app: Any) -> Iterator[Any]:
    """The built middleware stack, outermost first."""
    layer = app.middleware_stack
    while layer is not None:
        yield layer
        layer = getattr(layer, "app", None)


def test_the_product_app_sheds_before_any_other_middleware() -> None:
    outermost = build_app().user_middleware[0]
    assert outermost.cls is LoadShed
