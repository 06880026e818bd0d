"""A workspace connected to HH the way an owner does it: the authorize page, HH's redirect."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from psycopg_pool import ConnectionPool

from db.settings import Settings
from pipelines.hh_import import connection
from serve_apps import accounts as people
from tests.fakes.hh.server import FakeHH


def connect_workspace(pool: ConnectionPool, settings: Settings, hh: FakeHH, name: str) -> Any:
    """(owner, workspace) of a new workspace whose owner allowed access at HH."""
    email = f"{name.lower().replace(' ', '-')}@hh.test"
    owner = people.create_user_account(pool, email=email, password="pw-12345678")
    space = people.create_workspace(pool, name=name, owner_id=owner.id)
    url = connection.begin(settings, workspace_id=space.id, user_id=owner.id)
    answer = httpx.get(url, follow_redirects=False)  # HH asks the person, who allows it
    assert answer.status_code in (302, 303), answer.text
    back = parse_qs(urlsplit(answer.headers["location"]).query)
    connection.finish(pool, settings, code=back["code"][0], state=back["state"][0])
    return owner, space
