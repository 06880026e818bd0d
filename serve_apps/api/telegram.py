"""The workspace's Telegram account: its state, signing it in (phone → code → password), out,
and moving its session between installations (pipelines/telegram/accounts.py).

Owners connect and disconnect; every member sees which account is connected. Telegram's
refusals are answered with their own codes: 400 `code_invalid`, `code_expired`,
`password_invalid`, `phone_invalid`, `phone_banned`, `session_invalid`; 429 `flood_wait` with
`Retry-After`; 409 `telegram_not_configured`; 503 `telegram_unreachable`. Exporting a session
(whoever holds it is signed in as the account) is audited, as is every change.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from db import audit, telegram_sessions, vacancies, workspaces
from db.pool import transaction
from db.telegram_sessions import TelegramSession
from pipelines.telegram.accounts import TelegramAccounts
from pipelines.telegram.client import TelegramNotConfigured
from pipelines.telegram.login import TelegramRefused
from pipelines.telegram.welcome import welcome_applicants, welcome_progress
from serve_apps.deps import WORKSPACE_ERRORS, AppSettings, CurrentWorkspace, Pool
from serve_apps.errors import BODY_ERRORS, RETRY_AFTER, ApiError, error_doc

router = APIRouter(prefix="/telegram", tags=["telegram"], responses=WORKSPACE_ERRORS)
_STEP_ERRORS = {
    **BODY_ERRORS,
    400: error_doc("Telegram refused the step (`code_invalid`, `code_expired`, "
                   "`password_invalid`, `phone_invalid`, `phone_banned`, `session_invalid`)"),
    403: error_doc("owners only (`role_too_low`)"),
    409: error_doc("a step out of order (`telegram_wrong_step`), the account connected to "
                   "another workspace (`telegram_account_in_use`), an account already "
                   "connected (`conflict`), or Telegram not set up on this installation "
                   "(`telegram_not_configured`)"),
    429: {**error_doc("Telegram asks to wait (`flood_wait`)"), "headers": RETRY_AFTER},
    503: error_doc("Telegram cannot be reached from the server (`telegram_unreachable`)"),
}  # fmt: skip


class AccountOut(BaseModel):
    configured: bool = Field(description="the installation has TELEGRAM_API_ID / _HASH")
    connected: bool
    status: str | None = Field(
        description="code_sent, password_needed, active, revoked or signed_out; null: never"
    )
    phone: str | None
    account_id: int | None
    username: str | None
    display_name: str | None
    connected_at: datetime | None
    last_error: str | None
    bot_running: bool = Field(description="a WorkspaceBot holds the session right now")
    disclose_ai: bool = Field(
        default=False, description="the chat interviewer says she is a virtual interviewer"
    )
    outreach_paused_until: datetime | None = Field(
        default=None, description="first messages to new candidates wait until then "
        "(Telegram said PEER_FLOOD); replies go on",
    )  # fmt: skip


class PhoneIn(BaseModel):
    phone: str = Field(min_length=7, max_length=32, examples=["+79991234567"])


class CodeIn(BaseModel):
    code: str = Field(min_length=3, max_length=12, pattern=r"^\s*[0-9]+\s*$")


class PasswordIn(BaseModel):
    password: str = Field(min_length=1, max_length=256)


class SessionIn(BaseModel):
    session: str = Field(min_length=10, max_length=2000)


class SessionOut(BaseModel):
    session: str = Field(description="a Telethon StringSession: whoever holds it is signed in")


class SignedOut(AccountOut):
    telegram_confirmed: bool = Field(
        description="false: dropped here but Telegram could not be told; end the session "
        "from the phone (Settings → Devices)"
    )


def _out(row: TelegramSession | None, settings: AppSettings) -> AccountOut:
    configured = settings.telegram_api_id is not None and settings.telegram_api_hash is not None
    if row is None:
        return AccountOut(
            configured=configured, connected=False, status=None, phone=None, account_id=None,
            username=None, display_name=None, connected_at=None, last_error=None,
            bot_running=False,
        )  # fmt: skip
    running = row.lease_until is not None and row.lease_until > datetime.now(UTC)
    return AccountOut(
        configured=configured, connected=row.status == "active", status=row.status, phone=row.phone,
        account_id=row.account_id, username=row.username, display_name=row.display_name,
        connected_at=row.connected_at, last_error=row.last_error, bot_running=running,
        outreach_paused_until=(row.outreach_paused_until if row.outreach_paused_until
                               and row.outreach_paused_until > datetime.now(UTC) else None),
    )  # fmt: skip


_STATUS = {"flood_wait": 429, "telegram_unreachable": 503}


def _call(step):  # type: ignore[no-untyped-def]
    """Run a step; Telegram's refusals become API errors with their own codes."""
    try:
        return step()
    except TelegramRefused as e:
        error = ApiError(e.message, code=e.code)
        error.status = _STATUS.get(e.code, 400)
        if e.retry_after_s is not None:
            error.headers = {"Retry-After": str(e.retry_after_s)}
        raise error from e
    except TelegramNotConfigured as e:  # the installation's state refuses it, like a 409
        error = ApiError(str(e), code=e.code)
        error.status = 409
        raise error from e


def _audit(pool: Pool, access: CurrentWorkspace, action: str, **details: object) -> None:
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        audit.record(
            conn, workspace_id=access.workspace_id, action=action,
            actor_user_id=access.principal.user_id, actor_api_key_id=access.principal.api_key_id,
            target_type="telegram", target_id=None, details=details,
        )  # fmt: skip


@router.get("", response_model=AccountOut)
def account(access: CurrentWorkspace, pool: Pool, settings: AppSettings) -> AccountOut:
    """The workspace's Telegram account and where signing it in stands."""
    out = _out(TelegramAccounts(pool, settings).status(access.workspace_id), settings)
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        out.disclose_ai = workspaces.get_telegram_disclosure(conn, workspace_id=access.workspace_id)
    return out


class ChatSettingsIn(BaseModel):
    disclose_ai: bool = Field(description="say that the interviewer is a virtual interviewer")


@router.put(
    "/settings", response_model=ChatSettingsIn,
    responses={**BODY_ERRORS, 403: error_doc("owners only (`role_too_low`)")},
)  # fmt: skip
def chat_settings(body: ChatSettingsIn, access: CurrentWorkspace, pool: Pool) -> ChatSettingsIn:
    """How the interviewer presents herself in this workspace's chats (owners); audited."""
    access.require("owner")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        workspaces.set_telegram_disclosure(
            conn, workspace_id=access.workspace_id, on=body.disclose_ai
        )
    _audit(pool, access, "telegram.settings", disclose_ai=body.disclose_ai)
    return body


@router.post("/login", response_model=AccountOut, responses=_STEP_ERRORS)
def start_login(
    body: PhoneIn, access: CurrentWorkspace, pool: Pool, settings: AppSettings
) -> AccountOut:
    """Send a login code to the account's phone (its Telegram apps, or SMS)."""
    access.require("owner")
    row = _call(lambda: TelegramAccounts(pool, settings).start(access.workspace_id, body.phone))
    _audit(pool, access, "telegram.code_sent")
    return _out(row, settings)


@router.post("/login/code", response_model=AccountOut, responses=_STEP_ERRORS)
def submit_code(
    body: CodeIn, access: CurrentWorkspace, pool: Pool, settings: AppSettings
) -> AccountOut:
    """The login code: connected, or `password_needed` for a two-step password next."""
    access.require("owner")
    row = _call(
        lambda: TelegramAccounts(pool, settings).submit_code(access.workspace_id, body.code)
    )
    if row.status == "active":
        _audit(pool, access, "telegram.connected", account_id=row.account_id)
    return _out(row, settings)


@router.post("/login/password", response_model=AccountOut, responses=_STEP_ERRORS)
def submit_password(
    body: PasswordIn, access: CurrentWorkspace, pool: Pool, settings: AppSettings
) -> AccountOut:
    """The two-step verification password (never stored): connected."""
    access.require("owner")
    row = _call(
        lambda: TelegramAccounts(pool, settings).submit_password(access.workspace_id, body.password)
    )
    _audit(pool, access, "telegram.connected", account_id=row.account_id)
    return _out(row, settings)


@router.post("/logout", response_model=SignedOut, responses=_STEP_ERRORS)
def sign_out(access: CurrentWorkspace, pool: Pool, settings: AppSettings) -> SignedOut:
    """End the session at Telegram and forget it here."""
    access.require("owner")
    result = _call(lambda: TelegramAccounts(pool, settings).sign_out(access.workspace_id))
    _audit(pool, access, "telegram.signed_out", confirmed=result.telegram_confirmed)
    return SignedOut(
        **_out(result.account, settings).model_dump(), telegram_confirmed=result.telegram_confirmed
    )


class WelcomeIn(BaseModel):
    vacancy_id: int


class WelcomeOut(BaseModel):
    queued: int = Field(description="new welcome messages queued")
    already: int = Field(description="applicants welcomed before (not again)")
    no_telegram: int = Field(description="applicants with no Telegram chat, username or phone")
    by_phone: int = Field(description="of the new ones, to a phone number (looked up when sent)")
    not_before: datetime | None = Field(
        description="quiet hours where candidates live: the latest morning one waits for"
    )


class WelcomeProgressOut(BaseModel):
    total: int = Field(description="welcomes queued for the vacancy, ever")
    pending: int = Field(description="waiting (night, daily cap, a retry) or being sent")
    sent: int
    failed: int
    cancelled: int
    next_at: datetime | None = Field(description="when the next waiting one is due")
    errors: list[str] = Field(description="the most frequent reasons of failed ones")


@router.post(
    "/welcome",
    response_model=WelcomeOut,
    responses={
        **BODY_ERRORS,
        403: error_doc("needs the recruiter role (`role_too_low`)"),
        404: error_doc("no such vacancy (`not_found`)"),
        409: error_doc("no Telegram account with a username is connected "
                       "(`telegram_not_connected`)"),
    },
)  # fmt: skip
def welcome(
    body: WelcomeIn, access: CurrentWorkspace, pool: Pool, settings: AppSettings
) -> WelcomeOut:
    """Welcome the vacancy's applicants in Telegram (in their chat, else by username, else by
    phone): a personal message with the link that starts their chat interview, once per
    application, held back during the night where each candidate lives; first messages count
    against the daily cap. Audited."""
    access.require("recruiter")
    result = welcome_applicants(
        pool, settings, workspace_id=access.workspace_id, vacancy_id=body.vacancy_id
    )
    _audit(pool, access, "telegram.welcome", vacancy_id=body.vacancy_id, queued=result.queued)
    return WelcomeOut(**vars(result))


@router.get(
    "/welcome/{vacancy_id}", response_model=WelcomeProgressOut,
    responses={404: error_doc("no such vacancy (`not_found`)")},
)  # fmt: skip
def welcome_status(vacancy_id: int, access: CurrentWorkspace, pool: Pool) -> WelcomeProgressOut:
    """How the vacancy's Telegram welcomes are going: waiting, sent, failed (with why)."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        vacancies.get_vacancy(conn, vacancy_id=vacancy_id)
        return WelcomeProgressOut(**vars(welcome_progress(conn, vacancy_id=vacancy_id)))


@router.delete(
    "/outreach/pause", response_model=AccountOut,
    responses={403: error_doc("owners only (`role_too_low`)"),
               404: error_doc("no Telegram account (`not_found`)")},
)  # fmt: skip
def resume_outreach(access: CurrentWorkspace, pool: Pool, settings: AppSettings) -> AccountOut:
    """Let first messages go again before the PEER_FLOOD pause ends (the owner decides the
    warning has passed). Audited."""
    access.require("owner")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        telegram_sessions.resume_outreach(conn)
        row = telegram_sessions.require(conn)
    _audit(pool, access, "telegram.outreach_resumed")
    return _out(row, settings)


@router.post("/session/export", response_model=SessionOut, responses=_STEP_ERRORS)
def export_session(access: CurrentWorkspace, pool: Pool, settings: AppSettings) -> SessionOut:
    """The connected account's session string, to move it elsewhere (shown once, audited)."""
    access.require("owner")
    session = _call(lambda: TelegramAccounts(pool, settings).export_session(access.workspace_id))
    _audit(pool, access, "telegram.session_exported")
    return SessionOut(session=session)


@router.post("/session/import", response_model=AccountOut, responses=_STEP_ERRORS)
def import_session(
    body: SessionIn, access: CurrentWorkspace, pool: Pool, settings: AppSettings
) -> AccountOut:
    """Connect an account with a session exported from another installation (Telegram is
    asked who it belongs to first)."""
    access.require("owner")
    row = _call(
        lambda: TelegramAccounts(pool, settings).import_session(access.workspace_id, body.session)
    )
    _audit(pool, access, "telegram.session_imported", account_id=row.account_id)
    return _out(row, settings)
