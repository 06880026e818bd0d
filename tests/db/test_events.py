"""Product events from the storage functions that make each change: webhook deliveries for the
endpoints that want them, notifications for the people whose role needs them, once per change,
never for a change that rolled back, and never visible from another workspace."""

from __future__ import annotations

import base64

import pytest
from psycopg_pool import ConnectionPool

from db import applications, notifications, outbox, reports, screenings, webhooks
from db.pool import transaction
from db.secret_box import SecretBox
from serve_apps import accounts
from tests.db import factories

BOX = SecretBox(b"events-test-secret-" + b"x" * 32)


@pytest.fixture(scope="module")
def crew(pool: ConnectionPool):  # type: ignore[no-untyped-def]
    people = {
        role: accounts.create_user_account(
            pool, email=f"{role}@events.test", password="pw-12345678"
        )
        for role in ("owner", "recruiter", "viewer")
    }
    space = accounts.create_workspace(pool, name="Events Co", owner_id=people["owner"].id)
    for role in ("recruiter", "viewer"):
        accounts.add_member(pool, workspace_id=space.id, email=f"{role}@events.test", role=role)
    with transaction(pool, workspace_id=space.id) as conn:
        wanted = webhooks.create_endpoint(
            conn, workspace_id=space.id, url="http://127.0.0.1:9/all",
            events=list(webhooks.EVENTS), seal=lambda i: BOX.seal("s1", purpose=f"webhook:{i}"),
        )  # fmt: skip
        webhooks.create_endpoint(
            conn, workspace_id=space.id, url="http://127.0.0.1:9/reports-only",
            events=["report.ready"], seal=lambda i: BOX.seal("s2", purpose=f"webhook:{i}"),
        )  # fmt: skip
        paused = webhooks.create_endpoint(
            conn, workspace_id=space.id, url="http://127.0.0.1:9/paused",
            events=list(webhooks.EVENTS), seal=lambda i: BOX.seal("s3", purpose=f"webhook:{i}"),
        )  # fmt: skip
        webhooks.update_endpoint(conn, endpoint_id=paused.id, enabled=False)
    return {"space": space, "people": people, "wanted": wanted}


def _deliveries(pool: ConnectionPool, space, event: str) -> list[outbox.OutboxItem]:  # type: ignore[no-untyped-def]
    with transaction(pool, workspace_id=space.id) as conn:
        return [
            i for i in outbox.list_items(conn, limit=500)
            if i.kind == "webhook" and i.payload["event"] == event
        ]  # fmt: skip


def _inbox(pool: ConnectionPool, space, user_id: int) -> list[notifications.Notification]:  # type: ignore[no-untyped-def]
    with transaction(pool, workspace_id=space.id) as conn:
        return notifications.list_inbox(conn, user_id=user_id)


def test_an_application_and_its_stage_moves_reach_subscribed_endpoints(pool, crew) -> None:  # type: ignore[no-untyped-def]
    space = crew["space"]
    with transaction(pool, workspace_id=space.id) as conn:
        app = factories.application(conn, space)
        applications.change_stage(conn, application_id=app.id, stage="offer")
        applications.change_stage(conn, application_id=app.id, stage="offer")  # no move
    created = [d for d in _deliveries(pool, space, "application.created")
               if d.payload["data"]["application_id"] == app.id]  # fmt: skip
    assert [d.payload["url"] for d in created] == ["http://127.0.0.1:9/all"]
    assert created[0].payload["data"]["candidate"].startswith("Candidate ")
    moved = [d for d in _deliveries(pool, space, "candidate.stage_changed")
             if d.payload["data"]["application_id"] == app.id]  # fmt: skip
    assert len(moved) == 1
    assert (moved[0].payload["data"]["from"], moved[0].payload["data"]["to"]) == (
        "new", "offer",
    )  # fmt: skip


def test_a_strong_screening_tells_recruiters_and_owners_not_viewers(pool, crew) -> None:  # type: ignore[no-untyped-def]
    space, people = crew["space"], crew["people"]
    with transaction(pool, workspace_id=space.id) as conn:
        strong = factories.application(conn, space)
        weak = factories.application(conn, space)
        screenings.record_screening(
            conn, workspace_id=space.id, application_id=strong.id, score=91,
            recommendation="strongly_recommend", engine="offline",
        )  # fmt: skip
        screenings.record_screening(
            conn, workspace_id=space.id, application_id=weak.id, score=40,
            recommendation="reject", engine="offline",
        )  # fmt: skip
    for role in ("owner", "recruiter"):
        told = [n for n in _inbox(pool, space, people[role].id) if n.kind == "candidate.strong"]
        assert [n.subject["application_id"] for n in told] == [strong.id]
        assert "91" in told[0].body
    assert _inbox(pool, space, people["viewer"].id) == []
    screened = {
        d.payload["data"]["application_id"] for d in _deliveries(pool, space, "screening.completed")
    }
    assert {strong.id, weak.id} <= screened


def test_a_rolled_back_change_tells_nobody(pool, crew) -> None:  # type: ignore[no-untyped-def]
    space, owner = crew["space"], crew["people"]["owner"]
    before = len(_inbox(pool, space, owner.id))
    with pytest.raises(RuntimeError):
        with transaction(pool, workspace_id=space.id) as conn:
            app = factories.application(conn, space)
            screenings.record_screening(
                conn, workspace_id=space.id, application_id=app.id, score=95,
                recommendation="strongly_recommend", engine="offline",
            )  # fmt: skip
            raise RuntimeError("the request failed after the screening")
    assert len(_inbox(pool, space, owner.id)) == before


def test_a_flagged_report_tells_twice_and_an_identical_save_not_again(pool, crew) -> None:  # type: ignore[no-untyped-def]
    space, recruiter = crew["space"], crew["people"]["recruiter"]
    with transaction(pool, workspace_id=space.id) as conn:
        interview = factories.interview(conn, space)
    report = dict(
        workspace_id=space.id, interview_id=interview.id, technical_skills=70,
        experience_relevance=60, communication=80, problem_solving=65, cultural_fit=70,
        overall=68, recommendation="consider", engine="offline", status="complete",
        details={"assessment": {"red_flags": [{"kind": "contradiction", "turn": 3}]}},
    )  # fmt: skip
    for _ in range(2):
        with transaction(pool, workspace_id=space.id) as conn:
            reports.save_report(conn, **report)  # type: ignore[arg-type]
    kinds = sorted(n.kind for n in _inbox(pool, space, recruiter.id)
                   if n.subject.get("interview_id") == interview.id)  # fmt: skip
    assert kinds == ["report.flagged", "report.ready"]
    ready = [d for d in _deliveries(pool, space, "report.ready")
             if d.payload["data"]["interview_id"] == interview.id]  # fmt: skip
    assert sorted(d.payload["url"] for d in ready) == [
        "http://127.0.0.1:9/all", "http://127.0.0.1:9/reports-only",
    ]  # fmt: skip
    assert ready[0].payload["data"]["red_flags"] == ["contradiction"]


def test_chosen_channels_queue_messages_with_the_slack_url_sealed(pool, crew) -> None:  # type: ignore[no-untyped-def]
    space, owner = crew["space"], crew["people"]["owner"]
    url = "https://hooks.slack.test/services/T0/B0/secret-part"
    sealed = BOX.seal(url, purpose=notifications.slack_purpose(space.id, owner.id))
    with transaction(pool, workspace_id=space.id) as conn:
        notifications.save_settings(
            conn, workspace_id=space.id, user_id=owner.id, language="ru",
            channels={"outbox.failed": ["email", "slack"]},
            slack_webhook_sealed=sealed,
        )  # fmt: skip
        told = notifications.notify(
            conn, workspace_id=space.id, kind="outbox.failed", dedupe_key="outbox:test:1",
            subject={"channel": "email.invite", "attempts": 8, "error": "HTTP 550"},
        )  # fmt: skip
        again = notifications.notify(
            conn, workspace_id=space.id, kind="outbox.failed", dedupe_key="outbox:test:1",
            subject={"channel": "email.invite", "attempts": 8, "error": "HTTP 550"},
        )  # fmt: skip
        queued = [
            i
            for i in outbox.list_items(conn)
            if i.idempotency_key.startswith("notify:outbox:test:1")
        ]
        raw = conn.execute(
            "select payload::text from outbox where idempotency_key like 'notify:outbox:test:1%%'"
        ).fetchall()
    assert (told, again) == (1, 0)  # owners only, once
    by_kind = {i.kind: i for i in queued}
    assert set(by_kind) == {"email.notification", "slack.notification"}
    assert by_kind["email.notification"].payload["to"] == "owner@events.test"
    assert "Сообщение не отправлено" == by_kind["email.notification"].payload["subject"]
    slack = by_kind["slack.notification"].payload
    assert (
        BOX.open(
            base64.b64decode(slack["webhook_url_sealed"]), purpose=slack["webhook_url_purpose"]
        )
        == url
    )
    assert all(url not in row[0] and "secret-part" not in row[0] for row in raw)


def test_settings_are_checked_and_inboxes_stay_in_their_workspace(pool, crew) -> None:  # type: ignore[no-untyped-def]
    space, owner = crew["space"], crew["people"]["owner"]
    other = factories.workspace(pool)
    with transaction(pool, workspace_id=space.id) as conn:
        with pytest.raises(Exception, match="unknown channels"):
            notifications.save_settings(
                conn, workspace_id=space.id, user_id=owner.id, language="en",
                channels={"report.ready": ["fax"]},
            )  # fmt: skip
    with transaction(pool, workspace_id=space.id) as conn:
        with pytest.raises(Exception, match="unknown notification kinds"):
            notifications.save_settings(
                conn, workspace_id=space.id, user_id=owner.id, language="en",
                channels={"lunch.ready": ["email"]},
            )  # fmt: skip
    assert _inbox(pool, space, owner.id)
    with transaction(pool, workspace_id=other.id) as conn:
        assert notifications.list_inbox(conn, user_id=owner.id) == []
        assert conn.execute("select count(*) from notifications").fetchone() == (0,)
        assert conn.execute("select count(*) from webhook_endpoints").fetchone() == (0,)
    with transaction(pool, workspace_id=space.id) as conn:
        marked = notifications.mark_all_read(conn, user_id=owner.id)
        assert marked > 0 and notifications.unread_count(conn, user_id=owner.id) == 0
