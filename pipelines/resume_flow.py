"""A resume's way from uploaded bytes to a parsed, embedded, deduplicated, screened record.

`read_resume` is the pure part (no database): text, document flags, profile, embedding. It is
what the benchmark times. `process_resume` wraps it in the status machine
pending → parsing → parsed | failed(reason): a broken file fails alone with a reason a
recruiter can read, and anything unexpected fails that resume, never the batch.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Literal
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import applications, candidates, resumes
from db.errors import InvalidTransition
from db.pool import transaction
from pipelines.documents import DocumentError, ExtractedDocument, extract_document
from pipelines.engine_set import Engines
from pipelines.engines.embeddings import embed_document
from pipelines.models import Profile
from pipelines.profiles.base import ProfileEngineError
from pipelines.screening import inspect_resume
from pipelines.vacancy_flow import screen_application

log = logging.getLogger(__name__)
UNEXPECTED_REASON = "internal error while parsing; the file was kept, retry later"


@dataclass(frozen=True)
class ReadResume:
    """Everything learnt from one file, before it is stored."""

    document: ExtractedDocument
    scoring_text: str
    flags: list[str]
    profile: Profile
    embedding: list[float]
    embedding_engine: str


def read_resume(
    engines: Engines, data: bytes, filename: str, content_type: str | None = None
) -> ReadResume:
    """Extract, flag, profile and embed one resume; `DocumentError` for a bad file."""
    document = extract_document(data, filename, content_type=content_type, limits=engines.limits)
    # Only visible text, with instructions to the AI cut out, reaches any engine or score;
    # flags: invisible text, instructions aimed at the AI (visible or hidden).
    check = inspect_resume(document.text, hidden_text=document.hidden_text)
    scoring_text, flags = check.text, check.flags
    profile = extract_profile(engines, scoring_text)
    vector = embed_document(engines.embedder, scoring_text)
    return ReadResume(document, scoring_text, flags, profile, vector, engines.embedder.id)


def extract_profile(engines: Engines, text: str) -> Profile:
    """The configured engine's profile, or the offline one's if the cloud engine fails."""
    try:
        return engines.profiles.extract_profile(text)
    except ProfileEngineError as e:
        if engines.profiles is engines.offline_profiles:
            raise
        log.warning("profile engine %s failed (%s); using offline", engines.profiles.id, e)
        return engines.offline_profiles.extract_profile(text)


@dataclass(frozen=True)
class ResumeOutcome:
    """What happened to one resume, for progress bars and API answers."""

    resume_id: int
    status: Literal["parsed", "failed", "skipped"]
    reason: str | None = None
    candidate_id: int | None = None
    application_id: int | None = None
    score: int | None = None
    recommendation: str | None = None
    flags: list[str] = field(default_factory=list)


def process_resume(
    pool: ConnectionPool,
    engines: Engines,
    *,
    workspace_id: UUID,
    resume_id: int,
    vacancy_id: int | None = None,
) -> ResumeOutcome:
    """Parse a pending resume; attach it to its (deduplicated) candidate; screen if asked."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        try:
            resume = resumes.set_resume_status(conn, resume_id=resume_id, status="parsing")
        except InvalidTransition:
            return ResumeOutcome(resume_id, "skipped", "already being parsed or done")
        data = resumes.get_resume_file(conn, resume_id=resume_id)
    try:
        read = read_resume(engines, data, resume.file_name, resume.content_type)
    except DocumentError as e:
        return _fail(pool, workspace_id, resume_id, e.reason)
    except Exception:
        log.exception("unexpected error parsing resume %s", resume_id)
        return _fail(pool, workspace_id, resume_id, UNEXPECTED_REASON)
    candidate_id, application_id = _store(pool, workspace_id, resume_id, vacancy_id, read)
    if application_id is None:
        return ResumeOutcome(resume_id, "parsed", candidate_id=candidate_id, flags=read.flags)
    result = screen_application(
        pool, engines, workspace_id=workspace_id, application_id=application_id
    )
    return ResumeOutcome(
        resume_id,
        "parsed",
        candidate_id=candidate_id,
        application_id=application_id,
        score=result.score,
        recommendation=result.recommendation,
        flags=result.flags,
    )


def _store(
    pool: ConnectionPool,
    workspace_id: UUID,
    resume_id: int,
    vacancy_id: int | None,
    read: ReadResume,
) -> tuple[int, int | None]:
    """Candidate (deduplicated by contacts) and, with a vacancy, the application's id."""
    profile = read.profile
    with transaction(pool, workspace_id=workspace_id) as conn:
        candidate, _ = candidates.upsert_candidate(
            conn,
            workspace_id=workspace_id,
            full_name=profile.full_name or "",
            email=profile.email,
            phone=profile.phone,
            telegram_username=profile.telegram_username,
            location=profile.location,
        )
        resumes.attach_candidate(conn, resume_id=resume_id, candidate_id=candidate.id)
        resumes.save_parsed(
            conn,
            resume_id=resume_id,
            text=read.document.text,
            profile=profile.model_dump(mode="json"),
            profile_engine=profile.engine,
            embedding=read.embedding,
            embedding_engine=read.embedding_engine,
            flags=read.flags,
            hidden_text=read.document.hidden_text,
            language=profile.language,
        )
        if vacancy_id is None:
            return candidate.id, None
        application, created = applications.get_or_create_application(
            conn,
            workspace_id=workspace_id,
            candidate_id=candidate.id,
            vacancy_id=vacancy_id,
            resume_id=resume_id,
            source="upload",
        )
        if not created and application.resume_id != resume_id:
            applications.set_resume(conn, application_id=application.id, resume_id=resume_id)
        return candidate.id, application.id


def _fail(pool: ConnectionPool, workspace_id: UUID, resume_id: int, reason: str) -> ResumeOutcome:
    with transaction(pool, workspace_id=workspace_id) as conn:
        resumes.set_resume_status(conn, resume_id=resume_id, status="failed", reason=reason)
    log.info("resume %s failed: %s", resume_id, reason)
    return ResumeOutcome(resume_id, "failed", reason)
