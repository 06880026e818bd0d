"""HeadHunter into the product against an HH-compatible server (tests/fakes/hh/): the OAuth
connection, a full sync with screening, a re-sync that changes nothing, one token refresh for
four concurrent users, 429s waited out as HH asks, a captcha turned into a person's action, a
stage change reaching HH through the response's own action, and a sync cut short finished by
the next one without duplicates."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

from db import applications, import_runs, integrations, notifications, outbox
from db.pool import transaction
from pipelines.automation.outbox import LEASE_S
from pipelines.engine_set import offline_engines
from pipelines.hh_import import connection
from pipelines.hh_import.run import run_sync
from pipelines.outbox.channels.hh import HHChannel
from pipelines.outbox.dispatcher import dispatch_due
from scraper.hh.client import HHClient
from scraper.hh.tokens import DbTokens
from tests.fakes.hh.data import World
from tests.fakes.hh.fixtures import configured_for_hh
from tests.fakes.hh.server import FakeHH
from tests.pipelines.hh_import.connect import connect_workspace as _connect


@pytest.fixture(scope="module")
def engines():  # type: ignore[no-untyped-def]
    return offline_engines()


def _count(pool, space, table: str) -> int:  # type: ignore[no-untyped-def]
    with transaction(pool, workspace_id=space.id) as conn:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: S608


@pytest.fixture(scope="module")
def synced(pool, hh_settings, hh, engines) -> Iterator[tuple]:  # type: ignore[no-untyped-def]
    owner, space = _connect(pool, hh_settings, hh, "HH Co")
    first = run_sync(pool, engines, hh_settings, workspace_id=space.id)
    yield owner, space, first


def test_a_full_sync_imports_and_screens_and_a_second_changes_nothing(  # type: ignore[no-untyped-def]
    pool, hh, hh_settings, engines, synced
) -> None:
    owner, space, first = synced
    world: World = hh.world
    active = [v for v in world.vacancies if not v.archived]
    expected = [n for n in world.negotiations if any(v.id == n.vacancy_id for v in active)
                and not n.employer_state.startswith("discard")]  # fmt: skip
    assert first["vacancies"]["new"] == len(world.vacancies) and first["vacancies"]["failed"] == 0
    assert first["responses"]["new"] == len(expected) and first["responses"]["failed"] == 0
    assert first["responses"]["screened"] == len(expected)
    with transaction(pool, workspace_id=space.id) as conn:
        rows = conn.execute(
            "select a.external_id, a.source, a.score, r.source, r.profile_engine, c.phone, "
            "c.email, c.telegram_username from applications a join resumes r on r.id = "
            "a.resume_id join candidates c on c.id = a.candidate_id"
        ).fetchall()
        archived = conn.execute("select count(*) from vacancies where status = 'archived'")
        assert archived.fetchone()[0] == len(world.vacancies) - len(active)
        stored = integrations.require(conn, kind="hh")
    assert sorted(r[0] for r in rows) == sorted(n.id for n in expected)
    assert all(r[1] == "hh" and r[2] is not None and r[3] == "hh" and r[4] == "hh" for r in rows)
    by_resume = {n.id: world.resumes[n.resume_id] for n in expected}
    for nid, *_, phone, email, telegram in rows:  # contacts from HH's own fields
        resume = by_resume[nid]
        assert email == resume.email and phone.endswith(resume.phone.number[-7:])
        if resume.telegram:
            assert telegram == resume.telegram.lstrip("@")
    assert stored.status == "connected" and stored.settings["employer_id"] == world.employer.id
    assert hh.world.employer.name == stored.settings["employer_name"]
    # Tokens are sealed at rest: the access token is nowhere in the row in clear.
    assert hh.issue_tokens()["access_token"].encode() not in bytes(stored.secrets_encrypted)

    counts = {t: _count(pool, space, t) for t in ("vacancies", "candidates", "resumes",
                                                   "applications", "screenings")}  # fmt: skip
    again = run_sync(pool, engines, hh_settings, workspace_id=space.id)
    assert again["vacancies"]["unchanged"] == len(world.vacancies)
    assert again["responses"]["unchanged"] == len(expected) and again["responses"]["new"] == 0
    assert {t: _count(pool, space, t) for t in counts} == counts
    with transaction(pool, workspace_id=space.id) as conn:
        runs = import_runs.recent(conn, source="hh")
    assert [(r.kind, r.status) for r in runs[:4]] == [
        ("responses", "done"), ("vacancies", "done"), ("responses", "done"), ("vacancies", "done"),
    ]  # fmt: skip


def test_four_users_of_an_expired_token_refresh_it_once(pool, hh, hh_settings, synced) -> None:  # type: ignore[no-untyped-def]
    _, space, _ = synced
    hh.expire_access_tokens()
    before = hh.refreshes
    answers: list[str] = []
    go = threading.Barrier(4)

    def one() -> None:
        async def ask() -> str:
            async with HHClient(hh_settings, DbTokens(pool, hh_settings, space.id)) as client:
                return (await client.me()).employer.id  # type: ignore[union-attr]

        go.wait()
        answers.append(asyncio.run(ask()))

    threads = [threading.Thread(target=one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert answers == [hh.world.employer.id] * 4
    assert hh.refreshes == before + 1


def test_a_429_is_waited_out_as_long_as_hh_asks(pool, hh_settings) -> None:  # type: ignore[no-untyped-def]
    with FakeHH(World.sample(rng_seed=2, vacancies=1, responses_per_vacancy=1),
                rate_limit_per_s=1.0) as slow:  # fmt: skip
        settings = configured_for_hh(hh_settings, slow).model_copy(
            update={"hh_requests_per_s": 50.0}  # our own limit above HH's: HH says 429
        )
        token = slow.issue_tokens()["access_token"]

        async def three() -> float:
            started = time.monotonic()
            async with HHClient(settings, connection._Fixed(token)) as client:  # noqa: SLF001
                for _ in range(3):
                    await client.me()
            return time.monotonic() - started

        elapsed = asyncio.run(three())
        calls = [r for r in slow.requests if r[1] == "/me"]
    assert len(calls) > 3  # some were answered 429 and sent again
    assert elapsed >= 1.9  # three at 1/s: never sooner than Retry-After


def test_a_captcha_stops_the_sync_for_a_person_and_the_next_run_goes_on(  # type: ignore[no-untyped-def]
    pool, hh, hh_settings, engines, synced
) -> None:
    owner, space, _ = synced
    hh.captcha_next(1)
    stopped = run_sync(pool, engines, hh_settings, workspace_id=space.id, kinds=("vacancies",))
    assert stopped["vacancies"]["error"]["code"] == "hh_captcha_required"
    with transaction(pool, workspace_id=space.id) as conn:
        row = integrations.require(conn, kind="hh")
        told = [n for n in notifications.list_inbox(conn, user_id=owner.id)
                if n.kind == "hh.action_needed"]  # fmt: skip
    assert row.status == "action_needed" and row.settings["action"] == "hh_captcha_required"
    link = row.settings["action_url"]
    assert link.startswith(hh.api_url) and "backurl=" in link
    assert len(told) == 1 and link in told[0].body
    again = run_sync(pool, engines, hh_settings, workspace_id=space.id, kinds=("vacancies",))
    assert "error" not in again["vacancies"]
    with transaction(pool, workspace_id=space.id) as conn:
        assert integrations.require(conn, kind="hh").status == "connected"


def test_a_stage_change_reaches_hh_through_the_responses_own_action(  # type: ignore[no-untyped-def]
    pool, hh, hh_settings, synced
) -> None:
    _, space, _ = synced
    active = {v.id for v in hh.world.vacancies if not v.archived}
    fresh = next(n for n in hh.world.negotiations
                 if n.employer_state == "response" and n.vacancy_id in active)  # fmt: skip
    with transaction(pool, workspace_id=space.id) as conn:
        application_id = conn.execute(
            "select id from applications where external_id = %s", (fresh.id,)
        ).fetchone()[0]
        applications.change_stage(conn, application_id=application_id, stage="interview_scheduled")
    channel = HHChannel(pool, hh_settings)
    counts = dispatch_due(
        pool, {"hh": channel}, workspace_id=space.id, only=("hh",), lease_s=LEASE_S
    )
    assert counts.sent == 1, counts
    done = [a for a in hh.world.actions if a.negotiation_id == fresh.id]
    assert [a.to_state for a in done] == ["interview"]
    assert fresh.employer_state == "interview"
    with transaction(pool, workspace_id=space.id) as conn:
        item = next(i for i in outbox.list_items(conn) if i.kind == "hh.action")
        # Sent again (a crash before the mark): HH already shows it, nothing is done twice.
        conn.execute("update outbox set status = 'pending', available_at = now() where id = %s",
                     (item.id,))  # fmt: skip
    assert (
        dispatch_due(
            pool, {"hh": channel}, workspace_id=space.id, only=("hh",), lease_s=LEASE_S
        ).sent
        == 1
    )
    assert len([a for a in hh.world.actions if a.negotiation_id == fresh.id]) == 1
    with transaction(pool, workspace_id=space.id) as conn:
        assert outbox.get_item(conn, item_id=item.id).external_id.endswith(":already")


def test_a_sync_cut_short_is_finished_by_the_next_without_duplicates(  # type: ignore[no-untyped-def]
    pool, hh_settings, engines
) -> None:
    with FakeHH(World.sample(rng_seed=3, vacancies=1, responses_per_vacancy=8)) as cut:
        settings = configured_for_hh(hh_settings, cut).model_copy(update={"hh_max_retries": 0})
        _, space = _connect(pool, settings, cut, "HH Cut")
        run_sync(pool, engines, settings, workspace_id=space.id, kinds=("vacancies",))
        with transaction(pool, workspace_id=space.id) as conn:  # a worker killed mid-run
            run_id = import_runs.start(conn, workspace_id=space.id, source="hh", kind="responses")
            conn.execute("update import_runs set heartbeat_at = now() - interval '1 hour' "
                         "where id = %s", (run_id,))  # fmt: skip
        result: dict = {}
        worker = threading.Thread(target=lambda: result.update(run_sync(
            pool, engines, settings, workspace_id=space.id, kinds=("responses",))))  # fmt: skip
        worker.start()
        deadline = time.monotonic() + 60
        while _count(pool, space, "applications") < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        cut.fail_next(503, times=1000)  # HH goes down half-way through
        worker.join(120)
        cut._failures.clear()  # noqa: SLF001 - HH is back
        assert result["responses"]["error"]["code"] == "hh_unavailable"
        assert 2 <= _count(pool, space, "applications") < 8
        finished = run_sync(pool, engines, settings, workspace_id=space.id, kinds=("responses",))
        wanted = [n.id for n in cut.world.negotiations
                  if not n.employer_state.startswith("discard")]  # fmt: skip
        with transaction(pool, workspace_id=space.id) as conn:
            ids = [r[0] for r in conn.execute("select external_id from applications")]
            runs = {r.id: r for r in import_runs.recent(conn, source="hh")}
    assert sorted(ids) == sorted(wanted) and len(ids) == len(set(ids))
    assert finished["responses"]["new"] + finished["responses"]["unchanged"] == len(wanted)
    assert finished["responses"]["new"] >= 1
    assert runs[run_id].status == "failed" and runs[run_id].error == "interrupted"
    assert timedelta(0) < runs[run_id].finished_at - runs[run_id].started_at  # type: ignore[operator]


def test_new_applicants_are_invited_and_greeted_in_hh_when_the_workspace_asks(  # type: ignore[no-untyped-def]
    pool, hh_settings, engines
) -> None:
    with FakeHH(World.sample(rng_seed=4, vacancies=1, responses_per_vacancy=2, archived=0)) as hh:
        settings = configured_for_hh(hh_settings, hh)
        _, space = _connect(pool, settings, hh, "HH Welcome")
        with transaction(pool, workspace_id=space.id) as conn:
            integrations.merge_settings(conn, kind="hh", values={"welcome": True})
        run_sync(pool, engines, settings, workspace_id=space.id)
        with transaction(pool, workspace_id=space.id) as conn:
            greetings = [i for i in outbox.list_items(conn) if i.kind == "hh.message"]
            invited = conn.execute("select count(*) from interviews").fetchone()[0]
        imported = [n for n in hh.world.negotiations if not n.employer_state.startswith("discard")]
        assert invited == len(imported) == len(greetings)
        assert all("/i/" in g.payload["text"] or "http" in g.payload["text"] for g in greetings)
        sent = dispatch_due(pool, {"hh": HHChannel(pool, settings)}, workspace_id=space.id,
                            only=("hh",), lease_s=LEASE_S)  # fmt: skip
        # Invited: the stage went to HH too (each response's own action), then the greeting.
        assert sent.sent == 2 * len(greetings) and sent.failed == 0
        assert {n.employer_state for n in imported} <= {"interview", "invitation"}
        for greeting in greetings:
            chat = hh.world.negotiation(greeting.payload["negotiation_id"]).messages
            assert chat[-1].text == greeting.payload["text"]
        again = run_sync(pool, engines, settings, workspace_id=space.id, kinds=("responses",))
        with transaction(pool, workspace_id=space.id) as conn:
            count = len([i for i in outbox.list_items(conn) if i.kind == "hh.message"])
    assert again["responses"]["new"] == 0 and count == len(greetings)  # greeted once
