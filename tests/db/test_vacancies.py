"""Vacancies repository against real PostgreSQL with row-level security."""

from __future__ import annotations

from typing import Any

import pytest
from psycopg_pool import ConnectionPool

from db import vacancies
from db.errors import Conflict, InvalidValue, NotFound, TenantContextMissing
from db.pool import transaction
from tests.db import factories


def test_create_and_get_round_trip(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        created = vacancies.create_vacancy(
            conn,
            workspace_id=ws.id,
            title="  Senior Python developer ",
            description="Backend for hiring",
            requirements={"skills": ["python", "postgres"], "years": 3},
            language="en",
            location="Remote",
        )
    with transaction(pool, workspace_id=ws.id) as conn:
        loaded = vacancies.get_vacancy(conn, vacancy_id=created.id)
    assert loaded == created
    assert loaded.title == "Senior Python developer"
    assert loaded.requirements == {"skills": ["python", "postgres"], "years": 3}
    assert (loaded.status, loaded.source, loaded.language) == ("active", "manual", "en")


def test_invisible_from_another_workspace(pool: ConnectionPool) -> None:
    ws, other = factories.workspace(pool), factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        vacancy = factories.vacancy(conn, ws)
    with transaction(pool, workspace_id=other.id) as conn:
        with pytest.raises(NotFound):
            vacancies.get_vacancy(conn, vacancy_id=vacancy.id)
        assert vacancies.list_vacancies(conn) == []


def test_invalid_values_are_refused_and_transaction_stays_usable(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        with pytest.raises(InvalidValue):
            vacancies.create_vacancy(conn, workspace_id=ws.id, title="   ")
        with pytest.raises(InvalidValue):
            vacancies.create_vacancy(conn, workspace_id=ws.id, title="QA", language="de")
        # The savepoint kept the transaction alive after the refused insert.
        assert factories.vacancy(conn, ws).title


def test_list_filters_by_status_newest_first_with_paging(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    ids = []
    for title in ("first", "second", "third"):
        with transaction(pool, workspace_id=ws.id) as conn:
            ids.append(factories.vacancy(conn, ws, title=title).id)
    with transaction(pool, workspace_id=ws.id) as conn:
        vacancies.set_vacancy_status(conn, vacancy_id=ids[1], status="archived")
        assert [v.title for v in vacancies.list_vacancies(conn)] == ["third", "second", "first"]
        assert [v.id for v in vacancies.list_vacancies(conn, status="active")] == [ids[2], ids[0]]
        assert [v.id for v in vacancies.list_vacancies(conn, status="archived")] == [ids[1]]
        page = vacancies.list_vacancies(conn, limit=1, offset=1)
        assert [v.id for v in page] == [ids[1]]


def test_update_changes_only_given_fields(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        vacancy = factories.vacancy(
            conn, ws, title="Go developer", description="old", location="Moscow"
        )
        updated = vacancies.update_vacancy(
            conn, vacancy_id=vacancy.id, description="new", requirements={"go": True}
        )
        unchanged = vacancies.update_vacancy(conn, vacancy_id=vacancy.id)
        with pytest.raises(NotFound):
            vacancies.update_vacancy(conn, vacancy_id=vacancy.id + 1000, title="x")
    assert (updated.title, updated.location, updated.language) == ("Go developer", "Moscow", "ru")
    assert (updated.description, updated.requirements) == ("new", {"go": True})
    assert unchanged == updated


def test_status_must_be_known(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        vacancy = factories.vacancy(conn, ws)
        with pytest.raises(InvalidValue):
            vacancies.set_vacancy_status(conn, vacancy_id=vacancy.id, status="closed")
        assert vacancies.get_vacancy(conn, vacancy_id=vacancy.id).status == "active"


def test_upsert_external_updates_same_row_and_keeps_archive(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        first, created = vacancies.upsert_external_vacancy(
            conn, workspace_id=ws.id, source="hh", external_id="123", title="Data engineer"
        )
        assert created
        vacancies.set_vacancy_status(conn, vacancy_id=first.id, status="archived")
        again, created_again = vacancies.upsert_external_vacancy(
            conn,
            workspace_id=ws.id,
            source="hh",
            external_id="123",
            title="Senior data engineer",
            requirements={"spark": True},
        )
        other, created_other = vacancies.upsert_external_vacancy(
            conn, workspace_id=ws.id, source="djinni", external_id="123", title="Data engineer"
        )
        with pytest.raises(InvalidValue):
            vacancies.upsert_external_vacancy(
                conn, workspace_id=ws.id, source="hh", external_id=" ", title="x"
            )
        total = len(vacancies.list_vacancies(conn))
    assert (again.id, created_again) == (first.id, False)
    assert (again.title, again.requirements, again.status) == (
        "Senior data engineer",
        {"spark": True},
        "archived",
    )
    assert created_other and other.id != first.id
    assert total == 2


def test_duplicate_external_id_on_create_is_conflict(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        factories.vacancy(conn, ws, source="hh", external_id="9")
        with pytest.raises(Conflict):
            factories.vacancy(conn, ws, source="hh", external_id="9")


def test_writing_outside_the_workspace_context_is_refused(pool: ConnectionPool) -> None:
    ws, other = factories.workspace(pool), factories.workspace(pool)
    with transaction(pool, workspace_id=other.id) as conn, pytest.raises(TenantContextMissing):
        vacancies.create_vacancy(conn, workspace_id=ws.id, title="Smuggled")
    with transaction(pool) as conn, pytest.raises(TenantContextMissing):
        vacancies.create_vacancy(conn, workspace_id=ws.id, title="No context")
    with transaction(pool, workspace_id=ws.id) as conn:
        assert vacancies.list_vacancies(conn) == []


def test_application_counts_per_vacancy(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        busy, quiet = factories.vacancy(conn, ws), factories.vacancy(conn, ws)
        for _ in range(2):
            factories.application(conn, ws, vacancy_id=busy.id)
        counts = vacancies.application_counts(conn, vacancy_ids=[busy.id, quiet.id])
        assert vacancies.application_counts(conn, vacancy_ids=[]) == {}
    assert counts == {busy.id: 2}


def test_list_filters_by_source_and_text_and_counts(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        chef = factories.vacancy(conn, ws, title="Sous chef", description="Knife skills, HACCP")
        hh = factories.vacancy(
            conn, ws, title="Line cook", description="100% grill", source="hh", external_id="1"
        )
        data = factories.vacancy(conn, ws, title="Data_engineer", source="hh", external_id="2")
        vacancies.set_vacancy_status(conn, vacancy_id=data.id, status="archived")

        def ids(**filters: Any) -> list[int]:
            found = [v.id for v in vacancies.list_vacancies(conn, **filters)]
            assert vacancies.count_vacancies(conn, **filters) == len(found)
            return found

        assert ids(source="hh") == [data.id, hh.id]
        assert ids(source="hh", status="active") == [hh.id]
        assert ids(search="CHEF") == [chef.id]  # title, any case
        assert ids(search="haccp") == [chef.id]  # description
        assert ids(search="  cook ") == [hh.id]
        # LIKE wildcards in the user's text are matched as themselves.
        assert ids(search="100%") == [hh.id]
        assert ids(search="%") == [hh.id]
        assert ids(search="a_e") == [data.id]
        assert ids(search="s_c") == []  # as a wildcard, "_" would find "Sous chef"
        assert ids(search="_") == [data.id]
        assert ids(search="\\") == []
        assert ids(search="") == [data.id, hh.id, chef.id]
        assert vacancies.count_vacancies(conn) == 3
        assert len(vacancies.list_vacancies(conn, limit=1)) == 1


def test_save_requirements_keeps_the_embedding(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        vacancy = factories.vacancy(conn, ws, description="Go", location="Berlin")
        analysed = vacancies.save_analysis(
            conn,
            vacancy_id=vacancy.id,
            requirements={"title": "Go"},
            requirements_engine="offline",
            embedding=[0.1] * _dimensions(conn),
            embedding_engine="e1",
        )
        edited = vacancies.save_requirements(
            conn,
            vacancy_id=vacancy.id,
            requirements={"title": "Go!"},
            requirements_engine="recruiter",
        )
        with pytest.raises(NotFound):
            vacancies.save_requirements(
                conn, vacancy_id=vacancy.id + 1000, requirements={}, requirements_engine="x"
            )
        cleared = vacancies.update_vacancy(conn, vacancy_id=vacancy.id, location=" ")
    assert analysed.has_embedding and edited.has_embedding
    assert (edited.requirements, edited.requirements_engine) == ({"title": "Go!"}, "recruiter")
    assert edited.embedding_engine == "e1"
    assert cleared.location is None


def _dimensions(conn) -> int:  # type: ignore[no-untyped-def]
    """The embedding column's dimension, as the migrations declared it."""
    row = conn.execute(
        "select atttypmod from pg_attribute "
        "where attrelid = 'vacancies'::regclass and attname = 'embedding'"
    ).fetchone()
    return int(row[0])
