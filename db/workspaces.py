"""Workspaces: one per company, the unit of tenant isolation.

A workspace's id is a UUID chosen here, so creating one can enter its tenant context before
the insert (RLS checks `id = app.workspace_id`) and write the owner membership and audit entry
in the same transaction.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import psycopg
from psycopg.rows import class_row

from db.errors import Conflict, InvalidValue, NotFound
from db.pool import set_context

_TRANSLIT = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya",
    }
)  # fmt: skip
_COLUMNS = "id, slug, name, created_at, updated_at"


@dataclass(frozen=True)
class Workspace:
    """A company's isolated space."""

    id: UUID
    slug: str
    name: str
    created_at: datetime
    updated_at: datetime


def slugify(name: str) -> str:
    """A URL-safe slug from a Russian or English name ("ООО Ромашка" → "ooo-romashka")."""
    text = name.lower().translate(_TRANSLIT)
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:50].strip("-")
    if len(slug) < 2:
        slug = f"ws-{uuid.uuid4().hex[:8]}"
    return slug


def create_workspace(conn: psycopg.Connection, *, name: str, slug: str | None = None) -> Workspace:
    """Insert a workspace and enter its tenant context for the rest of the transaction."""
    workspace_id = uuid.uuid4()
    set_context(conn, workspace_id=workspace_id)
    chosen = slug or slugify(name)
    try:
        with conn.transaction(), conn.cursor(row_factory=class_row(Workspace)) as cur:
            cur.execute(
                f"insert into workspaces (id, slug, name) values (%s, %s, %s) returning {_COLUMNS}",
                (workspace_id, chosen, name.strip()),
            )
            row = cur.fetchone()
    except psycopg.errors.UniqueViolation as e:
        raise Conflict(f"a workspace with slug '{chosen}' already exists") from e
    except psycopg.errors.CheckViolation as e:
        raise Conflict(
            f"invalid workspace slug or name: slug '{chosen}' must be 2-63 lowercase letters, "
            "digits or dashes and the name non-empty"
        ) from e
    assert row is not None
    return row


def get_workspace(conn: psycopg.Connection, *, workspace_id: UUID) -> Workspace:
    """The workspace if visible in the current context, else `NotFound`."""
    with conn.cursor(row_factory=class_row(Workspace)) as cur:
        cur.execute(f"select {_COLUMNS} from workspaces where id = %s", (workspace_id,))
        row = cur.fetchone()
    if row is None:
        raise NotFound("workspace not found")
    return row


def find_by_slug(conn: psycopg.Connection, *, slug: str) -> Workspace | None:
    """Resolve a slug to its workspace (ops tools name workspaces by slug)."""
    conn.execute("select set_config('app.workspace_slug', %s, true)", (slug,))
    with conn.cursor(row_factory=class_row(Workspace)) as cur:
        cur.execute(f"select {_COLUMNS} from workspaces where slug = %s", (slug,))
        return cur.fetchone()


def list_for_user(conn: psycopg.Connection, *, user_id: int) -> list[tuple[Workspace, str]]:
    """The workspaces a user belongs to, with their role, by name (needs app.user_id)."""
    rows = conn.execute(
        f"""
        select {", ".join("w." + c.strip() for c in _COLUMNS.split(","))}, m.role
        from memberships m join workspaces w on w.id = m.workspace_id
        where m.user_id = %s
        order by w.name
        """,
        (user_id,),
    ).fetchall()
    return [(Workspace(*row[:5]), row[5]) for row in rows]


def rename_workspace(conn: psycopg.Connection, *, workspace_id: UUID, name: str) -> Workspace:
    """Change the display name; the slug stays so links and scripts keep working."""
    with conn.cursor(row_factory=class_row(Workspace)) as cur:
        cur.execute(
            f"update workspaces set name = %s where id = %s returning {_COLUMNS}",
            (name.strip(), workspace_id),
        )
        row = cur.fetchone()
    if row is None:
        raise NotFound("workspace not found")
    return row


def get_retention_days(conn: psycopg.Connection, *, workspace_id: UUID) -> int | None:
    """How many days the workspace keeps candidates' personal data; None is for ever."""
    row = conn.execute(
        "select retention_days from workspaces where id = %s", (workspace_id,)
    ).fetchone()
    if row is None:
        raise NotFound(f"workspace {workspace_id} not found")
    return row[0]


def set_retention_days(conn: psycopg.Connection, *, workspace_id: UUID, days: int | None) -> None:
    """Keep candidates' personal data `days` days (None: for ever); the retention job erases
    older candidates."""
    if days is not None and days < 1:
        raise InvalidValue("retention is at least one day")
    updated = conn.execute(
        "update workspaces set retention_days = %s where id = %s", (days, workspace_id)
    ).rowcount
    if not updated:
        raise NotFound(f"workspace {workspace_id} not found")


def get_telegram_disclosure(conn: psycopg.Connection, *, workspace_id: UUID) -> bool:
    """Whether the Telegram interviewer says she is an AI in this workspace's chats."""
    row = conn.execute(
        "select telegram_disclose_ai from workspaces where id = %s", (workspace_id,)
    ).fetchone()
    if row is None:
        raise NotFound(f"workspace {workspace_id} not found")
    return bool(row[0])


def set_telegram_disclosure(conn: psycopg.Connection, *, workspace_id: UUID, on: bool) -> None:
    """Turn the AI disclosure in Telegram chats on or off."""
    done = conn.execute(
        "update workspaces set telegram_disclose_ai = %s where id = %s", (on, workspace_id)
    ).rowcount
    if not done:
        raise NotFound(f"workspace {workspace_id} not found")
