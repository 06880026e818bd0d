"""The `selectio` CLI: admin commands against a real database, and one clear line (never a
traceback) for settings a user must fix."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from db.migrate import latest_version
from serve_apps.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def env(settings, prepared):  # type: ignore[no-untyped-def]
    """Environment pointing the CLI at the module's database."""
    return {
        "SELECTIO_HOME": str(settings.home),
        "SELECTIO_DATABASE_URL": settings.database_url.get_secret_value(),
        "SELECTIO_SECRET_KEY": settings.secret_key.get_secret_value(),
    }


def run(env: dict[str, str], *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=env, input=input, catch_exceptions=False)


def test_db_migrate_is_idempotent(env) -> None:
    first = run(env, "db", "migrate")
    assert first.exit_code == 0, first.output
    assert f"schema is at version {latest_version():04d}" in first.output
    assert "applied" not in first.output  # the fixture already migrated this database


def test_workspace_user_and_key_commands(env, client_for) -> None:
    created = run(env, "workspace", "create", "Рога и Копыта")
    assert created.exit_code == 0, created.output
    assert "workspace roga-i-kopyta created" in created.output

    user = run(
        env, "user", "create", "--email", "lead@roga.test", "--password", "longpassword1",
        "--name", "Lead", "--workspace", "roga-i-kopyta", "--role", "owner",
    )  # fmt: skip
    assert user.exit_code == 0, user.output
    assert "added to roga-i-kopyta as owner" in user.output

    key = run(env, "apikey", "create", "--workspace", "roga-i-kopyta", "--role", "viewer")
    assert key.exit_code == 0, key.output
    plaintext = re.search(r"^(sel_\S+)$", key.stdout, re.M)
    assert plaintext, key.stdout
    response = client_for().get("/api/v1/workspaces", headers={"X-API-Key": plaintext.group(1)})
    assert [w["slug"] for w in response.json()] == ["roga-i-kopyta"]


def test_workspace_create_with_an_existing_owner(env, client_for) -> None:
    """The owner is found by e-mail under RLS (the operator's narrow lookup)."""
    made = run(env, "user", "create", "--email", "boss@owned.test", "--password", "longpassword2")
    assert made.exit_code == 0, made.output
    created = run(env, "workspace", "create", "Owned Co", "--owner", "boss@owned.test")
    assert created.exit_code == 0, created.output
    token = (
        client_for()
        .post("/api/v1/auth/login", json={"email": "boss@owned.test", "password": "longpassword2"})
        .json()["access_token"]
    )
    spaces = (
        client_for().get("/api/v1/workspaces", headers={"Authorization": f"Bearer {token}"}).json()
    )
    assert [(w["name"], w["role"]) for w in spaces] == [("Owned Co", "owner")]
    unknown = run(env, "workspace", "create", "Nobody Co", "--owner", "ghost@owned.test")
    assert unknown.exit_code == 1


def test_user_create_prompts_for_password_without_echo(env) -> None:
    result = run(
        env, "user", "create", "--email", "typed@roga.test", input="typedpass1\ntypedpass1\n"
    )
    assert result.exit_code == 0, result.output
    assert "typedpass1" not in result.output


def test_admin_errors_are_one_line(env) -> None:
    missing = run(env, "apikey", "create", "--workspace", "no-such-workspace")
    assert missing.exit_code == 1
    assert missing.output.strip() == "error: no workspace with slug or id 'no-such-workspace'"
    weak = run(env, "user", "create", "--email", "weak@roga.test", "--password", "short")
    assert weak.exit_code == 1
    assert "at least 8 characters" in weak.output
    role = run(env, "apikey", "create", "--workspace", "x", "--role", "admin")
    assert "unknown role 'admin'" in role.output


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """The installed CLI in a subprocess, as a user runs it."""
    full_env = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-m", "serve_apps", *args],
        env=full_env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_unreachable_database_is_one_clear_line(tmp_path) -> None:
    result = _cli(
        {
            "SELECTIO_HOME": str(tmp_path),
            "SELECTIO_DATABASE_URL": "postgresql://nobody:pw@127.0.0.1:1/selectio",
            "SELECTIO_DB_CONNECT_TIMEOUT_S": "2",
        },
        "db", "migrate",
    )  # fmt: skip
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: cannot reach PostgreSQL at 127.0.0.1:1/selectio")
    assert "pw" not in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_newer_schema_is_one_clear_line(env, admin_conn) -> None:
    future = latest_version() + 5
    admin_conn.execute(
        "insert into schema_migrations (version, name, checksum) values (%s, 'future', 'x')",
        (future,),
    )
    try:
        result = _cli(env, "db", "migrate")
    finally:
        admin_conn.execute("delete from schema_migrations where version = %s", (future,))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: the database schema is version {future} but this selectio knows only up to "
        f"{latest_version()}: upgrade selectio or use another database"
    ]


def test_invalid_setting_is_one_clear_line(env) -> None:
    result = _cli({**env, "SELECTIO_API_PORT": "not-a-port"}, "db", "migrate")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: invalid setting api_port")
    assert "Traceback" not in result.stderr


def test_jobs_list_and_run(env) -> None:
    schedules = run(env, "jobs", "list")
    assert schedules.exit_code == 0, schedules.output
    assert "expire_interviews" in schedules.output and "every" in schedules.output

    created = run(env, "workspace", "create", "Jobs Test", "--slug", "jobs-test")
    assert created.exit_code == 0, created.output
    queued = run(env, "jobs", "run", "expire_links", "--workspace", "jobs-test")
    assert queued.exit_code == 0, queued.output
    assert "queued as run" in queued.output
    again = run(env, "jobs", "run", "expire_links", "--workspace", "jobs-test")
    assert "already queued or running" in again.output
    runs = run(env, "jobs", "list", "--workspace", "jobs-test")
    assert "expire_links" in runs.output and "queued" in runs.output

    sessions = run(env, "jobs", "run", "forget_sessions")
    assert sessions.exit_code == 0 and "sessions_deleted" in sessions.output
    nothing = run(env, "jobs", "run", "retention")
    assert "nothing due" in nothing.output
    unknown = run(env, "jobs", "run", "nope")
    assert unknown.exit_code == 1 and "unknown job 'nope'" in unknown.output
