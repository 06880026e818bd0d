"""Idempotency keys (db.idempotency): claimed once, completed with a sealed response, released
after failures, taken over once expired or abandoned, and isolated per workspace and caller."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from uuid import uuid4

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from db import idempotency
from db.errors import TenantContextMissing
from db.idempotency import Claim, Held, KeyScope, StoredResponse
from db.pool import before_commit, transaction
from db.secret_box import SecretBox
from db.settings import Settings
from db.workspaces import Workspace
from tests.db import factories

A = hashlib.sha256(b"request a").digest()
B = hashlib.sha256(b"request b").digest()
RESPONSE = StoredResponse(201, b'{"id": 7, "key": "sel_secret"}', "application/json", "/x/7")


@pytest.fixture(scope="module")
def box(settings: Settings) -> SecretBox:
    return SecretBox(settings.resolved_secret_key())


@pytest.fixture(scope="module")
def acme(pool: ConnectionPool) -> Workspace:
    return factories.workspace(pool, "Acme")


@pytest.fixture(scope="module")
def globex(pool: ConnectionPool) -> Workspace:
    return factories.workspace(pool, "Globex")


def _scope(ws: Workspace, key: str | None = None, principal: str = "api_key:1") -> KeyScope:
    return KeyScope(ws.id, principal, key or uuid4().hex, "POST", "/api/v1/vacancies")


def _claim(
    pool: ConnectionPool, scope: KeyScope, box: SecretBox, request: bytes = A, **kw: timedelta
) -> Claim | Held:
    with transaction(pool, workspace_id=scope.workspace_id) as conn:
        return idempotency.claim(conn, scope=scope, fingerprint=request, box=box, **kw)


def _complete(pool: ConnectionPool, scope: KeyScope, claim: Claim, box: SecretBox) -> bool:
    with transaction(pool, workspace_id=scope.workspace_id) as conn:
        return idempotency.complete(conn, claim=claim, response=RESPONSE, box=box)


def test_a_claimed_key_is_held_until_completed_then_replayed(
    pool: ConnectionPool, acme: Workspace, box: SecretBox
) -> None:
    scope = _scope(acme)
    claim = _claim(pool, scope, box)
    assert isinstance(claim, Claim)
    running = _claim(pool, scope, box)
    assert isinstance(running, Held) and running.state == "running" and running.response is None
    assert running.same_request(A) and not running.same_request(B)
    assert _complete(pool, scope, claim, box)
    done = _claim(pool, scope, box)
    assert isinstance(done, Held) and done.state == "completed" and done.response == RESPONSE
    with transaction(pool, workspace_id=acme.id) as conn:
        assert idempotency.lookup(conn, scope=scope, box=box) == done
    reused = _claim(pool, scope, box, B)
    assert isinstance(reused, Held) and not reused.same_request(B)


def test_the_stored_response_is_sealed(
    pool: ConnectionPool, admin_conn: psycopg.Connection, acme: Workspace, box: SecretBox
) -> None:
    scope = _scope(acme)
    claim = _claim(pool, scope, box)
    assert isinstance(claim, Claim) and _complete(pool, scope, claim, box)
    row = admin_conn.execute(
        "select response_body from idempotency_keys where id = %s", (claim.id,)
    ).fetchone()
    assert row is not None and b"sel_secret" not in bytes(row[0])


def test_a_released_key_can_be_claimed_again(
    pool: ConnectionPool, acme: Workspace, box: SecretBox
) -> None:
    scope = _scope(acme)
    first = _claim(pool, scope, box)
    assert isinstance(first, Claim)
    with transaction(pool, workspace_id=acme.id) as conn:
        assert idempotency.release(conn, claim=first)
    again = _claim(pool, scope, box, B)  # another body is fine: the first never answered
    assert isinstance(again, Claim) and again.token != first.token
    # The first request can neither complete nor release what is the retry's now.
    assert not _complete(pool, scope, first, box)
    with transaction(pool, workspace_id=acme.id) as conn:
        assert not idempotency.release(conn, claim=first)
    assert _complete(pool, scope, again, box)


def test_an_expired_key_is_claimed_afresh_and_swept(
    pool: ConnectionPool, acme: Workspace, box: SecretBox
) -> None:
    scope = _scope(acme)
    old = _claim(pool, scope, box, ttl=timedelta(0))
    assert isinstance(old, Claim) and _complete(pool, scope, old, box)
    with transaction(pool, workspace_id=acme.id) as conn:
        assert idempotency.lookup(conn, scope=scope, box=box) is None
    fresh = _claim(pool, scope, box, B)  # expired: even another request may use the key
    assert isinstance(fresh, Claim)
    stale = _claim(pool, _scope(acme), box, ttl=timedelta(0))
    assert isinstance(stale, Claim)
    with transaction(pool, workspace_id=acme.id) as conn:
        assert idempotency.delete_expired(conn) >= 1
        assert idempotency.delete_expired(conn) == 0


def test_a_running_key_past_its_lease_is_taken_over_by_the_same_request_only(
    pool: ConnectionPool, acme: Workspace, box: SecretBox
) -> None:
    scope = _scope(acme)
    dead = _claim(pool, scope, box, lease=timedelta(0))
    assert isinstance(dead, Claim)
    other = _claim(pool, scope, box, B)
    assert isinstance(other, Held) and not other.same_request(B)
    retry = _claim(pool, scope, box, A)
    assert isinstance(retry, Claim) and retry.id == dead.id and retry.token != dead.token
    assert not _complete(pool, scope, dead, box)


def test_a_key_whose_work_committed_is_never_run_again(
    pool: ConnectionPool, acme: Workspace, box: SecretBox
) -> None:
    """The request marks its key in its own transaction (db.pool.before_commit); when it then
    dies, a retry past the lease learns the outcome is unknown instead of running again, and a
    release (after a failure) leaves the key for its failure to be kept."""
    scope = _scope(acme)
    dead = _claim(pool, scope, box, lease=timedelta(0))
    assert isinstance(dead, Claim)
    with before_commit(lambda conn: idempotency.mark_effect(conn, claim=dead)):
        with transaction(pool, workspace_id=acme.id) as conn:
            conn.execute("select txid_current()")  # the request's work: it writes
    retry = _claim(pool, scope, box, A)
    assert isinstance(retry, Held) and retry.lost and retry.response is None
    with transaction(pool, workspace_id=acme.id) as conn:
        assert not idempotency.release(conn, claim=dead)
    assert _complete(pool, scope, dead, box)  # its (failure) answer is kept for replay
    replay = _claim(pool, scope, box, A)
    assert isinstance(replay, Held) and replay.response == RESPONSE and not replay.lost


def test_work_rolled_back_leaves_the_key_free_to_run_again(
    pool: ConnectionPool, acme: Workspace, box: SecretBox
) -> None:
    scope = _scope(acme)
    dead = _claim(pool, scope, box, lease=timedelta(0))
    assert isinstance(dead, Claim)
    with (
        pytest.raises(RuntimeError),
        before_commit(lambda conn: idempotency.mark_effect(conn, claim=dead)),
        transaction(pool, workspace_id=acme.id),
    ):
        raise RuntimeError("the work failed before committing")
    retry = _claim(pool, scope, box, A)
    assert isinstance(retry, Claim) and retry.id == dead.id


def test_keys_are_per_workspace_and_per_principal(
    pool: ConnectionPool, acme: Workspace, globex: Workspace, box: SecretBox
) -> None:
    key = uuid4().hex
    mine = _claim(pool, _scope(acme, key), box)
    assert isinstance(mine, Claim) and _complete(pool, _scope(acme, key), mine, box)
    assert isinstance(_claim(pool, _scope(globex, key), box), Claim)
    assert isinstance(_claim(pool, _scope(acme, key, principal="user:5"), box), Claim)
    with transaction(pool, workspace_id=globex.id) as conn:
        assert idempotency.lookup(conn, scope=_scope(acme, key), box=box) is None
        assert conn.execute(
            "select count(*) from idempotency_keys where workspace_id = %s", (acme.id,)
        ).fetchone() == (0,)
    with pytest.raises(TenantContextMissing), transaction(pool, workspace_id=globex.id) as conn:
        idempotency.claim(conn, scope=_scope(acme), fingerprint=A, box=box)


def test_the_hourly_sweep_forgets_expired_keys_of_every_workspace_and_nothing_else(
    pool: ConnectionPool, acme: Workspace, globex: Workspace, box: SecretBox,
    admin_conn: psycopg.Connection,
) -> None:  # fmt: skip
    from pipelines.automation.runner import run_global

    live = [_scope(ws) for ws in (acme, globex)]
    for scope in live:
        assert isinstance(_claim(pool, scope, box), Claim)
    for ws in (acme, globex):
        assert isinstance(_claim(pool, _scope(ws), box, ttl=timedelta(0)), Claim)

    def expired_by_workspace() -> dict[object, int]:
        return dict(admin_conn.execute(
            "select workspace_id, count(*) from idempotency_keys where expires_at <= now()"
            " group by workspace_id"
        ).fetchall())  # fmt: skip

    expired = expired_by_workspace()
    assert {acme.id, globex.id} <= set(expired)
    assert run_global(pool, kind="forget_idempotency_keys") == {
        "keys_deleted": sum(expired.values())
    }
    assert expired_by_workspace() == {}
    kept = admin_conn.execute(
        "select key from idempotency_keys where key = any(%s)", ([s.key for s in live],)
    ).fetchall()
    assert len(kept) == 2  # the live keys are untouched
