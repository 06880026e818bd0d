"""Console responsiveness with a large workspace (prints figures; asserts nothing).

A workspace with 10,000 candidates and 20,000 applications (two vacancies of 8,000, two of
2,000; screenings for all, 2,000 interviews, a report for every completed one) is inserted
in bulk into an embedded PostgreSQL; the real API runs under uvicorn on loopback, and the
console pages run in Streamlit's AppTest, signed in as the owner. Each figure is the wall time
of one script run of the page, API calls and DuckDB included (what the server spends before
the browser can draw), median of `--runs`:

- dashboard: first render with nothing cached (extract fetched, DuckDB built, charts drawn),
  then a filter change (source) with the extract cached;
- candidates of the 8,000-application vacancy: first page, the next page, the flagged filter;
- candidate page of the top candidate.

Run: .venv/bin/python benchmarks/console.py [--candidates 10000] [--runs 3]
Target (issue 12): each <= 1 s on the 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
import psycopg  # noqa: E402
import uvicorn  # noqa: E402
from pgvector import Vector  # noqa: E402
from psycopg.types.json import Jsonb  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from db.bootstrap import prepare_database  # noqa: E402
from db.pool import open_pool, transaction  # noqa: E402
from db.settings import Settings  # noqa: E402
from pipelines import vacancy_flow  # noqa: E402
from pipelines.engine_set import offline_engines  # noqa: E402
from serve_apps import accounts  # noqa: E402
from serve_apps.app import attach, build_app  # noqa: E402

APP = str(Path(__file__).resolve().parents[1] / "console" / "app.py")
OWNER = ("bench@console.test", "bench-password-1")
VACANCIES = [
    ("Senior Python Developer", "Python, PostgreSQL, FastAPI, Docker, 3+ years. Remote."),
    ("Data Analyst", "SQL, Python, pandas, dashboards in Tableau, 2+ years."),
    ("QA Engineer", "Test automation with pytest and Playwright, CI, 2+ years."),
    ("Product Designer", "Figma, user research, design systems, 3+ years."),
]
SKILLS = ["Python", "PostgreSQL", "FastAPI", "Docker", "SQL", "Tableau", "Figma", "Kafka"]


def seed(pool, admin_url: str, candidates: int) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """The large workspace; returns its id and the big vacancy's id."""
    owner = accounts.create_user_account(pool, email=OWNER[0], password=OWNER[1])
    workspace = accounts.create_workspace(pool, name="Bench Co", owner_id=owner.id)
    engines = offline_engines()
    ids = [
        vacancy_flow.create_vacancy(
            pool, engines, workspace_id=workspace.id, title=title, text=f"{title}\n\n{text}"
        ).id
        for title, text in VACANCIES
    ]
    rng = random.Random(12)
    profile = {
        "full_name": "Candidate", "skills": SKILLS[:5], "total_years": 6.5, "language": "en",
        "experience": [{"title": "Backend Developer", "company": "Acme", "start": "2019-01",
                        "current": True}],
    }  # fmt: skip
    text = "Backend developer. " * 150
    ws = workspace.id
    with transaction(pool, workspace_id=ws) as conn, conn.cursor() as cur:
        cur.execute(
            "insert into candidates (workspace_id, full_name, email, created_at) "
            "select %s, 'Candidate ' || g, 'c' || g || '@bench.test', "
            "now() - (g %% 30) * interval '1 day' from generate_series(1, %s) g",
            (ws, candidates),
        )
        cur.execute(
            "insert into resumes (workspace_id, candidate_id, file_name, status, embedding, "
            "embedding_engine, profile, text) select workspace_id, id, 'cv.txt', 'parsed', %s, "
            "%s, %s, %s from candidates where workspace_id = %s",
            (Vector([rng.random() for _ in range(512)]), engines.embedder.id, Jsonb(profile),
             text, ws),
        )  # fmt: skip
        # Every candidate applies twice: the two big vacancies take 8,000 each (at 10,000
        # candidates), the two small ones 2,000 each.
        big, small = ids[:2], ids[2:]
        cur.execute(
            """
            insert into applications (workspace_id, candidate_id, vacancy_id, resume_id, score,
                                      recommendation, stage, source, created_at)
            select r.workspace_id, r.candidate_id, v.vacancy_id, r.id, (random() * 100)::int,
                   (array['strongly_recommend','recommend','consider','reject'])[1 + (r.id %% 4)],
                   (array['new','screened','interview_scheduled','rejected'])[1 + (r.id %% 4)],
                   (array['upload','hh','manual'])[1 + (r.id %% 3)],
                   now() - (r.id %% 30) * interval '1 day'
            from resumes r
            cross join lateral (
                select unnest(case when r.id %% 5 = 0 then %s::bigint[] else %s::bigint[] end)
                    as vacancy_id
            ) v
            where r.workspace_id = %s
            """,
            (small, big, ws),
        )
        cur.execute(
            "insert into screenings (workspace_id, application_id, resume_id, score, "
            "recommendation, engine, matched, missing, flags, rationale) "
            "select workspace_id, id, resume_id, score, recommendation, 'offline', "
            '\'["Python", "PostgreSQL"]\', \'["Docker"]\', '
            "case when id %% 50 = 0 then '[\"hidden_text\"]'::jsonb else '[]'::jsonb end, "
            "'Score from the benchmark seed.' from applications where workspace_id = %s",
            (ws,),
        )
        cur.execute(
            "insert into interviews (workspace_id, application_id, channel, language, status, "
            "failure_reason, started_at, ended_at, created_at) "
            "select workspace_id, id, 'voice', 'en', "
            "(array['created','completed','completed','failed'])[1 + (id %% 4)], "
            "case when id %% 4 = 3 then 'abandoned' end, "
            "case when id %% 4 <> 0 then created_at + interval '2 days' end, "
            "case when id %% 4 in (1, 2, 3) then created_at + interval '2 days 30 minutes' end, "
            "created_at + interval '1 day' "
            "from applications where workspace_id = %s and id %% 10 = 0",
            (ws,),
        )
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute("analyze")
    with transaction(pool, workspace_id=ws) as conn:
        counts = conn.execute(
            "select (select count(*) from candidates), (select count(*) from applications), "
            "(select count(*) from interviews)"
        ).fetchone()
    print(f"seeded: {counts[0]} candidates, {counts[1]} applications, {counts[2]} interviews")
    return str(ws), big[0]


def serve(pool, settings) -> tuple[str, uvicorn.Server]:  # type: ignore[no-untyped-def]
    config = uvicorn.Config(
        attach(build_app(), pool=pool, settings=settings), host="127.0.0.1", port=0,
        log_level="warning", access_log=False,
    )  # fmt: skip
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    httpx.get(f"{url}/health", timeout=5).raise_for_status()
    return url, server


def sign_in_form() -> AppTest:
    """A fresh session with the sign-in form filled; clicking it lands on the dashboard."""
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.radio(key="lang").set_value("en").run()
    at.text_input(key="login_email").input(OWNER[0])
    at.text_input(key="login_password").input(OWNER[1])
    return at


def point_at(at: AppTest, page: str, **params: str) -> AppTest:
    """The next run shows `page` with `params` in its URL."""
    at._page_hash = next(h for h, p in at._registered_pages.items() if p["url_pathname"] == page)
    for name, value in params.items():
        at.query_params[name] = value
    return at


def timed(step: Callable[[], AppTest]) -> float:
    start = time.perf_counter()
    at = step()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    return elapsed


def clear_caches() -> None:
    """A fresh session of a fresh server process: nothing cached by Streamlit."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def measure(runs: int, vacancy_id: int) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = {}

    def add(name: str, value: float) -> None:
        figures.setdefault(name, []).append(value)

    for _ in range(runs):
        at = sign_in_form().button[-1].click().run()  # signed in (password hashing: untimed)
        clear_caches()
        add("dashboard: first render", timed(at.run))
        at.selectbox(key="dash_source").set_value("hh")
        add("dashboard: filter change (source)", timed(at.run))

        point_at(at, "candidates", vacancy=str(vacancy_id))
        add("candidates 8,000: first page", timed(at.run))
        at.number_input(key="cand_page_no").set_value(2)
        add("candidates 8,000: next page", timed(at.run))
        at.radio(key="cand_view").set_value("flagged")
        add("candidates 8,000: filter (flagged)", timed(at.run))

        at.radio(key="cand_view").set_value("all").run()
        point_at(at, "candidate", candidate=str(at.session_state["cand_open_id"]))
        add("candidate page", timed(at.run))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="selectio-bench-console-"))
    settings = Settings(home=home, _env_file=None)
    prepared = prepare_database(settings)
    pool = open_pool(prepared.app_url, min_size=1, max_size=8)
    server = None
    try:
        _, vacancy_id = seed(pool, prepared.admin_url, args.candidates)
        url, server = serve(pool, settings)
        os.environ["SELECTIO_API_URL"] = url
        figures = measure(args.runs, vacancy_id)
        print(f"console page runs (AppTest against the API on loopback), {os.cpu_count()} CPUs, "
              f"median of {args.runs} (max):")  # fmt: skip
        for name, values in figures.items():
            print(f"  {name:<38} {statistics.median(values) * 1000:6.0f} ms "
                  f"({max(values) * 1000:.0f})")  # fmt: skip
    finally:
        if server is not None:
            server.should_exit = True
        pool.close()
        prepared.close()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
