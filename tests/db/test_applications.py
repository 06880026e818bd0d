"""Applications and screenings repository."""

from __future__ import annotations

import pytest
from psycopg_pool import ConnectionPool

from db import applications, screenings
from db.errors import Conflict, InvalidValue, NotFound
from db.pool import transaction
from tests.db import factories


def test_create_get_and_unique_per_candidate_and_vacancy(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        person, vacancy = factories.candidate(conn, ws), factories.vacancy(conn, ws)
        resume = factories.resume(conn, ws, candidate_id=person.id)
        created = applications.create_application(
            conn,
            workspace_id=ws.id,
            candidate_id=person.id,
            vacancy_id=vacancy.id,
            resume_id=resume.id,
            source="hh",
            external_id="resp-1",
        )
        with pytest.raises(Conflict):
            applications.create_application(
                conn, workspace_id=ws.id, candidate_id=person.id, vacancy_id=vacancy.id
            )
        loaded = applications.get_application(conn, application_id=created.id)
    assert loaded == created
    assert (loaded.stage, loaded.score, loaded.recommendation) == ("new", None, None)
    assert (loaded.resume_id, loaded.source, loaded.external_id) == (resume.id, "hh", "resp-1")


def test_get_or_create_returns_the_existing_application(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        person, vacancy = factories.candidate(conn, ws), factories.vacancy(conn, ws)
        ids = {"candidate_id": person.id, "vacancy_id": vacancy.id}
        first, created = applications.get_or_create_application(conn, workspace_id=ws.id, **ids)
        again, created_again = applications.get_or_create_application(
            conn, workspace_id=ws.id, **ids
        )
    assert created and not created_again and again == first


def test_references_must_be_visible_in_the_workspace(pool: ConnectionPool) -> None:
    ws, other = factories.workspace(pool), factories.workspace(pool)
    with transaction(pool, workspace_id=other.id) as conn:
        foreign_vacancy = factories.vacancy(conn, other)
    with transaction(pool, workspace_id=ws.id) as conn:
        person = factories.candidate(conn, ws)
        with pytest.raises(NotFound):
            applications.create_application(
                conn, workspace_id=ws.id, candidate_id=person.id, vacancy_id=foreign_vacancy.id
            )
        with pytest.raises(NotFound):
            applications.get_or_create_application(
                conn, workspace_id=ws.id, candidate_id=person.id, vacancy_id=foreign_vacancy.id
            )
        assert applications.list_for_candidate(conn, candidate_id=person.id) == []


def test_list_for_vacancy_ranks_by_score_with_unscreened_last(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        vacancy = factories.vacancy(conn, ws)
        low, none, high = (factories.application(conn, ws, vacancy_id=vacancy.id) for _ in "abc")
        for app, score in ((low, 40), (high, 90)):
            screenings.record_screening(
                conn,
                workspace_id=ws.id,
                application_id=app.id,
                score=score,
                recommendation="consider",
                engine="offline",
            )
        factories.application(conn, ws)  # another vacancy's application stays out
        ranked = applications.list_for_vacancy(conn, vacancy_id=vacancy.id)
        screened = applications.list_for_vacancy(conn, vacancy_id=vacancy.id, stage="screened")
    assert [a.id for a in ranked] == [high.id, low.id, none.id]
    assert [a.score for a in ranked] == [90, 40, None]
    assert [a.id for a in screened] == [high.id, low.id]


def test_record_screening_updates_application_and_keeps_history(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        app = factories.application(conn, ws)
        assert screenings.latest_screening(conn, application_id=app.id) is None
        first = screenings.record_screening(
            conn,
            workspace_id=ws.id,
            application_id=app.id,
            score=55,
            recommendation="consider",
            engine="offline",
        )
        second = screenings.record_screening(
            conn,
            workspace_id=ws.id,
            application_id=app.id,
            score=82,
            matched=["python", "postgres"],
            missing=["kubernetes"],
            rationale="Strong backend experience",
            recommendation="recommend",
            engine="openai:gpt-4o-mini",
            flags=["short_tenure"],
        )
        latest = screenings.latest_screening(conn, application_id=app.id)
        updated = applications.get_application(conn, application_id=app.id)
    assert latest == second and second.id != first.id
    assert (latest.matched, latest.missing, latest.flags) == (
        ["python", "postgres"],
        ["kubernetes"],
        ["short_tenure"],
    )
    assert (updated.score, updated.recommendation, updated.stage) == (82, "recommend", "screened")


def test_rescreening_does_not_move_a_candidate_back(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        app = factories.application(conn, ws)
        applications.set_stage(conn, application_id=app.id, stage="interviewed")
        screenings.record_screening(
            conn,
            workspace_id=ws.id,
            application_id=app.id,
            score=70,
            recommendation="recommend",
            engine="offline",
        )
        after = applications.get_application(conn, application_id=app.id)
    assert (after.stage, after.score) == ("interviewed", 70)


def test_invalid_screening_changes_nothing(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        app = factories.application(conn, ws)
        common = {"workspace_id": ws.id, "application_id": app.id, "engine": "offline"}
        with pytest.raises(InvalidValue):
            screenings.record_screening(conn, score=101, recommendation="recommend", **common)
        with pytest.raises(InvalidValue):
            screenings.record_screening(conn, score=50, recommendation="maybe", **common)
        with pytest.raises(NotFound):  # unknown resume: the score update is rolled back too
            screenings.record_screening(
                conn, score=50, recommendation="reject", resume_id=10**9, **common
            )
        with pytest.raises(NotFound):
            screenings.record_screening(
                conn,
                workspace_id=ws.id,
                application_id=app.id + 999,
                score=50,
                recommendation="reject",
                engine="offline",
            )
        after = applications.get_application(conn, application_id=app.id)
        history = screenings.latest_screening(conn, application_id=app.id)
    assert (after.stage, after.score, history) == ("new", None, None)


def test_set_stage_validates(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        app = factories.application(conn, ws)
        assert applications.set_stage(conn, application_id=app.id, stage="offer").stage == "offer"
        with pytest.raises(InvalidValue):
            applications.set_stage(conn, application_id=app.id, stage="maybe")
        with pytest.raises(NotFound):
            applications.set_stage(conn, application_id=app.id + 999, stage="hired")
