"""The outbox as an automation job: a workspace with messages waiting shows as due work (ids,
kinds and counts only), one run sends them through their channels to a real local receiver
and records the counts, and a message with no way out fails with the reason, alone."""

from __future__ import annotations

from psycopg_pool import ConnectionPool

from db import jobs, notifications, outbox, schedules
from db.pool import transaction
from db.settings import Settings
from pipelines.automation.base import JobContext
from pipelines.automation.outbox import outbox_channels
from pipelines.automation.runner import run_job
from pipelines.outbox.channels.slack import SlackChannel
from serve_apps import accounts
from tests.db import factories
from tests.pipelines.automation.test_jobs import RecordingDispatcher
from tests.pipelines.outbox.receivers import http_receiver


def _due(pool: ConnectionPool) -> dict[str, int]:
    with transaction(pool) as conn:
        found = schedules.due_work(conn, kinds=["dispatch_outbox"], max_interview_s=1800)
    return {str(d.workspace_id): d.due_count for d in found if d.kind == "dispatch_outbox"}


def test_a_run_sends_what_is_due_and_records_it(pool: ConnectionPool) -> None:
    ws, quiet = factories.workspace(pool), factories.workspace(pool)
    context = JobContext(
        dispatcher=RecordingDispatcher(), max_interview_s=1800,
        channels={"slack": SlackChannel(allow_private=True)},
    )  # fmt: skip
    with http_receiver() as (url, received):
        with transaction(pool, workspace_id=ws.id) as conn:
            for n in (1, 2):
                outbox.enqueue(
                    conn, workspace_id=ws.id, kind="slack", idempotency_key=f"hello-{n}",
                    payload={"webhook_url": f"{url}/hook", "text": f"Candidate {n} screened"},
                )  # fmt: skip
            stray, _ = outbox.enqueue(
                conn, workspace_id=ws.id, kind="webhook", idempotency_key="no-endpoint",
                payload={"url": f"{url}/x", "event": "report.ready", "data": {}},
            )  # fmt: skip
        due = _due(pool)
        assert due.get(str(ws.id)) == 3 and str(quiet.id) not in due

        result = run_job(
            pool, workspace_id=ws.id, kind="dispatch_outbox", owner="test", context=context
        )

    assert result is not None and result.outcome == "succeeded"
    assert (result.counts["claimed"], result.counts["sent"], result.counts["failed"]) == (3, 2, 1)
    bodies = sorted(body.decode() for _, _, body in received.requests)
    assert len(bodies) == 2 and "Candidate 1 screened" in bodies[0]
    with transaction(pool, workspace_id=ws.id) as conn:
        failed = outbox.get_item(conn, item_id=stray.id)
        (run,) = jobs.list_jobs(conn, kind="dispatch_outbox")
    assert failed.status == "failed" and "webhook" in (failed.last_error or "")
    assert run.status == "succeeded" and run.result and run.result["sent"] == 2
    assert str(ws.id) not in _due(pool)  # nothing left to send


def test_channels_follow_the_settings(tmp_path, pool) -> None:  # type: ignore[no-untyped-def]
    bare = outbox_channels(Settings(home=tmp_path, _env_file=None), pool)
    # No SMTP configured: no e-mail channel; Djinni and LinkedIn need no installation setting.
    assert set(bare) == {"slack", "webhook", "lead.djinni", "lead.linkedin"}
    mailing = outbox_channels(
        Settings(home=tmp_path, _env_file=None, smtp_host="127.0.0.1", smtp_from="hr@x.test"),
        pool,
    )
    assert set(mailing) == {"slack", "webhook", "lead.djinni", "lead.linkedin", "email",
                            "email.lead"}  # fmt: skip
    hiring = outbox_channels(Settings(home=tmp_path, _env_file=None, HH_CLIENT_ID="app-1"), pool)
    assert set(hiring) == {"slack", "webhook", "lead.djinni", "lead.linkedin", "hh", "lead.hh"}


def test_a_message_failed_for_good_tells_the_owners_once(pool, settings) -> None:  # type: ignore[no-untyped-def]
    owner = accounts.create_user_account(pool, email="own@outbox.test", password="pw-12345678")
    space = accounts.create_workspace(pool, name="Outbox Co", owner_id=owner.id)
    with transaction(pool, workspace_id=space.id) as conn:
        notifications.save_settings(
            conn, workspace_id=space.id, user_id=owner.id, language="en",
            channels={"outbox.failed": ["email"]},
        )  # fmt: skip
    context = JobContext(
        dispatcher=RecordingDispatcher(), max_interview_s=1800,
        # No SMTP here: e-mail cannot go out. Slack may reach the local receiver.
        channels=outbox_channels(
            settings.model_copy(update={"webhook_allow_private_targets": True}), pool
        ),
    )  # fmt: skip
    with http_receiver() as (url, received):
        received.status_for = lambda n: 410  # the receiver refuses for good
        with transaction(pool, workspace_id=space.id) as conn:
            refused, _ = outbox.enqueue(
                conn, workspace_id=space.id, kind="slack", idempotency_key="gone",
                payload={"webhook_url": f"{url}/hook", "text": "Hello"},
            )  # fmt: skip
        run_job(pool, workspace_id=space.id, kind="dispatch_outbox", owner="t1", context=context)
        # The owner's e-mail about it has no channel either: it fails, and is told in the inbox
        # alone, so the two failures end there instead of feeding each other.
        run_job(pool, workspace_id=space.id, kind="dispatch_outbox", owner="t2", context=context)
        run_job(pool, workspace_id=space.id, kind="dispatch_outbox", owner="t3", context=context)
    with transaction(pool, workspace_id=space.id) as conn:
        told = notifications.list_inbox(conn, user_id=owner.id)
        items = {i.kind: i for i in outbox.list_items(conn)}
    assert [n.subject["channel"] for n in told] == ["email.notification", "slack"]
    assert told[1].subject["outbox_id"] == refused.id and "HTTP 410" in told[1].body
    assert items["email.notification"].status == "failed"
    assert set(items) == {"slack", "email.notification"}  # no e-mail about the failed e-mail
