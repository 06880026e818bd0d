"""A workspace's Telegram account, step by step: each login step (pipelines.telegram.login)
between two short transactions, with the session and the code's hash sealed at rest.

No transaction is open while Telegram answers. What a step needs from the previous one (the
half-made session, the code's hash) is read sealed from `telegram_sessions`, opened with the
installation's key, and written back sealed; a refused step records its reason and leaves the
state as it was, so the recruiter can try again.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from uuid import UUID

from psycopg.errors import UniqueViolation
from psycopg_pool import ConnectionPool

from db import telegram_sessions
from db.errors import Conflict, InvalidValue
from db.pool import transaction
from db.secret_box import SecretBox
from db.settings import Settings
from db.telegram_sessions import TelegramSession, session_purpose
from pipelines.telegram import login
from pipelines.telegram.login import TelegramRefused

log = logging.getLogger(__name__)
_PHONE = re.compile(r"^\+?[0-9]{7,15}$")


class WrongStep(Conflict):
    """A step out of order (a code with no code sent, a password nobody asked for)."""

    code = "telegram_wrong_step"


class AccountInUse(Conflict):
    """The account is connected to another workspace of this installation: two bots on one
    account would both answer every candidate (and one imported session run twice is revoked
    by Telegram)."""

    code = "telegram_account_in_use"


@dataclass(frozen=True)
class SignOutResult:
    account: TelegramSession
    telegram_confirmed: bool  # False: dropped here, Telegram could not be told


def normalise_phone(phone: str) -> str:
    """ "+7 (999) 000-11-22" → "+79990001122"; `InvalidValue` for what is not a number."""
    digits = re.sub(r"[\s()\-.]", "", phone)
    if not _PHONE.match(digits):
        raise InvalidValue("a phone number is 7-15 digits, with the country code (+7...)")
    return digits if digits.startswith("+") else f"+{digits}"


class TelegramAccounts:
    """Signing in, out, and moving sessions, for any workspace (each call names it)."""

    def __init__(self, pool: ConnectionPool, settings: Settings) -> None:
        self.pool, self.settings = pool, settings
        self._box = SecretBox(settings.resolved_secret_key())

    def status(self, workspace_id: UUID) -> TelegramSession | None:
        with transaction(self.pool, workspace_id=workspace_id) as conn:
            return telegram_sessions.get(conn)

    def _seal(self, workspace_id: UUID, value: str) -> bytes:
        return self._box.seal(value, purpose=session_purpose(workspace_id))

    def _open(self, workspace_id: UUID, sealed: bytes | None) -> str:
        if not sealed:
            raise WrongStep("there is no sign-in in progress: start with the phone number")
        return self._box.open(sealed, purpose=session_purpose(workspace_id))

    def _refused(self, workspace_id: UUID, error: TelegramRefused) -> TelegramRefused:
        with transaction(self.pool, workspace_id=workspace_id) as conn:
            if telegram_sessions.get(conn) is not None:
                telegram_sessions.fail_step(conn, error=f"{error.code}: {error.message}")
        log.info("telegram sign-in step refused in %s: %s", workspace_id, error.code)
        return error

    def start(self, workspace_id: UUID, phone: str) -> TelegramSession:
        """Send a login code to `phone`. An account already connected must be signed out
        first (one account per workspace)."""
        phone = normalise_phone(phone)
        current = self.status(workspace_id)
        if current is not None and current.status == "active":
            raise Conflict(
                f"Telegram account {current.display_name or current.phone} is connected: "
                "sign it out first"
            )
        try:
            sent = asyncio.run(login.send_code(self.settings, phone))
        except TelegramRefused as e:
            raise self._refused(workspace_id, e) from e
        with transaction(self.pool, workspace_id=workspace_id) as conn:
            telegram_sessions.code_sent(
                conn, workspace_id=workspace_id, phone=phone,
                session_sealed=self._seal(workspace_id, sent.session),
                phone_code_hash_sealed=self._seal(workspace_id, sent.phone_code_hash),
            )  # fmt: skip
            return telegram_sessions.require(conn)

    def submit_code(self, workspace_id: UUID, code: str) -> TelegramSession:
        """The code from the phone: connected, or a password is needed next."""
        current = self.status(workspace_id)
        if current is None or current.status != "code_sent":
            raise WrongStep("no login code was sent: start with the phone number")
        session = self._open(workspace_id, current.session_sealed)
        code_hash = self._open(workspace_id, current.phone_code_hash_sealed)
        try:
            outcome = asyncio.run(
                login.submit_code(self.settings, session, current.phone, code_hash, code)
            )
        except TelegramRefused as e:
            raise self._refused(workspace_id, e) from e
        if isinstance(outcome, login.PasswordNeeded):
            with transaction(self.pool, workspace_id=workspace_id) as conn:
                telegram_sessions.password_needed(
                    conn, session_sealed=self._seal(workspace_id, outcome.session)
                )
                return telegram_sessions.require(conn)
        return self._activate(workspace_id, outcome)

    def submit_password(self, workspace_id: UUID, password: str) -> TelegramSession:
        """The two-step verification password: connected."""
        current = self.status(workspace_id)
        if current is None or current.status != "password_needed":
            raise WrongStep("no password was asked for: start with the phone number")
        session = self._open(workspace_id, current.session_sealed)
        try:
            outcome = asyncio.run(login.submit_password(self.settings, session, password))
        except TelegramRefused as e:
            raise self._refused(workspace_id, e) from e
        return self._activate(workspace_id, outcome)

    def _activate(self, workspace_id: UUID, outcome: login.SignedIn) -> TelegramSession:
        """Signed in: keep the session, unless the account runs in another workspace here; then
        the new session is ended at Telegram (it would be a second bot on the account)."""
        try:
            with transaction(self.pool, workspace_id=workspace_id) as conn:
                telegram_sessions.activate(
                    conn, session_sealed=self._seal(workspace_id, outcome.session),
                    account_id=outcome.account.account_id, username=outcome.account.username,
                    display_name=outcome.account.display_name,
                )  # fmt: skip
                row = telegram_sessions.require(conn)
        except UniqueViolation as e:
            try:
                asyncio.run(login.sign_out(self.settings, outcome.session))
            except TelegramRefused:
                log.warning("could not end a duplicate Telegram session for %s", workspace_id)
            raise self._in_use(workspace_id) from e
        log.info("telegram account %s connected in %s", outcome.account.account_id, workspace_id)
        return row

    def _in_use(self, workspace_id: UUID) -> AccountInUse:
        message = ("this Telegram account is connected to another workspace here: sign it out "
                   "there first")  # fmt: skip
        with transaction(self.pool, workspace_id=workspace_id) as conn:
            if telegram_sessions.get(conn) is not None:
                telegram_sessions.fail_step(conn, error=f"{AccountInUse.code}: {message}")
        return AccountInUse(message)

    def sign_out(self, workspace_id: UUID) -> SignOutResult:
        """End the session at Telegram and drop it here; if Telegram cannot be told, it is
        still dropped here (the page says to end it from the phone's device list)."""
        current = self.status(workspace_id)
        if current is None or current.status in ("signed_out", "revoked"):
            raise WrongStep("no Telegram account is connected")
        confirmed = True
        if current.session_sealed:
            try:
                asyncio.run(
                    login.sign_out(self.settings, self._open(workspace_id, current.session_sealed))
                )
            except TelegramRefused as e:
                confirmed = e.code == "session_invalid"  # already ended at Telegram
        with transaction(self.pool, workspace_id=workspace_id) as conn:
            telegram_sessions.end(conn, status="signed_out")
            return SignOutResult(telegram_sessions.require(conn), confirmed)

    def export_session(self, workspace_id: UUID) -> str:
        """The connected account's session, to move it to another installation. Whoever holds
        it is signed in as the account: the caller audits and shows it once."""
        current = self.status(workspace_id)
        if current is None or current.status != "active":
            raise WrongStep("no Telegram account is connected")
        return self._open(workspace_id, current.session_sealed)

    def import_session(self, workspace_id: UUID, session: str) -> TelegramSession:
        """Connect an account with a session exported elsewhere, after Telegram confirms it."""
        current = self.status(workspace_id)
        if current is not None and current.status == "active":
            raise Conflict("a Telegram account is connected: sign it out first")
        session = session.strip()
        if not re.fullmatch(r"1[A-Za-z0-9_\-=]{100,1000}", session):
            raise InvalidValue("this is not a Telethon session string (it starts with 1)")
        try:
            account = asyncio.run(login.who(self.settings, session))
        except TelegramRefused as e:
            raise self._refused(workspace_id, e) from e
        try:
            with transaction(self.pool, workspace_id=workspace_id) as conn:
                telegram_sessions.imported(
                    conn, workspace_id=workspace_id,
                    phone=normalise_phone(account.phone or "0000000"),
                    session_sealed=self._seal(workspace_id, session),
                    account_id=account.account_id, username=account.username,
                    display_name=account.display_name,
                )  # fmt: skip
                return telegram_sessions.require(conn)
        except UniqueViolation as e:  # the session stays as it is where it runs
            raise self._in_use(workspace_id) from e
