"""Starting Ray on a machine of a Selectio cluster: the head, and the nodes that join it.

A node of the cluster is Ray's processes started with what the product needs of every node:
the interview places it offers (`interview_slot`, actors.placement), token authentication on,
the dashboard on loopback only, and the product's settings in the environment Ray's workers
inherit (they read `SELECTIO_*` from it, not from a `.env` file in some working folder).

Every node must share three secrets with the head: the installation's secret key (interview
links signed on one node are checked on another, sealed credentials opened anywhere), the
application role's database URL, and Ray's auth token. The head writes them into one join file
(mode 0600) that the operator copies to each new machine; `selectio node join --env-file` reads
it. Secrets travel in the environment of `ray start`, never on its command line (which `ps`
shows to every user).
"""

from __future__ import annotations

import json
import os
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from dotenv import dotenv_values
from psycopg.conninfo import conninfo_to_dict

from actors.placement import node_resources
from db.bootstrap import app_url_for, describe_target
from db.errors import DatabaseListenInvalid
from db.listen import cluster_database_urls
from db.private_files import tighten
from db.roles import derive_app_password
from db.settings import Settings

JOIN_FILE = "cluster-join.env"
RAY_PORT = 6379
_SECRET_SETTINGS = ("secret_key", "app_database_url", "database_url")


class NodeSetupError(Exception):
    """A node cannot start or join as configured; `code` is stable, the message says what to do."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class NodeCommand:
    """`ray start` for this machine: `argv` is safe to print, `env` holds secrets."""

    argv: list[str]
    env: dict[str, str] = field(repr=False)

    def printable(self) -> str:
        return shlex.join(self.argv)


def settings_env(settings: Settings) -> dict[str, str]:
    """`SELECTIO_*` variables for every setting that was given (environment or `.env`), so
    Ray's workers on this node see the same settings as the command that started it."""
    env: dict[str, str] = {}
    for name in sorted(settings.model_fields_set):
        value = getattr(settings, name)
        if value is None:
            continue
        if hasattr(value, "get_secret_value"):
            value = value.get_secret_value()
        env[f"SELECTIO_{name.upper()}"] = str(value)
    return env


def _resources_arg(num_cpus: int, settings: Settings) -> str:
    return json.dumps(node_resources(num_cpus, settings.interview_slots_per_core))


def join_command(
    settings: Settings,
    *,
    address: str,
    ray_token: str | None,
    num_cpus: int | None = None,
    node_ip: str | None = None,
    block: bool = False,
) -> NodeCommand:
    """`ray start --address` for a machine joining the head at `address`."""
    problems = join_problems(settings, ray_token=ray_token)
    if problems:
        raise problems[0]
    cpus = num_cpus or os.cpu_count() or 1
    argv = [
        "ray", "start", f"--address={address}", f"--num-cpus={cpus}",
        f"--resources={_resources_arg(cpus, settings)}",
    ]  # fmt: skip
    if node_ip:
        argv.append(f"--node-ip-address={node_ip}")
    if block:
        argv.append("--block")
    env = {**settings_env(settings), "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": ray_token or ""}
    return NodeCommand(argv=argv, env=env)


def head_command(
    settings: Settings,
    *,
    port: int = RAY_PORT,
    num_cpus: int | None = None,
    node_ip: str | None = None,
    block: bool = False,
) -> NodeCommand:
    """`ray start --head` for the head: token auth with the product's private token file,
    the dashboard on loopback (it runs code for whoever reaches it: tunnel to it)."""
    cpus = num_cpus or os.cpu_count() or 1
    argv = [
        "ray", "start", "--head", f"--port={port}", f"--num-cpus={cpus}",
        f"--resources={_resources_arg(cpus, settings)}",
        "--dashboard-host=127.0.0.1", f"--dashboard-port={settings.dashboard_port}",
    ]  # fmt: skip
    if node_ip:
        argv.append(f"--node-ip-address={node_ip}")
    if block:
        argv.append("--block")
    env = {
        **settings_env(settings),
        "RAY_AUTH_MODE": "token",
        "RAY_AUTH_TOKEN_PATH": str(settings.ray_token_path),
    }
    return NodeCommand(argv=argv, env=env)


def join_problems(settings: Settings, *, ray_token: str | None) -> list[NodeSetupError]:
    """What keeps this machine from joining, in the order to fix it (empty: it can join)."""
    problems: list[NodeSetupError] = []
    if settings.secret_key is None:
        problems.append(NodeSetupError(
            "node_secret_missing",
            "SELECTIO_SECRET_KEY is not set: every node must share the head's secret key "
            "(it is in the head's join file; `selectio node head` writes it)",
        ))  # fmt: skip
    if settings.app_database_url is None and settings.database_url is None:
        problems.append(NodeSetupError(
            "node_database_missing",
            "no database for this node: set SELECTIO_APP_DATABASE_URL to the cluster's database "
            "(the embedded server of one machine cannot be reached through its data folder)",
        ))  # fmt: skip
    if not ray_token:
        problems.append(NodeSetupError(
            "node_token_missing",
            "no Ray auth token: the cluster runs with token authentication; give the head's "
            "join file (--env-file) or set RAY_AUTH_TOKEN",
        ))  # fmt: skip
    return problems


def node_app_url(settings: Settings) -> str:
    """The application role's URL a node's workers use (never the admin URL when the app
    URL is given)."""
    if settings.app_database_url is not None:
        return settings.app_database_url.get_secret_value()
    if settings.database_url is None:
        raise NodeSetupError("node_database_missing", "no database URL is set")
    password = derive_app_password(settings.resolved_secret_key(), settings.db_app_role)
    return app_url_for(
        settings.database_url.get_secret_value(), role=settings.db_app_role, password=password
    )


def check_database(settings: Settings, *, timeout_s: float = 5.0) -> None:
    """Connect as the application role from this machine, as its workers will."""
    url = node_app_url(settings)
    try:
        with psycopg.connect(url, connect_timeout=max(1, int(timeout_s))) as conn:
            conn.execute("select 1")
    except psycopg.Error as e:
        reason = str(e).strip().splitlines()[-1] if str(e).strip() else "no answer"
        host = str(conninfo_to_dict(url).get("host") or "")
        local = host.startswith("/")
        hint = "; a Unix socket is reachable from its own machine only" if local else ""
        raise NodeSetupError(
            "node_database_unreachable",
            f"this machine cannot reach the database at {describe_target(url)} ({reason}){hint}",
        ) from e


def read_join_file(path: Path) -> tuple[dict[str, str], str | None]:
    """The join file's `SELECTIO_*` settings and Ray token."""
    if not path.is_file():
        raise NodeSetupError("node_join_file_missing", f"no join file at {path}")
    values = {k: v for k, v in dotenv_values(path, interpolate=False).items() if v is not None}
    token = values.pop("RAY_AUTH_TOKEN", None)
    return {k: v for k, v in values.items() if k.startswith("SELECTIO_")}, token


def _env_quote(value: str) -> str:
    """A literal single-quoted value in the .env syntax python-dotenv reads."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def write_join_file(path: Path, *, secret_key: str, app_database_url: str, ray_token: str) -> Path:
    """The head's join file, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Selectio cluster join file: secrets, keep it like a password.",
        "# Copy it to a new machine, then: selectio node join --address HEAD:PORT --env-file FILE",
        f"SELECTIO_SECRET_KEY={_env_quote(secret_key)}",
        f"SELECTIO_APP_DATABASE_URL={_env_quote(app_database_url)}",
        f"RAY_AUTH_TOKEN={_env_quote(ray_token)}",
    ]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    tighten(path)
    return path


def cluster_app_url(settings: Settings, *, host: str | None = None) -> str:
    """The application role's URL the other machines use: the external server's, or the
    head's embedded server over TCP (it must be told to listen: SELECTIO_DATABASE_LISTEN);
    `host` is this machine's address when the listen address does not say."""
    try:
        url = cluster_database_urls(settings, host=host).app_url
    except DatabaseListenInvalid as e:
        raise NodeSetupError("node_database_local", e.message) from e
    where = str(conninfo_to_dict(url).get("host") or "")
    if not where or where.startswith("/"):
        raise NodeSetupError(
            "node_database_local",
            f"the database URL points at a Unix socket ({where or 'default'}): other machines "
            "cannot reach it; give a TCP address",
        )
    return url
