"""Webhooks and notifications through the API, on a real database and a real local receiver:
an owner registers an endpoint (its secret shown once, stored encrypted), a test event is
delivered signed so the receiver can verify it, deliveries show their answers and are sent
again under the same event id; an inbound hook accepts a signed event once and refuses forged,
stale and replayed ones; a person's inbox and channel settings are theirs alone."""

from __future__ import annotations

import json
import time

from fastapi.testclient import TestClient

from db import notifications, webhooks
from db.pool import transaction
from db.secret_box import SecretBox
from pipelines.automation.outbox import outbox_channels
from pipelines.outbox.dispatcher import dispatch_due
from pipelines.outbox.signing import signed_headers, verify
from serve_apps.app import attach, build_app
from tests.pipelines.outbox.receivers import http_receiver
from tests.serve_apps.conftest import login


def _as(client, team, role: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    headers = login(client, f"{role}@acme.test", team["password"])
    return headers | {"X-Workspace-Id": str(team["acme"].id)}


def test_an_endpoint_gets_signed_deliveries_that_can_be_sent_again(  # type: ignore[no-untyped-def]
    client, team, pool, settings
) -> None:
    owner = _as(client, team, "owner")
    with http_receiver() as (base, _):
        inside = {"url": f"{base}/hook", "events": ["report.ready"]}
        refused = client.post("/api/v1/webhooks", json=inside, headers=owner)
    assert (
        refused.status_code == 400 and refused.json()["error"]["code"] == "webhook_target_private"
    )
    # This installation lets webhooks reach 127.0.0.1, where the test's receiver listens.
    settings = settings.model_copy(update={"webhook_allow_private_targets": True})
    with TestClient(attach(build_app(), pool=pool, settings=settings)) as local:
        _deliver_signed(local, team, pool, settings)


def test_deliveries_to_the_servers_own_network_are_refused(client, team, pool, settings) -> None:  # type: ignore[no-untyped-def]
    owner = _as(client, team, "owner")
    with transaction(pool, workspace_id=team["acme"].id) as conn:
        endpoint = webhooks.create_endpoint(
            conn, workspace_id=team["acme"].id, url="http://10.0.0.7:6379/x",
            events=["report.ready"], seal=lambda i: SecretBox(settings.resolved_secret_key()).seal(
                "s", purpose=webhooks.secret_purpose(i)),
        )  # fmt: skip
    assert client.post(f"/api/v1/webhooks/{endpoint.id}/ping", headers=owner).status_code == 202
    counts = dispatch_due(pool, outbox_channels(settings, pool), workspace_id=team["acme"].id)
    assert counts.failed == 1
    (failed,) = client.get(f"/api/v1/webhooks/{endpoint.id}/deliveries", headers=owner).json()
    assert failed["status"] == "failed" and "internal address" in failed["last_error"]
    client.delete(f"/api/v1/webhooks/{endpoint.id}", headers=owner)


def _deliver_signed(client, team, pool, settings) -> None:  # type: ignore[no-untyped-def]
    owner, recruiter = _as(client, team, "owner"), _as(client, team, "recruiter")
    with http_receiver() as (base, received):
        body = {"url": f"{base}/hook", "events": ["report.ready"], "description": "ATS"}
        assert client.post("/api/v1/webhooks", json=body, headers=recruiter).status_code == 403
        made = client.post("/api/v1/webhooks", json=body, headers=owner)
        assert made.status_code == 201, made.text
        endpoint, secret = made.json(), made.json()["secret"]
        listed = client.get("/api/v1/webhooks", headers=recruiter).json()
        assert [e["id"] for e in listed] == [endpoint["id"]] and "secret" not in listed[0]
        with transaction(pool, workspace_id=team["acme"].id) as conn:
            stored = conn.execute("select secret_sealed from webhook_endpoints").fetchone()
        assert secret.encode() not in bytes(stored[0])  # encrypted at rest

        ping = client.post(f"/api/v1/webhooks/{endpoint['id']}/ping", headers=recruiter)
        assert ping.status_code == 202 and ping.json()["status"] == "pending"
        channels = outbox_channels(settings, pool)
        counts = dispatch_due(pool, channels, workspace_id=team["acme"].id)
        assert counts.sent == 1
        (path, headers, raw) = received.requests[0]
        assert path == "/hook" and json.loads(raw)["event"] == "ping"
        assert verify(secret.encode(), headers["x-selectio-timestamp"], raw,
                      headers["x-selectio-signature"])  # fmt: skip
        first_id = headers["x-selectio-event-id"]

        deliveries = client.get(
            f"/api/v1/webhooks/{endpoint['id']}/deliveries", headers=recruiter
        ).json()
        assert [(d["status"], d["response"]) for d in deliveries] == [("sent", "http:200")]
        again = client.post(
            f"/api/v1/webhooks/deliveries/{deliveries[0]['id']}/resend", headers=recruiter
        )
        assert again.status_code == 202 and again.json()["event_id"] == first_id
        assert dispatch_due(pool, channels, workspace_id=team["acme"].id).sent == 1
        assert received.header_values("x-selectio-event-id") == [first_id, first_id]

        rotated = client.post(f"/api/v1/webhooks/{endpoint['id']}/rotate-secret", headers=owner)
        assert rotated.status_code == 200 and rotated.json()["secret"] != secret
        client.post(f"/api/v1/webhooks/{endpoint['id']}/ping", headers=owner)
        dispatch_due(pool, channels, workspace_id=team["acme"].id)
        _, headers, raw = received.requests[-1]
        new_secret = rotated.json()["secret"].encode()
        assert verify(new_secret, headers["x-selectio-timestamp"], raw,
                      headers["x-selectio-signature"])  # fmt: skip
    gone = client.delete(f"/api/v1/webhooks/{endpoint['id']}", headers=owner)
    assert gone.status_code == 204
    assert client.get("/api/v1/webhooks", headers=owner).json() == []


def test_an_inbound_hook_takes_signed_events_once(client, team) -> None:  # type: ignore[no-untyped-def]
    owner = _as(client, team, "owner")
    made = client.post("/api/v1/inbound-hooks", json={"description": "Partner ATS"}, headers=owner)
    assert made.status_code == 201, made.text
    path, secret = made.json()["path"], made.json()["secret"].encode()
    body = json.dumps({"candidate": "Анна Петрова"}).encode()
    headers = signed_headers(secret, "partner-1", body, int(time.time()))
    assert client.post(path, content=body, headers=headers).json() == {
        "status": "stored", "duplicate": False,
    }  # fmt: skip
    replay = client.post(path, content=body, headers=headers)
    assert replay.status_code == 200 and replay.json()["duplicate"] is True
    forged = client.post(path, content=body + b" ", headers=headers)
    assert forged.status_code == 401
    assert forged.json()["error"]["code"] == "hook_signature_invalid"
    old = signed_headers(secret, "partner-2", body, int(time.time()) - 600)
    stale = client.post(path, content=body, headers=old)
    assert stale.json()["error"]["code"] == "hook_timestamp_stale"
    missing = client.post("/api/v1/hooks/generic-no-such-hook-here", content=body, headers=headers)
    assert missing.status_code == 404
    events = client.get("/api/v1/inbound-hooks/events", headers=owner).json()
    assert [(e["event_id"], e["status"], e["size"]) for e in events] == [
        ("partner-1", "stored", len(body))
    ]


def test_each_person_has_their_own_inbox_and_settings(client, team, pool, settings) -> None:  # type: ignore[no-untyped-def]
    acme = team["acme"].id
    with transaction(pool, workspace_id=acme) as conn:
        notifications.notify(
            conn, workspace_id=acme, kind="outbox.failed", dedupe_key="api-test:1",
            subject={"channel": "email.invite", "attempts": 8, "error": "HTTP 550"},
        )  # fmt: skip
    owner, recruiter = _as(client, team, "owner"), _as(client, team, "recruiter")
    inbox = client.get("/api/v1/notifications", params={"language": "ru"}, headers=owner).json()
    assert inbox["unread"] == 1 and inbox["items"][0]["title"] == "Сообщение не отправлено"
    assert client.get("/api/v1/notifications", headers=recruiter).json()["items"] == []
    theirs = inbox["items"][0]["id"]
    assert client.post(f"/api/v1/notifications/{theirs}/read", headers=recruiter).status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs}/read", headers=owner).status_code == 200
    assert client.get("/api/v1/notifications/unread", headers=owner).json() == {"unread": 0}

    url = "https://hooks.slack.test/services/T1/B1/very-secret"
    saved = client.put(
        "/api/v1/notifications/settings", headers=owner,
        json={"channels": {"report.ready": ["slack"]}, "language": "en", "slack_webhook_url": url},
    )  # fmt: skip
    assert saved.status_code == 200, saved.text
    assert saved.json()["has_slack_webhook"] and saved.json()["email"] == "owner@acme.test"
    assert url not in saved.text
    assert client.get("/api/v1/notifications/settings", headers=recruiter).json()["channels"] == {}
    with transaction(pool, workspace_id=acme) as conn:
        (sealed,) = conn.execute(
            "select slack_webhook_sealed from notification_settings"
        ).fetchone()
    assert b"very-secret" not in bytes(sealed)
    bad = client.put(
        "/api/v1/notifications/settings", headers=owner,
        json={"channels": {"report.ready": ["pager"]}},
    )  # fmt: skip
    assert bad.status_code == 422
    by_telegram = client.put(
        "/api/v1/notifications/settings", headers=owner,
        json={"channels": {"lead.replied": ["telegram"]}, "telegram_username": "@acme_owner"},
    )  # fmt: skip
    assert by_telegram.status_code == 200, by_telegram.text
    shown = by_telegram.json()
    assert shown["telegram_username"] == "acme_owner" and shown["has_slack_webhook"]
    assert shown["telegram_available"] is False  # the workspace has no Telegram account
    kept = client.put("/api/v1/notifications/settings", headers=owner, json={"channels": {}})
    assert kept.json()["telegram_username"] == "acme_owner"  # absent: kept

    key = client.post(
        f"/api/v1/workspaces/{acme}/api-keys", json={"name": "ci", "role": "recruiter"},
        headers=owner,
    ).json()["key"]  # fmt: skip
    by_key = client.get("/api/v1/notifications", headers={"X-API-Key": key})
    assert by_key.status_code == 403 and by_key.json()["error"]["code"] == "user_required"
