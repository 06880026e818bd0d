"""The FastAPI application: routers under /api/v1, JSON errors, OpenAPI at /docs.

Built once per process by `build_app()`; the Serve ingress (serve_apps.ingress) and the tests
attach a pool and settings to `app.state`.
"""

from __future__ import annotations

from fastapi import FastAPI
from psycopg_pool import ConnectionPool

from db.settings import Settings
from serve_apps import __version__
from serve_apps.api import auth, health, vacancies, workspaces
from serve_apps.errors import install_error_handlers

API_PREFIX = "/api/v1"


def build_app() -> FastAPI:
    """The API with every router mounted."""
    app = FastAPI(
        title="Selectio API",
        version=__version__,
        description="AI recruiting engine: workspaces, vacancies, candidates, interviews.",
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(health.router, prefix=API_PREFIX)
    for module in (auth, workspaces, vacancies):
        app.include_router(module.router, prefix=API_PREFIX)
    return app


def attach(app: FastAPI, *, pool: ConnectionPool, settings: Settings) -> FastAPI:
    """Give the app its database pool and settings."""
    app.state.pool = pool
    app.state.settings = settings
    return app
