"""Liveness and readiness: the API answers and its database pool works."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from serve_apps import __version__
from serve_apps.api.schemas import Health
from serve_apps.deps import Pool

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Health, "description": "the database does not answer"}},
)
def health(pool: Pool) -> JSONResponse:
    """200 when the database answers, 503 otherwise."""
    try:
        with pool.connection(timeout=3) as conn:
            conn.execute("select 1")
        body = Health(status="ok", database="ok", version=__version__)
        return JSONResponse(body.model_dump(), 200)
    except Exception:
        body = Health(status="degraded", database="unavailable", version=__version__)
        return JSONResponse(body.model_dump(), 503)
