"""Parse leases on resumes: a claim holds a resume for a while, not for ever. A dead worker's
resume is taken over (by the same task's retry at once, by anyone once the lease ran out), a
live lease keeps others off, too many attempts end the resume failed with a reason, and a
holder that lost its lease can no longer finish the resume (`ParseLeaseLost`). The module
under test is `db.resume_leases`."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from db import resume_leases, resumes
from db.errors import InvalidTransition, InvalidValue, ParseLeaseLost
from db.pool import transaction
from db.workspaces import Workspace
from tests.db import factories


def _expire(admin_conn: psycopg.Connection, resume_id: int) -> None:
    """Let the resume's lease run out, as if its length had passed."""
    admin_conn.execute(
        "update resumes set parse_lease_until = now() - interval '1 second' where id = %s",
        (resume_id,),
    )


def _owner_of(admin_conn: psycopg.Connection, resume_id: int) -> str | None:
    row = admin_conn.execute("select parse_owner from resumes where id = %s", (resume_id,))
    return row.fetchone()[0]  # type: ignore[index]


def _claim(
    pool: ConnectionPool, ws: Workspace, resume_id: int, owner: str | None = None, **kw: Any
) -> resume_leases.ParseClaim:
    with transaction(pool, workspace_id=ws.id) as conn:
        return resume_leases.claim_for_parsing(conn, resume_id=resume_id, owner=owner, **kw)


def _lease(
    pool: ConnectionPool, ws: Workspace, resume_id: int, owner: str
) -> resume_leases.ParseLease:
    lease = _claim(pool, ws, resume_id, owner).lease
    assert lease is not None
    return lease


def _pending(pool: ConnectionPool) -> tuple[Workspace, int]:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        return ws, factories.resume(conn, ws).id


def _save(conn: psycopg.Connection, lease: resume_leases.ParseLease, text: str) -> resumes.Resume:
    return resume_leases.save_parsed(
        conn, lease=lease, text=text, profile={}, profile_engine="offline"
    )


def test_claim_holds_the_resume_for_the_lease_length(pool: ConnectionPool) -> None:
    ws, rid = _pending(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        claim = resume_leases.claim_for_parsing(conn, resume_id=rid, owner="task-a")
        now = conn.execute("select now()").fetchone()[0]  # type: ignore[index]
    assert claim.lease is not None
    assert (claim.resume.status, claim.resume.parse_attempts) == ("parsing", 1)
    assert (claim.lease.resume_id, claim.lease.owner, claim.lease.attempt) == (rid, "task-a", 1)
    assert claim.lease.until - now == timedelta(seconds=resume_leases.PARSE_LEASE_S)
    assert claim.resume.parse_lease_until == claim.lease.until


def test_live_lease_keeps_other_workers_off(
    pool: ConnectionPool, admin_conn: psycopg.Connection
) -> None:
    ws, rid = _pending(pool)
    _claim(pool, ws, rid, "task-a")
    for other in ("task-b", None):
        with pytest.raises(InvalidTransition) as info:
            _claim(pool, ws, rid, other)
        assert (info.value.current, info.value.requested) == ("parsing", "parsing")
        assert not isinstance(info.value, ParseLeaseLost)  # a refused claim lost nothing
        assert "attempt 1 holds it until" in info.value.message
    with transaction(pool, workspace_id=ws.id) as conn:
        after = resumes.get_resume(conn, resume_id=rid)
    assert (after.status, after.parse_attempts) == ("parsing", 1)
    assert _owner_of(admin_conn, rid) == "task-a"


def test_retry_of_the_same_task_takes_over_at_once(pool: ConnectionPool) -> None:
    """Ray retries a task only when its attempt died (or raised a retryable error): the retry,
    with the same owner, need not wait for the dead attempt's lease to run out."""
    ws, rid = _pending(pool)
    dead = _lease(pool, ws, rid, "task-a")
    retry = _lease(pool, ws, rid, "task-a")
    assert (dead.attempt, retry.attempt) == (1, 2)
    with transaction(pool, workspace_id=ws.id) as conn:
        with pytest.raises(ParseLeaseLost):
            _save(conn, dead, "from the dead attempt")
    with transaction(pool, workspace_id=ws.id) as conn:
        parsed = _save(conn, retry, "from the retry")
    assert (parsed.status, parsed.text, parsed.parse_attempts) == ("parsed", "from the retry", 2)


def test_expired_lease_is_taken_over_by_anyone(
    pool: ConnectionPool, admin_conn: psycopg.Connection
) -> None:
    ws, rid = _pending(pool)
    _claim(pool, ws, rid, "task-a")
    _expire(admin_conn, rid)
    taken = _lease(pool, ws, rid, "task-b")
    assert (taken.owner, taken.attempt) == ("task-b", 2)
    assert _owner_of(admin_conn, rid) == "task-b"


def test_stale_holder_cannot_finish_over_the_new_one(
    pool: ConnectionPool, admin_conn: psycopg.Connection
) -> None:
    ws, rid = _pending(pool)
    stale = _lease(pool, ws, rid, "task-a")
    _expire(admin_conn, rid)
    fresh = _lease(pool, ws, rid, "task-b")
    with transaction(pool, workspace_id=ws.id) as conn:
        with pytest.raises(ParseLeaseLost) as saving:
            _save(conn, stale, "stale result")
    with transaction(pool, workspace_id=ws.id) as conn:
        with pytest.raises(ParseLeaseLost) as failing:
            resume_leases.fail_parse(conn, lease=stale, reason="stale failure")
    assert (saving.value.current, saving.value.requested) == ("parsing", "parsed")
    assert saving.value.code == failing.value.code == "parse_lease_lost"
    assert "attempt 2 holds it" in saving.value.message
    assert "attempt 1 lost it" in saving.value.message
    assert (failing.value.current, failing.value.requested) == ("parsing", "failed")
    with transaction(pool, workspace_id=ws.id) as conn:
        parsed = _save(conn, fresh, "fresh result")
    with transaction(pool, workspace_id=ws.id) as conn:
        with pytest.raises(ParseLeaseLost) as late:  # waking up after the new one finished
            _save(conn, stale, "stale result")
        stored = resumes.get_resume(conn, resume_id=rid)
    assert (late.value.current, late.value.requested) == ("parsed", "parsed")
    assert stored == parsed and stored.text == "fresh result"


def test_attempts_run_out_into_failed_with_a_reason(
    pool: ConnectionPool, admin_conn: psycopg.Connection
) -> None:
    ws, rid = _pending(pool)
    for n in range(resume_leases.MAX_PARSE_ATTEMPTS):
        assert _lease(pool, ws, rid, f"task-{n}").attempt == n + 1
        _expire(admin_conn, rid)
    claim = _claim(pool, ws, rid, "task-last")
    attempts = resume_leases.MAX_PARSE_ATTEMPTS
    assert claim.lease is None
    assert (claim.resume.status, claim.resume.parse_attempts) == ("failed", attempts)
    assert claim.resume.failure_reason == (
        f"parsing did not finish after {attempts} attempts (the worker stopped each time); "
        "the file was kept, retry later"
    )
    assert claim.resume.parse_lease_until is None and _owner_of(admin_conn, rid) is None
    with pytest.raises(InvalidTransition):  # failed stays failed until a person retries it
        _claim(pool, ws, rid, "task-again")
    with transaction(pool, workspace_id=ws.id) as conn:
        retried = resumes.set_resume_status(conn, resume_id=rid, status="pending")
    assert retried.parse_attempts == 0
    assert _lease(pool, ws, rid, "task-manual").attempt == 1


def test_same_task_retrying_past_the_limit_fails_too(pool: ConnectionPool) -> None:
    ws, rid = _pending(pool)
    _claim(pool, ws, rid, "task-a", max_attempts=2)
    _claim(pool, ws, rid, "task-a", max_attempts=2)
    claim = _claim(pool, ws, rid, "task-a", max_attempts=2)
    assert claim.lease is None
    assert (claim.resume.status, claim.resume.parse_attempts) == ("failed", 2)


def test_finishing_ends_the_lease(pool: ConnectionPool, admin_conn: psycopg.Connection) -> None:
    ws, parsed_id = _pending(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        failed_id = factories.resume(conn, ws).id
    parse = _lease(pool, ws, parsed_id, "task-a")
    fail = _lease(pool, ws, failed_id, "task-b")
    with transaction(pool, workspace_id=ws.id) as conn:
        parsed = _save(conn, parse, "text")
        failed = resume_leases.fail_parse(conn, lease=fail, reason=" empty file ")
        with pytest.raises(InvalidValue):
            resume_leases.fail_parse(conn, lease=fail, reason=" ")
    assert (parsed.status, parsed.parse_attempts, parsed.parse_lease_until) == ("parsed", 1, None)
    assert (failed.status, failed.failure_reason, failed.parse_lease_until) == (
        "failed",
        "empty file",
        None,
    )
    assert _owner_of(admin_conn, parsed_id) is None and _owner_of(admin_conn, failed_id) is None


def test_parsing_without_a_lease_counts_as_expired(
    pool: ConnectionPool, admin_conn: psycopg.Connection
) -> None:
    """Resumes left in 'parsing' before leases existed (the resumes of issue 11) recover."""
    ws, rid = _pending(pool)
    admin_conn.execute("update resumes set status = 'parsing' where id = %s", (rid,))
    lease = _lease(pool, ws, rid, "task-a")
    assert lease.attempt == 1


def test_claim_rejects_a_senseless_lease(pool: ConnectionPool) -> None:
    ws, rid = _pending(pool)
    for bad in ({"lease_s": 0}, {"max_attempts": 0}):
        with pytest.raises(InvalidValue):
            _claim(pool, ws, rid, "task-a", **bad)


def test_of_two_racing_claims_one_wins(
    pool: ConnectionPool, admin_conn: psycopg.Connection
) -> None:
    """Two workers that both see an expired lease: the second waits for the first's claim and
    then finds a live lease it may not take."""
    ws, rid = _pending(pool)
    _claim(pool, ws, rid, "task-dead")
    _expire(admin_conn, rid)
    errors: list[Exception] = []

    def second() -> None:
        try:
            _claim(pool, ws, rid, "task-b")
        except Exception as e:  # noqa: BLE001 - reported to the test thread
            errors.append(e)

    with transaction(pool, workspace_id=ws.id) as conn:
        assert (
            resume_leases.claim_for_parsing(conn, resume_id=rid, owner="task-a").lease is not None
        )
        racer = threading.Thread(target=second)
        racer.start()
        deadline = time.monotonic() + 30
        while not _blocked_on_a_lock(admin_conn) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _blocked_on_a_lock(admin_conn)
    racer.join(timeout=30)
    assert len(errors) == 1 and isinstance(errors[0], InvalidTransition)
    assert _owner_of(admin_conn, rid) == "task-a"


def _blocked_on_a_lock(admin_conn: psycopg.Connection) -> bool:
    row = admin_conn.execute(
        "select count(*) from pg_stat_activity where wait_event_type = 'Lock' "
        "and datname = current_database()"
    ).fetchone()
    return bool(row and row[0])


def test_recover_expired_parses_of_the_workspace(
    pool: ConnectionPool, admin_conn: psycopg.Connection
) -> None:
    ws, worth_retrying = _pending(pool)
    other_ws, elsewhere = _pending(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        used_up, live, waiting = (factories.resume(conn, ws).id for _ in range(3))
    _claim(pool, ws, worth_retrying, "task-a")
    for n in range(resume_leases.MAX_PARSE_ATTEMPTS):
        _claim(pool, ws, used_up, f"task-{n}")
        _expire(admin_conn, used_up)
    _claim(pool, ws, live, "task-live")
    _claim(pool, other_ws, elsewhere, "task-other")
    for rid in (worth_retrying, elsewhere):
        _expire(admin_conn, rid)
    with transaction(pool, workspace_id=ws.id) as conn:
        found = resume_leases.recover_expired_parses(conn)
    with transaction(pool, workspace_id=ws.id) as conn:
        states = {rid: resumes.get_resume(conn, resume_id=rid) for rid in (used_up, waiting)}
    assert found == resume_leases.ExpiredParses(resubmit=[worth_retrying], abandoned=[used_up])
    assert states[used_up].status == "failed"
    assert "did not finish after 3 attempts" in (states[used_up].failure_reason or "")
    assert states[waiting].status == "pending"
    assert _lease(pool, ws, worth_retrying, "task-resubmitted").attempt == 2
    with transaction(pool, workspace_id=other_ws.id) as conn:
        assert resume_leases.recover_expired_parses(conn).resubmit == [elsewhere]
