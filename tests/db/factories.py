"""Test data builders: each makes one valid row with defaults a test can override."""

from __future__ import annotations

import itertools
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from db import applications, candidates, interviews, resumes, vacancies
from db.pool import transaction
from db.workspaces import Workspace, create_workspace

_counter = itertools.count(1)


def workspace(pool: ConnectionPool, name: str | None = None) -> Workspace:
    """A new workspace, committed, so later transactions can enter its context."""
    with transaction(pool) as conn:
        return create_workspace(conn, name=name or f"Company {next(_counter)}")


def vacancy(conn: psycopg.Connection, ws: Workspace, **fields: Any) -> vacancies.Vacancy:
    """An active vacancy in `ws`."""
    fields.setdefault("title", f"Python developer {next(_counter)}")
    return vacancies.create_vacancy(conn, workspace_id=ws.id, **fields)


def candidate(conn: psycopg.Connection, ws: Workspace, **fields: Any) -> candidates.Candidate:
    """A candidate in `ws` with a unique email unless one is given."""
    n = next(_counter)
    fields.setdefault("full_name", f"Candidate {n}")
    fields.setdefault("email", f"candidate{n}@example.com")
    return candidates.create_candidate(conn, workspace_id=ws.id, **fields)


def resume(conn: psycopg.Connection, ws: Workspace, **fields: Any) -> resumes.Resume:
    """A pending resume in `ws` holding a small text file."""
    n = next(_counter)
    fields.setdefault("file", f"Resume {n}\nPython, SQL".encode())
    fields.setdefault("file_name", f"resume-{n}.txt")
    fields.setdefault("content_type", "text/plain")
    return resumes.create_resume(conn, workspace_id=ws.id, **fields)


def application(conn: psycopg.Connection, ws: Workspace, **fields: Any) -> applications.Application:
    """An application of a new candidate to a new vacancy unless ids are given."""
    if "candidate_id" not in fields:
        fields["candidate_id"] = candidate(conn, ws).id
    if "vacancy_id" not in fields:
        fields["vacancy_id"] = vacancy(conn, ws).id
    return applications.create_application(conn, workspace_id=ws.id, **fields)


def interview(conn: psycopg.Connection, ws: Workspace, **fields: Any) -> interviews.Interview:
    """A created voice interview for a new application unless one is given."""
    if "application_id" not in fields:
        fields["application_id"] = application(conn, ws).id
    fields.setdefault("channel", "voice")
    return interviews.create_interview(conn, workspace_id=ws.id, **fields)
