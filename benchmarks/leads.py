"""Lead generation, offline (prints figures; asserts nothing).

1. **Bench matching on real resumes.** A bench of `--per-category` resumes of every category of
   the livecareer set (../shared/data/resumes-livecareer) and of the Russian set
   (benchmarks/data/resumes-ru), stored and parsed by the real pipeline and put on the bench;
   each vacancy of benchmarks/data/vacancies/{en,ru} whose category has resumes is a lead.
   Is the best bench match (pipelines/leads/fit.py) of the vacancy's category? Top-1 accuracy
   and the mean reciprocal rank of the first person of that category (people outside the
   product's top three rank after them, in bench order), against a TF-IDF cosine and BM25 of
   the vacancy text over the bench's resume texts on the same bench (the plain baseline the
   product must beat). The lead is embedded as the product embeds it (`embedding_text`).
2. **Throughput on one core** (the process pinned to one CPU, BLAS threads 1): `--leads` leads
   (the vacancies under varied companies and titles) analysed and scored in memory
   (`analyse_lead` + `score_fit`), then with the offline embedding as the product does it (the
   lead's title and requirements, a group of leads per call), then end to end through
   `qualify_leads` (Postgres: the batch read in one query, each group of leads stored in one
   transaction with a savepoint per lead, the move, the history).
3. **Time to a drafted response.** A vacancy appears on the local HH-compatible board (the
   public search of tests/fakes/hh); a saved search runs (`run_searches`, as the schedule does)
   and the lead flow follows (`pipelines.leads.flow.process_leads`: analysis, fit, draft).
   Printed: seconds from the scan's start to the drafted response. A vacancy waits at most one
   scan interval for the scan to start, so the time from its appearance is at most the
   interval plus this figure.

Run: .venv/bin/python benchmarks/leads.py [--per-category 3] [--leads 1000]
Targets (issue 16): >= 50 vacancies analysed and scored per second on one core; appearance to
draft <= one scan interval + 5 s.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import logging  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from screening_quality import bm25_scores, order_by, tfidf_scores  # noqa: E402

from db import bench, leadgen_profiles, leads, resumes  # noqa: E402
from db.bootstrap import prepare_database  # noqa: E402
from db.pool import open_pool, transaction  # noqa: E402
from db.settings import Settings  # noqa: E402
from pipelines.engine_set import offline_engines  # noqa: E402
from pipelines.engines.embeddings import embed_document  # noqa: E402
from pipelines.leads.analysis import analyse_lead, embedding_text  # noqa: E402
from pipelines.leads.fit import BenchIndex, score_fit  # noqa: E402
from pipelines.leads.qualify import WRITE_GROUP, qualify_leads  # noqa: E402
from pipelines.resume_flow import process_resume  # noqa: E402
from serve_apps import accounts  # noqa: E402

LIVECAREER = ROOT.parent / "shared" / "data" / "resumes-livecareer"
RUSSIAN = ROOT / "benchmarks" / "data" / "resumes-ru"
VACANCIES = ROOT / "benchmarks" / "data" / "vacancies"
COMPANIES = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell",
             "Cyberdyne", "Soylent", "Ромашка", "Вектор", "Север", "Гранит")  # fmt: skip
PREFIXES = ("", "Senior ", "Lead ", "Middle ", "Junior ")


def _bench_files(per_category: int) -> list[tuple[str, Path]]:
    chosen = []
    for root in (LIVECAREER, RUSSIAN):
        if not root.is_dir():
            continue
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            files = sorted(
                p for p in folder.iterdir() if p.suffix.lower() in {".pdf", ".txt", ".docx"}
            )
            chosen += [(folder.name, path) for path in files[:per_category]]
    return chosen


def _vacancies(categories: set[str]) -> list[tuple[str, str, str, str]]:
    """(language, category, title, text) of every vacancy whose category has bench people."""
    found = []
    for language in ("en", "ru"):
        for path in sorted((VACANCIES / language).glob("*.txt")):
            if path.stem not in categories:
                continue
            text = path.read_text(encoding="utf-8")
            title = text.strip().splitlines()[0].strip()
            found.append((language, path.stem, title, text))
    return found


def build_bench(pool: Any, workspace_id: Any, per_category: int) -> dict[int, tuple[str, str]]:
    """Candidates parsed from real resumes, all on the bench: candidate id → (category, text)."""
    engines = offline_engines()
    people: dict[int, tuple[str, str]] = {}
    for category, path in _bench_files(per_category):
        with transaction(pool, workspace_id=workspace_id) as conn:
            resume_id = resumes.create_resume(conn, workspace_id=workspace_id,
                                              file=path.read_bytes(),
                                              file_name=path.name).id  # fmt: skip
        outcome = process_resume(pool, engines, workspace_id=workspace_id, resume_id=resume_id)
        if outcome.status != "parsed":
            print(f"  skipped {path.name}: {outcome.status} {outcome.reason or ''}")
            continue
        with transaction(pool, workspace_id=workspace_id) as conn:
            stored = resumes.get_resume(conn, resume_id=resume_id)
            if stored.candidate_id is None or stored.candidate_id in people:
                continue
            # The headline is what clients are told; matching reads the resume, not this.
            bench.add_member(conn, workspace_id=workspace_id, candidate_id=stored.candidate_id,
                             headline=category.title())  # fmt: skip
        people[stored.candidate_id] = (category, stored.text or "")
    return people


def matching_quality(pool: Any, workspace_id: Any, people: dict[int, tuple[str, str]]) -> None:
    engines = offline_engines()
    with transaction(pool, workspace_id=workspace_id) as conn:
        profile = leadgen_profiles.get_profile(conn)
        index = BenchIndex(bench.members_for_matching(conn))
    ids = list(people)
    texts = [people[i][1] for i in ids]
    rows: dict[str, list[tuple[bool, float]]] = {"product": [], "tfidf": [], "bm25": []}
    per_language: dict[str, list[bool]] = {}
    print(f"\n1. Bench matching: {len(ids)} bench people, categories "
          f"{len({c for c, _ in people.values()})}")  # fmt: skip
    print(f"   {'vacancy':34} {'product':>9} {'tf-idf':>8} {'bm25':>8}")
    for language, category, title, text in _vacancies({c for c, _ in people.values()}):
        analysis = analyse_lead(title, text)
        vector = engines.embedder.embed([embedding_text(analysis, text)])[0]
        fit = score_fit(analysis, profile, index, lead_vector=vector,
                        lead_engine=engines.embedder.id, text=text)  # fmt: skip
        ranked_product = [int(m["candidate_id"]) for m in fit.bench_matches]
        rest = [i for i in ids if i not in ranked_product]  # unmatched people rank last
        orders = {
            "product": ranked_product + rest,
            "tfidf": [ids[i] for i in order_by(tfidf_scores(text, texts))],
            "bm25": [ids[i] for i in order_by(bm25_scores(text, texts))],
        }
        shown = []
        for name, order in orders.items():
            hits = [people[c][0] == category for c in order]
            first = hits.index(True) + 1 if True in hits else None
            rows[name].append((hits[0], 1 / first if first else 0.0))
            shown.append(f"{'hit' if hits[0] else 'miss':>4} r{first or '-':<3}")
        per_language.setdefault(language, []).append(rows["product"][-1][0])
        print(f"   {language}/{category:31} {shown[0]:>9} {shown[1]:>8} {shown[2]:>8}")
    print("   top-1 accuracy / MRR:")
    for name, values in rows.items():
        top1 = statistics.mean(v[0] for v in values)
        mrr = statistics.mean(v[1] for v in values)
        print(f"     {name:8} {top1:.2f} / {mrr:.2f}")
    for language, hits in per_language.items():
        print(f"     product, {language}: top-1 {statistics.mean(hits):.2f} over {len(hits)}")


def _varied(n: int, people: dict[int, tuple[str, str]]) -> list[tuple[str, str, str]]:
    base = _vacancies({c for c, _ in people.values()})
    rng = random.Random(7)
    out = []
    for i in range(n):
        _, _, title, text = base[i % len(base)]
        company = f"{rng.choice(COMPANIES)} {i}"
        out.append((company, f"{rng.choice(PREFIXES)}{title}", text))
    return out


def throughput(pool: Any, workspace_id: Any, people: dict[int, tuple[str, str]], n: int) -> None:
    engines = offline_engines()
    with transaction(pool, workspace_id=workspace_id) as conn:
        profile = leadgen_profiles.get_profile(conn)
        index = BenchIndex(bench.members_for_matching(conn))
    work = _varied(n, people)
    analyse_lead(work[0][1], work[0][2])  # dictionaries and patterns loaded once
    embed_document(engines.embedder, "warm up")
    start = time.perf_counter()
    for company, title, text in work:
        score_fit(analyse_lead(title, text, company=company), profile, index,
                  company=company, text=text)  # fmt: skip
    bare = time.perf_counter() - start
    start = time.perf_counter()
    for first in range(0, n, WRITE_GROUP):
        group = work[first : first + WRITE_GROUP]
        analyses = [analyse_lead(title, text, company=company) for company, title, text in group]
        vectors = engines.embedder.embed(
            [embedding_text(a, text) for a, (_, _, text) in zip(analyses, group, strict=True)]
        )
        for analysis, vector, (company, _, text) in zip(analyses, vectors, group, strict=True):
            score_fit(analysis, profile, index, lead_vector=vector,
                      lead_engine=engines.embedder.id, company=company, text=text)  # fmt: skip
    embedded = time.perf_counter() - start
    with transaction(pool, workspace_id=workspace_id) as conn:
        for i, (company, title, text) in enumerate(work):
            leads.upsert_lead(conn, workspace_id=workspace_id, source="hh",
                              external_id=f"bench-{i}", title=title, company=company,
                              description=text)  # fmt: skip
    start = time.perf_counter()
    result = qualify_leads(pool, engines, workspace_id, limit=n)
    stored = time.perf_counter() - start
    print(f"\n2. Throughput on one core, {n} leads (bench of {len(people)}):")
    print(f"   analysis + fit, in memory:        {n / bare:8.1f} leads/s")
    print(f"   + the offline embedding:          {n / embedded:8.1f} leads/s")
    print(f"   qualify_leads with Postgres:      {result.analysed / stored:8.1f} leads/s "
          f"({len(result.qualified)} qualified, {len(result.archived)} archived, "
          f"{len(result.duplicates)} duplicates, {len(result.failed)} failed)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-category", type=int, default=3)
    parser.add_argument("--leads", type=int, default=1000)
    parser.add_argument("--skip-draft", action="store_true", help="parts 1 and 2 only")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    home = Path(tempfile.mkdtemp(prefix="selectio-leads-"))
    settings = Settings(home=home, _env_file=None)
    prepared = prepare_database(settings)
    pool = open_pool(prepared.app_url, min_size=1, max_size=2)
    try:
        workspace = accounts.create_workspace(pool, name="Leads benchmark", owner_id=None)
        with transaction(pool, workspace_id=workspace.id) as conn:  # leads move: a profile
            leadgen_profiles.save_profile(conn, workspace_id=workspace.id, updated_by=None,
                                          languages=["English", "Russian"])  # fmt: skip
        start = time.perf_counter()
        people = build_bench(pool, workspace.id, args.per_category)
        print(f"bench: {len(people)} people parsed in {time.perf_counter() - start:.1f} s")
        matching_quality(pool, workspace.id, people)
        throughput(pool, workspace.id, people, args.leads)
        if not args.skip_draft:
            time_to_draft(settings)
    finally:
        pool.close()
        shutil.rmtree(home, ignore_errors=True)


def time_to_draft(settings: Settings) -> None:
    """Part 3 (see the module docstring)."""
    from db import board_searches, lead_responses
    from pipelines.boards.searches import run_searches
    from pipelines.leads.flow import process_leads
    from tests.fakes.hh.fixtures import configured_for_hh
    from tests.fakes.hh.public_search import PublicVacancy, catalog
    from tests.fakes.hh.server import FakeHH

    with FakeHH() as fake:
        local = configured_for_hh(settings, fake)
        pool = open_pool(prepare_database(local).app_url, min_size=1, max_size=2)
        try:
            workspace = accounts.create_workspace(pool, name="Draft timing", owner_id=None)
            with transaction(pool, workspace_id=workspace.id) as conn:
                leadgen_profiles.save_profile(
                    conn, workspace_id=workspace.id, updated_by=None, sender_name="Мария",
                    stacks=["Python", "Django", "PostgreSQL", "Celery", "Docker"],
                    seniority=["middle", "senior"], booking_url="https://cal.example.com/maria",
                )  # fmt: skip
                search = board_searches.create(conn, workspace_id=workspace.id, board="hh",
                                               query="Python", location=None,
                                               max_results=50, created_by=None)  # fmt: skip
            run_searches(pool, local, workspace.id, [search.id])  # what was there before
            process_leads(pool, offline_engines(), local, workspace.id)
            timings = []
            for round_ in range(5):
                catalog(fake).add(PublicVacancy(
                    id=f"9909{round_:04d}", name="Senior Python Developer (Django)",
                    employer=f"Новая Компания {round_}", area_id="1",
                    description="<p>Ищем Python-разработчика: Django, PostgreSQL, Celery, "
                    "Docker. Опыт от 4 лет. Удалённо. Бюджет 300 000 ₽ в месяц.</p>",
                    key_skills=["Python", "Django", "PostgreSQL"],
                ))  # fmt: skip
                start = time.perf_counter()
                run_searches(pool, local, workspace.id, [search.id])
                process_leads(pool, offline_engines(), local, workspace.id)
                with transaction(pool, workspace_id=workspace.id) as conn:
                    lead = next(x for x in leads.list_leads(conn, source="hh", limit=500)
                                if x.external_id == f"9909{round_:04d}")  # fmt: skip
                    drafted = lead_responses.get_for_lead(conn, lead_id=lead.id)
                took = time.perf_counter() - start
                timings.append(took)
                state = drafted.status if drafted else f"no response ({lead.status})"
                print(f"   round {round_ + 1}: {took:.2f} s, lead {lead.status}, fit "
                      f"{lead.fit_score}, response {state}")  # fmt: skip
        finally:
            pool.close()
    print(
        f"\n3. Scan start to drafted response: median {statistics.median(timings):.2f} s, "
        f"max {max(timings):.2f} s (appearance to draft <= scan interval + this)"
    )


if __name__ == "__main__":
    main()
