"""The workspace's Telegram account: its sign-in state and its (sealed) Telethon session.

One row per workspace. Sealed values (`session_sealed`, `phone_code_hash_sealed`) are bytes
this module never opens: the caller seals and opens them with the installation's SecretBox,
purpose `telegram:<workspace>` (`session_purpose`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import psycopg
from psycopg.rows import class_row

from db.errors import NotFound

STATUSES = ("code_sent", "password_needed", "active", "revoked", "signed_out")
_COLUMNS = (
    "workspace_id, status, phone, session_sealed, phone_code_hash_sealed, code_sent_at, "
    "account_id, username, display_name, connected_at, last_error, lease_owner, lease_until, "
    "outreach_paused_until, outreach_pause_reason, updated_at"
)


@dataclass(frozen=True)
class TelegramSession:
    """The workspace's account as stored (sealed fields stay sealed)."""

    workspace_id: UUID
    status: str
    phone: str
    session_sealed: bytes | None
    phone_code_hash_sealed: bytes | None
    code_sent_at: datetime | None
    account_id: int | None
    username: str | None
    display_name: str | None
    connected_at: datetime | None
    last_error: str | None
    lease_owner: str | None
    lease_until: datetime | None
    outreach_paused_until: datetime | None
    outreach_pause_reason: str | None
    updated_at: datetime


def session_purpose(workspace_id: UUID) -> str:
    """The sealing purpose of the workspace's Telethon session and login code hash."""
    return f"telegram:{workspace_id}"


def get(conn: psycopg.Connection) -> TelegramSession | None:
    """The current workspace's account, if it ever started connecting one."""
    with conn.cursor(row_factory=class_row(TelegramSession)) as cur:
        cur.execute(f"select {_COLUMNS} from telegram_sessions")
        return cur.fetchone()


def require(conn: psycopg.Connection) -> TelegramSession:
    """The account, or `NotFound` when the workspace never connected one."""
    row = get(conn)
    if row is None:
        raise NotFound("this workspace has no Telegram account: connect one first")
    return row


def code_sent(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    phone: str,
    session_sealed: bytes,
    phone_code_hash_sealed: bytes,
) -> None:
    """A login code went to `phone`: keep the half-made session and the code's hash. Starting
    over replaces whatever was there (a signed-in account is signed out by the caller first)."""
    conn.execute(
        """
        insert into telegram_sessions (workspace_id, status, phone, session_sealed,
                                       phone_code_hash_sealed, code_sent_at)
        values (%(ws)s, 'code_sent', %(phone)s, %(session)s, %(hash)s, now())
        on conflict (workspace_id) do update set status = 'code_sent', phone = excluded.phone,
            session_sealed = excluded.session_sealed,
            phone_code_hash_sealed = excluded.phone_code_hash_sealed, code_sent_at = now(),
            account_id = null, username = null, display_name = null, connected_at = null,
            last_error = null, lease_owner = null, lease_until = null, updated_at = now()
        """,
        {"ws": workspace_id, "phone": phone, "session": session_sealed,
         "hash": phone_code_hash_sealed},
    )  # fmt: skip


def password_needed(conn: psycopg.Connection, *, session_sealed: bytes) -> None:
    """The code was right and the account has a two-step password."""
    _update(
        conn,
        "status = 'password_needed', session_sealed = %(s)s, phone_code_hash_sealed = null",
        {"s": session_sealed},
    )


def activate(
    conn: psycopg.Connection,
    *,
    session_sealed: bytes,
    account_id: int,
    username: str | None,
    display_name: str,
) -> None:
    """Signed in: the session is the account's from now on."""
    _update(
        conn,
        """status = 'active', session_sealed = %(s)s, phone_code_hash_sealed = null,
        account_id = %(id)s, username = %(u)s, display_name = %(n)s, connected_at = now(),
        last_error = null""",
        {"s": session_sealed, "id": account_id, "u": username, "n": display_name},
    )


def imported(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    phone: str,
    session_sealed: bytes,
    account_id: int,
    username: str | None,
    display_name: str,
) -> None:
    """An existing session moved in (export from another installation), checked by the caller."""
    conn.execute(
        """
        insert into telegram_sessions (workspace_id, status, phone, session_sealed, account_id,
                                       username, display_name, connected_at)
        values (%(ws)s, 'active', %(phone)s, %(s)s, %(id)s, %(u)s, %(n)s, now())
        on conflict (workspace_id) do update set status = 'active', phone = excluded.phone,
            session_sealed = excluded.session_sealed, phone_code_hash_sealed = null,
            code_sent_at = null, account_id = excluded.account_id,
            username = excluded.username, display_name = excluded.display_name,
            connected_at = now(), last_error = null, lease_owner = null, lease_until = null,
            updated_at = now()
        """,
        {"ws": workspace_id, "phone": phone, "s": session_sealed, "id": account_id,
         "u": username, "n": display_name},
    )  # fmt: skip


def end(conn: psycopg.Connection, *, status: str, error: str | None = None) -> None:
    """The session is over ('revoked' by Telegram or 'signed_out' here): the auth key is
    dropped, the account's name kept for the page to say which one it was."""
    assert status in ("revoked", "signed_out")
    _update(
        conn,
        """status = %(st)s, session_sealed = null, phone_code_hash_sealed = null,
        last_error = %(err)s, lease_owner = null, lease_until = null""",
        {"st": status, "err": error},
    )


def fail_step(conn: psycopg.Connection, *, error: str) -> None:
    """A sign-in step was refused (wrong code, ...): say why, keep the state to try again."""
    _update(conn, "last_error = %(err)s", {"err": error[:500]})


def _update(conn: psycopg.Connection, sets: str, params: dict[str, object]) -> None:
    done = conn.execute(f"update telegram_sessions set {sets}, updated_at = now()", params).rowcount
    if not done:
        raise NotFound("this workspace has no Telegram account: connect one first")


def claim_lease(conn: psycopg.Connection, *, owner: str, lease_s: float) -> bool:
    """Hold the connected session for `lease_s` (or extend a hold `owner` has); False when
    another holder's lease is still running or the account is not connected. Only the holder
    may run a client on the session: two clients on one auth key make Telegram revoke it."""
    return bool(
        conn.execute(
            """
            update telegram_sessions
            set lease_owner = %(owner)s, lease_until = now() + make_interval(secs => %(s)s)
            where status = 'active' and session_sealed is not null
              and (lease_owner is null or lease_owner = %(owner)s or lease_until <= now())
            """,
            {"owner": owner, "s": lease_s},
        ).rowcount
    )


def release_lease(conn: psycopg.Connection, *, owner: str) -> None:
    """Give the session up (only if `owner` still holds it)."""
    conn.execute(
        "update telegram_sessions set lease_owner = null, lease_until = null "
        "where lease_owner = %s",
        (owner,),
    )


def pause_outreach(conn: psycopg.Connection, *, until: datetime, reason: str) -> None:
    """First messages to strangers stop until `until` (Telegram warned: PEER_FLOOD)."""
    _update(
        conn, "outreach_paused_until = %(u)s, outreach_pause_reason = %(r)s",
        {"u": until, "r": reason},
    )  # fmt: skip


def resume_outreach(conn: psycopg.Connection) -> None:
    """A person decided first messages may go again before the pause ends."""
    _update(conn, "outreach_paused_until = null, outreach_pause_reason = null", {})


def first_contacts_since(
    conn: psycopg.Connection, *, since: datetime
) -> tuple[int, datetime | None]:
    """(how many, the earliest) first messages to strangers the account sent since `since`:
    Telegram messages queued as `cold` that went out."""
    row = conn.execute(
        """
        select count(*), min(sent_at) from outbox
        where kind = 'telegram.message' and payload ->> 'timing' = 'cold'
          and status = 'sent' and sent_at >= %s
        """,
        (since,),
    ).fetchone()
    assert row is not None
    return int(row[0]), row[1]


def connected_workspaces(conn: psycopg.Connection) -> list[UUID]:
    """Every workspace with a connected account (ids only; any context: the Orchestrator's)."""
    return [r[0] for r in conn.execute("select * from automation_telegram_workspaces()")]
