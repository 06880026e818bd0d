"""Which POSTs take `Idempotency-Key` (serve_apps.idempotency), and the OpenAPI document
saying so: a header parameter on each, its answers (400, 409, 422) and the response headers.

Every POST of the API is in `COVERED` or in `LEFT_OUT` with the reason a key would add
nothing there (tests/serve_apps/test_idempotency.py checks that no POST is in neither).
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from fastapi import FastAPI

from serve_apps.errors import RETRY_AFTER

MAX_KEY = 255

# The POSTs that create something, or start work, that a blind retry would do twice.
COVERED: tuple[str, ...] = (
    "/api/v1/workspaces/{workspace_id}/vacancies",
    "/api/v1/vacancies",
    "/api/v1/vacancies/parse",
    "/api/v1/resumes",
    "/api/v1/candidates/{candidate_id}/notes",
    "/api/v1/interviews",
    "/api/v1/interviews/{interview_id}/link",
    "/api/v1/analysis/interview-report/{interview_id}",
    "/api/v1/workspaces/{workspace_id}/invitations",
    "/api/v1/workspaces/{workspace_id}/members",
    "/api/v1/workspaces/{workspace_id}/api-keys",
    "/api/v1/webhooks",
    "/api/v1/webhooks/{endpoint_id}/rotate-secret",
    "/api/v1/webhooks/{endpoint_id}/ping",
    "/api/v1/webhooks/deliveries/{delivery_id}/resend",
    "/api/v1/inbound-hooks",
    "/api/v1/jobs/{kind}/run",
    "/api/v1/integrations/hh/sync",
    "/api/v1/integrations/hh-browser/sync",
    "/api/v1/integrations/boards/searches",
    "/api/v1/integrations/boards/searches/{search_id}/run",
    "/api/v1/leads/setup/variants",
    "/api/v1/leads/process",
    "/api/v1/leads/{lead_id}/notes",
    "/api/v1/leads/{lead_id}/replies",
)
_NO_PRINCIPAL = "no principal to scope a key by"
_STATE_CHANGE = "a state change: its repeat is refused (409) or changes nothing"
_TELEGRAM_STEP = "a step of signing the Telegram account in or out, answered by Telegram"
_RECOMPUTES = "computes again; the last result stands"
# The other POSTs, and why a key would add nothing there.
LEFT_OUT: dict[str, str] = {
    "/api/v1/auth/login": _NO_PRINCIPAL,
    "/api/v1/auth/logout": _STATE_CHANGE,
    "/api/v1/me/password": _STATE_CHANGE,
    "/api/v1/workspaces": "a user's own, in no workspace yet: keys are workspace rows",
    "/api/v1/vacancies/preview": "stores nothing",
    "/api/v1/vacancies/preview-file": "stores nothing",
    "/api/v1/applications/{application_id}/screen": _RECOMPUTES,
    "/api/v1/vacancies/{vacancy_id}/rescreen": _RECOMPUTES,
    "/api/v1/interviews/{interview_id}/end": _STATE_CHANGE,
    "/api/v1/interview-links/{token}/offer": "the candidate page's WebRTC offer: " + _NO_PRINCIPAL,
    "/api/v1/analysis/generate-pdf/{interview_id}": "renders the report's PDF: stores nothing",
    "/api/v1/me/invitations/{invitation_id}/accept": _STATE_CHANGE,
    "/api/v1/me/invitations/{invitation_id}/decline": _STATE_CHANGE,
    "/api/v1/outbox/{item_id}/retry": _STATE_CHANGE,
    "/api/v1/notifications/{notification_id}/read": _STATE_CHANGE,
    "/api/v1/notifications/read-all": _STATE_CHANGE,
    "/api/v1/telegram/login": _TELEGRAM_STEP,
    "/api/v1/telegram/login/code": _TELEGRAM_STEP,
    "/api/v1/telegram/login/password": _TELEGRAM_STEP,
    "/api/v1/telegram/logout": _TELEGRAM_STEP,
    "/api/v1/telegram/session/export": _TELEGRAM_STEP,
    "/api/v1/telegram/session/import": _TELEGRAM_STEP,
    "/api/v1/telegram/welcome": "once per application by its outbox key",
    "/api/v1/telegram/chats/{chat_id}/messages": "its own Idempotency-Key keys the outbox item",
    "/api/v1/hooks/{public_id}": "another system's signed event: " + _NO_PRINCIPAL,
    "/api/v1/hooks/calendly/{workspace_id}": "Calendly's signed event: " + _NO_PRINCIPAL,
    "/api/v1/integrations/hh/connect": "answers an authorisation URL: stores nothing",
    "/api/v1/leads/{lead_id}/response": "drafts again, replacing the draft",
    "/api/v1/leads/{lead_id}/response/approve": _STATE_CHANGE,
    "/api/v1/leads/{lead_id}/response/send": "once per response by its outbox key",
}

_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Makes a retry safe: the same key with the same request within 24 hours replays the "
        "first response (with `Idempotent-Replayed: true`) instead of running again. Unique "
        "per request, e.g. a UUID; keys belong to the workspace and the caller."
    ),
    "schema": {
        "type": "string", "minLength": 1, "maxLength": MAX_KEY,
        "pattern": r"^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$",
    },
}  # fmt: skip
_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
_ANSWERS = {
    "400": "`idempotency_key_invalid`: an `Idempotency-Key` that is empty, over "
    f"{MAX_KEY} characters or not printable ASCII",
    "409": "`idempotency_key_in_progress`: a request with this `Idempotency-Key` is still "
    "running; retry after `Retry-After` seconds",
    "422": "`idempotency_key_reused`: this `Idempotency-Key` was sent with a different request",
}
_SUCCESS_HEADERS = {
    "Idempotency-Key": {
        "description": "the request's `Idempotency-Key`, when it sent one",
        "schema": {"type": "string"},
    },
    "Idempotent-Replayed": {
        "description": "`true` on a response replayed for a repeated `Idempotency-Key`",
        "schema": {"type": "string", "enum": ["true"]},
    },
}


def _document_operation(operation: dict[str, Any]) -> None:
    operation.setdefault("parameters", []).append(deepcopy(_PARAMETER))
    responses = operation["responses"]
    for status, meaning in _ANSWERS.items():
        answer = deepcopy(responses.get(status, {"description": "", "content": _ERROR}))
        answer["description"] = "; ".join(filter(None, [answer["description"], meaning]))
        if status == "409":
            answer["headers"] = {**answer.get("headers", {}), **deepcopy(RETRY_AFTER)}
        responses[status] = answer
    for status, response in responses.items():
        if status.startswith("2"):
            response["headers"] = {**response.get("headers", {}), **deepcopy(_SUCCESS_HEADERS)}


def document(app: FastAPI) -> None:
    """Add the header and its answers to the covered operations of the app's OpenAPI
    document, once, when it is first built."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for path in COVERED:
                operation = schema["paths"].get(path, {}).get("post")
                if operation is not None:
                    _document_operation(operation)
        return build()

    app.openapi = openapi  # type: ignore[method-assign]
