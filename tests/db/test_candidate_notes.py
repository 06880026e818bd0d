"""Candidate notes (0012_candidate_notes.sql): newest first with their authors where the
workspace may see them, invisible and unwritable from another workspace, gone with their
candidate."""

from __future__ import annotations

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from db import candidate_notes, memberships, users
from db.errors import InvalidValue, NotFound
from db.pool import transaction
from tests.db import factories

_INSERT = "insert into candidate_notes (workspace_id, candidate_id, body) values (%s, %s, %s)"


def _user(pool: ConnectionPool, email: str, name: str) -> users.User:
    with transaction(pool) as conn:
        return users.create_user(conn, email=email, password_hash="x", full_name=name)


def test_notes_newest_first_with_visible_authors(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    member = _user(pool, "notes-member@example.com", "Rita Recruiter")
    stranger = _user(pool, "notes-stranger@example.com", "Sam Stranger")
    with transaction(pool, workspace_id=ws.id) as conn:
        memberships.add_member(conn, workspace_id=ws.id, user_id=member.id, role="recruiter")
        person = factories.candidate(conn, ws)
        first = candidate_notes.add_note(
            conn, workspace_id=ws.id, candidate_id=person.id, author_user_id=member.id,
            body="  strong SQL, ask about Kafka  ",
        )  # fmt: skip
        second = candidate_notes.add_note(
            conn, workspace_id=ws.id, candidate_id=person.id, author_user_id=stranger.id,
            body="called, no answer",
        )  # fmt: skip
        keyless = candidate_notes.add_note(
            conn, workspace_id=ws.id, candidate_id=person.id, author_user_id=None, body="via key"
        )
        listed = candidate_notes.list_notes(conn, candidate_id=person.id)
    assert (first.body, first.author_name, first.author_email) == (
        "strong SQL, ask about Kafka",
        "Rita Recruiter",
        "notes-member@example.com",
    )
    assert [n.id for n in listed] == [keyless.id, second.id, first.id]
    # Not a member: RLS on users hides the name, the id stays.
    assert (second.author_user_id, second.author_name, second.author_email) == (
        stranger.id,
        None,
        None,
    )
    assert keyless.author_user_id is None


def test_note_body_rules(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        person = factories.candidate(conn, ws)
        for body in ("   ", "x" * 5001):
            with pytest.raises(InvalidValue):
                candidate_notes.add_note(
                    conn, workspace_id=ws.id, candidate_id=person.id, author_user_id=None,
                    body=body,
                )  # fmt: skip
        with pytest.raises(NotFound):
            candidate_notes.add_note(
                conn, workspace_id=ws.id, candidate_id=person.id + 10_000, author_user_id=None,
                body="nobody",
            )  # fmt: skip
    # The table refuses a blank body even from a caller that skips the repository.
    with pytest.raises(psycopg.errors.CheckViolation):
        with transaction(pool, workspace_id=ws.id) as conn:
            conn.execute(_INSERT, (ws.id, person.id, " "))


def test_another_workspace_cannot_see_or_write_notes(pool: ConnectionPool) -> None:
    a, b = factories.workspace(pool), factories.workspace(pool)
    with transaction(pool, workspace_id=a.id) as conn:
        person = factories.candidate(conn, a)
        candidate_notes.add_note(
            conn, workspace_id=a.id, candidate_id=person.id, author_user_id=None, body="secret"
        )
    with transaction(pool, workspace_id=b.id) as conn:
        b_person = factories.candidate(conn, b)
        assert candidate_notes.list_notes(conn, candidate_id=person.id) == []
        assert conn.execute("select count(*) from candidate_notes").fetchone() == (0,)
        assert conn.execute("delete from candidate_notes").rowcount == 0
        with pytest.raises(NotFound):
            candidate_notes.add_note(
                conn, workspace_id=b.id, candidate_id=person.id, author_user_id=None, body="x"
            )
    # Straight SQL: a row for workspace A written from B's context breaks the policy...
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with transaction(pool, workspace_id=b.id) as conn:
            conn.execute(_INSERT, (a.id, person.id, "x"))
    # ...and one of B pointing at A's candidate breaks the composite foreign key.
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        with transaction(pool, workspace_id=b.id) as conn:
            conn.execute(_INSERT, (b.id, person.id, "x"))
    with transaction(pool) as conn:  # no context: no notes at all
        assert conn.execute("select count(*) from candidate_notes").fetchone() == (0,)
    with transaction(pool, workspace_id=a.id) as conn:
        assert [n.body for n in candidate_notes.list_notes(conn, candidate_id=person.id)] == [
            "secret"
        ]
        assert candidate_notes.list_notes(conn, candidate_id=b_person.id) == []


def test_notes_go_with_their_candidate(pool: ConnectionPool, admin_conn) -> None:  # type: ignore[no-untyped-def]
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        person = factories.candidate(conn, ws)
        note = candidate_notes.add_note(
            conn, workspace_id=ws.id, candidate_id=person.id, author_user_id=None, body="bye"
        )
    with transaction(pool, workspace_id=ws.id) as conn:
        conn.execute("delete from candidates where id = %s", (person.id,))
    row = admin_conn.execute("select count(*) from candidate_notes where id = %s", (note.id,))
    assert row.fetchone() == (0,)


def test_a_deleted_author_leaves_the_note(pool: ConnectionPool, admin_conn) -> None:  # type: ignore[no-untyped-def]
    ws = factories.workspace(pool)
    author = _user(pool, "notes-leaver@example.com", "Leaver")
    with transaction(pool, workspace_id=ws.id) as conn:
        person = factories.candidate(conn, ws)
        note = candidate_notes.add_note(
            conn, workspace_id=ws.id, candidate_id=person.id, author_user_id=author.id, body="kept"
        )
    admin_conn.execute("delete from users where id = %s", (author.id,))
    with transaction(pool, workspace_id=ws.id) as conn:
        (kept,) = candidate_notes.list_notes(conn, candidate_id=person.id)
    assert (kept.id, kept.author_user_id, kept.body) == (note.id, None, "kept")
