"""Resumes repository: blobs kept out of rows, the status machine, parsed results.
(Parse leases, their takeovers and their limits: `test_resume_lease.py`.)"""

from __future__ import annotations

import hashlib
from dataclasses import fields

import numpy as np
import pytest
from psycopg_pool import ConnectionPool

from db import resume_leases, resumes
from db.errors import InvalidTransition, InvalidValue, NotFound
from db.pool import transaction
from db.statuses import RESUME_TRANSITIONS
from tests.db import factories


def _at(conn, resume_id: int, *path: str) -> resumes.Resume:
    """Walk a fresh resume along `path` of statuses ('parsing' is a claim)."""
    row = resumes.get_resume(conn, resume_id=resume_id)
    for status in path:
        row = _move(conn, resume_id, status, reason="bad file")
    return row


def _move(conn, resume_id: int, status: str, reason: str | None = None) -> resumes.Resume:
    """A status change as the product makes it: 'parsing' only through a claim."""
    if status == "parsing":
        return resume_leases.claim_for_parsing(conn, resume_id=resume_id).resume
    return resumes.set_resume_status(conn, resume_id=resume_id, status=status, reason=reason)


def _claim(conn, resume_id: int) -> resume_leases.ParseLease:
    lease = resume_leases.claim_for_parsing(conn, resume_id=resume_id).lease
    assert lease is not None
    return lease


def test_create_computes_size_and_hash_and_row_has_no_blobs(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    data = b"%PDF-1.4 fake resume bytes"
    with transaction(pool, workspace_id=ws.id) as conn:
        created = resumes.create_resume(
            conn, workspace_id=ws.id, file=data, file_name="cv.pdf", content_type="application/pdf"
        )
    with transaction(pool, workspace_id=ws.id) as conn:
        loaded = resumes.get_resume(conn, resume_id=created.id)
        stored = resumes.get_resume_file(conn, resume_id=created.id)
        by_hash = resumes.find_by_sha256(conn, sha256=hashlib.sha256(data).hexdigest())
    assert loaded == created == by_hash
    assert (loaded.status, loaded.file_size, loaded.candidate_id) == ("pending", len(data), None)
    assert loaded.file_sha256 == hashlib.sha256(data).hexdigest()
    assert stored == data
    names = {f.name for f in fields(resumes.Resume)}
    assert "file" not in names and "embedding" not in names


def test_create_refuses_candidate_of_another_workspace(pool: ConnectionPool) -> None:
    ws, other = factories.workspace(pool), factories.workspace(pool)
    with transaction(pool, workspace_id=other.id) as conn:
        stranger = factories.candidate(conn, other)
    with transaction(pool, workspace_id=ws.id) as conn:
        with pytest.raises(NotFound):
            factories.resume(conn, ws, candidate_id=stranger.id)
        assert resumes.list_resumes(conn) == []


def test_list_filters_by_status_and_candidate(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        person = factories.candidate(conn, ws)
        mine = factories.resume(conn, ws, candidate_id=person.id)
        other = factories.resume(conn, ws)
        _claim(conn, other.id)
        assert [r.id for r in resumes.list_resumes(conn)] == [other.id, mine.id]
        assert [r.id for r in resumes.list_resumes(conn, status="parsing")] == [other.id]
        assert [r.id for r in resumes.list_resumes(conn, candidate_id=person.id)] == [mine.id]
        assert resumes.list_resumes(conn, status="parsed") == []
        assert [r.id for r in resumes.list_resumes(conn, ids=[mine.id])] == [mine.id]
        assert [r.id for r in resumes.list_resumes(conn, ids=[mine.id, other.id])] == [
            other.id,
            mine.id,
        ]


def test_happy_path_through_the_status_machine(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        resume = factories.resume(conn, ws)
        path = ["parsing", "parsed", "interview_scheduled", "interviewed"]
        seen = [_move(conn, resume.id, s).status for s in path]
    assert seen == path


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ([], "parsed"),
        ([], "interviewed"),
        (["parsing"], "pending"),
        (["parsing", "parsed", "interview_scheduled"], "failed"),
        (["parsing", "parsed", "interview_scheduled", "interviewed"], "parsing"),
        (["failed"], "parsing"),
    ],
)
def test_invalid_transitions_name_both_statuses(
    pool: ConnectionPool, path: list[str], target: str
) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        resume = factories.resume(conn, ws)
        before = _at(conn, resume.id, *path)
        with pytest.raises(InvalidTransition) as info:
            _move(conn, resume.id, target, reason="r")
        after = resumes.get_resume(conn, resume_id=resume.id)
    assert (info.value.current, info.value.requested) == (before.status, target)
    assert f"'{before.status}'" in info.value.message and f"'{target}'" in info.value.message
    assert after.status == before.status
    assert target not in RESUME_TRANSITIONS[before.status]


@pytest.mark.parametrize("path", [[], ["parsing"], ["parsing", "parsed"]])
def test_failed_needs_reason_and_retry_clears_it(pool: ConnectionPool, path: list[str]) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        resume = factories.resume(conn, ws)
        _at(conn, resume.id, *path)
        with pytest.raises(InvalidValue):
            resumes.set_resume_status(conn, resume_id=resume.id, status="failed", reason=" ")
        failed = resumes.set_resume_status(
            conn, resume_id=resume.id, status="failed", reason="  not a resume: empty PDF "
        )
        retried = resumes.set_resume_status(conn, resume_id=resume.id, status="pending")
    assert (failed.status, failed.failure_reason) == ("failed", "not a resume: empty PDF")
    assert (failed.parse_attempts, failed.parse_lease_until) == (1 if path else 0, None)
    assert (retried.status, retried.failure_reason) == ("pending", None)
    assert retried.parse_attempts == 0  # a retry gets all its attempts again


def test_unknown_status_and_missing_resume(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        resume = factories.resume(conn, ws)
        with pytest.raises(InvalidValue):
            resumes.set_resume_status(conn, resume_id=resume.id, status="done")
        with pytest.raises(InvalidValue):  # a claim without a lease could never be taken over
            resumes.set_resume_status(conn, resume_id=resume.id, status="parsing")
        with pytest.raises(NotFound):
            resumes.set_resume_status(conn, resume_id=resume.id + 999, status="pending")
        with pytest.raises(NotFound):
            resume_leases.claim_for_parsing(conn, resume_id=resume.id + 999)


def test_save_parsed_stores_profile_and_embedding(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    embedding = np.linspace(-1, 1, 512, dtype=np.float32)
    with transaction(pool, workspace_id=ws.id) as conn:
        resume = factories.resume(conn, ws)
        lease = _claim(conn, resume.id)
        with pytest.raises(InvalidValue):
            resume_leases.save_parsed(
                conn,
                lease=lease,
                text="t",
                profile={},
                profile_engine="offline",
                embedding=[0.1] * 3,
                embedding_engine="e",
            )
        parsed = resume_leases.save_parsed(
            conn,
            lease=lease,
            text="Python developer, 5 years",
            profile={"name": "Ivan", "skills": ["python"]},
            profile_engine="offline-rules",
            embedding=embedding,
            embedding_engine="offline-hash-512",
        )
        stored = resumes.get_resume_embedding(conn, resume_id=resume.id)
        listed = resumes.list_resumes(conn)
    assert (parsed.status, parsed.text, parsed.has_embedding) == (
        "parsed",
        "Python developer, 5 years",
        True,
    )
    assert parsed.profile == {"name": "Ivan", "skills": ["python"]}
    assert (parsed.profile_engine, parsed.embedding_engine) == ("offline-rules", "offline-hash-512")
    assert stored is not None and np.allclose(stored, embedding, atol=1e-6)
    assert listed == [parsed]


def test_save_parsed_without_embedding(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        resume = factories.resume(conn, ws)
        parsed = resume_leases.save_parsed(
            conn, lease=_claim(conn, resume.id), text="x", profile={"a": 1}, profile_engine="p"
        )
        assert resumes.get_resume_embedding(conn, resume_id=resume.id) is None
    assert parsed.status == "parsed" and not parsed.has_embedding


def test_attach_candidate_and_delete(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        resume = factories.resume(conn, ws)
        person = factories.candidate(conn, ws)
        attached = resumes.attach_candidate(conn, resume_id=resume.id, candidate_id=person.id)
        with pytest.raises(NotFound):
            resumes.attach_candidate(conn, resume_id=resume.id, candidate_id=person.id + 999)
        with pytest.raises(NotFound):
            resumes.attach_candidate(conn, resume_id=resume.id + 999, candidate_id=person.id)
        resumes.delete_resume(conn, resume_id=resume.id)
        with pytest.raises(NotFound):
            resumes.get_resume(conn, resume_id=resume.id)
        with pytest.raises(NotFound):
            resumes.get_resume_file(conn, resume_id=resume.id)
        with pytest.raises(NotFound):
            resumes.delete_resume(conn, resume_id=resume.id)
    assert attached.candidate_id == person.id
