"""Errors actors raise to their callers, with stable codes.

They cross process boundaries (Ray pickles them back to the caller), so each defines
`__reduce__`: an exception whose constructor takes extra arguments cannot be rebuilt otherwise.
"""

from __future__ import annotations

from typing import Any


class InterviewUnavailable(Exception):
    """The interview cannot take a connection now; `code` says why, and `retry_after_s` (when
    set) says when the same request may succeed."""

    def __init__(self, code: str, message: str, retry_after_s: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after_s = retry_after_s

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.code, self.message, self.retry_after_s))
