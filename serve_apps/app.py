"""The FastAPI application: routers under /api/v1, JSON errors, OpenAPI at /docs.

Built once per process by `build_app()`; the Serve ingress (serve_apps.ingress) and the tests
attach a pool and settings to `app.state`.
"""

from __future__ import annotations

from fastapi import FastAPI
from psycopg_pool import ConnectionPool

from db.settings import Settings
from pipelines.engine_set import Engines, engines_from_settings
from serve_apps import __version__, idempotency
from serve_apps.api import (
    analysis,
    analytics_extract,
    auth,
    board_searches,
    candidates,
    health,
    inbound_hooks,
    integrations,
    integrations_browser,
    interviews,
    invitations,
    jobs,
    lead_hooks,
    leads,
    leads_sessions,
    leads_setup,
    notifications,
    outbox,
    resumes,
    screening,
    settings_view,
    signalling,
    telegram,
    telegram_chats,
    vacancies,
    webhooks,
    workspaces,
)
from serve_apps.body_limit import BodyLimit
from serve_apps.dispatch import Dispatcher, InlineDispatcher
from serve_apps.docs_pages import install_docs
from serve_apps.errors import install_error_handlers
from serve_apps.load_shed import LoadShed
from serve_apps.request_log import RequestLogScope

API_PREFIX = "/api/v1"


def build_app() -> FastAPI:
    """The API with every router mounted."""
    app = FastAPI(
        title="Selectio API",
        version=__version__,
        description=(
            "AI recruiting engine: workspaces, vacancies, candidates, interviews, reports."
        ),
        docs_url=None,  # served from the installation, not a CDN (docs_pages)
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    install_docs(app, title="Selectio")
    install_error_handlers(app)
    idempotency.install(app)  # before BodyLimit, which then wraps it and bounds what it reads
    app.add_middleware(BodyLimit)
    app.add_middleware(RequestLogScope)  # log lines carry the request's workspace
    app.add_middleware(LoadShed)  # outermost: the excess is refused before any work
    app.include_router(health.router)
    app.include_router(health.router, prefix=API_PREFIX)
    routers = (auth, workspaces, vacancies, resumes, screening, interviews, signalling, analysis)
    for module in routers:
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(invitations.router, prefix=API_PREFIX)
    app.include_router(analytics_extract.router, prefix=API_PREFIX)
    app.include_router(candidates.router, prefix=API_PREFIX)
    app.include_router(settings_view.router, prefix=API_PREFIX)
    app.include_router(jobs.router, prefix=API_PREFIX)
    app.include_router(outbox.router, prefix=API_PREFIX)
    app.include_router(notifications.router, prefix=API_PREFIX)
    app.include_router(telegram.router, prefix=API_PREFIX)
    app.include_router(telegram_chats.router, prefix=API_PREFIX)
    app.include_router(webhooks.router, prefix=API_PREFIX)
    app.include_router(inbound_hooks.router, prefix=API_PREFIX)
    app.include_router(inbound_hooks.public_router, prefix=API_PREFIX)
    app.include_router(integrations.router, prefix=API_PREFIX)
    app.include_router(integrations.public_router, prefix=API_PREFIX)
    app.include_router(integrations.runs_router, prefix=API_PREFIX)
    app.include_router(integrations_browser.router, prefix=API_PREFIX)
    app.include_router(board_searches.router, prefix=API_PREFIX)
    app.include_router(leads_setup.router, prefix=API_PREFIX)  # before /leads/{lead_id}
    app.include_router(leads_sessions.router, prefix=API_PREFIX)
    app.include_router(leads.router, prefix=API_PREFIX)
    app.include_router(lead_hooks.router, prefix=API_PREFIX)
    app.include_router(interviews.page_router)
    return app


def attach(
    app: FastAPI,
    *,
    pool: ConnectionPool,
    settings: Settings,
    engines: Engines | None = None,
    dispatcher: Dispatcher | None = None,
) -> FastAPI:
    """Give the app its pool, settings, engines and the dispatcher of heavy work
    (inline in the calling thread unless one is given, e.g. Ray tasks in the product)."""
    app.state.pool = pool
    app.state.settings = settings
    app.state.engines = engines or engines_from_settings(settings)
    app.state.dispatcher = dispatcher or InlineDispatcher(pool, app.state.engines, settings)
    return app
