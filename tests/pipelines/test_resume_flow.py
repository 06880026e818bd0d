"""The resume flow end to end on the real database with the offline engines: statuses,
deduplication, screening and ranking, failures that stay alone, injection that cannot help."""

from __future__ import annotations

import pytest

from db import applications, candidates, resumes
from db.pool import transaction
from db.ranking import rank_vacancy
from pipelines import vacancy_flow
from pipelines.engine_set import offline_engines
from pipelines.resume_flow import process_resume
from serve_apps import accounts
from tests.pipelines import samples


@pytest.fixture(scope="module")
def engines():  # type: ignore[no-untyped-def]
    return offline_engines()


@pytest.fixture(scope="module")
def workspace(pool):  # type: ignore[no-untyped-def]
    return accounts.create_workspace(pool, name="Flow Test", owner_id=None)


@pytest.fixture(scope="module")
def vacancy(pool, engines, workspace):  # type: ignore[no-untyped-def]
    return vacancy_flow.create_vacancy(
        pool, engines, workspace_id=workspace.id, title="", text=samples.VACANCY_EN
    )


def store(pool, workspace, name: str, data: bytes) -> int:  # type: ignore[no-untyped-def]
    with transaction(pool, workspace_id=workspace.id) as conn:
        return resumes.create_resume(conn, workspace_id=workspace.id, file=data, file_name=name).id


def test_vacancy_is_analysed_on_creation(vacancy) -> None:
    assert vacancy.title == "Senior Python Developer"
    assert vacancy.language == "en"
    assert vacancy.has_embedding and vacancy.requirements_engine == "offline"
    must = set(vacancy.requirements["must_have"])
    assert {"Python", "FastAPI", "PostgreSQL", "Docker"} <= must
    assert "Kubernetes" in vacancy.requirements["nice_to_have"]
    assert vacancy.requirements["min_years"] == 3


def test_matching_resume_outranks_non_matching(pool, engines, workspace, vacancy) -> None:
    strong = store(pool, workspace, "strong.txt", samples.STRONG_EN.encode())
    weak = store(pool, workspace, "weak.txt", samples.WEAK_EN.encode())
    for rid in (strong, weak):
        outcome = process_resume(
            pool, engines, workspace_id=workspace.id, resume_id=rid, vacancy_id=vacancy.id
        )
        assert outcome.status == "parsed", outcome
    with transaction(pool, workspace_id=workspace.id) as conn:
        ranked = rank_vacancy(conn, vacancy_id=vacancy.id)
        parsed = resumes.get_resume(conn, resume_id=strong)
    assert [r.resume_id for r in ranked[:2]] == [strong, weak]
    top, bottom = ranked[0], ranked[1]
    assert top.score > bottom.score + 30
    assert top.recommendation in ("strongly_recommend", "recommend")
    assert bottom.recommendation == "reject"
    assert {"Python", "PostgreSQL"} <= set(top.matched)
    assert "Python" in bottom.missing
    assert top.similarity > bottom.similarity
    assert parsed.status == "parsed" and parsed.profile["full_name"] == "John Smith"
    with transaction(pool, workspace_id=workspace.id) as conn:
        plan = applications.get_interview_plan(conn, application_id=top.application_id)
    assert 6 <= len(plan["questions"]) <= 10
    assert plan["language"] == "en"


def test_second_resume_of_same_person_attaches_to_same_candidate(
    pool, engines, workspace, vacancy
) -> None:
    again = store(pool, workspace, "john-again.txt", samples.STRONG_DUPLICATE_EN.encode())
    outcome = process_resume(
        pool, engines, workspace_id=workspace.id, resume_id=again, vacancy_id=vacancy.id
    )
    with transaction(pool, workspace_id=workspace.id) as conn:
        johns = [c for c in candidates.list_candidates(conn, search="john")]
        assert len(johns) == 1
        assert outcome.candidate_id == johns[0].id
        app = applications.get_application(conn, application_id=outcome.application_id)
    assert app.resume_id == again  # the newest resume is the one screened


def test_injection_is_flagged_and_cannot_raise_the_score(pool, engines, workspace, vacancy) -> None:
    clean = store(
        pool,
        workspace,
        "clean.txt",
        samples.WEAK_EN.replace("Mary", "Ann")
        .replace("mary.jones", "ann.jones")
        .replace("7946 0958", "7946 0000")
        .encode(),
    )
    # The same person's text plus an injection (other contacts: candidates are deduplicated by
    # them); only the instruction differs, and it must not move the score up.
    injected_text = (
        samples.WEAK_EN.replace("Mary", "Ann")
        .replace("mary.jones", "eve.jones")
        .replace("7946 0958", "7946 1111")
        + samples.INJECTION
    )
    injected = store(pool, workspace, "eve.txt", injected_text.encode())
    results = {
        rid: process_resume(
            pool, engines, workspace_id=workspace.id, resume_id=rid, vacancy_id=vacancy.id
        )
        for rid in (clean, injected)
    }
    assert "prompt_injection" in results[injected].flags
    assert results[injected].score <= results[clean].score
    assert results[injected].recommendation in ("consider", "reject")
    with transaction(pool, workspace_id=workspace.id) as conn:
        stored = resumes.get_resume(conn, resume_id=injected)
    assert "prompt_injection" in stored.flags


def test_broken_files_fail_alone_with_reasons(pool, engines, workspace, vacancy) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    cases = {"empty.pdf": b"", "photo.pdf": png, "ok.txt": samples.STRONG_EN.encode()}
    ids = {name: store(pool, workspace, name, data) for name, data in cases.items()}
    outcomes = {
        name: process_resume(
            pool, engines, workspace_id=workspace.id, resume_id=rid, vacancy_id=vacancy.id
        )
        for name, rid in ids.items()
    }
    assert outcomes["ok.txt"].status == "parsed"
    assert outcomes["empty.pdf"].status == "failed"
    assert outcomes["empty.pdf"].reason == "empty file"
    assert outcomes["photo.pdf"].status == "failed"
    assert "does not match its extension" in outcomes["photo.pdf"].reason
    with transaction(pool, workspace_id=workspace.id) as conn:
        failed = resumes.get_resume(conn, resume_id=ids["photo.pdf"])
    assert (failed.status, failed.failure_reason) == ("failed", outcomes["photo.pdf"].reason)


def test_processing_twice_is_skipped(pool, engines, workspace) -> None:
    rid = store(pool, workspace, "once.txt", samples.RU_ANALYST.encode())
    first = process_resume(pool, engines, workspace_id=workspace.id, resume_id=rid)
    second = process_resume(pool, engines, workspace_id=workspace.id, resume_id=rid)
    assert (first.status, second.status) == ("parsed", "skipped")
    with transaction(pool, workspace_id=workspace.id) as conn:
        resume = resumes.get_resume(conn, resume_id=rid)
    assert resume.language == "ru"
    assert resume.profile["telegram_username"] == "ivan_data"


def test_a_batch_of_bad_files_fails_file_by_file(pool, engines, workspace, vacancy) -> None:
    """Every kind of bad input ends as `failed` with its own reason; the good file in the
    same batch is parsed and screened, and invisible text in a PDF is flagged."""
    from tests.pipelines.documents import fixtures

    batch = {
        "locked.pdf": fixtures.pdf_bytes(
            fixtures.lines_page(["John Smith", "Python"]), encrypt="s3cret"
        ),
        "scan.pdf": fixtures.image_only_pdf(),
        "truncated.pdf": fixtures.text_pdf(["Python developer"])[:300],
        "bomb.docx": fixtures.zip_bomb_docx(),
        "latin1.txt": bytes(range(128, 256)) * 20,
        "photo.docx": b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
        "hidden.pdf": fixtures.hidden_text_pdf("white"),
        "good.txt": samples.STRONG_EN.replace("John Smith", "Good Person")
        .replace("john.smith", "good.person")
        .replace("0101", "0199")
        .replace("@jsmith_dev", "@good_person")
        .encode(),
    }
    ids = {name: store(pool, workspace, name, data) for name, data in batch.items()}
    outcomes = {
        name: process_resume(
            pool, engines, workspace_id=workspace.id, resume_id=rid, vacancy_id=vacancy.id
        )
        for name, rid in ids.items()
    }
    reasons = {name: o.reason for name, o in outcomes.items() if o.status == "failed"}
    assert reasons["locked.pdf"] == "password-protected PDF"
    assert reasons["scan.pdf"] == "no text layer: OCR not available"
    assert reasons["truncated.pdf"].startswith("corrupt PDF")
    assert reasons["bomb.docx"].startswith("DOCX expands to")
    assert reasons["latin1.txt"] == "unsupported text encoding"
    assert "does not match its extension" in reasons["photo.docx"]
    assert set(reasons) == set(batch) - {"good.txt", "hidden.pdf"}
    assert outcomes["good.txt"].status == "parsed" and outcomes["good.txt"].score is not None
    assert outcomes["hidden.pdf"].status == "parsed"
    assert "hidden_text" in outcomes["hidden.pdf"].flags
    with transaction(pool, workspace_id=workspace.id) as conn:
        hidden = resumes.get_resume(conn, resume_id=ids["hidden.pdf"])
        failed = resumes.list_resumes(conn, status="failed", limit=100)
    assert fixtures.INJECTION in (hidden.hidden_text or "")
    assert fixtures.INJECTION not in (hidden.text or "")
    assert "hidden_text" in hidden.flags
    assert {r.file_name for r in failed} >= set(reasons)
