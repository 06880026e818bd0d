"""A person's notifications in a workspace: the inbox, its unread count, and the channels they
want per kind of notification (the inbox always; e-mail and Slack by choice).

Signed-in users only: an API key belongs to no person. Texts are made in the language asked
for (the console's), from the notification's kind and subject (db/notification_texts.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from db import notifications, telegram_sessions
from db.notification_texts import render
from db.pool import transaction
from db.secret_box import SecretBox
from serve_apps.deps import WORKSPACE_ERRORS, AppSettings, CurrentWorkspace, Pool
from serve_apps.errors import BODY_ERRORS, Forbidden, error_doc
from serve_apps.outbound_targets import refuse_internal

router = APIRouter(prefix="/notifications", tags=["notifications"], responses=WORKSPACE_ERRORS)
_USER_ONLY = {403: error_doc("API keys have no inbox (`user_required`)")}
Language = Literal["ru", "en"]
Channel = Literal["email", "slack", "telegram"]


class NotificationOut(BaseModel):
    id: int
    kind: str
    title: str
    body: str
    subject: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


class InboxOut(BaseModel):
    unread: int
    items: list[NotificationOut]


class UnreadOut(BaseModel):
    unread: int


class ReadAllOut(BaseModel):
    marked: int


class SettingsOut(BaseModel):
    kinds: list[str] = Field(description="every kind of notification, in display order")
    channels: dict[str, list[Channel]] = Field(description="kind → channels besides the inbox")
    language: Language
    has_slack_webhook: bool
    email_available: bool = Field(description="whether this installation can send e-mail")
    telegram_username: str | None = Field(
        default=None, description="the @username the workspace's Telegram account writes to"
    )
    telegram_available: bool = Field(
        default=False, description="whether the workspace has a connected Telegram account"
    )
    email: str = Field(description="where e-mails go (the account's address)")


class SettingsIn(BaseModel):
    channels: dict[str, list[Channel]] = Field(default_factory=dict)
    language: Language = "en"
    slack_webhook_url: str | None = Field(
        default=None,
        max_length=500,
        pattern=r"^https://",
        description="a Slack incoming-webhook URL; stored encrypted, never shown again",
    )
    clear_slack_webhook: bool = False
    telegram_username: str | None = Field(
        default=None, max_length=33,
        description="your Telegram @username for the `telegram` channel; \"\" removes it, "
        "absent keeps it",
    )  # fmt: skip


def _user_id(access: Any) -> int:
    if access.principal.user is None:
        raise Forbidden("notifications belong to people, not API keys", code="user_required")
    return int(access.principal.user.id)


def _out(n: notifications.Notification, language: Language | None) -> NotificationOut:
    title, body = (n.title, n.body) if language is None else render(n.kind, n.subject, language)
    return NotificationOut(
        id=n.id, kind=n.kind, title=title, body=body, subject=n.subject,
        created_at=n.created_at, read_at=n.read_at,
    )  # fmt: skip


@router.get("", response_model=InboxOut, responses=_USER_ONLY)
def inbox(
    access: CurrentWorkspace,
    pool: Pool,
    unread_only: bool = False,
    language: Language | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> InboxOut:
    """The caller's notifications in the workspace, newest first, with the unread count;
    `language` renders the texts in it (else as they were written for the caller)."""
    user_id = _user_id(access)
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        items = notifications.list_inbox(
            conn, user_id=user_id, unread_only=unread_only, limit=limit, offset=offset
        )
        unread = notifications.unread_count(conn, user_id=user_id)
    return InboxOut(unread=unread, items=[_out(n, language) for n in items])


@router.get("/unread", response_model=UnreadOut, responses=_USER_ONLY)
def unread(access: CurrentWorkspace, pool: Pool) -> UnreadOut:
    """How many of the caller's notifications are unread (the console's sidebar badge)."""
    user_id = _user_id(access)
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        return UnreadOut(unread=notifications.unread_count(conn, user_id=user_id))


@router.post(
    "/{notification_id}/read",
    response_model=NotificationOut,
    responses={**_USER_ONLY, 404: error_doc("not the caller's notification (`not_found`)")},
)
def read_one(notification_id: int, access: CurrentWorkspace, pool: Pool) -> NotificationOut:
    """Mark one notification read (again is harmless)."""
    user_id = _user_id(access)
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        row = notifications.mark_read(conn, user_id=user_id, notification_id=notification_id)
    return _out(row, None)


@router.post("/read-all", response_model=ReadAllOut, responses=_USER_ONLY)
def read_all(access: CurrentWorkspace, pool: Pool) -> ReadAllOut:
    """Mark every notification of the caller in the workspace read."""
    user_id = _user_id(access)
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        return ReadAllOut(marked=notifications.mark_all_read(conn, user_id=user_id))


def _settings_out(
    s: notifications.NotificationSettings, email: str, settings: AppSettings, telegram: bool
) -> SettingsOut:
    return SettingsOut(
        kinds=list(notifications.KINDS), channels=s.channels, language=s.language,  # type: ignore[arg-type]
        has_slack_webhook=s.has_slack_webhook, email=email,
        email_available=bool(settings.smtp_host and settings.smtp_from),
        telegram_username=s.telegram_username, telegram_available=telegram,
    )  # fmt: skip


def _telegram_connected(conn: Any) -> bool:
    session = telegram_sessions.get(conn)
    return session is not None and session.status == "active"


@router.get("/settings", response_model=SettingsOut, responses=_USER_ONLY)
def get_settings(access: CurrentWorkspace, pool: Pool, settings: AppSettings) -> SettingsOut:
    """The caller's channels per kind in this workspace (the inbox alone when never set)."""
    user_id = _user_id(access)
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        current = notifications.get_settings(conn, user_id=user_id)
        telegram = _telegram_connected(conn)
    return _settings_out(current, access.principal.user.email, settings, telegram)


@router.put("/settings", response_model=SettingsOut, responses={**_USER_ONLY, **BODY_ERRORS})
def put_settings(
    body: SettingsIn, access: CurrentWorkspace, pool: Pool, settings: AppSettings
) -> SettingsOut:
    """Replace the caller's channels per kind (and message language); a Slack webhook URL is
    kept encrypted and only replaced when a new one is given or `clear_slack_webhook`."""
    user_id = _user_id(access)
    sealed = None
    if body.slack_webhook_url and not body.clear_slack_webhook:
        refuse_internal(body.slack_webhook_url, settings)
        box = SecretBox(settings.resolved_secret_key())
        sealed = box.seal(
            body.slack_webhook_url,
            purpose=notifications.slack_purpose(access.workspace_id, user_id),
        )
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        saved = notifications.save_settings(
            conn, workspace_id=access.workspace_id, user_id=user_id,
            channels={k: list(v) for k, v in body.channels.items()}, language=body.language,
            slack_webhook_sealed=sealed, clear_slack_webhook=body.clear_slack_webhook,
            telegram_username=body.telegram_username,
        )  # fmt: skip
        telegram = _telegram_connected(conn)
    return _settings_out(saved, access.principal.user.email, settings, telegram)
