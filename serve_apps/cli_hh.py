"""`selectio hh connect` and `selectio sync hh`: HeadHunter from the command line.

`hh connect` prints the HH page where the employer's manager lets Selectio in; HH then sends
the browser to the API's callback, so the API must run and be reachable at its public URL.
`sync hh` runs a workspace's sync here and now (vacancies, then responses, each screened) with
a line per kind that counts what it handled, then what it did; it is recorded in
`import_runs` like a sync started from the console. Problems a user can fix (HH not set up,
the workspace not connected, a sync already running, HH asking for a captcha) are one
`error: ...` line and exit code 1.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from psycopg_pool import ConnectionPool
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from db import integrations, memberships, users
from db.import_runs import AlreadyRunning
from db.pool import transaction
from db.settings import Settings
from db.workspaces import Workspace
from pipelines.engine_set import engines_from_settings
from pipelines.hh_import import connection
from pipelines.hh_import.run import KINDS, RUNNABLE, run_sync
from scraper.hh.errors import HHError
from scraper.hh.oauth import STATE_TTL_S
from scraper.hh.tokens import KIND
from serve_apps import accounts
from serve_apps.cli import app, app_pool, fail, guarded, load_settings

hh_app = typer.Typer(help="HeadHunter (hh.ru) integration.", no_args_is_help=True)
sync_app = typer.Typer(help="Import from a connected source now.", no_args_is_help=True)
app.add_typer(hh_app, name="hh")
app.add_typer(sync_app, name="sync")
console = Console()
_WORKSPACE_HELP = "Workspace slug or id."


def require_configured(settings: Settings) -> None:
    """HH's app credentials are set, else one error line."""
    if not (settings.hh_client_id and settings.hh_client_secret):
        raise fail(
            "HeadHunter is not set up on this installation: set HH_CLIENT_ID and "
            "HH_CLIENT_SECRET (the app registered at dev.hh.ru)"
        )


def owner_id(pool: ConnectionPool, workspace: Workspace, email: str) -> int:
    """The id of the user with this e-mail if they own the workspace, else one error line."""
    with transaction(pool) as conn:  # an operator look-up, like `workspace create --owner`
        user_id = users.id_by_email(conn, email=email)
    if user_id is None:
        raise fail(f"no user with email {email}")
    with transaction(pool, workspace_id=workspace.id) as conn:
        role = memberships.get_role(conn, workspace_id=workspace.id, user_id=user_id)
    if role != "owner":
        what = "not a member" if role is None else f"a {role}"
        raise fail(
            f"{email} is {what} of workspace {workspace.slug}: connecting HeadHunter needs "
            "one of its owners"
        )
    return user_id


@hh_app.command("connect")
def hh_connect(
    workspace: Annotated[str, typer.Option(help=_WORKSPACE_HELP)],
    user: Annotated[str, typer.Option(help="E-mail of an owner of the workspace.")],
) -> None:
    """Print the HH page that lets Selectio import the employer's vacancies and responses."""
    settings = load_settings()
    require_configured(settings)
    with app_pool(settings) as pool:
        target = guarded(lambda: accounts.resolve_workspace(pool, workspace))
        user_id = owner_id(pool, target, user)
        with transaction(pool, workspace_id=target.id) as conn:
            row = integrations.get(conn, kind=KIND)
    try:
        url = connection.begin(settings, workspace_id=target.id, user_id=user_id)
    except HHError as e:
        raise fail(e.message) from None
    if row is not None and row.status != "disconnected":
        employer = row.settings.get("employer_name") or row.settings.get("employer_id")
        typer.echo(
            f"workspace {target.slug} is connected to HH employer {employer} ({row.status}); "
            "connecting again replaces its tokens"
        )
    typer.echo(
        "Open this address in a browser, signed in at HeadHunter as the employer's manager, "
        f"within {STATE_TTL_S // 60} minutes:"
    )
    typer.echo(url)
    typer.echo(
        f"HH then sends the browser back to {connection.callback_url(settings)}: the Selectio "
        "API must be running and reachable there, and that address must be the redirect URI "
        "of the app registered at dev.hh.ru."
    )
    if settings.api_url is None:
        typer.echo(
            "SELECTIO_API_URL is not set, so that is this machine's own address; set it to the "
            "API's public URL when the browser runs elsewhere."
        )


def parse_kinds(text: str) -> tuple[str, ...]:
    """'vacancies,responses' as a tuple in the given order, else one error line."""
    kinds = tuple(dict.fromkeys(k.strip() for k in text.split(",") if k.strip()))
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        raise fail(f"unknown kind '{','.join(unknown)}'; use {', '.join(KINDS)} (comma-separated)")
    return kinds


def _summary(kind: str, counts: dict[str, Any]) -> str:
    parts = [f"{counts['new']} new", f"{counts['updated']} updated",
             f"{counts['unchanged']} unchanged"]  # fmt: skip
    if kind == "responses":
        parts.append(f"{counts['skipped']} skipped (refused at HH)")
    parts.append(f"{counts['failed']} failed")
    screened = f"; {counts['screened']} screened" if kind == "responses" else ""
    return f"{kind}: {', '.join(parts)}{screened}"


@sync_app.command("hh")
def sync_hh(
    workspace: Annotated[str, typer.Option(help=_WORKSPACE_HELP)],
    kinds: Annotated[
        str, typer.Option(help="What to sync, in order: vacancies, responses or both.")
    ] = ",".join(KINDS),
) -> None:
    """Sync a connected workspace from HeadHunter now, in this process."""
    wanted = parse_kinds(kinds)
    settings = load_settings()
    require_configured(settings)
    with app_pool(settings) as pool:
        target = guarded(lambda: accounts.resolve_workspace(pool, workspace))
        with transaction(pool, workspace_id=target.id) as conn:
            row = integrations.get(conn, kind=KIND)
        if row is None or row.status not in RUNNABLE:
            why = "is not connected" if row is None else f"must be connected again ({row.status})"
            raise fail(
                f"HeadHunter {why} in workspace {target.slug}: run "
                f"`selectio hh connect --workspace {target.slug} --user OWNER_EMAIL`"
            )
        engines = engines_from_settings(settings)
        columns = (SpinnerColumn(finished_text="✓"), TimeElapsedColumn(),
                   TextColumn("{task.description:<10} {task.completed} handled"))  # fmt: skip
        with Progress(*columns, console=console) as progress:
            tasks: dict[str, Any] = {}  # kind → its line; the totals are not known in advance

            def finish_lines() -> None:
                for task in progress.tasks:
                    progress.update(task.id, total=task.completed)

            def advanced(kind: str, handled: int) -> None:
                if kind not in tasks:
                    finish_lines()
                    tasks[kind] = progress.add_task(kind, total=None)
                progress.update(tasks[kind], completed=handled)

            try:
                result = run_sync(pool, engines, settings, workspace_id=target.id,
                                  kinds=wanted, progress=advanced)  # fmt: skip
            except AlreadyRunning as e:
                raise fail(f"{e.message} in workspace {target.slug}: wait for it to end") from None
            except HHError as e:
                raise fail(e.message) from None
            finish_lines()
        for kind, counts in result.items():
            console.print(_summary(kind, counts), highlight=False, soft_wrap=True)
            for error in counts.get("errors", []):
                console.print(f"  [red]failed[/red] {error}", highlight=False, soft_wrap=True)
        stopped = next((c["error"] for c in result.values() if "error" in c), None)
        if stopped is not None:
            with transaction(pool, workspace_id=target.id) as conn:
                after = integrations.get(conn, kind=KIND)
            action = after.settings.get("action_url") if after is not None else None
            raise fail(stopped["message"] + (f"; open {action}" if action else ""))
