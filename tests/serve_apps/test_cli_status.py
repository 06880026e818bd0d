"""`selectio status` on the test Ray instance and a real database: nodes, actors per kind,
queues; a crashed actor and an unreachable database make it unhealthy and exit 1, while an
actor that exited on purpose is only counted."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import CliRunner

from db.bootstrap import PreparedDatabase
from db.settings import Settings
from serve_apps.cli import app
from serve_apps.cli_status import render
from serve_apps.cluster_view import ActorView, NodeView, actor_from_state
from serve_apps.ops_status import (
    actor_problems,
    capacity_notes,
    count_actors,
    gather,
    serve_problems,
)

pytestmark = [pytest.mark.ray, pytest.mark.usefixtures("ray_local")]
UNREACHABLE = "postgresql://nobody:pw@127.0.0.1:1/selectio"


def _actor_class() -> Any:
    import ray

    @ray.remote(num_cpus=0)
    class Probe:
        def ping(self) -> bool:
            return True

        def leave(self) -> None:
            ray.actor.exit_actor()

        def crash(self) -> None:
            os._exit(1)

    return Probe


def _start(namespace: str, name: str) -> Any:
    import ray

    actor = _actor_class().options(name=name, namespace=namespace, max_restarts=0).remote()
    ray.get(actor.ping.remote(), timeout=30)
    return actor


def _end(actor: Any, how: str) -> None:
    import ray

    try:
        ray.get(getattr(actor, how).remote(), timeout=30)
    except ray.exceptions.RayActorError:
        pass  # the call that ends the actor fails with it


def _wait(check: Callable[[], bool], timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.1)


def test_a_healthy_product_reads_as_such(prepared: PreparedDatabase) -> None:
    namespace = "status-healthy"
    held = [_start(namespace, name) for name in ("orchestrator", "interview:1", "stt:a")]

    status = gather(database_url=lambda: prepared.app_url, namespace=namespace, serve_app=None)

    assert status.healthy, status.problems
    assert len(held) == 3  # handles held: an actor nobody holds is gone
    assert [n.alive for n in status.nodes] == [True] and status.nodes[0].cpus == 2
    ours = {k: v for k, v in status.actors.items() if not k.startswith("serve")}
    assert ours == {
        "interview": {"ALIVE": 1},
        "stt": {"ALIVE": 1},
        "orchestrator": {"ALIVE": 1},
    }  # fmt: skip (Serve's: earlier modules')
    assert status.queues is not None and status.queues.live_interviews == 0
    assert any("no dashboard" in note for note in status.notes)  # the test Ray runs none
    node = status.nodes[0]  # the test Ray offers 32 interview places; probes hold none
    assert (node.interview_places, node.interview_places_free) == (32, 32)
    text = "\n".join(render(status))
    assert text.startswith("Selectio: healthy") and "interview         ALIVE 1" in text
    assert "interview places 32/32 free" in text


def test_a_crash_and_an_unreachable_database_are_problems_an_exit_is_not(
    settings: Settings,
) -> None:
    namespace = "status-unhealthy"
    _end(_start(namespace, "interview:7"), "leave")  # an interview that ended: exit_actor
    _end(_start(namespace, "bot:acme"), "crash")
    orchestrator = _start(namespace, "orchestrator")

    _wait(lambda: _dead(namespace) == 2)
    status = gather(database_url=lambda: UNREACHABLE, namespace=namespace, serve_app=None,
                    db_timeout_s=2)  # fmt: skip

    assert not status.healthy and orchestrator is not None
    assert status.actors["interview"] == {"EXITED": 1}
    assert status.actors["bot"] == {"DEAD": 1}
    assert [p for p in status.problems if p.startswith("actor")] == [
        next(p for p in status.problems if p.startswith("actor bot:acme died (WORKER_DIED)"))
    ]
    assert any(p.startswith("database unreachable: cannot reach PostgreSQL at 127.0.0.1:1")
               for p in status.problems)  # fmt: skip
    assert all("pw" not in p for p in status.problems)

    env = {
        "SELECTIO_HOME": str(settings.home),
        "SELECTIO_APP_DATABASE_URL": UNREACHABLE,
        "SELECTIO_DB_CONNECT_TIMEOUT_S": "2",
        "SELECTIO_SECRET_KEY": "x" * 40,
    }
    args = ["status", "--json", "--namespace", namespace, "--serve-app", ""]
    result = CliRunner().invoke(app, args, env=env, catch_exceptions=False)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["healthy"] is False and report["queues"] is None
    assert report["actors"]["bot"] == {"DEAD": 1}


def _dead(namespace: str) -> int:
    from serve_apps.cluster_view import read_actors

    actors, _ = read_actors()
    return sum(1 for a in actors if a.namespace == namespace and a.state == "DEAD")


def test_the_state_api_row_and_serve_judgement() -> None:
    row = {
        "actor_id": "ab" * 16, "class_name": "InterviewSession", "state": "DEAD",
        "name": "interview:3", "ray_namespace": "selectio", "node_id": "n" * 56, "pid": 7,
        "num_restarts": 0,
        "death_cause": {"actor_died_error_context": {
            "reason": "WORKER_DIED",
            "error_message": "Worker exit type: INTENDED_USER_EXIT exit_actor() is called."}},
    }  # fmt: skip
    ended = actor_from_state(row)
    assert ended.intended_exit and count_actors([ended]) == {"interview": {"EXITED": 1}}
    restarting = ActorView("cd" * 16, "SERVE_CONTROLLER_ACTOR", "serve", "ServeController",
                           "RESTARTING", restarts=2)  # fmt: skip
    assert actor_problems([ended, restarting]) == [
        "actor SERVE_CONTROLLER_ACTOR is restarting (restarts so far: 2)"
    ]
    assert actor_problems([restarting], check_serve=False) == []

    serve = {"applications": {"selectio": {"status": "DEPLOY_FAILED", "message": "boom",
                                           "deployments": {}}},
             "proxies": {"n" * 56: "UNHEALTHY"}}  # fmt: skip
    assert serve_problems(serve, "selectio") == [
        "Serve application 'selectio' is DEPLOY_FAILED: boom",
        f"Serve proxy on node {'n' * 16} is UNHEALTHY",
    ]
    assert serve_problems({}, "selectio") == [
        "Serve application 'selectio' is not deployed (the API is down)"
    ]


def test_interview_places_none_offered_or_all_taken_are_told() -> None:
    def node(places: float, free: float, alive: bool = True) -> NodeView:
        return NodeView("n" * 16, "10.0.0.1", alive, 4, 2**33, interview_places=places,
                        interview_places_free=free)  # fmt: skip

    assert capacity_notes([node(8, 3), node(8, 0)]) == []
    assert "no node offers interview places" in capacity_notes([node(0, 0)])[0]
    assert capacity_notes([node(8, 0), node(4, 4, alive=False)]) == [
        "all 8 interview places are taken: new candidates are asked to wait (`at_capacity`); "
        "add a node to take more"
    ]
