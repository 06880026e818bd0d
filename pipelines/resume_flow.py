"""A resume's way from uploaded bytes to a parsed, embedded, deduplicated, screened record.

`read_resume` is the pure part (no database): text, document flags, profile, embedding. It is
what the benchmark times. `process_resume` wraps it in the status machine
pending → parsing → parsed | failed(reason): a broken file fails alone with a reason a
recruiter can read, and anything unexpected fails that resume, never the batch.

'parsing' is a lease (`db.resume_leases`): a worker killed mid-parse leaves the resume to the
task's Ray retry (same owner) or, once the lease runs out, to anyone; after
`MAX_PARSE_ATTEMPTS` claims it ends failed. A worker whose lease was taken over meanwhile
finds its save refused (`ParseLeaseLost`) and reports the resume as skipped. A worker killed
after the save but before the screening was stored leaves a parsed resume with an unscreened
application: the retry, finding the resume parsed, screens that application instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Literal
from uuid import UUID

import psycopg
from psycopg_pool import ConnectionPool

from db import applications, candidates, resume_leases, resumes, screenings
from db.errors import InvalidTransition, ParseLeaseLost
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


FLAG_ACTIVE_CONTENT = "active_content"


def read_resume(
    engines: Engines, data: bytes, filename: str, content_type: str | None = None
) -> ReadResume:
    """Extract, flag, profile and embed one resume; `DocumentError` for a bad file."""
    document = extract_document(data, filename, content_type=content_type, limits=engines.limits)
    # Only visible text, with instructions to the AI cut out, reaches any engine or score;
    # flags: invisible text, instructions aimed at the AI (visible or hidden).
    check = inspect_resume(document.text, hidden_text=document.hidden_text)
    scoring_text, flags = check.text, list(check.flags)
    if document.active_content:  # the original may run something when a recruiter opens it
        flags.append(FLAG_ACTIVE_CONTENT)
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
    owner: str | None = None,
) -> ResumeOutcome:
    """Parse a pending resume; attach it to its (deduplicated) candidate; screen if asked.

    `owner` names the caller across retries of one submission (a Ray task's id): a retry takes
    over the lease its dead attempt left at once. Without it, a resume another worker holds is
    skipped until that lease runs out. A resume parsed already is skipped too, unless its
    application to `vacancy_id` still waits for the screening (its worker died before storing
    it): that application is screened now.
    """
    refusal: InvalidTransition | None = None
    with transaction(pool, workspace_id=workspace_id) as conn:
        try:
            claim = resume_leases.claim_for_parsing(conn, resume_id=resume_id, owner=owner)
        except InvalidTransition as e:
            refusal = e
        else:
            if claim.lease is None:
                log.warning("resume %s given up: %s", resume_id, claim.resume.failure_reason)
                return ResumeOutcome(resume_id, "failed", claim.resume.failure_reason)
            data = resumes.get_resume_file(conn, resume_id=resume_id)
    if refusal is not None:
        # Outside the claim's transaction: screening opens its own (the pool may hold one).
        return _not_claimed(pool, engines, workspace_id, resume_id, vacancy_id, refusal)
    lease, resume = claim.lease, claim.resume
    try:
        read = read_resume(engines, data, resume.file_name, resume.content_type)
    except DocumentError as e:
        return _fail(pool, workspace_id, lease, e.reason)
    except Exception:
        log.exception("unexpected error parsing resume %s", resume_id)
        return _fail(pool, workspace_id, lease, UNEXPECTED_REASON)
    try:
        candidate_id, application_id = _store(pool, workspace_id, lease, vacancy_id, read)
    except ParseLeaseLost as e:
        return _lost(lease, e)
    if application_id is None:
        return ResumeOutcome(resume_id, "parsed", candidate_id=candidate_id, flags=read.flags)
    return _screen(pool, engines, workspace_id, resume_id, candidate_id, application_id)


def _not_claimed(
    pool: ConnectionPool,
    engines: Engines,
    workspace_id: UUID,
    resume_id: int,
    vacancy_id: int | None,
    refusal: InvalidTransition,
) -> ResumeOutcome:
    """A resume this worker may not parse: skipped, or screened if it was parsed for
    `vacancy_id` by a worker that died before the screening was stored."""
    if refusal.current == "parsed" and vacancy_id is not None:
        with transaction(pool, workspace_id=workspace_id) as conn:
            unscreened = _unscreened_application(conn, resume_id, vacancy_id)
        if unscreened is not None:
            candidate_id, application_id = unscreened
            log.info(
                "resume %s was parsed but application %s never screened; screening it now",
                resume_id,
                application_id,
            )
            return _screen(pool, engines, workspace_id, resume_id, candidate_id, application_id)
    reason = (
        "being parsed elsewhere" if refusal.current == "parsing" else f"already {refusal.current}"
    )
    log.info("resume %s skipped: %s", resume_id, refusal.message)
    return ResumeOutcome(resume_id, "skipped", reason)


def _unscreened_application(
    conn: psycopg.Connection, resume_id: int, vacancy_id: int
) -> tuple[int, int] | None:
    """(candidate, application) when the resume's application to the vacancy has no screening
    of this resume yet, else None.

    `_store` saves the resume and creates the application in one transaction, so a parsed
    resume without its application was parsed for another vacancy or none: not ours to apply.
    A screening of an older resume does not count: the application now holds this one.
    """
    resume = resumes.get_resume(conn, resume_id=resume_id)
    if resume.candidate_id is None:
        return None
    for application in applications.list_for_candidate(conn, candidate_id=resume.candidate_id):
        if application.vacancy_id == vacancy_id and application.resume_id == resume_id:
            latest = screenings.latest_screening(conn, application_id=application.id)
            if latest is None or latest.resume_id != resume_id:
                return resume.candidate_id, application.id
    return None


def _screen(
    pool: ConnectionPool,
    engines: Engines,
    workspace_id: UUID,
    resume_id: int,
    candidate_id: int,
    application_id: int,
) -> ResumeOutcome:
    """Screen the parsed resume's application and report the verdict."""
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
    lease: resume_leases.ParseLease,
    vacancy_id: int | None,
    read: ReadResume,
) -> tuple[int, int | None]:
    """Candidate (deduplicated by contacts) and, with a vacancy, the application's id.

    One transaction: if the lease was lost, `save_parsed` raises and no candidate is kept.
    """
    profile = read.profile
    resume_id = lease.resume_id
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
        resume_leases.save_parsed(
            conn,
            lease=lease,
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


def _fail(
    pool: ConnectionPool, workspace_id: UUID, lease: resume_leases.ParseLease, reason: str
) -> ResumeOutcome:
    try:
        with transaction(pool, workspace_id=workspace_id) as conn:
            resume_leases.fail_parse(conn, lease=lease, reason=reason)
    except ParseLeaseLost as e:
        return _lost(lease, e)
    log.info("resume %s failed: %s", lease.resume_id, reason)
    return ResumeOutcome(lease.resume_id, "failed", reason)


def _lost(lease: resume_leases.ParseLease, error: ParseLeaseLost) -> ResumeOutcome:
    """This worker outlived its lease and another took the resume over: its result is dropped."""
    log.warning(
        "resume %s: result of attempt %s dropped: %s", lease.resume_id, lease.attempt, error.message
    )
    return ResumeOutcome(lease.resume_id, "skipped", "taken over by another worker")
