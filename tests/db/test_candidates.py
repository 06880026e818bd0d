"""Candidates repository: normalisation, search and deduplication by contact."""

from __future__ import annotations

import pytest
from psycopg_pool import ConnectionPool

from db import candidates
from db.candidates import normalize_email, normalize_phone, normalize_telegram
from db.errors import Conflict, NotFound
from db.pool import transaction
from tests.db import factories


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+7 (916) 123-45-67", "+79161234567"),
        ("8 916 123 45 67", "+79161234567"),
        ("+1 415 555 0100", "+14155550100"),
        ("79161234567", "+79161234567"),
        ("12-34", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_phone(raw: str | None, expected: str | None) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("@Handle_1", "Handle_1"),
        ("t.me/Handle_1", "Handle_1"),
        ("https://t.me/Handle_1/", "Handle_1"),
        (" Handle_1 ", "Handle_1"),
        ("not a name!", None),
        ("@", None),
        (None, None),
    ],
)
def test_normalize_telegram(raw: str | None, expected: str | None) -> None:
    assert normalize_telegram(raw) == expected


def test_normalize_email_trims_and_blanks_to_none() -> None:
    assert normalize_email("  Ann@Example.com ") == "Ann@Example.com"
    assert normalize_email("   ") is None


def test_create_stores_normalised_contacts(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        created = candidates.create_candidate(
            conn,
            workspace_id=ws.id,
            full_name=" Анна Иванова ",
            email="anna@example.com",
            phone="8 (916) 123-45-67",
            telegram_username="https://t.me/anna_iv",
            location="Москва",
        )
    with transaction(pool, workspace_id=ws.id) as conn:
        loaded = candidates.get_candidate(conn, candidate_id=created.id)
    assert loaded == created
    assert (loaded.full_name, loaded.phone, loaded.telegram_username) == (
        "Анна Иванова",
        "+79161234567",
        "anna_iv",
    )


def test_duplicate_email_differing_in_case_is_conflict(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        factories.candidate(conn, ws, email="bob@example.com")
        with pytest.raises(Conflict):
            factories.candidate(conn, ws, email="BOB@example.com")


def test_get_missing_is_not_found(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn, pytest.raises(NotFound):
        candidates.get_candidate(conn, candidate_id=10**9)


def test_list_searches_name_and_email_case_insensitively(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        ann = factories.candidate(conn, ws, full_name="Ann Smith", email="ann@corp.io")
        bob = factories.candidate(conn, ws, full_name="Bob Stone", email="bob@mail.io")
        pct = factories.candidate(conn, ws, full_name="100% Pure", email="p@x.io")
        assert [c.id for c in candidates.list_candidates(conn, search="smith")] == [ann.id]
        assert [c.id for c in candidates.list_candidates(conn, search="MAIL.IO")] == [bob.id]
        assert [c.id for c in candidates.list_candidates(conn, search="%")] == [pct.id]
        assert [c.id for c in candidates.list_candidates(conn)] == [pct.id, bob.id, ann.id]
        assert [c.id for c in candidates.list_candidates(conn, limit=1, offset=2)] == [ann.id]


def test_find_duplicate_matches_any_normalised_contact(pool: ConnectionPool) -> None:
    ws, other = factories.workspace(pool), factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        person = factories.candidate(
            conn, ws, email="Eve@Example.com", phone="+7 916 000-11-22", telegram_username="@EveT"
        )
        by_email = candidates.find_duplicate(conn, email="eve@example.COM")
        by_phone = candidates.find_duplicate(conn, phone="8 (916) 000 11 22")
        by_tg = candidates.find_duplicate(conn, telegram_username="t.me/evet")
        nobody = candidates.find_duplicate(conn, email="x@y.z", phone="+1 000 000 0000")
        nothing_given = candidates.find_duplicate(conn)
    with transaction(pool, workspace_id=other.id) as conn:
        elsewhere = candidates.find_duplicate(conn, email="eve@example.com")
    assert by_email == by_phone == by_tg == person
    assert nobody is None and nothing_given is None
    assert elsewhere is None


def test_upsert_attaches_second_resume_by_phone_in_another_format(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        first, created = candidates.upsert_candidate(
            conn, workspace_id=ws.id, full_name="", phone="+7 (999) 123-45-67"
        )
        second, created_again = candidates.upsert_candidate(
            conn,
            workspace_id=ws.id,
            full_name="Ivan Petrov",
            phone="89991234567",
            email="ivan@example.com",
            location="Kazan",
        )
        count = len(candidates.list_candidates(conn))
    assert created and not created_again
    assert second.id == first.id
    # Empty fields were filled in from the second resume.
    assert (second.full_name, second.email, second.location) == (
        "Ivan Petrov",
        "ivan@example.com",
        "Kazan",
    )
    assert count == 1


def test_upsert_keeps_existing_values_and_matches_telegram_forms(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        first, _ = candidates.upsert_candidate(
            conn, workspace_id=ws.id, full_name="Olga", telegram_username="@OlgaDev"
        )
        again, created = candidates.upsert_candidate(
            conn, workspace_id=ws.id, full_name="Olga K.", telegram_username="t.me/olgadev"
        )
    assert not created and again.id == first.id
    assert (again.full_name, again.telegram_username) == ("Olga", "OlgaDev")


def test_upsert_does_not_steal_a_contact_held_by_another_candidate(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        by_email = factories.candidate(conn, ws, email="a@example.com", phone=None)
        by_phone = factories.candidate(conn, ws, email=None, phone="+79990000001")
        matched, created = candidates.upsert_candidate(
            conn, workspace_id=ws.id, email="A@example.com", phone="+7 999 000 00 01"
        )
        phone_holder = candidates.get_candidate(conn, candidate_id=by_phone.id)
    assert not created and matched.id == by_email.id  # email is the stronger key
    assert matched.phone is None
    assert phone_holder.phone == "+79990000001"


def test_upsert_without_contacts_creates_a_new_candidate(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        a, created_a = candidates.upsert_candidate(
            conn, workspace_id=ws.id, full_name="No Contacts"
        )
        b, created_b = candidates.upsert_candidate(
            conn, workspace_id=ws.id, full_name="No Contacts"
        )
    assert created_a and created_b and a.id != b.id
