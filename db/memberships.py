"""Memberships: which users belong to a workspace and with which role.

Roles, from most to least power: owner (manages members and keys), recruiter (works the
funnel), viewer (reads). A workspace always keeps at least one owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args
from uuid import UUID

import psycopg
from psycopg.rows import class_row

from db.errors import Conflict, LastOwner, NotFound

Role = Literal["owner", "recruiter", "viewer"]
ROLES: tuple[Role, ...] = get_args(Role)
_RANK: dict[str, int] = {"viewer": 0, "recruiter": 1, "owner": 2}


def role_at_least(role: str, needed: str) -> bool:
    """Whether `role` grants everything `needed` grants."""
    return _RANK[role] >= _RANK[needed]


@dataclass(frozen=True)
class Member:
    """A user's membership, with the user's name for listings."""

    workspace_id: UUID
    user_id: int
    email: str
    full_name: str
    role: str
    created_at: datetime


_MEMBER_SELECT = """
    select m.workspace_id, m.user_id, u.email, u.full_name, m.role, m.created_at
    from memberships m join users u on u.id = m.user_id
"""


def add_member(conn: psycopg.Connection, *, workspace_id: UUID, user_id: int, role: Role) -> Member:
    """Add a user to the current workspace, or change their role if already a member."""
    if role not in ROLES:
        raise Conflict(f"unknown role '{role}'; use one of {', '.join(ROLES)}")
    current = get_role(conn, workspace_id=workspace_id, user_id=user_id)
    if current == "owner" and role != "owner":
        _ensure_another_owner(conn, workspace_id=workspace_id, user_id=user_id)
    try:
        conn.execute(
            """
            insert into memberships (workspace_id, user_id, role) values (%s, %s, %s)
            on conflict (workspace_id, user_id) do update set role = excluded.role
            """,
            (workspace_id, user_id, role),
        )
    except psycopg.errors.ForeignKeyViolation as e:
        raise NotFound("user or workspace not found") from e
    return get_member(conn, workspace_id=workspace_id, user_id=user_id)


def get_role(conn: psycopg.Connection, *, workspace_id: UUID, user_id: int) -> str | None:
    """The user's role in the workspace, or None if not a member."""
    row = conn.execute(
        "select role from memberships where workspace_id = %s and user_id = %s",
        (workspace_id, user_id),
    ).fetchone()
    return row[0] if row else None


def get_member(conn: psycopg.Connection, *, workspace_id: UUID, user_id: int) -> Member:
    """One membership with user details, or `NotFound`."""
    with conn.cursor(row_factory=class_row(Member)) as cur:
        cur.execute(
            _MEMBER_SELECT + " where m.workspace_id = %s and m.user_id = %s",
            (workspace_id, user_id),
        )
        row = cur.fetchone()
    if row is None:
        raise NotFound("member not found")
    return row


def list_members(conn: psycopg.Connection, *, workspace_id: UUID) -> list[Member]:
    """Members of the workspace, owners first. Needs the workspace's tenant context: RLS shows
    the members' user rows only there (0010_users_rls.sql)."""
    with conn.cursor(row_factory=class_row(Member)) as cur:
        cur.execute(
            _MEMBER_SELECT
            + " where m.workspace_id = %s"
            + " order by case m.role when 'owner' then 0 when 'recruiter' then 1 else 2 end,"
            + " u.email",
            (workspace_id,),
        )
        return cur.fetchall()


def remove_member(conn: psycopg.Connection, *, workspace_id: UUID, user_id: int) -> None:
    """Remove a member; the last owner cannot be removed."""
    role = get_role(conn, workspace_id=workspace_id, user_id=user_id)
    if role is None:
        raise NotFound("member not found")
    if role == "owner":
        _ensure_another_owner(conn, workspace_id=workspace_id, user_id=user_id)
    conn.execute(
        "delete from memberships where workspace_id = %s and user_id = %s",
        (workspace_id, user_id),
    )


def _ensure_another_owner(conn: psycopg.Connection, *, workspace_id: UUID, user_id: int) -> None:
    row = conn.execute(
        "select count(*) from memberships where workspace_id = %s and role = 'owner' "
        "and user_id <> %s",
        (workspace_id, user_id),
    ).fetchone()
    if not row or row[0] == 0:
        raise LastOwner("a workspace must keep at least one owner")
