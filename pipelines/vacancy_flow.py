"""Vacancies in (typed, pasted or uploaded), and applications screened against them.

Analysis (requirements + embedding) is stored with the vacancy, so screening a resume needs
no engine call for the vacancy side. Screening runs the offline scorer always and the LLM
screener when configured; the LLM can lower a score but never raise it past the guard in
pipelines.screening.llm, and its failure falls back to the offline verdict.
"""

from __future__ import annotations

import logging
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import applications, audit, resumes, screenings, vacancies
from db.errors import InvalidValue
from db.pool import transaction
from db.ranking import vacancy_similarity
from pipelines.documents import extract_document
from pipelines.engine_set import Engines
from pipelines.engines.embeddings import embed_document
from pipelines.engines.errors import EngineError
from pipelines.models import Profile, ScreeningResult, VacancyRequirements
from pipelines.profiles.base import ProfileEngineError
from pipelines.screening import build_interview_plan, sanitize, screen_offline
from pipelines.vacancy_validation import check_vacancy_text

log = logging.getLogger(__name__)


def vacancy_text_from_file(engines: Engines, data: bytes, filename: str) -> tuple[str, str]:
    """(title, text) of an uploaded vacancy file; the title is its first non-empty line."""
    document = extract_document(data, filename, limits=engines.limits)
    text = document.text.strip()
    title = next((line.strip() for line in text.splitlines() if line.strip()), filename)
    return title[:300], text


def analyze_vacancy(engines: Engines, title: str, text: str) -> VacancyRequirements:
    """Requirements from the configured engine, or offline when the cloud engine fails."""
    try:
        return engines.profiles.analyze_vacancy(title, text)
    except ProfileEngineError as e:
        if engines.profiles is engines.offline_profiles:
            raise
        log.warning("vacancy analysis by %s failed (%s); using offline", engines.profiles.id, e)
        return engines.offline_profiles.analyze_vacancy(title, text)


def create_vacancy(
    pool: ConnectionPool,
    engines: Engines,
    *,
    workspace_id: UUID,
    title: str,
    text: str,
    source: str = "manual",
    location: str | None = None,
    actor_user_id: int | None = None,
    actor_api_key_id: int | None = None,
) -> vacancies.Vacancy:
    """Analyse and store a vacancy with its requirements and embedding; `VacancyTooShort`
    (an `InvalidValue`) when it has too few words to screen against."""
    check_vacancy_text(title, text)
    requirements = analyze_vacancy(engines, title, text)
    vector = engines.embedder.embed([f"{title}\n{text}"])[0]
    with transaction(pool, workspace_id=workspace_id) as conn:
        vacancy = vacancies.create_vacancy(
            conn,
            workspace_id=workspace_id,
            title=title.strip() or requirements.title,
            description=text,
            language=requirements.language,
            location=location or requirements.location,
            source=source,
        )
        vacancy = vacancies.save_analysis(
            conn,
            vacancy_id=vacancy.id,
            requirements=requirements.model_dump(mode="json"),
            requirements_engine=requirements.engine,
            embedding=vector,
            embedding_engine=engines.embedder.id,
        )
        audit.record(
            conn,
            workspace_id=workspace_id,
            action="vacancy.create",
            actor_user_id=actor_user_id,
            actor_api_key_id=actor_api_key_id,
            target_type="vacancy",
            target_id=vacancy.id,
            details={"source": source},
        )
    return vacancy


def ensure_analysis(
    pool: ConnectionPool, engines: Engines, *, workspace_id: UUID, vacancy_id: int
) -> tuple[vacancies.Vacancy, VacancyRequirements]:
    """The vacancy and its stored requirements, analysing it first if it never was (imports),
    was analysed in an older form, or was embedded by another engine."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        vacancy = vacancies.get_vacancy(conn, vacancy_id=vacancy_id)
    current = (
        vacancy.requirements_engine
        and vacancy.has_embedding
        and vacancy.embedding_engine == engines.embedder.id
        # offline analyses from before requirements were grouped are redone (cheap, local)
        and (vacancy.requirements_engine != "offline" or "requirements" in vacancy.requirements)
    )
    if current:
        return vacancy, VacancyRequirements.model_validate(vacancy.requirements)
    requirements = analyze_vacancy(engines, vacancy.title, vacancy.description)
    vector = engines.embedder.embed([f"{vacancy.title}\n{vacancy.description}"])[0]
    with transaction(pool, workspace_id=workspace_id) as conn:
        vacancies.save_analysis(
            conn,
            vacancy_id=vacancy_id,
            requirements=requirements.model_dump(mode="json"),
            requirements_engine=requirements.engine,
            embedding=vector,
            embedding_engine=engines.embedder.id,
        )
    return vacancy, requirements


def screen_application(
    pool: ConnectionPool, engines: Engines, *, workspace_id: UUID, application_id: int
) -> ScreeningResult:
    """Score the application's parsed resume against its vacancy; store verdict and plan."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        application = applications.get_application(conn, application_id=application_id)
    if application.resume_id is None:
        raise InvalidValue(f"application {application_id} has no resume to screen")
    vacancy, requirements = ensure_analysis(
        pool, engines, workspace_id=workspace_id, vacancy_id=application.vacancy_id
    )
    with transaction(pool, workspace_id=workspace_id) as conn:
        resume = resumes.get_resume(conn, resume_id=application.resume_id)
    if resume.profile is None:
        raise InvalidValue(f"resume {resume.id} is not parsed yet")
    resume_text = sanitize(resume.text or "")
    with transaction(pool, workspace_id=workspace_id) as conn:
        if resume.embedding_engine != engines.embedder.id and resume_text.strip():
            vector = embed_document(engines.embedder, resume_text)
            resumes.save_embedding(
                conn, resume_id=resume.id, embedding=vector, embedding_engine=engines.embedder.id
            )
        similarity = vacancy_similarity(
            conn, vacancy_id=application.vacancy_id, resume_id=application.resume_id
        )
    profile = Profile.model_validate(resume.profile)
    result = screen_offline(
        profile,
        requirements,
        similarity=similarity,
        flags=list(resume.flags),
        language=requirements.language,
        resume_text=resume_text,
        vacancy_text=vacancy.description,
        embedder=engines.embedder,
    )
    if engines.screener is not None:
        try:
            result = engines.screener.screen(
                profile,
                requirements,
                resume_text=resume_text,
                offline=result,
                flags=list(resume.flags),
                language=requirements.language,
            )
        except EngineError as e:
            log.warning("LLM screening failed (%s); keeping the offline verdict", e)
    if engines.planner is not None:
        plan = engines.planner.plan(profile, requirements, result, language=requirements.language)
    else:
        plan = build_interview_plan(profile, requirements, result, language=requirements.language)
    with transaction(pool, workspace_id=workspace_id) as conn:
        screenings.record_screening(
            conn,
            workspace_id=workspace_id,
            application_id=application_id,
            resume_id=resume.id,
            score=result.score,
            recommendation=result.recommendation,
            engine=result.engine,
            matched=result.matched,
            missing=result.missing,
            rationale=result.rationale,
            flags=result.flags,
        )
        applications.set_interview_plan(
            conn, application_id=application_id, plan=plan.model_dump(mode="json")
        )
    return result


def rescreen_vacancy(
    pool: ConnectionPool, engines: Engines, *, workspace_id: UUID, vacancy_id: int
) -> int:
    """Screen every application of a vacancy that has a parsed resume; return how many."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        rows = applications.list_for_vacancy(conn, vacancy_id=vacancy_id, limit=100_000)
    done = 0
    for application in rows:
        if application.resume_id is None:
            continue
        try:
            screen_application(
                pool, engines, workspace_id=workspace_id, application_id=application.id
            )
            done += 1
        except InvalidValue as e:
            log.info("skipping application %s: %s", application.id, e)
    return done
