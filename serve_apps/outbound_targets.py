"""Addresses workspace owners type in for the server to call (webhook endpoints, Slack hooks),
refused up front when they point at the server's own network (pipelines/outbox/channels/http.py
checks again, resolving names, when each delivery goes out)."""

from __future__ import annotations

from db.settings import Settings
from pipelines.outbox.channels.http import private_target
from serve_apps.errors import ApiError


def refuse_internal(url: str | None, settings: Settings) -> None:
    """400 `webhook_target_private` for a target on the server's own network (unless the
    installation allows it). Only literal addresses and localhost are judged here: a name is
    resolved when each delivery goes out (the answer may change, and no lookup slows a form)."""
    if url is None or settings.webhook_allow_private_targets:
        return
    if why := private_target(url, resolve=False):
        raise ApiError(
            f"{why}: the server will not call its own network (an administrator can allow it "
            "with SELECTIO_WEBHOOK_ALLOW_PRIVATE_TARGETS=true)",
            code="webhook_target_private",
        )
