"""What `selectio node head` / `node join` run and refuse: the `ray start` line, the
settings its workers inherit, the join file, and clear errors for what a node lacks. (The
join itself runs against a real cluster in tests/e2e/test_cluster.py.)"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from actors.placement import INTERVIEW_SLOT, interview_slots, least_loaded_node
from db.settings import Settings
from serve_apps.cluster_node import (
    NodeSetupError,
    check_database,
    cluster_app_url,
    head_command,
    join_command,
    join_problems,
    read_join_file,
    write_join_file,
)

SECRET = "s" * 40


def node_settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(home=tmp_path, _env_file=None, **values)  # type: ignore[arg-type]


def test_join_runs_ray_start_with_the_nodes_places_and_keeps_secrets_off_the_command_line(
    tmp_path: Path,
) -> None:
    url = "postgresql://selectio_app:pw@10.0.0.10:5432/selectio"
    settings = node_settings(
        tmp_path, secret_key=SecretStr(SECRET), app_database_url=SecretStr(url),
        interview_slots_per_core=1.5,
    )  # fmt: skip
    command = join_command(
        settings, address="10.0.0.10:6379", ray_token="t" * 64, num_cpus=4, block=True
    )
    assert command.argv[:3] == ["ray", "start", "--address=10.0.0.10:6379"]
    resources = next(a for a in command.argv if a.startswith("--resources="))
    assert json.loads(resources.split("=", 1)[1]) == {INTERVIEW_SLOT: 6.0}  # 4 CPUs x 1.5
    assert "--block" in command.argv and "--num-cpus=4" in command.argv
    printed = command.printable()
    for secret in (SECRET, "pw", "t" * 64):
        assert secret not in printed
    assert command.env["SELECTIO_SECRET_KEY"] == SECRET
    assert command.env["SELECTIO_APP_DATABASE_URL"] == url
    assert command.env["SELECTIO_INTERVIEW_SLOTS_PER_CORE"] == "1.5"
    assert command.env["RAY_AUTH_MODE"] == "token" and command.env["RAY_AUTH_TOKEN"] == "t" * 64
    assert SECRET not in repr(command)


def test_join_refuses_a_node_without_the_shared_secret_database_or_token(tmp_path: Path) -> None:
    problems = join_problems(node_settings(tmp_path), ray_token=None)
    assert [p.code for p in problems] == [
        "node_secret_missing", "node_database_missing", "node_token_missing",
    ]  # fmt: skip
    with pytest.raises(NodeSetupError) as caught:
        join_command(node_settings(tmp_path), address="h:6379", ray_token="x")
    assert caught.value.code == "node_secret_missing"


def test_head_keeps_the_dashboard_on_loopback_with_token_auth(tmp_path: Path) -> None:
    command = head_command(node_settings(tmp_path), port=6380, num_cpus=2)
    assert "--head" in command.argv and "--port=6380" in command.argv
    assert "--dashboard-host=127.0.0.1" in command.argv
    assert command.env["RAY_AUTH_MODE"] == "token"
    assert command.env["RAY_AUTH_TOKEN_PATH"] == str(node_settings(tmp_path).ray_token_path)


def test_join_file_round_trip_is_private(tmp_path: Path) -> None:
    url = "postgresql://selectio_app:p%40ss@db.internal:5432/selectio?sslmode=require"
    path = write_join_file(
        tmp_path / "cluster-join.env", secret_key=SECRET + "'$x\\ \"${HOME}", app_database_url=url,
        ray_token="abc",
    )  # fmt: skip
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    values, token = read_join_file(path)
    assert values == {
        "SELECTIO_SECRET_KEY": SECRET + "'$x\\ \"${HOME}",
        "SELECTIO_APP_DATABASE_URL": url,
    }
    assert token == "abc"
    with pytest.raises(NodeSetupError, match="no join file"):
        read_join_file(tmp_path / "missing.env")


def test_the_cluster_url_must_be_reachable_from_other_machines(tmp_path: Path) -> None:
    with pytest.raises(NodeSetupError) as embedded:
        cluster_app_url(node_settings(tmp_path))
    assert embedded.value.code == "node_database_local"
    socket = node_settings(
        tmp_path, app_database_url=SecretStr("host=/tmp/pg user=a password=b dbname=x")
    )
    with pytest.raises(NodeSetupError, match="Unix socket"):
        cluster_app_url(socket)
    tcp = "postgresql://a:b@10.1.2.3:5432/x"
    assert cluster_app_url(node_settings(tmp_path, app_database_url=SecretStr(tcp))) == tcp


def test_an_unreachable_database_is_named_without_its_password(tmp_path: Path) -> None:
    from tests.conftest import free_port

    url = f"postgresql://selectio_app:hunter2@127.0.0.1:{free_port()}/selectio"
    with pytest.raises(NodeSetupError) as caught:
        check_database(node_settings(tmp_path, app_database_url=SecretStr(url)), timeout_s=2)
    assert caught.value.code == "node_database_unreachable"
    assert "127.0.0.1" in caught.value.message and "hunter2" not in caught.value.message


def test_interview_places_per_node_and_the_least_loaded_choice() -> None:
    assert interview_slots(2, 2.0) == 4 and interview_slots(1, 0.3) == 1
    assert least_loaded_node({"a": 1.0, "b": 3.0, "c": 0.0}) == "b"
    assert least_loaded_node({"a": 0.0, "b": 0.0}) is None
    assert least_loaded_node({}) is None
    assert {least_loaded_node({"a": 2.0, "b": 2.0}) for _ in range(50)} == {"a", "b"}
