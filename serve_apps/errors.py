"""API errors: every failure the API returns is JSON `{"error": {"code", "message"}}` with a
stable code; storage errors are mapped here so routers can simply let them rise."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from db import errors as db_errors
from pipelines.documents.errors import DocumentError

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error with an HTTP status and a stable code."""

    status = 400
    code = "bad_request"

    def __init__(
        self, message: str, *, code: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers
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
    db_errors.UnstorableValue: 422,
    db_errors.Conflict: 409,
    db_errors.DatabaseUnavailable: 503,
}


_HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 413: "request_too_large",
    415: "unsupported_media_type", 429: "too_many_requests",
}  # fmt: skip


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    """The JSON shape of every error response."""
    return {"error": {"code": code, "message": message}}


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable and machine-readable, e.g. `not_found`.")
    message: str = Field(description="For people; its wording may change.")


class ErrorBody(BaseModel):
    """The body of every error response (schema of `error_body`)."""

    error: ErrorDetail


Responses = dict[int | str, dict[str, Any]]

_MEANING = {
    400: "malformed request (`bad_request`: e.g. a body that cannot be parsed) or a request "
         "the current state refuses (its own code)",
    401: "missing, invalid or ended credentials (`unauthorized`, `invalid_token`, "
         "`invalid_api_key`, `session_ended`, `user_disabled`)",
    403: "the credential may not do this (`role_too_low`, `user_required`)",
    404: "no such resource visible to the caller (`not_found`)",
    409: "the resource's state does not allow this (`conflict` or a more precise code)",
    413: "request body over the installation's limit (`request_too_large`)",
    422: "invalid parameters or body (`invalid_request`), a value the database cannot hold "
         "such as a NUL character (`invalid_value`), or a document that cannot be read",
    429: "too many attempts; see `Retry-After`",
    503: "the database is unavailable (`database_unavailable`)",
}  # fmt: skip


def error_doc(description: str) -> dict[str, Any]:
    """One documented error response: the given description, the `ErrorBody` schema."""
    return {"model": ErrorBody, "description": description}


def error_responses(*statuses: int) -> Responses:
    """OpenAPI `responses` for the given error statuses, with their usual meaning; a route
    adds its own (`{409: error_doc("...")}`) where it can say more."""
    return {status: error_doc(_MEANING[status]) for status in statuses}


# The header that comes with a 429, for the response's `headers`.
RETRY_AFTER = {
    "Retry-After": {"description": "seconds to wait before trying again",
                    "schema": {"type": "integer"}}
}  # fmt: skip

# A request body can be malformed (400), too large (413) or invalid (422).
BODY_ERRORS = error_responses(400, 413, 422)


def install_error_handlers(app: FastAPI) -> None:
    """Map domain and validation errors to JSON; never leak a traceback."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
        headers.update(exc.headers or {})
        return JSONResponse(error_body(exc.code, exc.message), exc.status, headers=headers)

    @app.exception_handler(db_errors.DatabaseError)
    async def _db_error(_: Request, exc: db_errors.DatabaseError) -> JSONResponse:
        status = next((s for t, s in _DB_STATUS.items() if isinstance(exc, t)), 400)
        return JSONResponse(error_body(exc.code, exc.message), status)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Raised by the framework itself (unknown path, bad multipart, wrong method).
        code = _HTTP_CODES.get(
            exc.status_code, "bad_request" if exc.status_code < 500 else "internal_error"
        )
        return JSONResponse(
            error_body(code, str(exc.detail)),
            exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(DocumentError)
    async def _document_error(_: Request, exc: DocumentError) -> JSONResponse:
        # A file that cannot be read is the sender's problem, said in the document's words.
        status = 413 if exc.code == "too_large" else 422
        return JSONResponse(error_body(exc.code, exc.reason), status)

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
