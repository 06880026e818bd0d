"""`selectio node head` and `selectio node join`: Ray on the machines of a cluster.

The head starts Ray with the product's node settings and writes the join file; each other
machine joins with it. The product itself (`selectio up --address auto`) then runs on the
head, and Ray places interviews, API replicas and proxies over every node
(serve_apps/cluster_node.py says what a node needs and why).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Annotated

import typer

from serve_apps.cli import app, fail, load_settings
from serve_apps.cluster_node import (
    JOIN_FILE,
    RAY_PORT,
    NodeCommand,
    NodeSetupError,
    check_database,
    cluster_app_url,
    head_command,
    join_command,
    read_join_file,
    write_join_file,
)

node_app = typer.Typer(help="Machines of a Ray cluster running Selectio.", no_args_is_help=True)
app.add_typer(node_app, name="node")


def _run(command: NodeCommand) -> None:
    typer.echo(f"$ {command.printable()}")
    try:
        result = subprocess.run(command.argv, env={**os.environ, **command.env}, check=False)
    except FileNotFoundError:
        raise fail("the `ray` command is not on PATH: run this from the project's .venv") from None
    if result.returncode != 0:
        raise fail(f"ray start failed (exit {result.returncode}); its message is above")


@node_app.command("head")
def head(
    port: Annotated[int, typer.Option(help="Port other machines join on.")] = RAY_PORT,
    num_cpus: Annotated[int | None, typer.Option(help="CPUs Ray may use here.")] = None,
    ip: Annotated[str | None, typer.Option(help="This machine's address others reach.")] = None,
    block: Annotated[bool, typer.Option(help="Stay in the foreground (systemd).")] = False,
) -> None:
    """Start the cluster's head: Ray with token auth and this machine's interview places;
    write the join file for the other machines."""
    from serve_apps.launcher import use_private_ray_token

    settings = load_settings()
    try:
        token = use_private_ray_token(settings).read_text(encoding="utf-8").strip()
        join_file = write_join_file(
            settings.home / JOIN_FILE,
            secret_key=settings.resolved_secret_key().decode(),
            app_database_url=cluster_app_url(settings, host=ip),
            ray_token=token,
        )
    except NodeSetupError as e:
        raise fail(e.message) from None
    typer.echo(f"Join file (secrets, mode 0600): {join_file}")
    typer.echo("Next, here:              selectio up --address auto")
    typer.echo(
        f"On each other machine:   selectio node join --address {ip or '<this-address>'}:{port} "
        f"--env-file {JOIN_FILE}"
    )
    _run(head_command(settings, port=port, num_cpus=num_cpus, node_ip=ip, block=block))


@node_app.command("join")
def join(
    address: Annotated[str, typer.Option(help="The head's HOST:PORT.")],
    env_file: Annotated[
        Path | None, typer.Option(help="The head's join file (secret key, database, token).")
    ] = None,
    num_cpus: Annotated[int | None, typer.Option(help="CPUs Ray may use here.")] = None,
    ip: Annotated[str | None, typer.Option(help="This machine's address others reach.")] = None,
    block: Annotated[bool, typer.Option(help="Stay in the foreground (systemd).")] = False,
) -> None:
    """Join this machine to the cluster at ADDRESS: it takes interviews, API replicas and a
    proxy once Ray places them here."""
    token = os.environ.get("RAY_AUTH_TOKEN")
    try:
        if env_file is not None:
            values, file_token = read_join_file(env_file)
            os.environ.update(values)  # this command's settings, and the workers' via env
            token = file_token or token
        settings = load_settings()
        command = join_command(
            settings, address=address, ray_token=token, num_cpus=num_cpus, node_ip=ip,
            block=block,
        )  # fmt: skip
        check_database(settings, timeout_s=settings.db_connect_timeout_s)
    except NodeSetupError as e:
        raise fail(e.message) from None
    _run(command)
