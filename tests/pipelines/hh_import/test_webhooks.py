"""HH's notifications: with a public address the connection subscribes to new responses; a
notification HH sends there is stored once and asks for a responses sync; a body that is not
HH's is refused, and without a public address nothing is subscribed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from db import inbound_hooks, integrations, jobs
from db.pool import transaction
from serve_apps.app import attach, build_app
from tests.conftest import free_port
from tests.pipelines.hh_import.connect import connect_workspace


@pytest.fixture(scope="module")
def public(pool, hh_settings) -> Iterator:  # type: ignore[no-untyped-def]
    """The API served on loopback, its URL configured as the installation's public one."""
    port = free_port()
    settings = hh_settings.model_copy(update={"api_url": f"http://127.0.0.1:{port}"})
    app = attach(build_app(), pool=pool, settings=settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not server.started:
        time.sleep(0.05)
    yield settings
    server.should_exit = True


def test_new_responses_at_hh_ask_for_a_sync(pool, hh, hh_settings, public) -> None:  # type: ignore[no-untyped-def]
    _, quiet = connect_workspace(pool, hh_settings, hh, "HH Quiet")  # no public address
    with transaction(pool, workspace_id=quiet.id) as conn:
        assert "webhook_subscription" not in integrations.require(conn, kind="hh").settings
    assert hh.webhooks == {}

    _, space = connect_workspace(pool, public, hh, "HH Hooked")
    with transaction(pool, workspace_id=space.id) as conn:
        subscribed = integrations.require(conn, kind="hh").settings["webhook_subscription"]
        (hook,) = inbound_hooks.list_hooks(conn)
    (sub,) = hh.webhooks.values()
    assert sub["id"] == subscribed and sub["url"].endswith(f"/api/v1/hooks/{hook.public_id}")
    assert {a["type"] for a in sub["actions"]} == {
        "NEW_NEGOTIATION_VACANCY", "NEW_RESPONSE_OR_INVITATION_VACANCY"
    }  # fmt: skip

    vacancy = next(v for v in hh.world.vacancies if not v.archived)
    statuses = hh.notify("NEW_NEGOTIATION_VACANCY", {"vacancy_id": vacancy.id, "topic_id": "1"})
    assert statuses == [202]
    url, body, _ = hh.webhook_deliveries[-1]
    again = httpx.post(url, json=body)  # HH delivers it twice
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert httpx.post(url, content=b"not json").status_code == 400
    with transaction(pool, workspace_id=space.id) as conn:
        events = inbound_hooks.list_events(conn, hook_id=hook.id)
        queued = [j for j in jobs.list_jobs(conn) if j.kind == "hh_responses"]
    assert [e.status for e in events] == ["processed"]
    assert len(queued) == 1 and queued[0].status == "queued"
