"""The bench: candidates with parsed resumes put on it, changed, listed, matched, taken off."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import numpy as np
import pytest
from psycopg_pool import ConnectionPool

from db import bench, resumes
from db.errors import Conflict, InvalidValue, NotFound
from db.pool import transaction
from pipelines.engine_set import Engines, offline_engines
from pipelines.resume_flow import process_resume
from tests.db import factories
from tests.pipelines import samples


@pytest.fixture(scope="module")
def engines() -> Engines:
    return offline_engines()


def parsed_candidate(
    pool: ConnectionPool, engines: Engines, ws: UUID, text: str
) -> tuple[int, int]:
    """(candidate id, resume id) of a resume parsed by the real offline pipeline."""
    with transaction(pool, workspace_id=ws) as conn:
        rid = resumes.create_resume(
            conn, workspace_id=ws, file=text.encode(), file_name="cv.txt"
        ).id
    outcome = process_resume(pool, engines, workspace_id=ws, resume_id=rid)
    assert outcome.status == "parsed" and outcome.candidate_id is not None
    return outcome.candidate_id, rid


def test_bench_members_carry_their_latest_parsed_resume(
    pool: ConnectionPool, engines: Engines
) -> None:
    ws = factories.workspace(pool)
    john, _ = parsed_candidate(pool, engines, ws.id, samples.STRONG_EN)
    mary, mary_resume = parsed_candidate(pool, engines, ws.id, samples.WEAK_EN)
    with transaction(pool, workspace_id=ws.id) as conn:
        bare = factories.candidate(conn, ws, full_name="No Resume Yet").id
    # John uploads a newer, shorter resume: the bench reads that one.
    same_john, newest = parsed_candidate(pool, engines, ws.id, samples.STRONG_DUPLICATE_EN)
    assert same_john == john
    with transaction(pool, workspace_id=ws.id) as conn:
        added = bench.add_member(
            conn, workspace_id=ws.id, candidate_id=john, headline=" Senior Python engineer ",
            rate="$55/hour", available_from=date(2025, 3, 1),
        )  # fmt: skip
        bench.add_member(conn, workspace_id=ws.id, candidate_id=mary, note="accounting only")
        bench.add_member(conn, workspace_id=ws.id, candidate_id=bare)
        listed = bench.list_members(conn)
        matching = bench.members_for_matching(conn)
    assert added.headline == "Senior Python engineer" and added.rate == "$55/hour"
    assert added.full_name == "John Smith" and added.resume_id == newest
    assert {"Python", "FastAPI", "PostgreSQL", "Docker"} <= set(added.skills)
    assert [m.candidate_id for m in listed] == [john, mary, bare]
    by_id = {m.candidate_id: m for m in listed}
    assert by_id[mary].resume_id == mary_resume and "Accounting" in by_id[mary].skills
    assert by_id[mary].years >= 9 and "english" in by_id[mary].languages
    assert any("Accountant" in t for t in by_id[mary].titles)
    assert (by_id[bare].resume_id, by_id[bare].skills, by_id[bare].years) == (None, [], 0.0)
    vectors = {m.candidate_id: m for m in matching}
    assert vectors[john].embedding is not None and vectors[john].embedding.shape == (512,)
    assert vectors[john].embedding_engine == engines.embedder.id
    assert "FastAPI" in vectors[john].text and "Excel" in vectors[mary].text
    assert abs(float(np.linalg.norm(vectors[mary].embedding)) - 1.0) < 1e-3
    assert vectors[bare].embedding is None and vectors[bare].text == ""


def test_bench_changes_and_refusals(pool: ConnectionPool, engines: Engines) -> None:
    ws, other = factories.workspace(pool), factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        person = factories.candidate(conn, ws, full_name="Olga Kim").id
    with transaction(pool, workspace_id=other.id) as conn:
        stranger = factories.candidate(conn, other).id
    with transaction(pool, workspace_id=ws.id) as conn:
        bench.add_member(conn, workspace_id=ws.id, candidate_id=person, headline="QA lead")
        with pytest.raises(Conflict):
            bench.add_member(conn, workspace_id=ws.id, candidate_id=person)
        with pytest.raises(NotFound):
            bench.add_member(conn, workspace_id=ws.id, candidate_id=stranger)
        with pytest.raises(InvalidValue, match="headline is at most 300"):
            bench.update_member(conn, candidate_id=person, headline="x" * 301)
        with pytest.raises(InvalidValue, match="unknown bench field"):
            bench.update_member(conn, candidate_id=person, salary="lots")
        with pytest.raises(InvalidValue, match="available_from must be a date"):
            bench.update_member(conn, candidate_id=person, available_from="tomorrow")
        changed = bench.update_member(conn, candidate_id=person, rate="  ", note="Go and k6")
        put = bench.put_member(conn, workspace_id=ws.id, candidate_id=person, headline="QA")
    assert (changed.headline, changed.rate, changed.note) == ("QA lead", None, "Go and k6")
    assert (put.headline, put.note) == ("QA", "Go and k6")
    with transaction(pool, workspace_id=other.id) as conn:
        assert bench.list_members(conn) == []
        with pytest.raises(NotFound):
            bench.remove_member(conn, candidate_id=person)
    with transaction(pool, workspace_id=ws.id) as conn:
        bench.remove_member(conn, candidate_id=person)
        with pytest.raises(NotFound):
            bench.remove_member(conn, candidate_id=person)
        with pytest.raises(NotFound):
            bench.get_member(conn, candidate_id=person)
        assert conn.execute(
            "select count(*) from candidates where id = %s", (person,)
        ).fetchone() == (1,)
