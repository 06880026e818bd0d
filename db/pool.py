"""Connection pool and the per-transaction tenant context that row-level security reads.

Connections are autocommit; every unit of work is `with transaction(pool, ...) as conn`, which
opens a transaction and sets `app.workspace_id` / `app.user_id` with `set_config(..., true)`,
so the context dies with the transaction and a pooled connection never leaks it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from uuid import UUID

import psycopg
from pgvector.psycopg import register_vector
from psycopg_pool import ConnectionPool, PoolTimeout

from db.errors import DatabaseUnavailable, UnstorableValue
from db.settings import get_settings

log = logging.getLogger(__name__)


def _configure(conn: psycopg.Connection) -> None:
    register_vector(conn)


def open_pool(
    url: str, *, min_size: int = 1, max_size: int = 8, timeout_s: float = 5.0, name: str = "app"
) -> ConnectionPool:
    """Open a pool and wait for its first connection, failing with one clear error.

    Behind PgBouncer in transaction mode (`SELECTIO_DB_PREPARED_STATEMENTS=false`) psycopg
    prepares no statements: a statement prepared on one server connection would be missing on
    the next transaction's (PgBouncer before 1.21, or without `max_prepared_statements`)."""
    options: dict[str, object] = {"autocommit": True, "connect_timeout": max(1, int(timeout_s))}
    if not get_settings().db_prepared_statements:
        options["prepare_threshold"] = None
    pool = ConnectionPool(
        conninfo=url,
        min_size=min_size,
        max_size=max_size,
        kwargs=options,
        configure=_configure,
        name=name,
        timeout=timeout_s * 2,
        open=False,
    )
    try:
        pool.open(wait=min_size > 0, timeout=timeout_s * 2)
    except PoolTimeout as e:
        pool.close()
        raise DatabaseUnavailable(
            "cannot connect to the application database role; check SELECTIO_DATABASE_URL"
        ) from e
    return pool


def set_context(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID | None = None,
    user_id: int | None = None,
    workspace_slug: str | None = None,
) -> None:
    """Set the RLS context for the rest of the current transaction."""
    conn.execute(
        "select set_config('app.workspace_id', %s, true), set_config('app.user_id', %s, true),"
        " set_config('app.workspace_slug', %s, true)",
        (
            str(workspace_id) if workspace_id else "",
            str(user_id) if user_id is not None else "",
            workspace_slug or "",
        ),
    )


# DataErrors about a value as given, not about stored data or a query's arithmetic: psycopg
# refuses NUL in text before sending (no SQLSTATE); the server refuses a too long string
# (22001), a number out of range (22003), an invalid literal or date (22P02, 22007, 22008) and
# characters its encoding lacks (22021, 22P05).
_VALUE_STATES = {None, "22001", "22003", "22007", "22008", "22021", "22P02", "22P05"}


def _reason(error: psycopg.DataError) -> str:
    return error.diag.message_primary or str(error).split("\n", 1)[0]


# Work to do inside every transaction of the current context just before it commits (an API
# request marking its idempotency key as having taken effect, serve_apps.idempotency): it
# commits with the request's own writes or not at all.
_before_commit: ContextVar[Callable[[psycopg.Connection], None] | None] = ContextVar(
    "before_commit", default=None
)


@contextmanager
def before_commit(hook: Callable[[psycopg.Connection], None]) -> Iterator[None]:
    """Run `hook(conn)` at the end of every `transaction` opened in this context (threads
    started with a copy of it included: FastAPI's sync routes)."""
    token = _before_commit.set(hook)
    try:
        yield
    finally:
        _before_commit.reset(token)


@contextmanager
def bookkeeping() -> Iterator[None]:
    """Transactions that record how a request is served (authentication, a key's last use),
    not what it does: no `before_commit` hook runs for them."""
    token = _before_commit.set(None)
    try:
        yield
    finally:
        _before_commit.reset(token)


@contextmanager
def transaction(
    pool: ConnectionPool,
    *,
    workspace_id: UUID | None = None,
    user_id: int | None = None,
    workspace_slug: str | None = None,
) -> Iterator[psycopg.Connection]:
    """One transaction in the given tenant context; with no context, tenant rows are hidden.

    A value the server cannot hold (see `_VALUE_STATES`) is an `UnstorableValue`; any other
    database error rises as it is."""
    try:
        with pool.connection() as conn, conn.transaction():
            set_context(
                conn, workspace_id=workspace_id, user_id=user_id, workspace_slug=workspace_slug
            )
            yield conn
            hook = _before_commit.get()
            if hook is not None:
                hook(conn)
    except psycopg.DataError as e:
        if e.sqlstate not in _VALUE_STATES:
            raise
        raise UnstorableValue(f"a value cannot be stored: {_reason(e)}") from e
