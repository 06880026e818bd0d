"""Sessions end when they should (sign-out, password change) and password guessing is
throttled per account and per address, the same for unknown e-mails (issue 11, point 7)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from itertools import count

import pytest
from fastapi.testclient import TestClient
from psycopg_pool import ConnectionPool

from db.pool import transaction
from serve_apps import accounts, sign_in
from tests.serve_apps.conftest import login

PASSWORD = "correct horse battery"
_NUMBERS = count()


@pytest.fixture()
def person(pool: ConnectionPool) -> str:
    email = f"user{next(_NUMBERS)}@sessions.test"
    accounts.create_user_account(pool, email=email, password=PASSWORD)
    return email


def _clear_failures(pool: ConnectionPool) -> None:
    with transaction(pool) as conn:
        conn.execute("delete from login_failures")


def test_sign_out_ends_the_token_and_only_it(client: TestClient, person: str) -> None:
    first = login(client, person, PASSWORD)
    second = login(client, person, PASSWORD)
    assert client.post("/api/v1/auth/logout", headers=first).status_code == 204
    refused = client.get("/api/v1/me", headers=first)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "session_ended"
    assert client.get("/api/v1/me", headers=second).status_code == 200


def test_a_password_change_ends_every_other_session(client: TestClient, person: str) -> None:
    here = login(client, person, PASSWORD)
    elsewhere = login(client, person, PASSWORD)
    changed = client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "a new passphrase"},
        headers=here,
    )
    assert changed.status_code == 204, changed.text
    assert client.get("/api/v1/me", headers=elsewhere).status_code == 401
    assert client.get("/api/v1/me", headers=here).status_code == 200
    login(client, person, "a new passphrase")


def test_an_api_key_cannot_sign_out(client: TestClient, pool: ConnectionPool) -> None:
    workspace = accounts.create_workspace(pool, name="Keys Only", owner_id=None)
    _, plaintext = accounts.issue_api_key(pool, workspace_id=workspace.id, name="t")
    response = client.post("/api/v1/auth/logout", headers={"X-API-Key": plaintext})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_a_session"


@pytest.mark.parametrize("known", [True, False], ids=["known", "unknown"])
def test_guessing_one_account_is_throttled_alike_for_known_and_unknown_emails(
    client: TestClient, pool: ConnectionPool, person: str, known: bool
) -> None:
    _clear_failures(pool)
    email = person if known else "nobody-" + person
    codes = []
    for _ in range(sign_in.MAX_FAILURES_PER_ACCOUNT + 2):
        response = client.post(
            "/api/v1/auth/login", json={"email": email, "password": "guess-1234"}
        )
        codes.append(response.status_code)
    assert codes[: sign_in.MAX_FAILURES_PER_ACCOUNT] == [401] * sign_in.MAX_FAILURES_PER_ACCOUNT
    assert codes[-1] == 429
    throttled = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert throttled.status_code == 429  # even the right password waits
    assert throttled.json()["error"]["code"] == "too_many_attempts"
    assert 0 < int(throttled.headers["Retry-After"]) <= 15 * 60
    _clear_failures(pool)


def test_parallel_guesses_do_not_slip_past_the_limit(
    client: TestClient, pool: ConnectionPool, person: str
) -> None:
    _clear_failures(pool)

    def guess(_: int) -> int:
        body = {"email": person, "password": "guess-5678"}
        return client.post("/api/v1/auth/login", json=body).status_code

    with ThreadPoolExecutor(8) as workers:
        codes = list(workers.map(guess, range(30)))
    assert codes.count(401) <= sign_in.MAX_FAILURES_PER_ACCOUNT
    assert codes.count(429) >= 30 - sign_in.MAX_FAILURES_PER_ACCOUNT
    _clear_failures(pool)


def test_a_success_forgets_earlier_failures(
    client: TestClient, pool: ConnectionPool, person: str
) -> None:
    _clear_failures(pool)
    for _ in range(sign_in.MAX_FAILURES_PER_ACCOUNT - 1):
        client.post("/api/v1/auth/login", json={"email": person, "password": "nope-nope"})
    login(client, person, PASSWORD)
    for _ in range(sign_in.MAX_FAILURES_PER_ACCOUNT - 1):
        wrong = client.post("/api/v1/auth/login", json={"email": person, "password": "nope-nope"})
        assert wrong.status_code == 401
    _clear_failures(pool)


def test_one_address_guessing_many_accounts_is_throttled(
    client: TestClient, pool: ConnectionPool
) -> None:
    _clear_failures(pool)
    codes = [
        client.post(
            "/api/v1/auth/login", json={"email": f"spray{i}@sessions.test", "password": "x1"}
        ).status_code
        for i in range(sign_in.MAX_FAILURES_PER_ADDRESS + 1)
    ]
    assert codes[-1] == 429 and codes.count(401) == sign_in.MAX_FAILURES_PER_ADDRESS
    _clear_failures(pool)


def test_signing_in_clears_the_users_long_ended_sessions(
    client: TestClient, pool: ConnectionPool, person: str
) -> None:
    headers = login(client, person, PASSWORD)
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    with transaction(pool) as conn:  # admin-free: back-date through the user's own context
        user_id = conn.execute("select id from login_credentials(%s)", (person,)).fetchone()[0]
    with transaction(pool, user_id=user_id) as conn:
        conn.execute(
            "update sessions set revoked_at = now() - interval '2 days' where user_id = %s",
            (user_id,),
        )
    login(client, person, PASSWORD)
    with transaction(pool, user_id=user_id) as conn:
        ended = conn.execute(
            "select count(*) from sessions where revoked_at is not null"
        ).fetchone()[0]
    assert ended == 0


def test_a_hash_with_old_parameters_is_replaced_at_sign_in(
    client: TestClient, pool: ConnectionPool, product_password_hashes: None
) -> None:
    from argon2 import PasswordHasher

    from db import users
    from serve_apps.security import needs_rehash

    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    assert needs_rehash(old)
    with transaction(pool) as conn:
        users.create_user(conn, email="legacy@sessions.test", password_hash=old)
    login(client, "legacy@sessions.test", PASSWORD)
    with transaction(pool) as conn:
        stored = conn.execute(
            "select password_hash from login_credentials(%s)", ("legacy@sessions.test",)
        ).fetchone()[0]
    assert stored != old and not needs_rehash(stored)
    login(client, "legacy@sessions.test", PASSWORD)  # the new hash verifies
