"""A month of hiring in the demo workspace, so its dashboard means something: three more
vacancies, a few dozen people who applied over the last 30 days (most to more than one
vacancy, from uploads, HeadHunter and by hand), and interviews in every state — completed and
analysed, interrupted, and invited but not yet taken.

Everything goes through the real pipeline (parsing, deduplication, screening, analysis with
the offline engines); only the timestamps are moved into the past (db.history). Seeded with a
fixed random seed, so every installation shows the same month.
"""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime, timedelta
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import applications, history, interviews, resumes, turns, vacancies
from db.pool import transaction
from pipelines import vacancy_flow
from pipelines.engine_set import Engines
from pipelines.resume_flow import process_resume
from serve_apps.demo_history_texts import HISTORY_VACANCIES, resume
from serve_apps.demo_interview import seed_demo_interview

log = logging.getLogger(__name__)

PEOPLE = 136
SOURCES = ("upload", "upload", "hh", "hh", "manual")
COMPLETED, INTERRUPTED, INVITED = 16, 5, 7  # interviews among the best screened applications


def seed_history(pool: ConnectionPool, engines: Engines, *, workspace_id: UUID) -> int:
    """Add the month to the workspace; returns how many applications it now has."""
    rng = random.Random(30)
    now = datetime.now(UTC)
    for title, text in HISTORY_VACANCIES:
        vacancy_flow.create_vacancy(
            pool, engines, workspace_id=workspace_id, title=title, text=text
        )
    with transaction(pool, workspace_id=workspace_id) as conn:
        by_language: dict[str, list[int]] = {}
        for vacancy in vacancies.list_vacancies(conn, limit=100):
            by_language.setdefault(vacancy.language, []).append(vacancy.id)
    applied: list[tuple[int, datetime]] = []
    for index in range(PEOPLE):
        file_name, text, language = resume(rng, index)
        choices = by_language[language]
        targets = rng.sample(choices, k=rng.randint(max(1, len(choices) - 1), len(choices)))
        when = now - timedelta(days=rng.uniform(0.2, 30))
        applied += _apply(pool, engines, workspace_id, file_name, text, targets, when, rng)
    _interviews(pool, engines, workspace_id, applied, rng)
    with transaction(pool, workspace_id=workspace_id) as conn:
        row = conn.execute("select count(*) from applications").fetchone()
    count = int(row[0]) if row else 0
    log.info("demo history seeded: %s applications", count)
    return count


def _apply(
    pool: ConnectionPool,
    engines: Engines,
    workspace_id: UUID,
    file_name: str,
    text: str,
    targets: list[int],
    when: datetime,
    rng: random.Random,
) -> list[tuple[int, datetime]]:
    """One person's resume, parsed for the first vacancy and screened for the others; each
    application dated a little after the previous one."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        stored = resumes.create_resume(
            conn, workspace_id=workspace_id, file=text.encode(), file_name=file_name
        )
    outcome = process_resume(
        pool, engines, workspace_id=workspace_id, resume_id=stored.id, vacancy_id=targets[0]
    )
    if outcome.application_id is None or outcome.candidate_id is None:
        return []
    made = [(outcome.application_id, when)]
    for vacancy_id in targets[1:]:
        with transaction(pool, workspace_id=workspace_id) as conn:
            application, _ = applications.get_or_create_application(
                conn, workspace_id=workspace_id, candidate_id=outcome.candidate_id,
                vacancy_id=vacancy_id, resume_id=stored.id, source=rng.choice(SOURCES),
            )  # fmt: skip
        vacancy_flow.screen_application(
            pool, engines, workspace_id=workspace_id, application_id=application.id
        )
        made.append((application.id, when + timedelta(hours=rng.uniform(1, 72))))
    with transaction(pool, workspace_id=workspace_id) as conn:
        for application_id, at in made:
            history.set_applied_at(conn, application_id=application_id, at=min(at, _now()))
    return made


def _now() -> datetime:
    return datetime.now(UTC) - timedelta(minutes=5)


def _interviews(
    pool: ConnectionPool,
    engines: Engines,
    workspace_id: UUID,
    applied: list[tuple[int, datetime]],
    rng: random.Random,
) -> None:
    """Interviews for the best screened applications that are old enough to have had one."""
    when = dict(applied)
    with transaction(pool, workspace_id=workspace_id) as conn:
        rows = conn.execute(
            "select id from applications where id = any(%s) and score is not null "
            "and not exists (select 1 from interviews i where i.application_id = applications.id)"
            " order by score desc, id",
            ([a for a, _ in applied],),
        ).fetchall()
    best = [r[0] for r in rows if when[r[0]] < _now() - timedelta(days=2)]
    plan = ["completed"] * COMPLETED + ["failed"] * INTERRUPTED + ["created"] * INVITED
    for application_id, outcome in zip(best, plan, strict=False):
        invited = when[application_id] + timedelta(hours=rng.uniform(2, 30))
        started = invited + timedelta(hours=rng.uniform(1, 20))
        if outcome == "completed":
            interview_id = seed_demo_interview(
                pool, engines, workspace_id=workspace_id, application_id=application_id,
                render_pdf=False,
            )  # fmt: skip
            ended = started + timedelta(minutes=rng.uniform(12, 25))
        else:
            interview_id = _unfinished(pool, workspace_id, application_id, outcome)
            ended = started + timedelta(minutes=rng.uniform(1, 4))
        with transaction(pool, workspace_id=workspace_id) as conn:
            if outcome == "created":
                history.set_interview_times(conn, interview_id=interview_id, created_at=invited)
            else:
                history.set_interview_times(
                    conn, interview_id=interview_id, created_at=invited, started_at=started,
                    ended_at=ended,
                )  # fmt: skip
    log.info("demo history: %s interviews", min(len(best), len(plan)))


def _unfinished(pool: ConnectionPool, workspace_id: UUID, application_id: int, outcome: str) -> int:
    """An invitation not taken yet, or an interview the candidate left after the greeting."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        stored = applications.get_interview_plan(conn, application_id=application_id) or {}
        interview = interviews.create_interview(
            conn, workspace_id=workspace_id, application_id=application_id, channel="voice",
            language=stored.get("language", "en"), plan=stored or None,
        )  # fmt: skip
        if outcome == "failed":
            epoch = interviews.bump_epoch(conn, interview_id=interview.id)
            interviews.set_interview_status(conn, interview_id=interview.id, status="active")
            first = (stored.get("questions") or [{"text": "Tell me about yourself."}])[0]["text"]
            turns.append_turn(
                conn, workspace_id=workspace_id, interview_id=interview.id, epoch=epoch, seq=1,
                role="interviewer", text=first, question_index=0, kind="question",
            )  # fmt: skip
            interviews.set_interview_status(
                conn, interview_id=interview.id, status="failed", reason="the candidate left"
            )
        return interview.id
