"""`process_resume` over parse leases: a parse whose worker died is finished by the next
attempt, a live one elsewhere is skipped without an error, a resume that never finishes ends
failed with a reason, and a worker that lost its lease drops its result; a worker that died
after the save but before the screening leaves the screening to the retry. One test kills a
real Ray worker with SIGKILL mid-parse and lets Ray's retry finish the resume."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from db import applications, candidates, resume_leases, resumes
from db.bootstrap import PreparedDatabase
from db.pool import open_pool, transaction
from db.vacancies import Vacancy
from db.workspaces import Workspace
from pipelines import vacancy_flow
from pipelines.engine_set import Engines, offline_engines
from pipelines.models import Profile, ScreeningResult, VacancyRequirements
from pipelines.profiles.offline import OfflineProfileEngine
from pipelines.resume_flow import process_resume
from serve_apps import accounts
from tests.pipelines import samples


class HookedProfiles:
    """The offline profile engine, with `before` run first: a crash, a takeover, a kill."""

    id = "offline-hooked"

    def __init__(self, before: Callable[[], None]) -> None:
        self._before = before
        self._inner = OfflineProfileEngine()

    def extract_profile(self, text: str) -> Profile:
        self._before()
        return self._inner.extract_profile(text)

    def analyze_vacancy(self, title: str, text: str) -> VacancyRequirements:
        return self._inner.analyze_vacancy(title, text)


class DyingScreener:
    """A screening engine whose worker dies while screening (after the resume was saved)."""

    id = "dying-screener"

    def screen(self, *args: Any, **kwargs: Any) -> ScreeningResult:
        raise RuntimeError("worker killed while screening")


def hooked(before: Callable[[], None]) -> Engines:
    engines = offline_engines()
    engines.profiles = HookedProfiles(before)
    return engines


@pytest.fixture(scope="module")
def workspace(pool: ConnectionPool) -> Workspace:
    return accounts.create_workspace(pool, name="Lease Test", owner_id=None)


@pytest.fixture(scope="module")
def vacancy(pool: ConnectionPool, workspace: Workspace) -> Vacancy:
    return vacancy_flow.create_vacancy(
        pool, offline_engines(), workspace_id=workspace.id, title="", text=samples.VACANCY_EN
    )


def store(pool: ConnectionPool, workspace: Workspace, name: str, text: str) -> int:
    with transaction(pool, workspace_id=workspace.id) as conn:
        return resumes.create_resume(
            conn, workspace_id=workspace.id, file=text.encode(), file_name=name
        ).id


def claim(pool: ConnectionPool, workspace: Workspace, rid: int, owner: str) -> None:
    """A worker claims the resume (and then, in these tests, dies or stalls)."""
    with transaction(pool, workspace_id=workspace.id) as conn:
        assert resume_leases.claim_for_parsing(conn, resume_id=rid, owner=owner).lease is not None


def expire(admin_conn: psycopg.Connection, rid: int) -> None:
    admin_conn.execute(
        "update resumes set parse_lease_until = now() - interval '1 second' where id = %s", (rid,)
    )


def load(pool: ConnectionPool, workspace: Workspace, rid: int) -> resumes.Resume:
    with transaction(pool, workspace_id=workspace.id) as conn:
        return resumes.get_resume(conn, resume_id=rid)


def person(n: int) -> str:
    """A resume text of its own person (candidates are deduplicated by contacts)."""
    return (
        samples.STRONG_EN.replace("John Smith", f"Person {n}")
        .replace("john.smith", f"person{n}")
        .replace("@jsmith_dev", f"@person_{n}")
        .replace("0101", f"01{n:02d}")
    )


def test_dead_workers_resume_is_taken_over_after_its_lease(
    pool: ConnectionPool, workspace: Workspace, admin_conn: psycopg.Connection
) -> None:
    rid = store(pool, workspace, "killed.txt", person(1))
    claim(pool, workspace, rid, "worker-killed")
    expire(admin_conn, rid)
    outcome = process_resume(pool, offline_engines(), workspace_id=workspace.id, resume_id=rid)
    stored = load(pool, workspace, rid)
    assert outcome.status == "parsed", outcome
    assert (stored.status, stored.parse_attempts, stored.parse_lease_until) == ("parsed", 2, None)
    assert stored.candidate_id == outcome.candidate_id is not None


def test_retry_of_the_same_task_takes_over_at_once(
    pool: ConnectionPool, workspace: Workspace
) -> None:
    rid = store(pool, workspace, "retried.txt", person(2))
    claim(pool, workspace, rid, "ray-task-1")  # the attempt that died; its lease is live
    outcome = process_resume(
        pool, offline_engines(), workspace_id=workspace.id, resume_id=rid, owner="ray-task-1"
    )
    assert outcome.status == "parsed", outcome
    assert load(pool, workspace, rid).parse_attempts == 2


def test_live_lease_elsewhere_is_skipped_quietly(
    pool: ConnectionPool, workspace: Workspace
) -> None:
    rid = store(pool, workspace, "busy.txt", person(3))
    claim(pool, workspace, rid, "ray-task-1")
    for owner in (None, "ray-task-2"):
        outcome = process_resume(
            pool, offline_engines(), workspace_id=workspace.id, resume_id=rid, owner=owner
        )
        assert (outcome.status, outcome.reason) == ("skipped", "being parsed elsewhere")
    stored = load(pool, workspace, rid)
    assert (stored.status, stored.parse_attempts) == ("parsing", 1)


def test_resume_that_never_finishes_ends_failed(
    pool: ConnectionPool, workspace: Workspace, admin_conn: psycopg.Connection
) -> None:
    rid = store(pool, workspace, "poison.txt", person(4))
    for n in range(resume_leases.MAX_PARSE_ATTEMPTS):
        claim(pool, workspace, rid, f"worker-{n}")
        expire(admin_conn, rid)
    outcome = process_resume(pool, offline_engines(), workspace_id=workspace.id, resume_id=rid)
    stored = load(pool, workspace, rid)
    assert outcome.status == "failed"
    assert outcome.reason == stored.failure_reason
    assert (outcome.reason or "").startswith("parsing did not finish after 3 attempts")
    assert (stored.status, stored.parse_lease_until) == ("failed", None)


def test_worker_that_lost_its_lease_drops_its_result(
    pool: ConnectionPool, workspace: Workspace, admin_conn: psycopg.Connection
) -> None:
    """A worker stalls past its lease; another takes the resume over; the first one wakes up
    and finishes: neither its result nor its candidate are kept."""
    rid = store(pool, workspace, "slow.txt", person(5))

    def taken_over_meanwhile() -> None:
        expire(admin_conn, rid)
        claim(pool, workspace, rid, "worker-new")

    outcome = process_resume(
        pool, hooked(taken_over_meanwhile), workspace_id=workspace.id, resume_id=rid
    )
    stored = load(pool, workspace, rid)
    assert (outcome.status, outcome.reason) == ("skipped", "taken over by another worker")
    assert (stored.status, stored.parse_attempts, stored.text) == ("parsing", 2, None)
    with transaction(pool, workspace_id=workspace.id) as conn:
        assert candidates.list_candidates(conn, search="Person 5") == []


def test_worker_that_lost_its_lease_cannot_fail_the_resume(
    pool: ConnectionPool, workspace: Workspace, admin_conn: psycopg.Connection
) -> None:
    rid = store(pool, workspace, "crash.txt", person(6))

    def taken_over_then_crash() -> None:
        expire(admin_conn, rid)
        claim(pool, workspace, rid, "worker-new")
        raise RuntimeError("parser crashed")

    outcome = process_resume(
        pool, hooked(taken_over_then_crash), workspace_id=workspace.id, resume_id=rid
    )
    stored = load(pool, workspace, rid)
    assert (outcome.status, outcome.reason) == ("skipped", "taken over by another worker")
    assert (stored.status, stored.failure_reason, stored.parse_attempts) == ("parsing", None, 2)


def screenings_of(admin_conn: psycopg.Connection, application_id: int) -> int:
    row = admin_conn.execute(
        "select count(*) from screenings where application_id = %s", (application_id,)
    ).fetchone()
    return int(row[0]) if row else 0


def test_retry_screens_a_parsed_resume_whose_worker_died_while_screening(
    pool: ConnectionPool, workspace: Workspace, vacancy: Vacancy, admin_conn: psycopg.Connection
) -> None:
    """The resume was saved 'parsed' with its application, then the worker died before the
    screening was stored: the retry cannot claim the resume, but screens the application."""
    rid = store(pool, workspace, "screen-died.txt", person(8))
    dying = offline_engines()
    dying.screener = DyingScreener()  # type: ignore[assignment]
    with pytest.raises(RuntimeError):
        process_resume(pool, dying, workspace_id=workspace.id, resume_id=rid, vacancy_id=vacancy.id)
    with transaction(pool, workspace_id=workspace.id) as conn:
        (application,) = [
            a
            for a in applications.list_for_vacancy(conn, vacancy_id=vacancy.id)
            if a.resume_id == rid
        ]
    assert load(pool, workspace, rid).status == "parsed"
    assert (application.score, screenings_of(admin_conn, application.id)) == (None, 0)

    retried = process_resume(
        pool, offline_engines(), workspace_id=workspace.id, resume_id=rid, vacancy_id=vacancy.id
    )
    assert retried.status == "parsed", retried
    assert (retried.application_id, retried.candidate_id) == (
        application.id,
        application.candidate_id,
    )
    assert retried.score is not None and retried.recommendation is not None
    assert screenings_of(admin_conn, application.id) == 1

    again = process_resume(
        pool, offline_engines(), workspace_id=workspace.id, resume_id=rid, vacancy_id=vacancy.id
    )
    assert (again.status, again.reason) == ("skipped", "already parsed")
    assert screenings_of(admin_conn, application.id) == 1


def test_parsed_resume_without_an_application_to_the_vacancy_is_skipped(
    pool: ConnectionPool, workspace: Workspace, vacancy: Vacancy
) -> None:
    """Saving and applying are one transaction, so no application means the resume was parsed
    for no vacancy: asking again with one does not apply it behind the recruiter's back."""
    rid = store(pool, workspace, "no-vacancy.txt", person(9))
    first = process_resume(pool, offline_engines(), workspace_id=workspace.id, resume_id=rid)
    later = process_resume(
        pool, offline_engines(), workspace_id=workspace.id, resume_id=rid, vacancy_id=vacancy.id
    )
    assert (first.status, later.status, later.reason) == ("parsed", "skipped", "already parsed")
    with transaction(pool, workspace_id=workspace.id) as conn:
        applied = applications.list_for_vacancy(conn, vacancy_id=vacancy.id)
    assert [a for a in applied if a.resume_id == rid] == []


def _kill_once(marker: str) -> None:
    """kill -9 of this very worker process, the first time only."""
    if not os.path.exists(marker):
        Path(marker).touch()
        os.kill(os.getpid(), signal.SIGKILL)


def _parse_in_ray_task(
    app_url: str, workspace_id: str, resume_id: int, marker: str
) -> dict[str, Any]:
    """What `actors.tasks.process_resume_task` does, with the task's id as the lease owner and
    a profile engine that kills the worker on the first attempt."""
    import ray

    pool = open_pool(app_url, min_size=0, max_size=1, name="lease-test")
    try:
        outcome = process_resume(
            pool,
            hooked(lambda: _kill_once(marker)),
            workspace_id=UUID(workspace_id),
            resume_id=resume_id,
            owner=ray.get_runtime_context().get_task_id(),
        )
    finally:
        pool.close()
    return asdict(outcome)


@pytest.mark.ray
@pytest.mark.usefixtures("ray_local")
def test_ray_retry_finishes_a_resume_whose_worker_was_killed(
    pool: ConnectionPool, workspace: Workspace, prepared: PreparedDatabase, tmp_path: Path
) -> None:
    import ray

    rid = store(pool, workspace, "sigkill.txt", person(7))
    marker = tmp_path / "killed-once"
    task = ray.remote(num_cpus=1, max_retries=2)(_parse_in_ray_task)
    outcome: dict[str, Any] = ray.get(
        task.remote(prepared.app_url, str(workspace.id), rid, str(marker)), timeout=180
    )
    stored = load(pool, workspace, rid)
    assert marker.exists()  # the first attempt was killed after its claim
    assert outcome["status"] == "parsed", outcome
    assert (stored.status, stored.parse_attempts) == ("parsed", 2)
