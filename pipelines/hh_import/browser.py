"""HH by browser: a workspace without HH's paid API access imports its responses through the
recruiter's logged-in HH session, read by headless Chromium at a person's pace.

Hard state (Postgres): the workspace's `integrations` row of kind 'hh_browser': the cookies
JSON sealed (SecretBox, purpose `integration:hh_browser:<workspace>`), HH's site (`base_url`),
the HH vacancy ids watched (`vacancy_ids`; none: the active vacancies the HH API imported)
and the daily page budget (`daily_pages`); the pages used per day (`scraper_page_budgets`);
each run (`import_runs`, source 'hh', kind 'responses', counts with `"via": "browser"`).

A response is stored as the API stores it (pipelines/hh_import/sync.py), under the same keys:
the resume by HH's resume id, the application and its `hh_negotiations` row by the negotiation
id, all source 'hh', so a response read here and later by the API (or the other way round) is
one application. A response already imported is not opened again (its page would spend the
budget for nothing); a new one is screened. A dead login stops the run: the connection wants
new cookies (`reconnect_needed`) and owners are told; a used-up budget stops it until tomorrow.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import psycopg
from psycopg_pool import ConnectionPool

from db import audit, import_runs, integrations, notifications, page_budgets, vacancies
from db.errors import Conflict, InvalidValue
from db.pool import transaction
from db.secret_box import SecretBox
from db.settings import Settings
from pipelines.engine_set import Engines
from pipelines.hh_import.browser_read import PreparedSync, account_of, read_responses
from pipelines.hh_import.page_budget import DbPageBudget
from pipelines.hh_import.sync import SOURCE, SyncCounts
from scraper.browser.errors import LoginExpired, PageBudgetExhausted, ScraperError
from scraper.browser.hh_pages import load_cookies
from scraper.browser.human import Pacing

log = logging.getLogger(__name__)
KIND = "hh_browser"
DEFAULT_DAILY_PAGES = 300
MAX_DAILY_PAGES = 2000
MAX_WATCHED = 200
RUNNABLE = ("connected", "error")  # error: the last run failed for a reason that may pass
# A browser run reads at a person's pace for hours; younger 'running' rows are alive.


class BrowserNotConnected(Conflict):
    """No live HH session is stored for the workspace."""

    code = "hh_browser_not_connected"


@dataclass(frozen=True)
class BrowserState:
    """What the Integrations page shows about the workspace's HH session."""

    status: str
    base_url: str
    vacancy_ids: list[str]
    watching_imported: bool  # the ids are the HH API's imported vacancies, not a chosen list
    daily_pages: int
    pages_today: int
    cookies_saved_at: str | None
    last_error: str | None
    last_sync: dict[str, Any] | None


def _purpose(workspace_id: UUID) -> str:
    return integrations.secret_purpose(workspace_id, KIND)


# ---- the stored session --------------------------------------------------------------------


def save_cookies(
    pool: ConnectionPool,
    settings: Settings,
    workspace_id: UUID,
    cookies_json: str,
    user_id: int | None,
    *,
    api_key_id: int | None = None,
) -> integrations.Integration:
    """Keep the cookies exported from a browser signed in to HH, sealed; the session is
    usable at once. `ScraperError("hh_cookies_invalid")` for anything but live HH cookies."""
    cookies = load_cookies(cookies_json)
    host = (urlsplit(settings.hh_site_url).hostname or "").lower()
    if not any(_for_host(c, host) for c in cookies):
        raise ScraperError(
            "hh_cookies_invalid",
            f"none of these cookies is a live one of {host}: sign in at HH in your browser and "
            "export its cookies again",
        )
    box = SecretBox(settings.resolved_secret_key())
    sealed = box.seal(json.dumps(cookies, ensure_ascii=False), purpose=_purpose(workspace_id))
    with transaction(pool, workspace_id=workspace_id) as conn:
        row = integrations.connect(
            conn, workspace_id=workspace_id, kind=KIND, sealed=sealed,
            settings={"base_url": settings.hh_site_url,
                      "cookies_saved_at": datetime.now(UTC).isoformat(), "saved_by": user_id},
        )  # fmt: skip
        audit.record(
            conn, workspace_id=workspace_id, action="hh_browser.cookies_saved",
            actor_user_id=user_id, actor_api_key_id=api_key_id, target_type="integration",
            target_id=row.id, details={"cookies": len(cookies), "site": host},
        )  # fmt: skip
    log.info("workspace %s saved an HH browser session (%d cookies)", workspace_id, len(cookies))
    return row


def _for_host(cookie: dict[str, Any], host: str) -> bool:
    domain = str(cookie.get("domain") or urlsplit(str(cookie.get("url") or "")).hostname or "")
    domain = domain.lstrip(".").lower()
    return bool(domain) and (host == domain or host.endswith("." + domain))


def forget(
    pool: ConnectionPool, workspace_id: UUID, user_id: int | None, *, api_key_id: int | None = None
) -> bool:
    """Drop the stored cookies (the watched vacancies and budget stay); False when none."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        row = integrations.get(conn, kind=KIND, lock=True)
        if row is None:
            return False
        integrations.disconnect(conn, kind=KIND)
        audit.record(
            conn, workspace_id=workspace_id, action="hh_browser.forgotten",
            actor_user_id=user_id, actor_api_key_id=api_key_id, target_type="integration",
            target_id=row.id,
        )  # fmt: skip
    return True


def configure(
    pool: ConnectionPool,
    workspace_id: UUID,
    *,
    vacancy_ids: list[str] | None,
    daily_pages: int,
) -> None:
    """The HH vacancy ids to watch (None or empty: the HH API's imported vacancies) and the
    daily page budget. The session must be saved first."""
    ids = list(dict.fromkeys(v.strip() for v in vacancy_ids or [] if v.strip()))
    if not all(v.isdigit() and len(v) <= 20 for v in ids) or len(ids) > MAX_WATCHED:
        raise InvalidValue(f"HH vacancy ids are numbers (at most {MAX_WATCHED} of them)")
    if not 1 <= daily_pages <= MAX_DAILY_PAGES:
        raise InvalidValue(f"the daily page budget is 1 to {MAX_DAILY_PAGES} pages")
    with transaction(pool, workspace_id=workspace_id) as conn:
        values = {"vacancy_ids": ids or None, "daily_pages": daily_pages}
        integrations.merge_settings(conn, kind=KIND, values=values)


def state(conn: psycopg.Connection, *, workspace_id: UUID) -> BrowserState | None:
    """The session's state and what it watches; None when never saved."""
    row = integrations.get(conn, kind=KIND)
    if row is None:
        return None
    given = row.settings
    chosen = given.get("vacancy_ids") or []
    watched = chosen or [hh_id for _, hh_id in vacancies.external_ids(conn, source=SOURCE,
                                                                      status="active")]  # fmt: skip
    today = datetime.now(UTC).date()  # the budget's day (Pacing's clock)
    return BrowserState(
        status=row.status, base_url=str(given.get("base_url") or ""), vacancy_ids=watched,
        watching_imported=not chosen,
        daily_pages=int(given.get("daily_pages") or DEFAULT_DAILY_PAGES),
        pages_today=page_budgets.used(conn, account=account_of(workspace_id), day=today),
        cookies_saved_at=given.get("cookies_saved_at"), last_error=row.last_error,
        last_sync=given.get("last_sync"),
    )  # fmt: skip


# ---- a run ---------------------------------------------------------------------------------


def sync_by_browser(
    pool: ConnectionPool,
    engines: Engines,
    settings: Settings,
    workspace_id: UUID,
    *,
    pacing: Pacing | None = None,
) -> dict[str, Any]:
    """Read the watched vacancies' responses now (blocking, its own event loop: call it from
    a worker thread); the run's counts, with "error" when something stopped it."""
    return run_prepared(pool, engines, prepare_sync(pool, settings, workspace_id), pacing=pacing)


def check_ready(pool: ConnectionPool, workspace_id: UUID) -> None:
    """Refuse a read that could not start (`BrowserNotConnected`, `AlreadyRunning`), before it
    is handed to a worker."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        row = integrations.get(conn, kind=KIND)
        if row is None or row.secrets_encrypted is None or row.status not in RUNNABLE:
            raise BrowserNotConnected(
                "no live HH session is saved for the browser import: paste your HH cookies"
            )
        if import_runs.running(conn, source=SOURCE, kind="responses"):
            raise import_runs.AlreadyRunning("HH responses are being imported already")


def prepare_sync(pool: ConnectionPool, settings: Settings, workspace_id: UUID) -> PreparedSync:
    """Open the session and start the run's row: `BrowserNotConnected`, `AlreadyRunning`
    (another HH responses import runs) or `SealedValueInvalid` refuse it before any page."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        row = integrations.get(conn, kind=KIND)
        if row is None or row.secrets_encrypted is None or row.status not in RUNNABLE:
            raise BrowserNotConnected(
                "HH's login for the browser import has expired: paste fresh cookies"
                if row is not None and row.status == "reconnect_needed"
                else "no HH session is saved for the browser import: paste your HH cookies"
            )
        box = SecretBox(settings.resolved_secret_key())
        cookies_json = box.open(row.secrets_encrypted, purpose=_purpose(workspace_id))
        chosen = row.settings.get("vacancy_ids") or []
        if chosen:
            found = {h: vacancies.find_external(conn, source=SOURCE, external_id=h) for h in chosen}
            targets = tuple((h, v.id if v else None) for h, v in found.items())
        else:
            imported = vacancies.external_ids(conn, source=SOURCE, status="active")
            targets = tuple((h, v) for v, h in imported)
        run_id = import_runs.start(conn, workspace_id=workspace_id, source=SOURCE,
                                   kind="responses")  # fmt: skip
    return PreparedSync(
        workspace_id=workspace_id, run_id=run_id,
        base_url=str(row.settings.get("base_url") or settings.hh_site_url),
        daily_pages=int(row.settings.get("daily_pages") or DEFAULT_DAILY_PAGES),
        targets=targets, sealed=bytes(row.secrets_encrypted), cookies_json=cookies_json,
    )  # fmt: skip


def run_prepared(
    pool: ConnectionPool, engines: Engines, job: PreparedSync, *, pacing: Pacing | None = None
) -> dict[str, Any]:
    """Do a prepared run and record it. `pacing` (production's by default) gets the
    workspace's daily budget, kept in Postgres, whatever budget it had."""
    pacing = replace(pacing or Pacing(), daily_pages=job.daily_pages,
                     budget=DbPageBudget(pool, job.workspace_id))  # fmt: skip
    counts, error = SyncCounts(), None
    try:
        asyncio.run(read_responses(pool, engines, job, pacing, counts))
    except ScraperError as e:
        error = e
    except Exception as e:  # a bug: the run says so, and the caller sees it
        _finish(pool, job, counts, f"unexpected {type(e).__name__}")
        raise
    _finish(pool, job, counts, error.message if error else None)
    _after(pool, job, counts, error)
    result = counts.as_dict()
    if error is not None:
        result["error"] = {"code": error.code, "message": error.message}
    return result


def _finish(pool: ConnectionPool, job: PreparedSync, counts: SyncCounts, error: str | None) -> None:
    with transaction(pool, workspace_id=job.workspace_id) as conn:
        import_runs.finish(conn, run_id=job.run_id, counts={**counts.as_dict(), "via": "browser"},
                           error=error)  # fmt: skip


def _after(
    pool: ConnectionPool, job: PreparedSync, counts: SyncCounts, error: ScraperError | None
) -> None:
    """The session's state after a run; owners told when only a new login helps."""
    at = datetime.now(UTC).isoformat()
    last = {"at": at, **counts.as_dict(), "error": error.code if error else None}
    with transaction(pool, workspace_id=job.workspace_id) as conn:
        row = integrations.require(conn, kind=KIND, lock=True)
        integrations.merge_settings(conn, kind=KIND, values={"last_sync": last})
        if row.status not in RUNNABLE or bytes(row.secrets_encrypted or b"") != job.sealed:
            return  # forgotten, or fresh cookies saved, while the run read
        if isinstance(error, LoginExpired):
            reason = f"the browser import's HH login has expired ({error.message}): paste " \
                "fresh HH cookies"  # fmt: skip
            log.warning("workspace %s: HH browser login expired", job.workspace_id)
            integrations.set_status(conn, kind=KIND, status="reconnect_needed", error=reason)
            notifications.notify(
                conn, workspace_id=job.workspace_id, kind="hh.reconnect_needed",
                dedupe_key=f"hh-browser-reconnect:{row.updated_at.isoformat()}",
                subject={"reason": reason},
            )  # fmt: skip
        elif error is not None and not isinstance(error, PageBudgetExhausted):
            integrations.set_status(conn, kind=KIND, status="error", error=error.message)
        elif row.status == "error":  # whatever failed last time passed
            integrations.set_status(conn, kind=KIND, status="connected")
