"""API errors: every failure the API returns is JSON `{"error": {"code", "message"}}` with a
stable code; storage errors are mapped here so routers can simply let them rise."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from db import errors as db_errors

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error with an HTTP status and a stable code."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"


class Forbidden(ApiError):
    status = 403
    code = "forbidden"


class NotFoundError(ApiError):
    status = 404
    code = "not_found"


class ConflictError(ApiError):
    status = 409
    code = "conflict"


class ServiceUnavailable(ApiError):
    status = 503
    code = "service_unavailable"


_DB_STATUS: dict[type[db_errors.DatabaseError], int] = {
    db_errors.NotFound: 404,
    db_errors.Conflict: 409,
    db_errors.DatabaseUnavailable: 503,
}


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    """The JSON shape of every error response."""
    return {"error": {"code": code, "message": message}}


def install_error_handlers(app: FastAPI) -> None:
    """Map domain and validation errors to JSON; never leak a traceback."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(error_body(exc.code, exc.message), exc.status, headers=headers)

    @app.exception_handler(db_errors.DatabaseError)
    async def _db_error(_: Request, exc: db_errors.DatabaseError) -> JSONResponse:
        status = next((s for t, s in _DB_STATUS.items() if isinstance(exc, t)), 400)
        return JSONResponse(error_body(exc.code, exc.message), status)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'] if p != 'body')}: {err['msg']}"
            for err in exc.errors()
        )
        return JSONResponse(error_body("invalid_request", problems), 422)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("internal_error", "internal error"), 500)
