"""`selectio screen`, `selectio ranking` and `selectio search`: screening from the command line.

`screen` works on a fresh install: it starts the embedded database and a small local Ray,
stores the vacancy and every resume like an upload would, parses and screens them as Ray
tasks with a progress bar, then prints the ranking (also stored) and one line per failed file.
A vacancy file is read and checked before anything starts, and a workspace named for the
first time is created, like the default 'local' one. The whole ranking is printed unless
`--top N` asks for less; a last line then says how many rows were left out, and
`selectio ranking` prints a stored ranking again.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import psycopg
import typer
from psycopg_pool import ConnectionPool
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from db import resumes, vacancies, workspaces
from db.errors import NotFound
from db.pool import transaction
from db.ranking import RankedApplication, rank_vacancy
from db.settings import Settings
from pipelines import vacancy_flow
from pipelines.documents import DocumentError
from pipelines.engine_set import Engines, engines_from_settings
from pipelines.search import search
from pipelines.vacancy_validation import VacancyTooShort, check_vacancy_text
from serve_apps import accounts
from serve_apps.cli import app, app_pool, fail, guarded, load_settings

LOCAL_SLUG = "local"
_PAGE = 1000  # rows per ranking query; pages are read until one comes back short
console = Console()


def workspace_for_cli(pool: ConnectionPool, ref: str) -> workspaces.Workspace:
    """The named workspace, created on first use when `ref` is a slug (the default 'local'
    one gets a descriptive name); a workspace id that does not exist is an error."""
    try:
        return accounts.resolve_workspace(pool, ref)
    except NotFound:
        try:
            UUID(ref)
        except ValueError:
            pass
        else:
            raise NotFound(
                f"no workspace with id {ref}; name it by slug to create it, or create it "
                "with 'selectio workspace create NAME --slug SLUG'"
            ) from None
    name = "Local screening" if ref == LOCAL_SLUG else ref
    created = accounts.create_workspace(pool, name=name, slug=ref, owner_id=None)
    console.print(f"workspace {created.slug} created")
    return created


def read_vacancy(engines: Engines, path: Path) -> tuple[str, str]:
    """(title, text) of a vacancy file that is readable and long enough, else one error line."""
    try:
        data = path.read_bytes()
        title, text = vacancy_flow.vacancy_text_from_file(engines, data, path.name)
        check_vacancy_text(title, text)
    except OSError as e:
        raise fail(f"cannot read the vacancy {path}: {e.strerror}") from None
    except DocumentError as e:
        raise fail(f"vacancy {path.name}: {e.reason}") from None
    except VacancyTooShort as e:
        raise fail(f"vacancy {path.name}: {e.message}") from None
    return title, text


def full_ranking(conn: psycopg.Connection, vacancy_id: int) -> list[RankedApplication]:
    """Every ranked application of a vacancy, read page by page in one transaction."""
    rows: list[RankedApplication] = []
    while True:
        page = rank_vacancy(conn, vacancy_id=vacancy_id, limit=_PAGE, offset=len(rows))
        rows.extend(page)
        if len(page) < _PAGE:
            return rows


def store_resume_files(
    pool: ConnectionPool, engines: Engines, workspace_id: UUID, paths: list[Path]
) -> tuple[dict[int, str], list[tuple[str, str]]]:
    """Store each readable file as a pending resume; (resume id → name, unreadable files)."""
    stored: dict[int, str] = {}
    unreadable: list[tuple[str, str]] = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as e:
            unreadable.append((str(path), e.strerror or "cannot read the file"))
            continue
        with transaction(pool, workspace_id=workspace_id) as conn:
            too_large = len(data) > engines.limits.max_bytes
            resume = resumes.create_resume(
                conn, workspace_id=workspace_id, file=b"" if too_large else data,
                file_name=path.name,
            )  # fmt: skip
            if too_large:
                limit_mb = engines.limits.max_bytes / 2**20
                reason = f"file too large: {len(data) / 2**20:.1f} MB, limit {limit_mb:.0f} MB"
                resumes.set_resume_status(conn, resume_id=resume.id, status="failed", reason=reason)
                unreadable.append((path.name, reason))
                continue
        stored[resume.id] = path.name
    return stored, unreadable


def run_on_ray(
    settings: Settings, workspace_id: UUID, vacancy_id: int, resume_ids: list[int]
) -> list[dict[str, Any]]:
    """Process the resumes as Ray tasks on a small local Ray, with a progress bar."""
    import ray

    from actors.tasks import process_resume_task

    env = {"SELECTIO_HOME": str(settings.home)}
    ray.init(
        address="local",  # its own, even on a machine where a cluster's node runs
        namespace="selectio",
        include_dashboard=False,
        num_cpus=settings.ray_num_cpus or os.cpu_count() or 1,
        object_store_memory=settings.ray_object_store_mb * 2**20,
        runtime_env={"env_vars": env},
        logging_level="WARNING",
        log_to_driver=False,
    )
    try:
        pending = [
            process_resume_task.remote(str(workspace_id), rid, vacancy_id) for rid in resume_ids
        ]
        outcomes: list[dict[str, Any]] = []
        columns = (
            TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
        )  # fmt: skip
        with Progress(*columns, console=console, transient=False) as progress:
            task = progress.add_task("resumes", total=len(pending))
            while pending:
                done, pending = ray.wait(pending, num_returns=1, timeout=600)
                if not done:
                    raise typer.Exit(code=1)
                outcomes.extend(ray.get(done, timeout=60))
                progress.advance(task, len(done))
        return outcomes
    finally:
        ray.shutdown()


def print_ranking(
    pool: ConnectionPool,
    workspace: workspaces.Workspace,
    vacancy_id: int,
    failures: list[tuple[str, str]],
    *,
    top: int | None = None,
) -> None:
    """The stored ranking as a table (the best `top` rows, or all), a line saying how many
    rows were left out and how to see them, then one line per file that failed."""
    with transaction(pool, workspace_id=workspace.id) as conn:
        rows = full_ranking(conn, vacancy_id)
    shown = rows if top is None else rows[:top]
    cut = len(rows) - len(shown)
    table = Table(title=f"Ranking: best {len(shown)} of {len(rows)}" if cut else "Ranking")
    for column in ("#", "candidate", "score", "recommendation", "flags", "application"):
        table.add_column(column, justify="right" if column in ("#", "score") else "left")
    for rank, row in enumerate(shown, start=1):
        table.add_row(
            str(rank),
            row.full_name or row.email or f"candidate {row.candidate_id}",
            "" if row.score is None else str(row.score),
            row.recommendation or "not screened",
            ", ".join(str(f) for f in row.flags or []),
            str(row.application_id),
        )
    console.print(table)
    if cut:
        console.print(
            f"… {cut} more not shown (--top {len(shown)}); to see all {len(rows)}: "
            f"selectio ranking {vacancy_id} --workspace {workspace.slug}",
            highlight=False,
        )
    for name, reason in failures:
        console.print(f"[red]failed[/red] {name}: {reason}", highlight=False)


_TOP_HELP = "Print only the best N rows (default: all)."


@app.command()
def screen(
    vacancy: Annotated[Path, typer.Option(help="Vacancy file (TXT, DOCX or PDF).")],
    resume_files: Annotated[list[Path], typer.Argument(help="Resume files (PDF, DOCX, TXT).")],
    workspace: Annotated[
        str, typer.Option(help="Workspace slug or id; a new slug is created.")
    ] = LOCAL_SLUG,
    top: Annotated[int | None, typer.Option(min=1, help=_TOP_HELP)] = None,
) -> None:
    """Screen resumes against a vacancy and print the ranked shortlist."""
    settings = load_settings()
    engines = engines_from_settings(settings)
    title, text = read_vacancy(engines, vacancy)
    with app_pool(settings) as pool:
        target = guarded(lambda: workspace_for_cli(pool, workspace))
        created = guarded(
            lambda: vacancy_flow.create_vacancy(
                pool, engines, workspace_id=target.id, title=title, text=text, source="upload"
            )
        )
        console.print(f"vacancy #{created.id} '{created.title}' in workspace {target.slug}")
        stored, failures = store_resume_files(pool, engines, target.id, resume_files)
        outcomes = run_on_ray(settings, target.id, created.id, list(stored)) if stored else []
        failures += [
            (stored[o["resume_id"]], o["reason"]) for o in outcomes if o["status"] == "failed"
        ]
        print_ranking(pool, target, created.id, failures, top=top)


@app.command("ranking")
def ranking_command(
    vacancy_id: Annotated[int, typer.Argument(help="Vacancy id (printed by `screen`).")],
    workspace: Annotated[str, typer.Option(help="Workspace slug or id.")] = LOCAL_SLUG,
    top: Annotated[int | None, typer.Option(min=1, help=_TOP_HELP)] = None,
) -> None:
    """Print a vacancy's stored ranking again, without screening anything."""
    settings = load_settings()
    with app_pool(settings) as pool:
        target = guarded(lambda: accounts.resolve_workspace(pool, workspace))
        with transaction(pool, workspace_id=target.id) as conn:
            guarded(lambda: vacancies.get_vacancy(conn, vacancy_id=vacancy_id))
        print_ranking(pool, target, vacancy_id, [], top=top)


@app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help='What to look for, e.g. "python postgres 5 лет".')],
    workspace: Annotated[str, typer.Option(help="Workspace slug or id.")] = LOCAL_SLUG,
    vacancy_id: Annotated[
        int | None, typer.Option("--vacancy", help="Applied to this vacancy.")
    ] = None,
    skill: Annotated[
        list[str] | None, typer.Option(help="Must have this skill (repeatable).")
    ] = None,
    min_years: Annotated[float | None, typer.Option(help="At least this many years.")] = None,
    status: Annotated[str | None, typer.Option(help="Resume status, e.g. parsed.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 20,
) -> None:
    """Semantic search across a workspace's resumes."""
    settings = load_settings()
    with app_pool(settings) as pool:
        engines = engines_from_settings(settings)
        target = guarded(lambda: accounts.resolve_workspace(pool, workspace))
        hits = search(
            pool, engines, workspace_id=target.id, query=query, status=status,
            vacancy_id=vacancy_id, skills=skill, min_years=min_years, limit=limit,
        )  # fmt: skip
    table = Table(title=f"Search: {query}")
    for column in ("#", "candidate", "file", "years", "skills", "relevance"):
        table.add_column(column)
    for rank, hit in enumerate(hits, start=1):
        years = "" if hit.total_years is None else f"{hit.total_years:.1f}"
        table.add_row(
            str(rank), hit.full_name or "—", hit.file_name, years,
            ", ".join(hit.skills[:8]), f"{hit.relevance:.2f}",
        )  # fmt: skip
    console.print(table)
    if not hits:
        console.print("no matching resumes")


interview_app = typer.Typer(help="Live voice interviews.", no_args_is_help=True)
app.add_typer(interview_app, name="interview")


@interview_app.command("invite")
def interview_invite(
    application: Annotated[int, typer.Option(help="Application id (from the ranking).")],
    workspace: Annotated[str, typer.Option(help="Workspace slug or id.")] = LOCAL_SLUG,
    hours: Annotated[float, typer.Option(min=0.1, help="Link lifetime in hours.")] = 72,
    replace: Annotated[
        bool, typer.Option(help="End the application's unstarted interview and invite anew.")
    ] = False,
) -> None:
    """Invite the application's candidate to a voice interview; prints the link once."""
    from serve_apps import interview_invites

    settings = load_settings()
    with app_pool(settings) as pool:
        target = guarded(lambda: accounts.resolve_workspace(pool, workspace))
        invitation = guarded(
            lambda: interview_invites.invite(
                pool, settings, workspace_id=target.id, application_id=application,
                ttl_hours=hours, replace=replace,
            )
        )  # fmt: skip
    interview = invitation.interview
    console.print(
        f"interview #{interview.id} ({interview.language}, "
        f"{len(interview.plan.get('questions', []))} questions), "
        f"link valid until {invitation.expires_at:%Y-%m-%d %H:%M} UTC:"
    )
    print(invitation.link)
