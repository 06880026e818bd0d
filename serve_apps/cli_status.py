"""`selectio status`: the running product at a glance, for ops.

Joins the cluster (`--address`, else the configured `ray_address`, else the local one Ray
finds), reads it and the database (serve_apps.ops_status), prints nodes, actors per kind and
state, Serve's applications, queue depths and the problems found, and exits 1 when there is
any. `--json` prints the same as one JSON object. A cluster started by `selectio up` has Ray's
token auth on: its token file is used, as the dashboard's is.
"""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer

from actors.naming import NAMESPACE
from db.bootstrap import resolve_app_url
from db.ops import Depth
from db.settings import Settings
from serve_apps.cli import app, load_settings
from serve_apps.launcher import SERVE_APP_NAME
from serve_apps.ops_status import Status, gather


def use_cluster_token(settings: Settings) -> None:
    """Authenticate to a cluster `selectio up` started (its token file), unless a token is
    already configured; never creates a token."""
    configured = os.environ.get("RAY_AUTH_TOKEN") or os.environ.get("RAY_AUTH_TOKEN_PATH")
    if not configured and settings.ray_token_path.is_file():
        os.environ["RAY_AUTH_TOKEN_PATH"] = str(settings.ray_token_path)


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _depth(depth: Depth) -> str:
    return f"{depth.items}" + (f" (oldest {_age(depth.oldest_s)})" if depth.oldest_s else "")


def render(status: Status) -> list[str]:
    """The report as lines of text (the command prints them)."""
    verdict = "healthy" if status.healthy else f"UNHEALTHY ({len(status.problems)} problems)"
    lines = [f"Selectio: {verdict}", "", "Nodes"]
    for node in status.nodes:
        state = "alive" if node.alive else ("left" if node.death_expected else "DEAD")
        places = (
            f"  interview places {node.interview_places_free:g}/{node.interview_places:g} free"
            if node.interview_places else ""
        )  # fmt: skip
        lines.append(
            f"  {node.node_id[:16]}  {node.address:<15} {state:<5}  {node.cpus:g} CPU  "
            f"{node.memory_bytes / 2**30:.1f} GiB{places}"
        )
    lines += ["", "Actors"]
    for kind, states in status.actors.items():
        counts = ", ".join(f"{state} {count}" for state, count in states.items())
        lines.append(f"  {kind:<17} {counts}")
    if status.serve.get("applications"):
        lines += ["", "Serve"]
        for name, found in status.serve["applications"].items():
            lines.append(f"  {name:<17} {found['status']}")
    if status.queues is not None:
        queues = status.queues
        lines += ["", "Queues"]
        channels = ", ".join(f"{c} {_depth(d)}" for c, d in sorted(queues.outbox.items()))
        lines.append(f"  outbox            {channels or 'empty'}")
        jobs = ", ".join(f"{s} {_depth(d)}" for s, d in sorted(queues.jobs.items()))
        lines.append(f"  jobs              {jobs or 'none open'}")
        failed = ", ".join(f"{k} {n}" for k, n in sorted(queues.failed_last_hour.items()))
        lines.append(f"  failed (1 h)      {failed or 'none'}")
        lines.append(f"  live interviews   {queues.live_interviews}")
    for title, items in (("Problems", status.problems), ("Notes", status.notes)):
        if items:
            lines += ["", title, *(f"  - {item}" for item in items)]
    return lines


@app.command()
def status(
    address: Annotated[
        str | None, typer.Option(help="Ray cluster address (else RAY_ADDRESS, else local).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    namespace: Annotated[str, typer.Option(help="Ray namespace of the product's actors.")] = (
        NAMESPACE
    ),
    serve_app: Annotated[
        str, typer.Option(help="Serve application of the API ('' : do not check Serve).")
    ] = SERVE_APP_NAME,
) -> None:
    """Nodes, actors per kind, queue depths and unhealthy parts; exit 1 if any is unhealthy."""
    settings = load_settings()
    use_cluster_token(settings)
    report = gather(
        database_url=lambda: resolve_app_url(settings),
        ray_address=address or settings.ray_address or "auto",
        namespace=namespace,
        serve_app=serve_app or None,
        db_timeout_s=settings.db_connect_timeout_s,
    )
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
    else:
        typer.echo("\n".join(render(report)))
    raise typer.Exit(code=0 if report.healthy else 1)
