"""Signing in and out: password checks throttled against guessing, sessions that can end
before they expire.

Every attempt is counted before the password is checked (and forgotten when it succeeds),
so a burst of parallel guesses cannot slip past the limit while the slow argon2 checks run.
Limits hold per e-mail — known or not, the answer is the same — and per client address. A
session is a row (`db.sessions`) named by the signed token: signing out ends it, changing the
password ends every other one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import login_failures, sessions, users
from db.pool import transaction
from db.settings import Settings
from serve_apps.accounts import authenticate, change_password
from serve_apps.errors import ApiError, Unauthorized
from serve_apps.security import issue_session_token

log = logging.getLogger(__name__)

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 10
MAX_FAILURES_PER_ADDRESS = 50


class TooManyAttempts(ApiError):
    status = 429
    code = "too_many_attempts"


@dataclass(frozen=True)
class SignedIn:
    token: str
    expires_at: datetime
    user: users.User


def _check_throttle(pool: ConnectionPool, *, email: str, address: str) -> None:
    with transaction(pool) as conn:
        login_failures.record(conn, email=email, address=address)
    with transaction(pool) as conn:
        account = login_failures.recent_for_email(conn, email=email, window=WINDOW)
        source = login_failures.recent_for_address(conn, address=address, window=WINDOW)
    blocked = [
        r.retry_after_s
        for r, limit in ((account, MAX_FAILURES_PER_ACCOUNT), (source, MAX_FAILURES_PER_ADDRESS))
        if r.count > limit
    ]
    if blocked:
        wait = max(blocked)
        log.warning("sign_in_throttled", extra={"address": address, "retry_after_s": wait})
        raise TooManyAttempts(
            f"too many sign-in attempts; try again in {wait} s", headers={"Retry-After": str(wait)}
        )


def sign_in(
    pool: ConnectionPool, settings: Settings, *, email: str, password: str, address: str
) -> SignedIn:
    """A new session for the right credentials; 401 for wrong ones, 429 when throttled."""
    _check_throttle(pool, email=email, address=address)
    user = authenticate(pool, email=email, password=password)
    if user is None:
        raise Unauthorized("wrong email or password", code="invalid_credentials")
    ttl = timedelta(hours=settings.session_ttl_hours)
    with transaction(pool, user_id=user.id) as conn:
        login_failures.clear_email(conn, email=email)
        sessions.forget_expired(conn)  # this user's long-ended sessions (RLS: only theirs)
        session_id = sessions.open_session(
            conn, user_id=user.id, expires_at=datetime.now(UTC) + ttl
        )
    token, expires = issue_session_token(
        user.id, settings.resolved_secret_key(), ttl_s=ttl.total_seconds(), session_id=session_id
    )
    return SignedIn(token, datetime.fromtimestamp(expires, UTC), user)


def sign_out(pool: ConnectionPool, *, user_id: int, session_id: UUID) -> None:
    """End this session: its token is refused from now on."""
    with transaction(pool, user_id=user_id) as conn:
        sessions.revoke(conn, session_id=session_id)


def replace_password(
    pool: ConnectionPool, *, user_id: int, session_id: UUID | None, current: str, new: str
) -> int:
    """Change the password and end every other session of the user (a stolen token dies with
    the old password); how many sessions were ended."""
    if not change_password(pool, user_id=user_id, current=current, new=new):
        raise Unauthorized("the current password is wrong", code="invalid_credentials")
    with transaction(pool, user_id=user_id) as conn:
        ended = sessions.revoke_all(conn, user_id=user_id, keep=session_id)
    log.info("password_changed", extra={"user_id": user_id, "sessions_ended": ended})
    return ended
