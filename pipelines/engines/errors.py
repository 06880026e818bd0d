"""Engine errors: one exception with a stable `code` and a `retryable` flag.

Callers fall back to the offline engine on any `EngineError`; `retryable` tells a scheduler
whether trying the same call later can help (timeouts, rate limits, 5xx) or not (bad key,
bad request).
"""

from __future__ import annotations


class EngineError(Exception):
    """A cloud or local AI engine failed; `code` is stable and safe to show."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "engine_error",
        retryable: bool = False,
        engine: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.retryable = retryable
        self.engine = engine

    def __repr__(self) -> str:
        return (
            f"EngineError({self.message!r}, code={self.code!r}, "
            f"retryable={self.retryable}, engine={self.engine!r})"
        )


def from_openai_error(exc: Exception, *, engine: str) -> EngineError:
    """Map an `openai` SDK exception to an `EngineError` (never includes the API key)."""
    import openai  # lazily: the offline engines must import without the SDK's cost

    if isinstance(exc, openai.APITimeoutError):
        return EngineError(
            "the OpenAI API timed out", code="timeout", retryable=True, engine=engine
        )
    if isinstance(exc, openai.APIConnectionError):
        return EngineError(
            "the OpenAI API cannot be reached", code="unavailable", retryable=True, engine=engine
        )
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        if status in (401, 403):
            code, retryable = "unauthorized", False
        elif status == 429:
            code, retryable = "rate_limited", True
        elif status == 408 or status >= 500:
            code, retryable = "server_error", True
        else:
            code, retryable = "bad_request", False
        return EngineError(
            f"the OpenAI API answered HTTP {status}", code=code, retryable=retryable, engine=engine
        )
    return EngineError(
        f"OpenAI call failed: {type(exc).__name__}", code="engine_error", engine=engine
    )
