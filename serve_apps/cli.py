"""The `selectio` command: run the product and administer workspaces, users and keys.

Every command prints one clear `error: ...` line and exits 1 on a problem the user can fix;
tracebacks are for bugs only.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import typer
from psycopg_pool import ConnectionPool
from pydantic import ValidationError

from db.bootstrap import prepare_database
from db.errors import DatabaseError
from db.memberships import ROLES
from db.migrate import latest_version
from db.pool import open_pool
from db.private_files import tighten
from db.settings import Settings
from serve_apps import accounts
from serve_apps.logs import configure_logging

log = logging.getLogger(__name__)
T = TypeVar("T")

app = typer.Typer(
    help="Selectio: AI recruiting engine.", no_args_is_help=True, add_completion=False
)
db_app = typer.Typer(help="Database administration.", no_args_is_help=True)
workspace_app = typer.Typer(help="Workspaces (one per company).", no_args_is_help=True)
user_app = typer.Typer(help="Users who sign in to the console.", no_args_is_help=True)
apikey_app = typer.Typer(help="Workspace API keys.", no_args_is_help=True)
jobs_app = typer.Typer(help="Automation jobs run by the Orchestrator.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(workspace_app, name="workspace")
app.add_typer(user_app, name="user")
app.add_typer(apikey_app, name="apikey")
app.add_typer(jobs_app, name="jobs")


def fail(message: str) -> typer.Exit:
    """Print one error line and return the exit to raise."""
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code=1)


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment with command-line overrides."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise fail(f"invalid setting {where or 'value'}: {first['msg']}") from None


def guarded(action: Callable[[], T]) -> T:
    """Run an action, turning user-fixable errors into one line."""
    try:
        return action()
    except DatabaseError as e:
        raise fail(e.message) from None
    except OSError as e:
        raise fail(f"{e.strerror or e}: {getattr(e, 'filename', '') or ''}".rstrip(": ")) from None


@contextmanager
def app_pool(settings: Settings) -> Iterator[ConnectionPool]:
    """Migrate if needed and yield a pool connected as the application role."""
    prepared = guarded(lambda: prepare_database(settings))
    pool = guarded(lambda: open_pool(prepared.app_url, min_size=1, max_size=2))
    try:
        yield pool
    finally:
        pool.close()
        prepared.close()


@app.callback()
def _main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    configure_logging(logging.DEBUG if verbose else logging.WARNING)


@app.command()
def up(
    demo: Annotated[bool, typer.Option(help="Seed a demo workspace on first start.")] = False,
    address: Annotated[
        str | None, typer.Option(help="Join this Ray cluster (else RAY_ADDRESS, else local).")
    ] = None,
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    api_port: Annotated[int | None, typer.Option(help="API port.")] = None,
    console_port: Annotated[int | None, typer.Option(help="Console port.")] = None,
    dashboard_port: Annotated[int | None, typer.Option(help="Ray dashboard port.")] = None,
) -> None:
    """Start the database, Ray, the API and the console; Ctrl-C stops everything."""
    from serve_apps import launcher

    configure_logging(logging.INFO)
    settings = load_settings(
        ray_address=address,
        host=host,
        api_port=api_port,
        console_port=console_port,
        dashboard_port=dashboard_port,
    )
    typer.echo(f"Starting Selectio (home {settings.home}) ...")
    try:
        product = guarded(lambda: launcher.start(settings, demo=demo))
    except launcher.LaunchError as e:
        raise fail(str(e)) from None
    except KeyboardInterrupt:
        raise fail("interrupted while starting") from None
    for note in product.notes:
        typer.echo(f"  {note}")
    typer.echo("")
    typer.secho("Selectio is running:", bold=True)
    typer.echo(f"  console         {product.console_url}")
    typer.echo(f"  API             {product.api_url}/api/v1")
    typer.echo(f"  API docs        {product.api_url}/docs")
    typer.echo(f"  Ray dashboard   {product.dashboard_url or 'not available'}")
    if product.ray_started_here:
        typer.echo(f"    its token     `selectio ray-token` (kept in {settings.ray_token_path})")
    if product.prometheus_url:
        typer.echo(f"  Prometheus      {product.prometheus_url} (the dashboard's metrics view)")
    where = f"embedded in {settings.pgdata}" if product.database.embedded else "external"
    typer.echo(f"  database        {where}")
    typer.echo("Press Ctrl-C to stop.")
    sys.stdout.flush()
    reason = launcher.wait_for_stop_signal(product)
    typer.echo(f"Stopping ({reason}) ...")
    launcher.stop(product)
    typer.echo("Stopped.")


@app.command("ray-token")
def ray_token() -> None:
    """Print the token the Ray dashboard asks for (of a cluster started by `selectio up`)."""
    path = load_settings().ray_token_path
    if not path.is_file():
        raise fail(f"no Ray token in {path}: start the product with `selectio up` first")
    tighten(path)
    typer.echo(path.read_text(encoding="utf-8").strip())


@db_app.command("migrate")
def db_migrate() -> None:
    """Apply pending schema migrations (idempotent)."""
    settings = load_settings()
    prepared = guarded(lambda: prepare_database(settings))
    prepared.close()
    if prepared.applied:
        typer.echo(f"applied migrations {', '.join(f'{v:04d}' for v in prepared.applied)}")
    typer.echo(f"schema is at version {latest_version():04d}")


@workspace_app.command("create")
def workspace_create(
    name: Annotated[str, typer.Argument(help="Company name, e.g. 'ООО Ромашка'.")],
    slug: Annotated[
        str | None, typer.Option(help="URL name; derived from the name if omitted.")
    ] = None,
    owner: Annotated[str | None, typer.Option(help="Email of an existing user to own it.")] = None,
) -> None:
    """Create a workspace."""
    settings = load_settings()
    with app_pool(settings) as pool:
        owner_id = None
        if owner:
            from db import users
            from db.pool import transaction

            # An operator look-up: users.id_by_email needs no context (the CLI knows nobody).
            with transaction(pool) as conn:
                owner_id = users.id_by_email(conn, email=owner)
            if owner_id is None:
                raise fail(f"no user with email {owner}; create it with 'selectio user create'")
        workspace = guarded(
            lambda: accounts.create_workspace(pool, name=name, slug=slug, owner_id=owner_id)
        )
    typer.echo(f"workspace {workspace.slug} created (id {workspace.id})")


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option(help="Sign-in email.")],
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="Password.")
    ],
    name: Annotated[str, typer.Option(help="Full name.")] = "",
    workspace: Annotated[str | None, typer.Option(help="Workspace slug or id to join.")] = None,
    role: Annotated[
        str, typer.Option(help=f"Role in the workspace: {', '.join(ROLES)}.")
    ] = "recruiter",
) -> None:
    """Create a user, optionally adding them to a workspace."""
    if role not in ROLES:
        raise fail(f"unknown role '{role}'; use one of {', '.join(ROLES)}")
    settings = load_settings()
    with app_pool(settings) as pool:
        user = guarded(
            lambda: accounts.create_user_account(
                pool, email=email, password=password, full_name=name
            )
        )
        typer.echo(f"user {user.email} created (id {user.id})")
        if workspace:
            target = guarded(lambda: accounts.resolve_workspace(pool, workspace))
            guarded(
                lambda: accounts.add_member(
                    pool,
                    workspace_id=target.id,
                    email=user.email,
                    role=role,  # type: ignore[arg-type]
                )
            )
            typer.echo(f"added to {target.slug} as {role}")


@apikey_app.command("create")
def apikey_create(
    workspace: Annotated[str, typer.Option(help="Workspace slug or id.")],
    name: Annotated[str, typer.Option(help="What the key is for.")] = "cli",
    role: Annotated[str, typer.Option(help=f"Role of the key: {', '.join(ROLES)}.")] = "recruiter",
    expires_days: Annotated[int | None, typer.Option(min=1, help="Expire after N days.")] = None,
) -> None:
    """Issue an API key. It is printed once; only its hash is stored."""
    if role not in ROLES:
        raise fail(f"unknown role '{role}'; use one of {', '.join(ROLES)}")
    settings = load_settings()
    with app_pool(settings) as pool:
        target = guarded(lambda: accounts.resolve_workspace(pool, workspace))
        key, plaintext = guarded(
            lambda: accounts.issue_api_key(
                pool,
                workspace_id=target.id,
                name=name,
                role=role,
                expires_in_days=expires_days,  # type: ignore[arg-type]
            )
        )
    typer.echo(f"API key {key.prefix} (id {key.id}, role {key.role}) for {target.slug}:")
    typer.echo(plaintext)
    typer.echo("Store it now: it is not shown again.", err=True)


@jobs_app.command("list")
def jobs_list(
    workspace: Annotated[
        str | None, typer.Option(help="Workspace slug or id: its recent runs.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many runs.")] = 20,
) -> None:
    """Without --workspace the schedules; with it the workspace's recent runs."""
    from db import jobs, schedules
    from db.pool import transaction

    settings = load_settings()
    with app_pool(settings) as pool:
        if workspace is None:
            with transaction(pool) as conn:
                rows = schedules.list_schedules(conn)
            for s in rows:
                state = "on" if s.enabled else "off"
                timing = f"cron {s.cron} {s.timezone}" if s.cron else f"every {s.interval_s}s"
                typer.echo(
                    f"{s.kind:<18} {timing:<28} {state:<3}  next {s.next_run_at:%Y-%m-%d %H:%M:%S}"
                )
            return
        target = guarded(lambda: accounts.resolve_workspace(pool, workspace))
        with transaction(pool, workspace_id=target.id) as conn:
            runs = jobs.list_jobs(conn, limit=limit)
    for job in runs:
        when = f"{job.started_at:%Y-%m-%d %H:%M:%S}" if job.started_at else "not started"
        detail = job.error or (job.result if job.result is not None else "")
        typer.echo(f"{job.id:>6} {job.kind:<18} {job.status:<9} {when}  {detail}")


@jobs_app.command("run")
def jobs_run(
    kind: Annotated[str, typer.Argument(help="Job kind, e.g. expire_interviews.")],
    workspace: Annotated[
        str | None,
        typer.Option(help="Workspace slug or id; default: every workspace with due work."),
    ] = None,
) -> None:
    """Queue a run now for the Orchestrator (a global job runs here and now)."""
    from db import jobs, schedules
    from db.pool import transaction
    from pipelines.automation.runner import GLOBAL_JOBS, KINDS, run_global

    if kind not in KINDS:
        raise fail(f"unknown job '{kind}'; use one of {', '.join(KINDS)}")
    settings = load_settings()
    with app_pool(settings) as pool:
        if kind in GLOBAL_JOBS:
            counts = guarded(lambda: run_global(pool, kind=kind))
            typer.echo(f"{kind}: {counts}")
            return
        if workspace is not None:
            targets = [guarded(lambda: accounts.resolve_workspace(pool, workspace)).id]
        else:
            with transaction(pool) as conn:
                due = schedules.due_work(
                    conn, kinds=[kind], max_interview_s=settings.interview_max_duration_s
                )
            targets = [d.workspace_id for d in due if d.kind == kind]
        for workspace_id in targets:
            with transaction(pool, workspace_id=workspace_id) as conn:
                job = jobs.request_run(conn, workspace_id=workspace_id, kind=kind)
            what = f"queued as run {job.id}" if job else "already queued or running"
            typer.echo(f"{kind} in {workspace_id}: {what}")
    if not targets:
        typer.echo(f"{kind}: nothing due in any workspace")


def main() -> None:
    """Console-script entry point."""
    import serve_apps.cli_hh  # noqa: F401  (registers `hh connect` and `sync hh`)
    import serve_apps.cli_node  # noqa: F401  (registers `node head` and `node join`)
    import serve_apps.cli_screening  # noqa: F401  (registers `screen` and `search`)
    import serve_apps.cli_status  # noqa: F401  (registers `status`)

    app()
