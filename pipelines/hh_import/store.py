"""One HH response stored, however it was read (the API or the recruiter's browser): the
candidate (merged by e-mail, phone or Telegram), the resume (upserted by HH's resume id, its
profile from what HH shows), the application (by the response's id) and the response's HH
state, in one transaction, so a run cut anywhere leaves either all of it or none."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import applications, candidates, hh_negotiations, resumes
from db.pool import transaction
from pipelines.engine_set import Engines
from pipelines.engines.embeddings import embed_document
from pipelines.models import Profile
from pipelines.screening.injection import inspect_resume

SOURCE = "hh"


@dataclass(frozen=True)
class ReadResponse:
    """A response as read: its ids, the resume as text, how to profile that text, and HH's
    state of it (None when unknown: a browser read; the next API sync fills it)."""

    negotiation_id: str
    resume_id: str
    vacancy_id: int
    vacancy_external_id: str
    text: str
    profile: Callable[[str], Profile]  # the resume's text (as screened) → its profile
    employer_state: str | None = None
    actions: list[dict[str, Any]] | None = None
    hh_updated_at: datetime | None = None


def store_response(
    pool: ConnectionPool, engines: Engines, workspace_id: UUID, read: ReadResponse
) -> tuple[int, bool, bool]:
    """(application id, application created, resume changed)."""
    check = inspect_resume(read.text)  # instructions aimed at the AI are cut out and flagged
    profile = read.profile(check.text)
    vector = embed_document(engines.embedder, check.text)
    with transaction(pool, workspace_id=workspace_id) as conn:
        candidate, _ = candidates.upsert_candidate(
            conn, workspace_id=workspace_id, full_name=profile.full_name or "",
            email=profile.email, phone=profile.phone,
            telegram_username=profile.telegram_username, location=profile.location,
        )  # fmt: skip
        stored, changed = resumes.upsert_imported(
            conn, workspace_id=workspace_id, source=SOURCE, external_id=read.resume_id,
            candidate_id=candidate.id, file=read.text.encode(),
            file_name=f"hh-{read.resume_id}.txt", content_type="text/plain", text=check.text,
            profile=profile.model_dump(mode="json"), profile_engine=profile.engine,
            embedding=vector, embedding_engine=engines.embedder.id, flags=list(check.flags),
            language=profile.language,
        )  # fmt: skip
        application, created = applications.get_or_create_application(
            conn, workspace_id=workspace_id, candidate_id=candidate.id,
            vacancy_id=read.vacancy_id, resume_id=stored.id, source=SOURCE,
            external_id=read.negotiation_id,
        )  # fmt: skip
        if not created and application.resume_id != stored.id:
            applications.set_resume(conn, application_id=application.id, resume_id=stored.id)
            changed = True
        hh_negotiations.save(
            conn, workspace_id=workspace_id, negotiation_id=read.negotiation_id,
            application_id=application.id, vacancy_external_id=read.vacancy_external_id,
            resume_external_id=read.resume_id, employer_state=read.employer_state,
            actions=read.actions or [], hh_updated_at=read.hh_updated_at,
        )  # fmt: skip
    return application.id, created, changed
