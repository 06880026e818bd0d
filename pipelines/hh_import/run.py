"""A workspace's HH sync as a recorded run: the kinds asked for (vacancies, then responses),
each an `import_runs` row with its counts, and the connection's state kept true.

What HH needs a person for stops the run and becomes the connection's state, with a
notification: a captcha (`action_needed`, with the captcha page's URL and a `backurl` to the
console), paid access or a used-up quota (`action_needed`), a lost authorization
(`reconnect_needed`). A run while another of its kind runs is refused (`AlreadyRunning`).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import import_runs, integrations, notifications
from db.pool import transaction
from db.settings import Settings
from pipelines.engine_set import Engines
from pipelines.hh_import.heartbeat import Heartbeat
from pipelines.hh_import.sync import SOURCE, Progress, SyncCounts, sync_responses, sync_vacancies
from pipelines.hh_import.welcome import welcome_enabled, welcome_imported
from scraper.hh.client import HHClient
from scraper.hh.errors import (
    HHAuthorizationLost,
    HHCaptchaRequired,
    HHError,
    HHPaidAccessRequired,
    HHQuotaExceeded,
)
from scraper.hh.tokens import KIND, DbTokens, mark_reconnect_needed

log = logging.getLogger(__name__)
KINDS = ("vacancies", "responses")
# States a sync may run in: working, waiting for a person (the run tells whether it passed),
# or failed last time for a reason that may have passed (HH down).
RUNNABLE = ("connected", "action_needed", "error")


def console_backurl(settings: Settings) -> str:
    """Where HH's captcha page sends the person back to."""
    return f"http://{settings.host}:{settings.console_port}/integrations"


def run_sync(
    pool: ConnectionPool,
    engines: Engines,
    settings: Settings,
    *,
    workspace_id: UUID,
    kinds: tuple[str, ...] = KINDS,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Sync the kinds in order; {kind: counts} (with "error" for a kind that stopped).
    `progress` is told (kind, items handled) after each vacancy or response."""
    result: dict[str, Any] = {}
    for kind in kinds:
        with transaction(pool, workspace_id=workspace_id) as conn:
            row = integrations.require(conn, kind=KIND)
            if row.status not in RUNNABLE:
                raise HHAuthorizationLost(
                    "HeadHunter is not connected (or must be connected again): the "
                    "Integrations page"
                )
            run_id = import_runs.start(conn, workspace_id=workspace_id, source=SOURCE, kind=kind)
        counts, error = SyncCounts(), None
        beat = Heartbeat(pool, workspace_id, run_id)

        def told(what: str, handled: int, beat: Heartbeat = beat) -> None:
            beat()
            if progress is not None:
                progress(what, handled)

        try:
            counts = asyncio.run(_one(pool, engines, settings, workspace_id, kind, told))
        except HHError as e:
            error = e
        except Exception as e:  # a bug: the run says so, and the caller sees it
            _finish(pool, workspace_id, run_id, counts, f"unexpected {type(e).__name__}")
            raise
        _finish(pool, workspace_id, run_id, counts, error.message if error else None)
        result[kind] = counts.as_dict()
        if error is not None:
            _stopped(pool, settings, workspace_id, error)
            result[kind]["error"] = {"code": error.code, "message": error.message}
            break
        _synced(pool, workspace_id, kind, counts)
    return result


def _finish(
    pool: ConnectionPool, workspace_id: UUID, run_id: int, counts: SyncCounts, error: str | None
) -> None:
    with transaction(pool, workspace_id=workspace_id) as conn:
        import_runs.finish(conn, run_id=run_id, counts=counts.as_dict(), error=error)


async def _one(
    pool: ConnectionPool,
    engines: Engines,
    settings: Settings,
    workspace_id: UUID,
    kind: str,
    progress: Progress | None,
) -> SyncCounts:
    async with HHClient(settings, DbTokens(pool, settings, workspace_id)) as client:
        if kind == "vacancies":
            return await sync_vacancies(client, pool, engines, workspace_id, progress)
        greet = None
        if welcome_enabled(pool, workspace_id):

            def greet(application_id: int, negotiation_id: str) -> object:
                return welcome_imported(pool, settings, workspace_id=workspace_id,
                                        application_id=application_id,
                                        negotiation_id=negotiation_id)  # fmt: skip

        return await sync_responses(client, pool, engines, workspace_id, progress, greet)


def _synced(pool: ConnectionPool, workspace_id: UUID, kind: str, counts: SyncCounts) -> None:
    with transaction(pool, workspace_id=workspace_id) as conn:
        row = integrations.require(conn, kind=KIND, lock=True)
        integrations.merge_settings(conn, kind=KIND, values={
            f"last_{kind}_sync": {"at": datetime.now(UTC).isoformat(), **counts.as_dict()},
        })  # fmt: skip
        if row.status in ("action_needed", "error"):  # whatever stopped the last run passed
            integrations.set_status(conn, kind=KIND, status="connected")
            integrations.merge_settings(conn, kind=KIND, values={"action_url": None})


def _stopped(pool: ConnectionPool, settings: Settings, workspace_id: UUID, error: HHError) -> None:
    """The run met something only a person can fix: the connection says what, people are told."""
    log.warning("workspace %s: HH sync stopped: %s", workspace_id, error.code)
    if isinstance(error, HHAuthorizationLost):
        mark_reconnect_needed(pool, workspace_id, error)
        return
    if not isinstance(error, HHCaptchaRequired | HHPaidAccessRequired | HHQuotaExceeded):
        with transaction(pool, workspace_id=workspace_id) as conn:  # retried on the next run
            integrations.set_status(conn, kind=KIND, status="error", error=error.message)
        return
    action_url = (error.action_url(console_backurl(settings))
                  if isinstance(error, HHCaptchaRequired) else None)  # fmt: skip
    what, how = _ASK[type(error)]
    with transaction(pool, workspace_id=workspace_id) as conn:
        integrations.require(conn, kind=KIND, lock=True)  # one state change at a time
        integrations.set_status(conn, kind=KIND, status="action_needed", error=error.message)
        integrations.merge_settings(conn, kind=KIND, values={"action_url": action_url,
                                                             "action": error.code})  # fmt: skip
        notifications.notify(
            conn, workspace_id=workspace_id, kind="hh.action_needed",
            dedupe_key=f"hh-action:{error.code}:{datetime.now(UTC).date()}",
            subject={"what": what, "how": how + (f" {action_url}" if action_url else "")},
        )  # fmt: skip


_ASK: dict[type, tuple[str, str]] = {
    HHCaptchaRequired: ("HH asks for a captcha", "Open the link, pass the captcha, and the next "
                        "sync goes on:"),
    HHPaidAccessRequired: ("HH's paid API access is needed", "Buy API access at HH, or import "
                           "responses through the browser (Integrations page)."),
    HHQuotaExceeded: ("HH resume views are used up", "The import goes on when the quota is "
                      "renewed, or raise the manager's quota at HH."),
}  # fmt: skip
