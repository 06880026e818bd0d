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
from pipelines.profiles.vacancy_edit import RECRUITER_ENGINE, RecruiterEdit, apply_edit
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


def preview_vacancy(
    engines: Engines, title: str, text: str, edit: RecruiterEdit | None = None
) -> VacancyRequirements:
    """What `create_vacancy` would store as requirements, storing nothing; `VacancyTooShort`
    like it. Lets the recruiter check (and correct) the reading before saving."""
    check_vacancy_text(title, text)
    requirements = analyze_vacancy(engines, title, text)
    if edit is not None:
        requirements = apply_edit(requirements, list(edit.items), edit.min_years)
    return requirements


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
    edit: RecruiterEdit | None = None,
) -> vacancies.Vacancy:
    """Analyse and store a vacancy with its requirements and embedding; `VacancyTooShort`
    (an `InvalidValue`) when it has too few words to screen against. With the recruiter's
    `edit`, its requirements replace the analysed ones (engine "recruiter")."""
    requirements = preview_vacancy(engines, title, text, edit)
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
    was analysed in an older form, or was embedded by another engine. Requirements the
    recruiter corrected are never analysed over: only their missing embedding is made."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        vacancy = vacancies.get_vacancy(conn, vacancy_id=vacancy_id)
    embedded = vacancy.has_embedding and vacancy.embedding_engine == engines.embedder.id
    if vacancy.requirements_engine == RECRUITER_ENGINE:
        requirements = VacancyRequirements.model_validate(vacancy.requirements)
        if not embedded:
            vacancy = _save(pool, engines, workspace_id, vacancy, requirements)
        return vacancy, requirements
    current = (
        vacancy.requirements_engine
        and embedded
        # offline analyses from before requirements were grouped are redone (cheap, local)
        and (vacancy.requirements_engine != "offline" or "requirements" in vacancy.requirements)
    )
    if current:
        return vacancy, VacancyRequirements.model_validate(vacancy.requirements)
    requirements = analyze_vacancy(engines, vacancy.title, vacancy.description)
    vacancy = _save(pool, engines, workspace_id, vacancy, requirements)
    return vacancy, requirements


def _save(
    pool: ConnectionPool,
    engines: Engines,
    workspace_id: UUID,
    vacancy: vacancies.Vacancy,
    requirements: VacancyRequirements,
) -> vacancies.Vacancy:
    """Store the requirements with a fresh embedding of the vacancy's title and text."""
    vector = engines.embedder.embed([f"{vacancy.title}\n{vacancy.description}"])[0]
    with transaction(pool, workspace_id=workspace_id) as conn:
        return vacancies.save_analysis(
            conn,
            vacancy_id=vacancy.id,
            requirements=requirements.model_dump(mode="json"),
            requirements_engine=requirements.engine,
            embedding=vector,
            embedding_engine=engines.embedder.id,
        )


def update_vacancy(
    pool: ConnectionPool,
    engines: Engines,
    *,
    workspace_id: UUID,
    vacancy_id: int,
    title: str | None = None,
    description: str | None = None,
    location: str | None = None,
    edit: RecruiterEdit | None = None,
    status: str | None = None,
    actor_user_id: int | None = None,
    actor_api_key_id: int | None = None,
) -> vacancies.Vacancy:
    """Change what is given (None leaves a field as it is; a blank location clears it).

    A new title or text is analysed and embedded again, the recruiter's `edit` then applied
    over that reading; an `edit` alone is applied over the stored requirements. Changes are
    audited as "vacancy.update" (with the changed fields) and "vacancy.archive" /
    "vacancy.restore"; `NotFound` for a vacancy outside the workspace."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        vacancy = vacancies.get_vacancy(conn, vacancy_id=vacancy_id)
    new_title = title.strip() if title is not None else vacancy.title
    new_text = description if description is not None else vacancy.description
    new_location = (location.strip() or None) if location is not None else vacancy.location
    changed = [
        name
        for name, new, old in (
            ("title", new_title, vacancy.title),
            ("description", new_text, vacancy.description),
            ("location", new_location, vacancy.location),
        )
        if new != old
    ]
    requirements: VacancyRequirements | None = None
    vector: list[float] | None = None
    if "title" in changed or "description" in changed:
        requirements = preview_vacancy(engines, new_title, new_text, edit)
        vector = engines.embedder.embed([f"{new_title}\n{new_text}"])[0]
    elif edit is not None:
        _, stored = ensure_analysis(pool, engines, workspace_id=workspace_id, vacancy_id=vacancy_id)
        requirements = apply_edit(stored, list(edit.items), edit.min_years)
    if edit is not None:
        changed.append("requirements")
    with transaction(pool, workspace_id=workspace_id) as conn:
        vacancy = vacancies.update_vacancy(
            conn,
            vacancy_id=vacancy_id,
            title=new_title if "title" in changed else None,
            description=new_text if "description" in changed else None,
            location=(new_location or "") if "location" in changed else None,
            language=requirements.language if vector is not None and requirements else None,
        )
        if requirements is not None and vector is not None:
            vacancy = vacancies.save_analysis(
                conn,
                vacancy_id=vacancy_id,
                requirements=requirements.model_dump(mode="json"),
                requirements_engine=requirements.engine,
                embedding=vector,
                embedding_engine=engines.embedder.id,
            )
        elif requirements is not None:
            vacancy = vacancies.save_requirements(
                conn,
                vacancy_id=vacancy_id,
                requirements=requirements.model_dump(mode="json"),
                requirements_engine=requirements.engine,
            )

        def record(action: str, details: dict[str, object] | None = None) -> None:
            audit.record(
                conn,
                workspace_id=workspace_id,
                action=action,
                actor_user_id=actor_user_id,
                actor_api_key_id=actor_api_key_id,
                target_type="vacancy",
                target_id=vacancy_id,
                details=details,
            )

        if changed:
            record("vacancy.update", {"fields": changed})
        if status is not None and status != vacancy.status:
            vacancy = vacancies.set_vacancy_status(conn, vacancy_id=vacancy_id, status=status)
            record("vacancy.archive" if status == "archived" else "vacancy.restore")
    return vacancy


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
