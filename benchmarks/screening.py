"""Screening throughput and ranking latency (prints figures; asserts nothing).

1. Resumes parsed + screened per second on ONE core with the offline engines: extraction
   (PDF, DOCX, TXT mix), document flags, profile, embedding, scoring and interview plan —
   the pure pipeline (`read_resume` + screening), then the same with the database writes
   (`process_resume` on the embedded PostgreSQL).
2. Ranking 10,000 candidates of one vacancy (`db.ranking.rank_vacancy`, all rows).

Run: .venv/bin/python benchmarks/screening.py [--resumes 300] [--ranking 10000]
Targets (issue 3): >= 20 resumes/s per core offline; ranking 10k under 1 s. Since issue 10 the
offline embeddings are a sentence encoder (resume head and requirement evidence lines), which
costs most of the time per resume; `--hashing` gives the figures with the model-free hashing
embedder.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import psycopg
from docx import Document
from pgvector import Vector
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from db import resumes
from db.bootstrap import prepare_database
from db.pool import open_pool, transaction
from db.ranking import rank_vacancy
from db.settings import Settings
from pipelines import vacancy_flow
from pipelines.engine_set import offline_engines
from pipelines.engines.embeddings import HashingEmbedder
from pipelines.resume_flow import process_resume, read_resume
from pipelines.screening import build_interview_plan, screen_offline
from serve_apps import accounts

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SKILLS = ["Python", "PostgreSQL", "FastAPI", "Docker", "Kubernetes", "Redis", "Django",
          "Go", "Java", "SQL", "Excel", "React", "TypeScript", "Kafka", "Linux", "Git"]  # fmt: skip
NAMES_EN = ["John Smith", "Anna Brown", "Peter Miller", "Kate Wilson", "Tom Clark"]
NAMES_RU = ["Иван Петров", "Мария Смирнова", "Олег Кузнецов", "Анна Волкова"]
VACANCY = """Senior Python Developer
Requirements: Python, PostgreSQL, FastAPI, Docker, 3+ years of experience, English B2.
Nice to have: Kubernetes, Redis. Remote."""


def resume_text(rng: random.Random, i: int) -> str:
    """A plausible 1-2 page resume, English or Russian."""
    skills = rng.sample(SKILLS, 6)
    start = rng.randint(2008, 2021)
    if i % 3 == 2:
        return (
            f"{rng.choice(NAMES_RU)}\nТелефон: +7 916 {i:03d}-{i % 100:02d}-{i % 97:02d}\n"
            f"Почта: user{i}@example.ru\nГород: Москва\n\nОпыт работы\n"
            f"ООО Ромашка — Разработчик\nЯнварь {start} — настоящее время\n"
            + "Разработка сервисов и поддержка инфраструктуры. " * 12
            + f"\n\nКлючевые навыки\n{', '.join(skills)}\n\nЗнание языков\nАнглийский — B2\n"
        )
    return (
        f"{rng.choice(NAMES_EN)}\nEmail: user{i}@example.com\nPhone: +1 415 555 {i:04d}\n\n"
        f"Experience\nAcme Corp — Backend Developer\nJanuary {start} - Present\n"
        + "Built and operated backend services, reviewed code, mentored juniors. " * 12
        + f"\n\nSkills\n{', '.join(skills)}\n\nLanguages\nEnglish — C1\n"
    )


def as_pdf(text: str) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont("DejaVu", 10)
    y = 800
    for line in text.splitlines():
        for chunk in [line[i : i + 95] for i in range(0, max(len(line), 1), 95)]:
            if y < 40:
                page.showPage()
                page.setFont("DejaVu", 10)
                y = 800
            page.drawString(40, y, chunk)
            y -= 14
    page.save()
    return buffer.getvalue()


def as_docx(text: str) -> bytes:
    document = Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_files(count: int) -> list[tuple[str, bytes]]:
    rng = random.Random(7)
    files = []
    for i in range(count):
        text = resume_text(rng, i)
        kind = ("pdf", "docx", "txt")[i % 3]
        data = as_pdf(text) if kind == "pdf" else as_docx(text) if kind == "docx" else text.encode()
        files.append((f"resume{i}.{kind}", data))
    return files


def engines_for(hashing: bool):  # type: ignore[no-untyped-def]
    engines = offline_engines()
    if hashing:
        engines.embedder = HashingEmbedder()
    return engines


def bench_pipeline(files: list[tuple[str, bytes]], engines) -> dict[str, float]:  # type: ignore[no-untyped-def]
    requirements = engines.profiles.analyze_vacancy("Senior Python Developer", VACANCY)
    vacancy_vector = engines.embedder.embed([VACANCY])[0]
    per_kind: dict[str, list[float]] = {"pdf": [], "docx": [], "txt": []}
    start = time.process_time()
    for name, data in files:
        t0 = time.process_time()
        read = read_resume(engines, data, name)
        similarity = sum(a * b for a, b in zip(read.embedding, vacancy_vector, strict=True))
        result = screen_offline(
            read.profile, requirements, similarity=similarity, flags=read.flags,
            language=requirements.language, resume_text=read.scoring_text,
            vacancy_text=VACANCY, embedder=engines.embedder,
        )  # fmt: skip
        build_interview_plan(read.profile, requirements, result, language=requirements.language)
        per_kind[name.rsplit(".", 1)[1]].append(time.process_time() - t0)
    total = time.process_time() - start
    figures = {"resumes_per_s_cpu": len(files) / total}
    for kind, times in per_kind.items():
        figures[f"{kind}_ms_median"] = statistics.median(times) * 1000
    return figures


def bench_with_database(pool, files: list[tuple[str, bytes]], engines) -> float:  # type: ignore[no-untyped-def]
    workspace = accounts.create_workspace(pool, name="Bench pipeline", owner_id=None)
    vacancy = vacancy_flow.create_vacancy(
        pool, engines, workspace_id=workspace.id, title="", text=VACANCY
    )
    ids = []
    with transaction(pool, workspace_id=workspace.id) as conn:
        for name, data in files:
            ids.append(resumes.create_resume(
                conn, workspace_id=workspace.id, file=data, file_name=name).id)  # fmt: skip
    start = time.perf_counter()
    for rid in ids:
        process_resume(pool, engines, workspace_id=workspace.id, resume_id=rid,
                       vacancy_id=vacancy.id)  # fmt: skip
    return len(ids) / (time.perf_counter() - start)


def seed_ranking(admin_url: str, pool, count: int):  # type: ignore[no-untyped-def]
    """A vacancy with `count` screened applications, inserted in bulk."""
    engines = offline_engines()
    workspace = accounts.create_workspace(pool, name="Bench ranking", owner_id=None)
    vacancy = vacancy_flow.create_vacancy(
        pool, engines, workspace_id=workspace.id, title="", text=VACANCY
    )
    rng = random.Random(11)
    with transaction(pool, workspace_id=workspace.id) as conn, conn.cursor() as cur:
        ws = workspace.id
        # COPY is refused under row-level security; one set-based insert is as fast here.
        cur.execute(
            "insert into candidates (workspace_id, full_name) "
            "select %s, 'Candidate ' || g from generate_series(1, %s) g",
            (ws, count),
        )
        cur.execute(
            "insert into resumes (workspace_id, candidate_id, file_name, status, embedding, "
            "profile) select workspace_id, id, 'r.txt', 'parsed', %s, '{}' from candidates "
            "where workspace_id = %s",
            (Vector([rng.random() for _ in range(512)]), ws),
        )
        cur.execute(
            "insert into applications (workspace_id, candidate_id, vacancy_id, resume_id, "
            "score, recommendation, stage) select r.workspace_id, r.candidate_id, %s, r.id, "
            "(random() * 100)::int, 'consider', 'screened' from resumes r where workspace_id = %s",
            (vacancy.id, ws),
        )
        cur.execute(
            "insert into screenings (workspace_id, application_id, resume_id, score, "
            "recommendation, engine, matched, missing) select workspace_id, id, resume_id, "
            "score, recommendation, 'offline', '[\"Python\"]', '[\"Docker\"]' from applications "
            "where vacancy_id = %s",
            (vacancy.id,),
        )
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute("analyze")
    return workspace.id, vacancy.id


def bench_ranking(pool, workspace_id, vacancy_id, count: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(5):
        start = time.perf_counter()
        with transaction(pool, workspace_id=workspace_id) as conn:
            rows = rank_vacancy(conn, vacancy_id=vacancy_id, limit=count)
        times.append(time.perf_counter() - start)
        assert len(rows) == count
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resumes", type=int, default=300)
    parser.add_argument("--ranking", type=int, default=10_000)
    parser.add_argument("--hashing", action="store_true", help="hashed n-grams, not the encoder")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    pdfmetrics.registerFont(TTFont("DejaVu", FONT))
    files = make_files(args.resumes)
    engines = engines_for(args.hashing)
    bench_pipeline(files[:3], engines)  # loads the sentence encoder before the clock starts
    figures = bench_pipeline(files, engines)
    print(f"offline pipeline ({engines.embedder.id}), 1 core, {args.resumes} resumes "
          "(1/3 each PDF, DOCX, TXT):")  # fmt: skip
    print(f"  parsed+screened per second (CPU time): {figures['resumes_per_s_cpu']:.1f}")
    for kind in ("pdf", "docx", "txt"):
        print(f"  {kind} median per resume: {figures[f'{kind}_ms_median']:.1f} ms")
    home = Path(tempfile.mkdtemp(prefix="selectio-bench-"))
    settings = Settings(home=home, _env_file=None)
    prepared = prepare_database(settings)
    pool = open_pool(prepared.app_url, min_size=1, max_size=2)
    try:
        rate = bench_with_database(pool, files[: min(len(files), 150)], engines)
        print(f"  with database writes (wall clock): {rate:.1f} resumes/s")
        workspace_id, vacancy_id = seed_ranking(prepared.admin_url, pool, args.ranking)
        times = bench_ranking(pool, workspace_id, vacancy_id, args.ranking)
        print(f"ranking {args.ranking} candidates of one vacancy (5 runs):")
        print(f"  median {statistics.median(times) * 1000:.0f} ms, "
              f"max {max(times) * 1000:.0f} ms")  # fmt: skip
    finally:
        pool.close()
        prepared.close()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
