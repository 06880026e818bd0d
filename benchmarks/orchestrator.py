"""The Orchestrator's database cost per tick with many workspaces (prints figures; asserts
nothing).

A tick asks the database two things before any job runs: which global sweeps are due
(`schedules.claim_due_sweeps`, locking and advancing them) and, for those kinds, which
workspaces have work (`schedules.due_work`, the SECURITY DEFINER `automation_due_work` across
all of them). Both are timed on the embedded PostgreSQL with `--workspaces` workspaces, each
holding a realistic amount of rows (candidates, resumes, interviews, outbox messages, runs),
a tenth of them with something due; in two cases: every sweep due at once (the worst tick)
and nothing due (most ticks).

Run: .venv/bin/python benchmarks/orchestrator.py [--workspaces 1000] [--ticks 20]
Target (issue 13): <= 100 ms of database time per tick with 1,000 workspaces.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db import schedules  # noqa: E402
from db.bootstrap import prepare_database  # noqa: E402
from db.pool import open_pool, transaction  # noqa: E402
from db.settings import Settings  # noqa: E402
from pipelines.automation.runner import KINDS  # noqa: E402

MAX_INTERVIEW_S = 1800


def populate(admin_url: str, workspaces: int, per_workspace: int) -> None:
    """Rows for every workspace in a few set-based statements (as the schema owner)."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            """
            insert into workspaces (id, slug, name, retention_days)
            select gen_random_uuid(), 'bench-' || n, 'Bench ' || n,
                   case when n %% 10 = 0 then 365 end
            from generate_series(1, %s) n
            """,
            (workspaces,),
        )
        conn.execute(
            """
            insert into candidates (workspace_id, full_name, created_at)
            select w.id, 'Candidate ' || k, now() - make_interval(days => k * 7)
            from workspaces w, generate_series(1, %s) k
            """,
            (per_workspace,),
        )
        conn.execute(
            """
            insert into vacancies (workspace_id, title, description)
            select id, 'Vacancy', 'Python developer' from workspaces
            """
        )
        conn.execute(
            """
            insert into applications (workspace_id, candidate_id, vacancy_id)
            select c.workspace_id, c.id, v.id
            from candidates c join vacancies v on v.workspace_id = c.workspace_id
            """
        )
        conn.execute(
            """
            insert into resumes (workspace_id, file_name, content_type, file, status,
                                 parse_lease_until)
            select a.workspace_id, 'cv.pdf', 'application/pdf', '\\x00',
                   case when a.id % 97 = 0 then 'parsing' else 'parsed' end,
                   case when a.id % 97 = 0 then now() - interval '1 hour' end
            from applications a
            """
        )
        conn.execute(
            """
            insert into interviews (workspace_id, application_id, channel, status, started_at,
                                    link_token_hash, link_expires_at)
            select a.workspace_id, a.id, 'voice',
                   case when a.id % 3 = 0 then 'completed' else 'active' end,
                   now() - case when a.id % 89 = 0 then interval '2 hours'
                                else interval '5 minutes' end,
                   md5(a.id::text), now() + case when a.id % 83 = 0 then interval '-1 day'
                                                 else interval '7 days' end
            from applications a where a.id % 4 = 0
            """
        )
        conn.execute(
            """
            insert into outbox (workspace_id, kind, idempotency_key, status, available_at)
            select a.workspace_id, 'email.invite', 'k' || a.id,
                   case when a.id % 71 = 0 then 'pending' else 'sent' end, now()
            from applications a
            """
        )
        conn.execute("analyze")


def timed(pool, kinds: list[str], ticks: int, *, make_due: bool, admin_url: str) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(ticks):
        if make_due:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute("update schedules set next_run_at = now() - interval '1 second'")
        started = time.perf_counter()
        with transaction(pool) as conn:
            sweeps = schedules.claim_due_sweeps(conn)
        with transaction(pool) as conn:
            due = schedules.due_work(
                conn, kinds=[k for k in sweeps if k in kinds], max_interview_s=MAX_INTERVIEW_S
            )
        out.append((time.perf_counter() - started) * 1000)
    print(f"    sweeps due {len(sweeps)}, workspace items due {len(due)}", end="")
    print(f" in {len({d.workspace_id for d in due})} workspaces")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspaces", type=int, default=1000)
    parser.add_argument("--per-workspace", type=int, default=40, help="candidates each")
    parser.add_argument("--ticks", type=int, default=20)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    home = Path(tempfile.mkdtemp(prefix="selectio-bench-"))
    prepared = prepare_database(Settings(home=home, _env_file=None))
    pool = open_pool(prepared.app_url, min_size=1, max_size=2)
    try:
        started = time.perf_counter()
        populate(prepared.admin_url, args.workspaces, args.per_workspace)
        print(
            f"{args.workspaces} workspaces × {args.per_workspace} candidates populated in "
            f"{time.perf_counter() - started:.1f} s"
        )
        kinds = [k for k in KINDS]
        for label, due in (("every sweep due", True), ("nothing due", False)):
            print(f"  {label}:")
            ms = timed(pool, kinds, args.ticks, make_due=due, admin_url=prepared.admin_url)
            print(
                f"    database time per tick: median {statistics.median(ms):.1f} ms, "
                f"max {max(ms):.1f} ms over {args.ticks} ticks"
            )
    finally:
        pool.close()
        prepared.close()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
