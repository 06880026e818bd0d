"""The application's database role: subject to row-level security by construction.

The schema belongs to the admin (migration) role; the application connects as
`selectio_app`, which is not a superuser, not the tables' owner and has no BYPASSRLS, so
the policies of 0003_rls.sql always apply to it.
"""

from __future__ import annotations

import hashlib
import hmac

import psycopg
from psycopg import sql

from db.errors import RoleSetupError

# Tables the application may read but never rewrite (append-only history).
_APPEND_ONLY = ("audit_log",)
# Tables the application may not touch at all.
_ADMIN_ONLY = ("schema_migrations",)
# The functions of 0010_users_rls.sql and 0015_automation.sql: SECURITY DEFINER, so revoked
# from PUBLIC there and granted here to the configured role alone (any other role that can
# connect would otherwise read password hashes through them). The role's name is a setting,
# unknown to migrations.
_APP_FUNCTIONS = (
    "app_inviter_ids()",
    "login_credentials(text)",
    "create_user(text, text, text)",
    "user_id_by_email(text)",
    # 0015_automation.sql: the Orchestrator's cross-workspace counts and session sweep.
    "automation_due_work(text[], integer)",
    "automation_forget_sessions()",
    # 0018_notifications_webhooks.sql: which workspace an inbound webhook's public id names.
    "inbound_hook_lookup(text)",
    # 0021_telegram_bots.sql: which workspaces have a connected Telegram account.
    "automation_telegram_workspaces()",
    # 0040_ops_views.sql: installation-wide queue depths (metrics, `selectio status`).
    "ops_queue_depths()",
    # 0041_idempotency_sweep.sql: expired idempotency keys of every workspace.
    "automation_forget_idempotency_keys()",
)
# `users`: the password hash is never selectable (sign-in reads it through login_credentials),
# rows are created only by create_user(), and a user changes only their own name and password
# (RLS picks the row; the e-mail is what invitations are matched on, so it stays put).
_USERS_READABLE = ("id", "email", "full_name", "is_active", "created_at", "updated_at")
_USERS_WRITABLE = ("full_name", "password_hash")


def derive_app_password(secret_key: bytes, role: str) -> str:
    """A stable password for the app role, so every host sharing the secret can log in."""
    return hmac.new(secret_key, f"db-role:{role}".encode(), hashlib.sha256).hexdigest()


def ensure_app_role(conn: psycopg.Connection, *, role: str, password: str | None) -> None:
    """Create or refresh the login role and check it cannot bypass RLS."""
    current = conn.execute("select current_user").fetchone()
    if current and current[0] == role:
        raise RoleSetupError(
            f"SELECTIO_DATABASE_URL must name the schema owner, not the application role {role}"
        )
    ident = sql.Identifier(role)
    exists = conn.execute("select 1 from pg_roles where rolname = %s", (role,)).fetchone()
    try:
        if not exists:
            conn.execute(
                sql.SQL(
                    "create role {} login nosuperuser nocreatedb nocreaterole "
                    "noinherit nobypassrls noreplication"
                ).format(ident)
            )
        if password is not None:
            conn.execute(sql.SQL("alter role {} password {}").format(ident, sql.Literal(password)))
    except psycopg.errors.InsufficientPrivilege as e:
        raise RoleSetupError(
            f"the database user cannot create or alter role {role}: grant it CREATEROLE, or "
            "create the role yourself and set SELECTIO_APP_DATABASE_URL"
        ) from e
    flags = conn.execute(
        "select rolsuper, rolbypassrls from pg_roles where rolname = %s", (role,)
    ).fetchone()
    if flags is None or flags[0] or flags[1]:
        raise RoleSetupError(f"role {role} is a superuser or has BYPASSRLS; RLS would not apply")


def grant_app_privileges(conn: psycopg.Connection, *, role: str) -> None:
    """Give the app role data access to every table, minus admin and append-only rights and
    the `users` columns it must not read or write, plus the account functions of 0010."""
    ident = sql.Identifier(role)
    statements = [
        sql.SQL("grant usage on schema public to {}").format(ident),
        sql.SQL("grant select, insert, update, delete on all tables in schema public to {}").format(
            ident
        ),
        sql.SQL("grant usage, select on all sequences in schema public to {}").format(ident),
    ]
    for table in _ADMIN_ONLY:
        statements.append(sql.SQL("revoke all on {} from {}").format(sql.Identifier(table), ident))
    for table in _APPEND_ONLY:
        statements.append(
            sql.SQL("revoke update, delete on {} from {}").format(sql.Identifier(table), ident)
        )
    statements += [
        sql.SQL("revoke select, insert, update, delete on users from {}").format(ident),
        sql.SQL("grant select ({}) on users to {}").format(
            sql.SQL(", ").join(map(sql.Identifier, _USERS_READABLE)), ident
        ),
        sql.SQL("grant update ({}) on users to {}").format(
            sql.SQL(", ").join(map(sql.Identifier, _USERS_WRITABLE)), ident
        ),
    ]
    for signature in _APP_FUNCTIONS:
        statements.append(
            sql.SQL("grant execute on function {} to {}").format(sql.SQL(signature), ident)
        )
    with conn.transaction():
        for statement in statements:
            conn.execute(statement)
